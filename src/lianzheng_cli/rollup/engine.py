"""Running a rollup: load the exports into embedded DuckDB, run the SQL files, collect their tables.

Only the tables and columns the SQL files name are read (a column is read when its name
occurs as a word in them), because opening each small file is what costs time with
thousands of units. The files are read by one DuckDB thread: on tens of thousands of
small files its parallel scan costs twice the CPU time and memory for no gain (see
bench/README.md). A damaged export makes DuckDB fail as a whole; then the files are
checked cheaply (Parquet's magic bytes at both ends), the broken ones probed, reported and
left out, and the load starts again; only when that is not enough is every export probed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from lianzheng_cli.exporting.tables import (
    DIGEST,
    DIGEST_COLUMNS,
    DIGEST_SCHEMA,
    META_SCHEMA_VERSION,
    SCHEMA_MAJOR,
    SCHEMAS,
    file_metadata,
    write_parquet,
)
from lianzheng_cli.findings import Finding
from lianzheng_cli.rollup import reuse
from lianzheng_cli.rollup.inputs import (
    COMMON,
    ExportFolder,
    Progress,
    collect,
    digest_slots,
    input_finding,
    looks_whole,
    probe,
    served,
    version_finding,
)
from lianzheng_cli.rollup.queryset import QuerySet, query_sets
from lianzheng_cli.rollup.result import QueryResult, RollupResult
from lianzheng_cli.rollup.standard import load_standard

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CHECK_THREADS = 4
# Digests are read by this many DuckDB scans at once, each on one thread: one scan's own
# parallelism costs more than it gains on many small files, separate scans do not.
_READERS = 2


def needed_columns(sql: str, tables: Sequence[str] = tuple(SCHEMAS)) -> dict[str, list[str]]:
    """Table → the columns to load, for the tables whose name occurs in sql."""
    words = set(_WORD.findall(sql))
    needed: dict[str, list[str]] = {}
    for table in tables:
        if table in words or table == "units":
            names = SCHEMAS[table].names
            needed[table] = [name for name in names if name in COMMON or name in words]
    return needed


def run_rollup(
    paths: Sequence[Path],
    *,
    as_of: dt.date,
    standard: Path | None = None,
    queries: Path | None = None,
    merge_to: Path | None = None,
    progress: Progress | None = None,
    use_cache: bool = True,
) -> RollupResult:
    """Roll up the exports under paths; with merge_to, also write them as one export of many units.
    With use_cache, the loaded tables are kept in the user's cache for the next run over the same files."""
    main, drift = query_sets(queries, standard=standard is not None)
    result = RollupResult(as_of=as_of)
    with tempfile.TemporaryDirectory(prefix="lzfk-rollup-") as workdir:
        inputs = collect(paths, Path(workdir), progress)
        result.inputs = inputs.count
        result.findings += inputs.findings
        text = main.text + (drift.text if drift else "")
        columns = {name: list(schema.names) for name, schema in SCHEMAS.items()} if merge_to else needed_columns(text)
        connection = duckdb.connect(":memory:")
        saving: Future[None] | None = None
        try:
            key = reuse.store_key(inputs.exports, columns) if use_cache and not inputs.exported else None
            result.exports, saving = _load_reusing(connection, inputs.exports, columns, key, result.findings, progress)
            if merge_to is not None:
                write_merged(connection, merge_to)
            _params(connection, as_of)
            result.units, result.snapshots = _counts(connection)
            sets = [main]
            if drift is not None and standard is not None:
                catalogue = load_standard(connection, standard)
                if isinstance(catalogue, Finding):
                    result.findings.append(catalogue)
                else:
                    result.standard = catalogue
                    sets.append(drift)
            for query_set in sets:
                result.queries += _run(connection, query_set, result.findings, progress)
        finally:
            if saving is not None:
                saving.result()
            connection.close()
    result.findings.sort()
    return result


