"""A content-keyed cache of per-file results, so an unchanged repository re-checks fast.

Keyed by a hash of the file's bytes, its suffix and a fingerprint of everything else the
result depends on (lzfk's version, the configuration). Stored in SQLite under
``.lzfk_cache/`` beside lzfk.yaml. Any cache failure only costs speed: it is never an error.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

CACHE_DIR = ".lzfk_cache"
_SCHEMA = "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value BLOB NOT NULL)"
_BATCH = 500


def content_key(content_digest: str, suffix: str, fingerprint: str) -> str:
    """The key of a file's result: its content's digest plus everything else it depends on."""
    key = hashlib.blake2b(content_digest.encode(), digest_size=20)
    key.update(b"\0" + suffix.encode() + b"\0" + fingerprint.encode())
    return key.hexdigest()


class ResultCache:
    def __init__(self, root: Path, *, enabled: bool = True) -> None:
        self._db: sqlite3.Connection | None = None
        if enabled:
            self._db = _open(root / CACHE_DIR)

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        if self._db is None or not keys:
            return {}
        found: dict[str, Any] = {}
        try:
            for start in range(0, len(keys), _BATCH):
                chunk = keys[start : start + _BATCH]
                marks = ",".join("?" * len(chunk))
                for key, value in self._db.execute(f"SELECT key, value FROM results WHERE key IN ({marks})", chunk):
                    found[key] = pickle.loads(value)
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return {}
        return found

    def put_many(self, items: Iterable[tuple[str, Any]]) -> None:
        if self._db is None:
            return
        rows = [(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)) for key, value in items]
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?)", rows)
        except sqlite3.Error:
            return

    def prune(self, keep: set[str]) -> None:
        """Drop results of files that no longer exist, once they outnumber the live ones."""
        if self._db is None:
            return
        try:
            total = self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
            if total <= 2 * len(keep) + 100:
                return
            with self._db:
                self._db.execute("CREATE TEMP TABLE keep (key TEXT PRIMARY KEY)")
                self._db.executemany("INSERT INTO keep VALUES (?)", ((k,) for k in keep))
                self._db.execute("DELETE FROM results WHERE key NOT IN (SELECT key FROM keep)")
                self._db.execute("DROP TABLE keep")
        except sqlite3.Error:
            return

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


def _open(folder: Path) -> sqlite3.Connection | None:
    try:
        folder.mkdir(exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# lzfk 的缓存，可随时删除\n*\n", encoding="utf-8")
        db = sqlite3.connect(folder / "results.sqlite3", timeout=5)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(_SCHEMA)
        return db
    except (OSError, sqlite3.Error):
        return None
