"""Where a repository's files are, using only the standard library (the fast paths use it)."""

from __future__ import annotations

import os
from pathlib import Path

CONFIG_FILE = "lzfk.yaml"
REGISTER_SUFFIXES = (".yaml", ".yml")
MARKDOWN_SUFFIX = ".md"
CACHE_DIR = ".lzfk_cache"
SKIPPED_DIRS = frozenset((".git", CACHE_DIR, "node_modules", ".venv", "__pycache__"))
BUILD_MANIFEST = ".lzfk-build.json"  # written by lzfk build into its output folder


def locate_root(start: Path) -> Path | None:
    """The nearest folder at or above start that holds lzfk.yaml."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return None


def is_candidate_name(name: str) -> bool:
    return name.lower().endswith((*REGISTER_SUFFIXES, MARKDOWN_SUFFIX))


def walk_registers(folder: Path) -> list[str]:
    """Every register candidate below folder, as sorted absolute paths; hidden entries and the
    output folders of ``lzfk build`` (they hold its manifest) skipped."""
    found: list[str] = []
    for current, dirs, names in os.walk(folder.resolve()):
        if BUILD_MANIFEST in names:
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        found.extend(os.path.join(current, name) for name in names if not name.startswith(".") and is_candidate_name(name))
    return sorted(found)