def _load_reusing(
    connection: duckdb.DuckDBPyConnection,
    exports: list[ExportFolder],
    columns: dict[str, list[str]],
    key: str | None,
    findings: list[Finding],
    progress: Progress | None,
) -> tuple[int, Future[None] | None]:
    """Load the exports, from the store under key when there is one: the number of exports
    loaded, and the store being written (by its own cursor while the queries run: the tables
    are only read from now on) for the caller to wait for."""
    stored = reuse.load_stored(connection, key, columns) if key else None
    if stored is not None:
        if progress:
            progress("读取数据表", len(columns), len(columns))
        findings.extend(stored[1])
        return stored[0], None
    problems: list[Finding] = []
    loaded = len(_load(connection, exports, columns, problems, progress))
    findings.extend(problems)
    if not key:
        return loaded, None
    from concurrent.futures import ThreadPoolExecutor

    cursor = connection.cursor()
    # The write's snapshot is taken here, before any query runs: an office's SQL that changes a
    # table cannot reach the store, however the threads interleave.
    cursor.execute("BEGIN TRANSACTION")
    cursor.execute("SELECT COUNT(*) FROM units").fetchall()

    def save() -> None:
        try:
            reuse.save(cursor, key, columns, loaded, problems)
        finally:
            cursor.execute("ROLLBACK")  # it only read
            cursor.close()

    pool = ThreadPoolExecutor(max_workers=1)
    saving = pool.submit(save)
    pool.shutdown(wait=False)  # its thread ends with the write
    return loaded, saving


def _load(
    connection: duckdb.DuckDBPyConnection,
    exports: list[ExportFolder],
    columns: dict[str, list[str]],
    findings: list[Finding],
    progress: Progress | None,
) -> list[ExportFolder]:
    """Load every usable export; the unusable ones become findings. Returns the exports loaded."""
    connection.execute("SET threads = 1")
    try:
        for check in (None, _probe_if_broken, probe):
            if check is not None:
                exports = _drop_damaged(exports, columns, findings, check)
            problems: list[Finding] = []  # kept only from the round whose load succeeds
            try:
                loaded = _load_usable(connection, exports, columns, problems, progress)
            except duckdb.Error:
                if check is probe:
                    raise
                continue
            findings.extend(problems)
            return loaded
        raise AssertionError("unreachable: the last round returns or raises")
    finally:
        connection.execute("RESET threads")


def _probe_if_broken(folder: ExportFolder, columns: dict[str, list[str]]) -> Finding | None:
    """probe's finding for an export whose files are not whole; None, unread, for the others."""
    return None if looks_whole(folder, columns) else probe(folder, columns)


def _drop_damaged(
    exports: list[ExportFolder],
    columns: dict[str, list[str]],
    findings: list[Finding],
    check: Callable[[ExportFolder, dict[str, list[str]]], Finding | None],
) -> list[ExportFolder]:
    """The exports check finds nothing wrong with; the others become findings. Checked in a few
    threads: the checks wait on the disk or run in pyarrow, which releases the GIL."""
    from concurrent.futures import ThreadPoolExecutor  # only after a failed load

    with ThreadPoolExecutor(max_workers=_CHECK_THREADS) as pool:
        problems = list(pool.map(lambda folder: check(folder, columns), exports, chunksize=64))
    kept = []
    for folder, problem in zip(exports, problems, strict=True):
        if problem is None:
            kept.append(folder)
        else:
            findings.append(problem)
    return kept


def _file(folder: ExportFolder, stem: str) -> str:
    return os.path.join(folder.path, f"{stem}.parquet")


