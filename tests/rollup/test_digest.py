"""digest.parquet: an export's copy of what the shipped rollup queries read, in one file. A rollup
of digests gives exactly what a rollup of the tables gives; exports without one (schema 1.0) still
roll up, alone or mixed with newer ones; a damaged or foreign digest is reported like a table."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lianzheng_cli.exporting.tables import DIGEST_COLUMNS, DIGEST_SCHEMA, SCHEMAS, TABLE_NAMES
from lianzheng_cli.rollup import inputs
from lianzheng_cli.rollup.engine import needed_columns, run_rollup
from lianzheng_cli.rollup.inputs import served
from lianzheng_cli.rollup.queryset import query_sets
from lianzheng_cli.rollup.result import RollupResult
from tests.rollup.conftest import ExportUnit, before_the_digest
from tests.rollup.test_standard import catalogue, unit_with_citations
from tests.rollup.units import Unit

AS_OF = dt.date(2025, 12, 1)


def outcome(result: RollupResult) -> tuple[Any, ...]:
    return (
        [(f.code, f.path, f.message) for f in result.findings],
        result.exports,
        result.units,
        result.snapshots,
        [(q.name, q.columns, q.rows) for q in result.queries],
    )


def exports(tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]) -> list[Path]:
    """Three units and last year's export of the first (so that the changes have rows)."""
    first = three_units[0]
    changed = dataclasses.replace(first, year=2024, approved=False, departments=first.departments[1:])
    return [
        export_to(changed, "A001-2024", date="2024-03-01T10:00:00+08:00"),
        *(export_to(unit) for unit in three_units),
    ]


def copy_of(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(tmp_path / "exports", target)
    return target


def test_the_shipped_queries_are_served_by_the_digest_alone() -> None:
    main, drift = query_sets(None, standard=True)
    assert drift is not None
    columns = needed_columns(main.text + drift.text)
    assert served(columns) == list(columns)
    for table, slots in DIGEST_COLUMNS.items():
        assert set(slots) <= set(SCHEMAS[table].names), table
        assert len(set(slots.values())) == len(slots), table  # each column its own slot
        assert all(slot in DIGEST_SCHEMA.names for slot in slots.values()), table


def test_the_digest_holds_the_tables_rows_and_columns(tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]) -> None:
    folder = export_to(three_units[0])
    digest = pq.read_table(folder / "digest.parquet")
    assert digest.schema.equals(DIGEST_SCHEMA, check_metadata=False)
    assert pq.read_metadata(folder / "digest.parquet").metadata[b"lzfk.table"] == b"digest"
    assert set(digest.column("table_name").to_pylist()) == set(DIGEST_COLUMNS)
    for table, slots in DIGEST_COLUMNS.items():
        original = pq.read_table(folder / f"{table}.parquet")
        rows = digest.filter(pa.compute.equal(digest.column("table_name"), table))
        assert rows.num_rows == original.num_rows > 0, table
        for column in ("unit_code", "year", "commit_id", *slots):
            copied = rows.column(slots.get(column, column)).cast(original.schema.field(column).type)
            assert copied.to_pylist() == original.column(column).to_pylist(), (table, column)


@pytest.mark.parametrize("with_standard", [False, True], ids=["headline", "with the standard"])
def test_a_rollup_of_digests_is_the_rollup_of_the_tables(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit], with_standard: bool
) -> None:
    standard = catalogue(tmp_path / "标准风险库") if with_standard else None
    folders = exports(tmp_path, export_to, three_units)
    folders.append(export_to(unit_with_citations()))
    older = copy_of(tmp_path, "older")
    before_the_digest(*(older / folder.name for folder in folders))
    mixed = copy_of(tmp_path, "mixed")
    before_the_digest(mixed / folders[0].name, mixed / folders[2].name)
    results = [
        outcome(run_rollup([root], as_of=AS_OF, standard=standard, use_cache=False))
        for root in (tmp_path / "exports", older, mixed)
    ]
    assert results[0] == results[1] == results[2]
    changes = {q[0]: q[2] for q in results[0][4]}["31-change_details"]
    assert changes and results[0][2] == 4 and results[0][3] == 5
    assert not with_standard or {q[0]: q[2] for q in results[0][4]}["61-drift_details"]


def test_the_tables_are_not_opened_when_the_digest_serves(tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]) -> None:
    folders = exports(tmp_path, export_to, three_units)
    intact = outcome(run_rollup([tmp_path / "exports"], as_of=AS_OF, use_cache=False))
    for folder in folders:
        for table in TABLE_NAMES:
            (folder / f"{table}.parquet").write_bytes(b"not read")
    assert outcome(run_rollup([tmp_path / "exports"], as_of=AS_OF, use_cache=False)) == intact


def test_a_query_needing_more_than_the_digest_reads_that_table(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]
) -> None:
    exports(tmp_path, export_to, three_units)
    mine = tmp_path / "我的查询"
    mine.mkdir()
    (mine / "10-factors.sql").write_text(
        '-- 标题: 风险因素\nSELECT r.unit_code AS "单位编号", u.name AS "单位", SUM(CARDINALITY(r.factors)) AS "因素" '
        "FROM risk_points r JOIN units u USING (unit_code, year, commit_id) GROUP BY r.unit_code, u.name ORDER BY 1;\n",
        encoding="utf-8",
    )
    result = run_rollup([tmp_path / "exports"], as_of=AS_OF, queries=mine, use_cache=False)
    older = copy_of(tmp_path, "older")
    before_the_digest(*(p for p in older.iterdir()))
    assert result.findings == [] and len(result.queries[0].rows) == 3
    assert outcome(result) == outcome(run_rollup([older], as_of=AS_OF, queries=mine, use_cache=False))


def test_a_damaged_or_foreign_digest_is_reported_and_the_rest_rolled_up(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]
) -> None:
    first, second, third = (export_to(unit) for unit in three_units)
    cut = first / "digest.parquet"
    cut.write_bytes(cut.read_bytes()[:-10])
    digest = pq.read_table(second / "digest.parquet")
    future = digest.set_column(digest.schema.get_field_index("schema_version"), "schema_version", [["9"] * digest.num_rows])
    pq.write_table(future.replace_schema_metadata({b"lzfk.schema_version": b"9"}), second / "digest.parquet")
    result = run_rollup([tmp_path / "exports"], as_of=AS_OF, use_cache=False)
    assert sorted((f.code, Path(f.path).relative_to(tmp_path).as_posix()) for f in result.findings) == [
        ("LZ805", "exports/A001/digest.parquet"),
        ("LZ806", "exports/A002/digest.parquet"),
    ]
    assert result.units == 1 and {q.name: q.rows for q in result.queries}["10-unit_grades"][0][0] == "A003"
    assert third.is_dir()


def test_a_large_digest_is_passed_over_for_the_tables(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit], monkeypatch: pytest.MonkeyPatch
) -> None:
    folders = exports(tmp_path, export_to, three_units)
    intact = outcome(run_rollup([tmp_path / "exports"], as_of=AS_OF, use_cache=False))
    monkeypatch.setattr(inputs, "DIGEST_MAX_BYTES", (folders[1] / "digest.parquet").stat().st_size - 1)
    for folder in folders[1:]:
        (folder / "digest.parquet").write_bytes(b"PAR1" + b"\0" * 10**6)  # large, and unreadable: never opened
    assert outcome(run_rollup([tmp_path / "exports"], as_of=AS_OF, use_cache=False)) == intact
