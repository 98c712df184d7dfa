"""The rollup's store of loaded tables: a second run over the same files reads the store, and
gives exactly what reading the exports gives; any change to a file, or a broken store, reads them again."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from lianzheng_cli import cache
from lianzheng_cli.exporting.tables import SCHEMAS
from lianzheng_cli.rollup import engine, reuse
from lianzheng_cli.rollup.result import RollupResult
from tests.conftest import Invoke
from tests.rollup.conftest import ExportUnit, before_the_digest
from tests.rollup.units import Unit

AS_OF = dt.date(2025, 12, 1)


@pytest.fixture(autouse=True)
def settled_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by the test are seconds old: trust them as if they had settled; and a few
    exports are worth a store here."""
    monkeypatch.setattr(cache, "RACY_NS", -(10**12))
    monkeypatch.setattr(reuse, "MIN_EXPORTS", 1)


def outcome(result: RollupResult) -> tuple[Any, ...]:
    return (
        result.findings,
        [(f.severity, f.message, f.hint) for f in result.findings],
        result.exports,
        result.units,
        result.snapshots,
        [(q.name, q.columns, q.rows) for q in result.queries],
    )


def stores(user_cache: Path) -> list[str]:
    base = user_cache / "lzfk" / reuse.KIND
    return sorted(p.name for p in base.iterdir() if not p.name.startswith(".")) if base.is_dir() else []


def reading_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("the exports were read again")

    monkeypatch.setattr(engine, "_load", fail)


def several(tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]) -> list[Path]:
    folders = [export_to(unit) for unit in three_units]
    folders.append(export_to(dataclasses.replace(three_units[0], year=2024), "A001-2024", date="2024-03-01T10:00:00+08:00"))
    before_the_digest(folders[3])  # an export of schema 1.0 among them: read table by table
    (folders[1] / "digest.parquet").write_bytes(b"PAR1 cut")  # a damaged export: its finding is kept too
    return folders


def test_a_second_run_reads_the_store_and_gives_the_same_result(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit], isolated_user_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    several(tmp_path, export_to, three_units)
    cold = engine.run_rollup([tmp_path / "exports"], as_of=AS_OF)
    assert [f.code for f in cold.findings] == ["LZ805"] and cold.units == 2
    assert len(stores(isolated_user_cache)) == 1
    reading_forbidden(monkeypatch)
    warm = engine.run_rollup([tmp_path / "exports"], as_of=AS_OF)
    assert outcome(warm) == outcome(cold)


def test_the_merged_export_and_its_types_are_the_same_from_the_store(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit], monkeypatch: pytest.MonkeyPatch
) -> None:
    several(tmp_path, export_to, three_units)
    engine.run_rollup([tmp_path / "exports"], as_of=AS_OF, merge_to=tmp_path / "cold")
    reading_forbidden(monkeypatch)
    engine.run_rollup([tmp_path / "exports"], as_of=AS_OF, merge_to=tmp_path / "warm")
    for name in SCHEMAS:
        assert (tmp_path / "warm" / f"{name}.parquet").read_bytes() == (tmp_path / "cold" / f"{name}.parquet").read_bytes()
        assert (
            pq.read_table(tmp_path / "warm" / f"{name}.parquet").num_rows
            == pq.read_table(tmp_path / "cold" / f"{name}.parquet").num_rows
        )


def test_a_changed_file_is_read_again_even_with_its_size_and_mtime_kept(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]
) -> None:
    folders = [export_to(unit) for unit in three_units]
    before_the_digest(*folders)  # units.parquet is read
    first = engine.run_rollup([tmp_path / "exports"], as_of=AS_OF)
    units_file = folders[0] / "units.parquet"
    before = units_file.stat()
    table = pq.read_table(units_file)
    renamed = table.set_column(table.schema.get_field_index("name"), "name", [["甲县人民医院改"]])
    pq.write_table(renamed.replace_schema_metadata(table.schema.metadata), units_file)
    os.utime(units_file, ns=(before.st_atime_ns, before.st_mtime_ns))
    second = engine.run_rollup([tmp_path / "exports"], as_of=AS_OF)
    rows = {q.name: q.rows for q in second.queries}["10-unit_grades"]
    assert rows[0][:2] == ("A001", "甲县人民医院改") and first.queries[0].rows[0][1] == "甲县人民医院"


def test_a_new_export_folder_or_another_query_set_is_another_store(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit], isolated_user_cache: Path, invoke: Invoke
) -> None:
    export_to(three_units[0])
    engine.run_rollup([tmp_path / "exports"], as_of=AS_OF)
    export_to(three_units[1])
    result = engine.run_rollup([tmp_path / "exports"], as_of=AS_OF)
    assert result.units == 2 and len(stores(isolated_user_cache)) == 2
    mine = tmp_path / "我的查询"
    assert invoke("rollup", "--copy-queries", str(mine)).exit_code == 0
    (mine / "70-measures.sql").write_text('SELECT COUNT(*) AS "措施" FROM measures;\n', encoding="utf-8")
    with_measures = engine.run_rollup([tmp_path / "exports"], as_of=AS_OF, queries=mine)
    assert {q.name: q.rows for q in with_measures.queries}["70-measures"] == (
        (3 * (len(three_units[0].risks) + len(three_units[1].risks)),),
    )
    assert len(stores(isolated_user_cache)) == 3