def _load_usable(
    connection: duckdb.DuckDBPyConnection,
    exports: list[ExportFolder],
    columns: dict[str, list[str]],
    problems: list[Finding],
    progress: Progress | None,
) -> list[ExportFolder]:
    """The digests, then units (one export per snapshot), then the other tables; raises
    duckdb.Error on a damaged file. Other schema versions and copies sent twice go to problems."""
    from_digest = served(columns)
    digested = [folder for folder in exports if from_digest and folder.by_digest]
    plain = _versions_ok(connection, [folder for folder in exports if not (from_digest and folder.by_digest)], problems)
    digests = _load_digest(connection, digested, columns, problems)
    digests.served = from_digest
    usable = {*digests.kept, *plain}
    unique = _load_units(connection, [folder for folder in exports if folder in usable], columns["units"], problems, digests)
    rest = {name: wanted for name, wanted in columns.items() if name != "units"}
    _create_tables(connection, unique, rest, progress, digests)
    _drop_digest(connection)
    return unique


@dataclass
class _Digests:
    """The digests read into _digest: each export's number there (its rows' _index), the ones
    of this schema version, and the tables they serve."""

    index: dict[ExportFolder, int] = field(default_factory=dict)
    kept: list[ExportFolder] = field(default_factory=list)
    served: list[str] = field(default_factory=list)

    def serves(self, folder: ExportFolder, table: str) -> bool:
        return table in self.served and folder in self.index


def _versions_ok(
    connection: duckdb.DuckDBPyConnection, exports: list[ExportFolder], findings: list[Finding]
) -> list[ExportFolder]:
    """Exports whose units.parquet has this schema's major version (read from the footers only)."""
    if not exports:
        return []
    files = [_file(folder, "units") for folder in exports]
    try:
        rows = connection.execute(
            "SELECT file_name, value FROM parquet_kv_metadata(?) WHERE key = ?", [files, META_SCHEMA_VERSION]
        ).fetchall()
    except duckdb.Error:
        return exports  # a damaged footer: the probe after the failed load names it
    versions = {str(name): bytes(value).decode("utf-8", "replace") for name, value in rows}
    kept = []
    for folder, file in zip(exports, files, strict=True):
        version = versions.get(file, "")
        if version.split(".")[0] == SCHEMA_MAJOR:
            kept.append(folder)
        else:
            findings.append(version_finding(f"{folder.display}/units.parquet", version))
    return kept


def _load_digest(
    connection: duckdb.DuckDBPyConnection, exports: list[ExportFolder], columns: dict[str, list[str]], findings: list[Finding]
) -> _Digests:
    """Read the digests of exports into _digest (a view over _READERS tables, each filled from one
    run of the files by its own cursor, in a thread of its own); the exports whose digest has this
    schema's major version are kept (it is a column, so no second pass over the footers)."""
    _drop_digest(connection)
    if not exports:
        return _Digests()
    files = [_file(folder, DIGEST) for folder in exports]
    select = ", ".join(f'"{name}"' for name in digest_slots(columns))
    size = -(-len(files) // _READERS)
    starts = range(0, len(files), size)

    def read(number: int) -> None:
        start = starts[number]
        cursor = connection.cursor()  # one scan per thread: DuckDB releases the GIL while it reads
        try:
            cursor.execute(
                f"CREATE TABLE _digest_{number} AS SELECT {select}, file_index + {start} AS _index, file_row_number AS _row "
                "FROM read_parquet(?, file_row_number = true)",
                [files[start : start + size]],
            )
        finally:
            cursor.close()

    if len(starts) == 1:
        read(0)
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=len(starts)) as pool:
            list(pool.map(read, range(len(starts))))  # list(): a failed read raises here
    connection.execute("CREATE VIEW _digest AS " + " UNION ALL ".join(f"SELECT * FROM _digest_{n}" for n in range(len(starts))))
    wrong = dict(
        connection.execute(
            "SELECT _index, MIN(schema_version) FROM _digest WHERE split_part(schema_version, '.', 1) <> ? GROUP BY _index",
            [SCHEMA_MAJOR],
        ).fetchall()
    )
    digests = _Digests(index={folder: number for number, folder in enumerate(exports)})
    for number, folder in enumerate(exports):
        if number in wrong:
            findings.append(version_finding(f"{folder.display}/{DIGEST}.parquet", str(wrong[number])))
        else:
            digests.kept.append(folder)
    return digests


