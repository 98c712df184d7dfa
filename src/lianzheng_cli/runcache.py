"""Replaying an unchanged run: the fast path of ``lzfk validate``.

When neither lzfk.yaml, nor the unit's rule files, nor any register changed since the
last run over the same targets, the stored result is the answer: no YAML is parsed and
not even the models are imported. Unchanged content is recognised by its hash; a file
whose size, mtime and inode are as recorded (and not too fresh to trust) is not re-read.
Standard library only, so the check costs a few milliseconds of imports.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from lianzheng_cli import __version__
from lianzheng_cli.paths import CONFIG_FILE, locate_root, walk_registers
from lianzheng_cli.results import ValidationResult

CACHE_DIR = ".lzfk_cache"
DB_NAME = "results.sqlite3"
RECORD_FORMAT = 1
# A file changed within this many ns of being indexed could change again in the same
# mtime tick unnoticed (git's "racy" case): such entries are re-read, not trusted.
RACY_NS = 2_000_000_000

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS runs (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS stats (path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, ino INTEGER, digest TEXT)",
)


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


@dataclass(frozen=True)
class RunRecord:
    dependencies: dict[str, str]  # path relative to root → digest (lzfk.yaml, rule files)
    register_dir: str
    combined: str
    result: ValidationResult


def targets_key(targets: list[Path] | None) -> str:
    """What a run was asked to check, as part of its record's key ("" for the whole folder)."""
    return "\0".join(sorted(str(t.resolve()) for t in targets)) if targets else ""


def code_stamp() -> str:
    """lzfk's version plus the newest change to its own code: an edited (or reinstalled)
    lzfk never replays results that the old code produced."""
    package = Path(__file__).parent
    newest = 0
    for folder, _, names in os.walk(package):
        for name in names:
            if name.endswith((".py", ".yaml")):
                newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime_ns)
    return f"{__version__}@{newest}"


def run_key(targets: str) -> str:
    return f"{code_stamp()}|{RECORD_FORMAT}|{targets}"


def open_db(root: Path, *, create: bool) -> sqlite3.Connection | None:
    folder = root / CACHE_DIR
    if not create and not (folder / DB_NAME).is_file():
        return None
    try:
        if create:
            folder.mkdir(exist_ok=True)
            ignore = folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# lzfk 的缓存，可随时删除\n*\n", encoding="utf-8")
        db = sqlite3.connect(folder / DB_NAME, timeout=5)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        for statement in _SCHEMA:
            db.execute(statement)
        return db
    except (OSError, sqlite3.Error):
        return None


def replay(start: Path, targets: str) -> ValidationResult | None:
    """The stored result when nothing it depends on changed; None otherwise."""
    root = locate_root(start)
    if root is None:
        return None
    db = open_db(root, create=False)
    if db is None:
        return None
    try:
        row = db.execute("SELECT value FROM runs WHERE key = ?", (run_key(targets),)).fetchone()
        if row is None:
            return None
        record: RunRecord = pickle.loads(row[0])
        if record.result.root != root or not _dependencies_unchanged(root, record.dependencies):
            return None
        files = walk_registers(root / record.register_dir)
        if combined_digest(root, file_digests(db, files)) != record.combined:
            return None
        return record.result
    except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, ImportError, OSError, TypeError):
        return None
    finally:
        db.close()


class FileStat(NamedTuple):
    """What the stat index keeps of a file: enough to trust its digest without reading it."""

    path: str
    size: int
    mtime_ns: int
    inode: int
    digest: str


def remember(root: Path, targets: str, record: RunRecord, stats: Iterable[FileStat]) -> None:
    db = open_db(root, create=True)
    if db is None:
        return
    try:
        with db:
            db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?)", (run_key(targets), pickle.dumps(record)))
            db.executemany(
                "INSERT OR REPLACE INTO stats VALUES (?, ?, ?, ?, ?)",
                stats,
            )
    except sqlite3.Error:
        return
    finally:
        db.close()


def walk(folder: Path) -> list[str]:
    return walk_registers(folder)


def file_digests_for(files: list[str], known: dict[str, str]) -> list[tuple[str, str]]:
    """Digests of files, reusing those already computed in this run."""
    out = []
    for path in files:
        if path in known:
            out.append((path, known[path]))
            continue
        try:
            with open(path, "rb") as handle:
                out.append((path, digest(handle.read())))
        except OSError:
            out.append((path, ""))
    return out


def file_digests(db: sqlite3.Connection, files: list[str]) -> list[tuple[str, str]]:
    """Digests of files; an unchanged stat means unchanged content, and re-read files are
    indexed again so that the next run need not read them."""
    known = _known_stats(db, files)
    now = time.time_ns()
    out = []
    refreshed = []
    for path in files:
        st = os.stat(path)
        seen = known.get(path)
        if seen and seen[:3] == (st.st_size, st.st_mtime_ns, st.st_ino) and now - st.st_mtime_ns > RACY_NS:
            out.append((path, seen[3]))
            continue
        with open(path, "rb") as handle:
            value = digest(handle.read())
        out.append((path, value))
        refreshed.append((path, st.st_size, st.st_mtime_ns, st.st_ino, value))
    if refreshed:
        with db:
            db.executemany("INSERT OR REPLACE INTO stats VALUES (?, ?, ?, ?, ?)", refreshed)
    return out


def _known_stats(db: sqlite3.Connection, files: list[str]) -> dict[str, tuple[Any, ...]]:
    known: dict[str, tuple[Any, ...]] = {}
    for start in range(0, len(files), 500):
        chunk = files[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.execute(f"SELECT path, size, mtime, ino, digest FROM stats WHERE path IN ({marks})", chunk):
            known[row[0]] = row[1:]
    return known


def combined_digest(root: Path, digests: list[tuple[str, str]]) -> str:
    total = hashlib.blake2b(digest_size=20)
    prefix = len(str(root)) + 1
    for path, value in digests:
        total.update(f"{path[prefix:]}\0{value}\n".encode())
    return total.hexdigest()


def _dependencies_unchanged(root: Path, dependencies: dict[str, str]) -> bool:
    for relative, expected in dependencies.items():
        try:
            if digest((root / relative).read_bytes()) != expected:
                return False
        except OSError:
            return False
    return CONFIG_FILE in dependencies
