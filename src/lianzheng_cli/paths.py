"""Where a repository's files are, using only the standard library (the fast paths use it;
the replay's functions, on strings, do not even import pathlib)."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing; mypy knows the name
if TYPE_CHECKING:
    from pathlib import Path

CONFIG_FILE = "lzfk.yaml"
REGISTER_SUFFIXES = (".yaml", ".yml")
LEDGER_DIR = "台账"
MARKDOWN_SUFFIX = ".md"
CACHE_DIR = ".lzfk_cache"
SKIPPED_DIRS = frozenset((".git", CACHE_DIR, "node_modules", ".venv", "__pycache__"))
BUILD_MANIFEST = ".lzfk-build.json"  # written by lzfk build into its output folder


def locate_root(start: Path) -> Path | None:
    """The nearest folder at or above start that holds lzfk.yaml."""
    from pathlib import Path

    found = root_of(os.fspath(start))
    return None if found is None else Path(found)


def root_of(start: str) -> str | None:
    """locate_root on strings: the nearest folder at or above start (resolved) that holds lzfk.yaml."""
    here = os.path.realpath(start)
    if os.path.isfile(here):
        here = os.path.dirname(here)
    while True:
        if os.path.isfile(os.path.join(here, CONFIG_FILE)):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def is_candidate_name(name: str) -> bool:
    return name.lower().endswith((*REGISTER_SUFFIXES, MARKDOWN_SUFFIX))


def walk_registers(folder: str | os.PathLike[str]) -> list[str]:
    """Every register candidate below folder, as sorted absolute paths; hidden entries and the
    output folders of ``lzfk build`` (they hold its manifest) skipped."""
    found: list[str] = []
    pending = [os.path.realpath(folder)]
    while pending:
        pending.extend(_listed(pending.pop(), found))
    found.sort()
    return found


def _listed(folder: str, found: list[str]) -> list[str]:
    """Add folder's register candidates to found; return the folders to walk into.

    os.scandir rather than os.walk: every replay walks the whole folder, and the entries'
    types come with the listing (no stat or lstat per folder). Entries are classified as
    os.walk does: a link to a folder counts as a folder, an unreadable folder holds nothing.
    """
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return []
    suffixes = (*REGISTER_SUFFIXES, MARKDOWN_SUFFIX)
    here: list[str] = []
    below: list[str] = []
    for entry in entries:
        name = entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if not is_dir and name == BUILD_MANIFEST:
            return []
        if name.startswith("."):
            continue
        if not is_dir:
            if name.endswith(suffixes) or name.lower().endswith(suffixes):  # lower() only when needed
                here.append(entry.path)
        elif name not in SKIPPED_DIRS:
            # A folder named *.yaml, or a link to a folder, is listed (and refused when read)
            # rather than skipped in silence; neither is walked into.
            if name.lower().endswith(suffixes) or entry.is_symlink():
                here.append(entry.path)
            else:
                below.append(entry.path)
    found.extend(here)
    return below


def ledger_listing(root: Path) -> list[Path]:
    """The 台账 entries lzfk reads, sorted: every non-hidden *.yaml/*.yml, regular file or not
    (a FIFO or a link out of the repository is read only to be refused with its finding)."""
    folder = root / LEDGER_DIR
    return [folder / name for name in ledger_names(os.fspath(root))]


def ledger_names(root: str) -> list[str]:
    """The names of ledger_listing's entries, sorted (strings only: the replay uses it)."""
    try:
        names = os.listdir(os.path.join(root, LEDGER_DIR))
    except OSError:
        return []
    return sorted(name for name in names if os.path.splitext(name)[1].lower() in REGISTER_SUFFIXES and not name.startswith("."))


def inside_root(root: Path, relative: str) -> bool:
    """Whether root/relative, links resolved, stays inside root (absolute paths and ../ do not)."""
    from pathlib import Path

    if Path(relative).is_absolute() or relative.startswith("\\"):
        return False
    try:
        return (root / relative).resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):  # a link loop, a NUL in the name
        return False
