"""A rollup's loaded tables kept between runs, so that rolling up the same exports again reads
one file a table instead of one a unit.

The store is keyed by everything the load depends on: lzfk's code, the columns read, and
each export folder's path (as shown) with the size, times and inode of every file read
(its digest, or its table files). Any change to any of them is another key, so a store is never patched, only made
whole by the load that read the exports themselves. A store that cannot be read is a miss:
the exports are read again, and the store rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import duckdb

from lianzheng_cli.exporting.tables import SCHEMA_VERSION
from lianzheng_cli.findings import Finding
from lianzheng_cli.rollup.inputs import ExportFolder, reads

KIND = "rollup"
FORMAT = 1
# Below this many export folders, opening them costs less than writing a store: a county's
# merged exports (a hundred units to a folder) are read directly every time.
MIN_EXPORTS = 200
_LOAD = "load.json"


def store_key(exports: list[ExportFolder], columns: dict[str, list[str]]) -> str | None:
    """The key of a load of exports reading columns; None when there are too few exports to be
    worth a store, or a file is missing or just changed."""
    if len(exports) < MIN_EXPORTS:
        return None
    from lianzheng_cli import cache  # imported only when a store is worth it: small rollups start faster

    files = [os.path.join(folder.path, f"{stem}.parquet") for folder in exports for stem in reads(folder, columns)]
    stamps = cache.settled_stamps(files)
    if stamps is None:
        return None
    key = hashlib.blake2b(digest_size=20)
    key.update(json.dumps([FORMAT, SCHEMA_VERSION, cache.code_stamp(), columns], ensure_ascii=False).encode())
    for folder in exports:
        key.update(f"\0{os.path.abspath(folder.path)}\0{folder.display}".encode())
    key.update(json.dumps(stamps).encode())
    return key.hexdigest()


def load_stored(
    connection: duckdb.DuckDBPyConnection, key: str, columns: dict[str, list[str]]
) -> tuple[int, list[Finding]] | None:
    """Create the tables from the store under key: (exports loaded, the load's findings), or None
    (no such store, or one that cannot be read: then no table is left half made)."""
    from lianzheng_cli import cache

    folder = cache.stored(KIND, key)
    if folder is None:
        return None
    try:
        record = json.loads((folder / _LOAD).read_text(encoding="utf-8"))
        loaded, findings = _record(record)
        for table, wanted in columns.items():
            connection.execute(f'CREATE TABLE "{table}" AS SELECT * FROM read_parquet(?)', [str(folder / f"{table}.parquet")])
            names = [row[0] for row in connection.execute(f'DESCRIBE "{table}"').fetchall()]
            if names != wanted:
                raise ValueError(f"{table}: {names}")
    except (OSError, ValueError, KeyError, TypeError, duckdb.Error):
        for table in columns:
            connection.execute(f'DROP TABLE IF EXISTS "{table}"')
        return None
    return loaded, findings


def save(
    connection: duckdb.DuckDBPyConnection, key: str, columns: dict[str, list[str]], loaded: int, findings: list[Finding]
) -> None:
    """Keep the loaded tables under key; a failure only means the next run reads the exports again."""
    from lianzheng_cli import cache

    folder = cache.new_store(KIND)
    if folder is None:
        return
    try:
        for table in columns:
            target = str(folder / f"{table}.parquet").replace("'", "''")
            connection.execute(f"COPY \"{table}\" TO '{target}' (FORMAT parquet, COMPRESSION uncompressed)")
        record = {"loaded": loaded, "findings": [_finding(f) for f in findings]}
        (folder / _LOAD).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    except (OSError, duckdb.Error):
        cache.discard_store(folder)
        return
    cache.commit_store(folder, key)


def _finding(finding: Finding) -> list[Any]:
    return [finding.code, finding.path, finding.line, finding.column, finding.message, finding.hint]


def _record(record: Any) -> tuple[int, list[Finding]]:
    loaded, rows = record["loaded"], record["findings"]
    if not isinstance(loaded, int) or not isinstance(rows, list):
        raise TypeError("load.json")
    findings = []
    for code, path, line, column, message, hint in rows:
        if not all(isinstance(v, str) for v in (code, path, message, hint)) or not all(
            isinstance(v, int) for v in (line, column)
        ):
            raise TypeError("load.json")
        findings.append(Finding.of(code, path, (line, column), message, hint))
    return loaded, findings