def _drop_digest(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute("DROP VIEW IF EXISTS _digest")
    for number in range(_READERS):
        connection.execute(f"DROP TABLE IF EXISTS _digest_{number}")


_DUCK_TYPES = {pa.int8(): "TINYINT", pa.int16(): "SMALLINT", pa.int32(): "INTEGER"}


def _from_slot(table: str, name: str) -> str:
    """The digest column holding table.name, as that column (same name, same type)."""
    if name in COMMON:
        return f'"{name}"'
    slot = DIGEST_COLUMNS[table][name]
    kind = SCHEMAS[table].field(name).type
    if kind == DIGEST_SCHEMA.field(slot).type:
        return f'"{slot}" AS "{name}"'
    return f'CAST("{slot}" AS {_DUCK_TYPES[kind]}) AS "{name}"'


def _source(
    connection: duckdb.DuckDBPyConnection, table: str, wanted: list[str], exports: list[ExportFolder], digests: _Digests
) -> tuple[str, list[object], dict[ExportFolder, int]]:
    """A SELECT of table's wanted columns (and _index, _row: which export and which of its rows)
    over exports, with its parameters and each export's _index: from _digest for the exports
    whose digest serves table, from the table's own files for the others."""
    digested = [folder for folder in exports if digests.serves(folder, table)]
    plain = [folder for folder in exports if not digests.serves(folder, table)]
    parts: list[str] = []
    params: list[object] = []
    keys = {folder: digests.index[folder] for folder in digested}
    if digested:
        where = f"table_name = '{table}'"
        if len(digested) < len(digests.index):  # some left out (other version, a copy sent twice)
            connection.register(f"_keep_{table}", pa.table({"_index": list(keys.values())}))
            where += f" AND _index IN (SELECT _index FROM _keep_{table})"
        parts.append(f"SELECT {', '.join(_from_slot(table, name) for name in wanted)}, _index, _row FROM _digest WHERE {where}")
    if plain:
        base = len(digests.index)
        select = ", ".join(f'"{name}"' for name in wanted)
        parts.append(
            f"SELECT {select}, file_index + {base} AS _index, file_row_number AS _row "
            "FROM read_parquet(?, file_row_number = true)"
        )
        params.append([_file(folder, table) for folder in plain])
        keys.update((folder, base + number) for number, folder in enumerate(plain))
    return " UNION ALL ".join(parts), params, keys


def _load_units(
    connection: duckdb.DuckDBPyConnection,
    exports: list[ExportFolder],
    wanted: list[str],
    findings: list[Finding],
    digests: _Digests,
) -> list[ExportFolder]:
    """Create units, read once, in the order of exports; an export whose (unit, 年度, commit) an
    earlier one already brought (a copy sent twice) is left out. Returns the exports kept."""
    select = ", ".join(f'u."{name}"' for name in wanted)
    connection.execute("DROP TABLE IF EXISTS units")
    if not exports:
        _create_tables(connection, [], {"units": wanted}, None, digests)
        return []
    sql, params, index = _source(connection, "units", wanted, exports, digests)
    connection.execute(f"CREATE OR REPLACE TEMPORARY TABLE _units AS {sql}", params)
    connection.unregister("_keep_units")
    by_index: dict[int, list[tuple[str, int, str]]] = {}
    for number, unit, year, commit in connection.execute("SELECT _index, unit_code, year, commit_id FROM _units").fetchall():
        by_index.setdefault(int(number), []).append((unit, year, commit))
    seen: dict[tuple[str, int, str], str] = {}
    kept = []
    for folder in exports:
        keys = by_index.get(index[folder], [])
        clash = next((key for key in keys if key in seen), None)
        if clash is None:
            seen.update(dict.fromkeys(keys, folder.display))
            kept.append(folder)
            continue
        unit, year, commit = clash
        findings.append(
            input_finding(
                "LZ807",
                folder.display,
                f"单位 {unit} {year} 年度提交 {commit[:8] or '（无）'} 的导出已由 {seen[clash]} 提供，本目录未重复计入",
                "删除重复的副本；同一单位的不同版本须来自不同的提交",
            )
        )
    order = [index[folder] for folder in kept]
    connection.register("_kept", pa.table({"_index": order, "_order": list(range(len(order)))}))
    connection.execute(
        f"CREATE TABLE units AS SELECT {select} FROM _units u JOIN _kept k ON k._index = u._index ORDER BY k._order, u._row"
    )
    connection.unregister("_kept")
    connection.execute("DROP TABLE _units")
    return kept


def _create_tables(
    connection: duckdb.DuckDBPyConnection,
    exports: list[ExportFolder],
    columns: dict[str, list[str]],
    progress: Progress | None,
    digests: _Digests,
) -> None:
    for number, (table, wanted) in enumerate(columns.items()):
        if progress:
            progress("读取数据表", number, len(columns))
        connection.execute(f'DROP TABLE IF EXISTS "{table}"')
        select = ", ".join(f'"{name}"' for name in wanted)
        if exports:
            sql, params, _ = _source(connection, table, wanted, exports, digests)
            connection.execute(f'CREATE TABLE "{table}" AS SELECT {select} FROM ({sql})', params)
            connection.unregister(f"_keep_{table}")
        else:
            empty = pa.schema([SCHEMAS[table].field(name) for name in wanted]).empty_table()
            connection.register("_empty", empty)
            connection.execute(f'CREATE TABLE "{table}" AS SELECT {select} FROM _empty')
            connection.unregister("_empty")
    if progress:
        progress("读取数据表", len(columns), len(columns))


def write_merged(connection: duckdb.DuckDBPyConnection, out: Path) -> None:
    """The loaded tables as one export in the same schema: what a county forwards to the city."""
    tables = {}
    for name, schema in SCHEMAS.items():
        table = connection.sql(f'SELECT * FROM "{name}" ORDER BY unit_code, year, commit_id').to_arrow_table()
        assert table is not None
        tables[name] = table.cast(schema).replace_schema_metadata(file_metadata(name))
    write_parquet(tables, out)


def _params(connection: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    connection.execute(
        "CREATE TABLE rollup_params AS SELECT CAST(? AS DATE) AS as_of, CAST(? AS INTEGER) AS as_of_year", [as_of, as_of.year]
    )


def _counts(connection: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    units, snapshots = connection.execute("SELECT COUNT(DISTINCT unit_code), COUNT(*) FROM units").fetchall()[0]
    return int(units), int(snapshots)


def _run(
    connection: duckdb.DuckDBPyConnection, query_set: QuerySet, findings: list[Finding], progress: Progress | None
) -> list[QueryResult]:
    for sql in query_set.setup:
        try:
            connection.execute(sql)
        except duckdb.Error as exc:
            findings.append(_query_failed("视图", exc))
            return []
    results = []
    for number, query in enumerate(query_set.queries):
        if progress:
            progress("汇总查询", number, len(query_set.queries))
        try:
            cursor = connection.execute(query.sql)
            names = tuple(str(item[0]) for item in cursor.description or ())
            rows = tuple(tuple(row) for row in cursor.fetchall())
        except duckdb.Error as exc:
            findings.append(_query_failed(f"{query.name}.sql", exc))
            continue
        results.append(QueryResult(query.name, query.title, query.description, names, rows))
    if progress:
        progress("汇总查询", len(query_set.queries), len(query_set.queries))
    return results


def _query_failed(where: str, exc: duckdb.Error) -> Finding:
    first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return input_finding(
        "LZ809", where, f"汇总查询出错：{first_line}", "检查该 SQL 文件；可与内置查询（lzfk rollup --copy-queries）对照"
    )