@pytest.mark.parametrize("damage", ["truncate a table", "garbage record", "wrong columns"])
def test_a_broken_store_only_costs_a_reread(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit], isolated_user_cache: Path, damage: str
) -> None:
    several(tmp_path, export_to, three_units)
    cold = engine.run_rollup([tmp_path / "exports"], as_of=AS_OF)
    (name,) = stores(isolated_user_cache)
    store = isolated_user_cache / "lzfk" / reuse.KIND / name
    if damage == "truncate a table":
        (store / "risk_points.parquet").write_bytes((store / "risk_points.parquet").read_bytes()[:100])
    elif damage == "garbage record":
        (store / "load.json").write_text('{"loaded": "x", "findings": [[1]]}', encoding="utf-8")
    else:
        pq.write_table(pq.read_table(store / "posts.parquet").drop_columns(["post_id"]), store / "posts.parquet")
    again = engine.run_rollup([tmp_path / "exports"], as_of=AS_OF)
    assert outcome(again) == outcome(cold)


def test_no_cache_neither_reads_nor_writes_a_store(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit], isolated_user_cache: Path, invoke: Invoke
) -> None:
    export_to(three_units[0])
    result = invoke("rollup", str(tmp_path / "exports"), "--out", str(tmp_path / "out"), "-f", "json", "--no-cache")
    assert result.exit_code == 0 and stores(isolated_user_cache) == []
    assert invoke("rollup", str(tmp_path / "exports"), "--out", str(tmp_path / "o1"), "-f", "json").exit_code == 0
    assert invoke("rollup", str(tmp_path / "exports"), "--out", str(tmp_path / "o2"), "-f", "json").exit_code == 0
    assert len(stores(isolated_user_cache)) == 1
    assert (tmp_path / "o2" / "汇总.json").read_bytes() == (tmp_path / "o1" / "汇总.json").read_bytes()
    assert (tmp_path / "o1" / "汇总.json").read_bytes() == (tmp_path / "out" / "汇总.json").read_bytes()


def test_every_output_format_is_the_same_from_the_store(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit], invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openpyxl

    several(tmp_path, export_to, three_units)
    for out in ("cold", "warm"):
        result = invoke("rollup", str(tmp_path / "exports"), "--out", str(tmp_path / out), "--as-of", "2025-12-01")
        assert result.exit_code == 1 and "LZ805" in result.output  # the damaged export, reported both times
        reading_forbidden(monkeypatch)
    for name in ("汇总.json", "汇总.html"):
        assert (tmp_path / "warm" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes()

    def sheets(path: Path) -> list[list[tuple[object, ...]]]:
        book = openpyxl.load_workbook(path, read_only=True)
        return [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]

    assert sheets(tmp_path / "warm" / "汇总.xlsx") == sheets(tmp_path / "cold" / "汇总.xlsx")


def test_a_few_exports_are_read_directly_and_make_no_store(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit], isolated_user_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for unit in three_units:
        export_to(unit)
    monkeypatch.setattr(reuse, "MIN_EXPORTS", 4)
    assert engine.run_rollup([tmp_path / "exports"], as_of=AS_OF).units == 3
    assert stores(isolated_user_cache) == []
    export_to(dataclasses.replace(three_units[0], code="A004"))
    assert engine.run_rollup([tmp_path / "exports"], as_of=AS_OF).units == 4
    assert len(stores(isolated_user_cache)) == 1


def test_files_changed_just_now_and_repositories_make_no_store(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit], isolated_user_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "RACY_NS", 2_000_000_000)
    export_to(three_units[0])
    engine.run_rollup([tmp_path / "exports"], as_of=AS_OF)
    assert stores(isolated_user_cache) == []  # written a moment ago: could still change in the same tick
    monkeypatch.setattr(cache, "RACY_NS", -(10**12))
    result = engine.run_rollup([tmp_path / "repos" / "A001"], as_of=AS_OF)  # exported on the fly into a temporary folder
    assert result.units == 1 and stores(isolated_user_cache) == []


def test_only_the_most_recently_used_stores_are_kept(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit], isolated_user_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folders = [export_to(dataclasses.replace(three_units[0], code=f"C{i:03d}")) for i in range(cache.STORES_KEPT + 2)]
    for folder in folders:
        engine.run_rollup([folder], as_of=AS_OF)
    assert len(stores(isolated_user_cache)) == cache.STORES_KEPT
    reading_forbidden(monkeypatch)
    assert engine.run_rollup([folders[-1]], as_of=AS_OF).units == 1  # the newest store is one of those kept
    with pytest.raises(AssertionError, match="read again"):
        engine.run_rollup([folders[0]], as_of=AS_OF)  # the oldest was dropped
