"""lzfk export parquet / ndjson: real exports of generated units, read back with pyarrow and checked."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from lianzheng_cli.exporting.tables import SCHEMA_VERSION, SCHEMAS, TABLE_NAMES
from tests.conftest import Invoke
from tests.rollup.units import Department, Post, Risk, Unit, commit_unit, git, sample_unit, write_unit


def _columns(schema: pa.Schema) -> list[tuple[str, str, bool]]:
    return [(field.name, str(field.type), field.nullable) for field in schema]


def test_parquet_export_has_the_documented_schema_metadata_and_rows(tmp_path: Path, invoke: Invoke) -> None:
    unit = sample_unit("A001", "甲县人民医院", 1)
    repo = tmp_path / "repo"
    sha = commit_unit(repo, unit, date="2025-03-05T09:30:00+08:00")
    result = invoke("export", "parquet", "--out", str(tmp_path / "out"), cwd=repo)
    assert result.exit_code == 0, result.output
    assert "甲县人民医院" in result.output and sha[:8] in result.output
    tables = {name: pq.read_table(tmp_path / "out" / f"{name}.parquet") for name in TABLE_NAMES}
    for name, table in tables.items():
        assert _columns(table.schema) == _columns(SCHEMAS[name]), name
        metadata = pq.read_metadata(tmp_path / "out" / f"{name}.parquet").metadata
        assert metadata[b"lzfk.schema_version"] == SCHEMA_VERSION.encode()
        assert metadata[b"lzfk.table"] == name.encode()
        rows = table.to_pylist()
        assert {(row["unit_code"], row["year"], row["commit_id"]) for row in rows} <= {("A001", 2025, sha)}
    units = tables["units"].to_pylist()
    assert len(units) == 1
    assert units[0]["name"] == "甲县人民医院" and units[0]["parent_code"] == "SWJW"
    assert units[0]["committed_at"] == dt.datetime(2025, 3, 5, 1, 30, tzinfo=dt.UTC)
    assert units[0]["dirty"] is False and units[0]["grade_names"] == ["一级", "二级", "三级"]
    assert tables["departments"].num_rows == 3
    assert tables["posts"].num_rows == len(unit.posts)
    assert tables["risk_points"].num_rows == len(unit.risks)
    assert tables["measures"].num_rows == 3 * len(unit.risks)
    assert tables["approvals"].num_rows == 1 + 3 + len(unit.posts)
    posts = {row["post_id"]: row for row in tables["posts"].to_pylist()}
    assert posts["CWK-01"]["department_id"] == "CWK" and posts["CWK-01"]["department_name"] == "财务科"
    risks = {row["risk_id"]: row for row in tables["risk_points"].to_pylist()}
    for risk in unit.risks:
        assert risks[risk.id]["grade_rank"] == risk.grade + 1
        assert risks[risk.id]["risk_type"] == risk.type and risks[risk.id]["owner_kind"] == "岗位"
    approval = tables["approvals"].to_pylist()[0]
    assert approval["approved_on"] == dt.date(2025, 3, 20) and approval["approval_due"] == dt.date(2026, 3, 20)


def test_custom_grade_names_become_ranks_and_findings_are_exported(tmp_path: Path) -> None:
    from lianzheng_cli.exporting.unit_export import export_unit

    risks = (Risk("X-01", "甲", 0), Risk("X-02", "乙", 2))
    unit = Unit("B1", "某局", grades=("高", "中", "低"), departments=[Department("BGS", "办公室", (Post("X", "文书", risks),))])
    repo = write_unit(tmp_path / "repo", unit)
    (repo / "registers" / "坏.yaml").write_text("类型: 岗位\n编号: [\n", encoding="utf-8")
    export = export_unit(repo)
    assert export.stamp.commit == "" and export.stamp.committed_at is None  # not in git
    ranks = {row["risk_id"]: (row["grade"], row["grade_rank"]) for row in export.tables["risk_points"].to_pylist()}
    assert ranks == {"X-01": ("高", 1), "X-02": ("低", 3)}
    findings = export.tables["findings"].to_pylist()
    assert any(row["path"] == "registers/坏.yaml" and row["code"] == "LZ003" and row["severity"] == "error" for row in findings)


def test_dirty_working_tree_is_flagged(tmp_path: Path) -> None:
    from lianzheng_cli.exporting.unit_export import export_unit

    repo = tmp_path / "repo"
    sha = commit_unit(repo, sample_unit("A9", "某院", 1))
    (repo / "registers" / "单位.yaml").write_text(
        (repo / "registers" / "单位.yaml").read_text(encoding="utf-8") + "说明: 改动\n", encoding="utf-8"
    )
    export = export_unit(repo)
    assert export.stamp.commit == sha and export.stamp.dirty
    assert export.tables["units"].to_pylist()[0]["dirty"] is True
    git(repo, "stash", "-q")
    assert export_unit(repo).stamp.dirty is False


def test_ndjson_export_has_the_same_rows_and_a_schema_file(tmp_path: Path, invoke: Invoke) -> None:
    repo = tmp_path / "repo"
    sha = commit_unit(repo, sample_unit("A001", "甲县人民医院", 2))
    assert invoke("export", "parquet", "--out", str(tmp_path / "p"), cwd=repo).exit_code == 0
    assert invoke("export", "ndjson", "--out", str(tmp_path / "n"), cwd=repo).exit_code == 0
    for name in TABLE_NAMES:
        lines = (tmp_path / "n" / f"{name}.ndjson").read_text(encoding="utf-8").splitlines()
        rows = [json.loads(line) for line in lines]
        parquet_rows = pq.read_table(tmp_path / "p" / f"{name}.parquet").to_pylist()
        assert len(rows) == len(parquet_rows), name
        assert all(row["commit_id"] == sha and list(row) == SCHEMAS[name].names for row in rows)
    schema = json.loads((tmp_path / "n" / "schema.json").read_text(encoding="utf-8"))
    assert schema["schema_version"] == SCHEMA_VERSION
    assert [column["name"] for column in schema["tables"]["risk_points"]] == SCHEMAS["risk_points"].names
    approvals = [json.loads(line) for line in (tmp_path / "n" / "approvals.ndjson").read_text(encoding="utf-8").splitlines()]
    assert approvals[0]["approved_on"] == "2025-03-20"


def test_export_with_broken_registers_still_writes_and_exits_1(tmp_path: Path, invoke: Invoke) -> None:
    repo = tmp_path / "repo"
    unit = sample_unit("A001", "甲县人民医院", 1)
    commit_unit(repo, unit)
    (repo / "registers" / "坏.yaml").write_text("类型: 岗位\n编号: [\n", encoding="utf-8")
    result = invoke("export", "parquet", "--out", str(tmp_path / "out"), cwd=repo)
    assert result.exit_code == 1 and "1 个错误" in result.output
    assert pq.read_table(tmp_path / "out" / "posts.parquet").num_rows == len(unit.posts)
    findings = pq.read_table(tmp_path / "out" / "findings.parquet").to_pylist()
    assert [(row["path"], row["code"]) for row in findings if row["severity"] == "error"] == [("registers/坏.yaml", "LZ003")]


def test_export_outside_a_repository_is_a_usage_error(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("export", "parquet", str(tmp_path), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "lzfk.yaml" in result.output
    assert not (tmp_path / "out").exists()


def test_computed_grades_are_exported_beside_the_declared_ones() -> None:
    from lianzheng_cli.exporting.unit_export import export_unit
    from tests.helpers import VALID

    rows = export_unit(VALID / "full-repository").tables["risk_points"].to_pylist()
    crimes = [row for row in rows if row["consequence"] == "犯罪"]
    assert crimes and all(row["computed_grade_rank"] == 1 for row in crimes)  # 概率或后果: 可能构成犯罪 → 一级
    unknown = [row for row in rows if row["likelihood"] is None and row["consequence"] is None]
    assert all(row["computed_grade_rank"] is None for row in unknown)


def test_files_outside_the_registers_do_not_make_the_export_dirty(tmp_path: Path) -> None:
    from lianzheng_cli.exporting.unit_export import export_unit

    repo = tmp_path / "repo"
    commit_unit(repo, sample_unit("A9", "某院", 1))
    (repo / "out").mkdir()
    (repo / "out" / "units.parquet").write_bytes(b"an earlier export")
    assert export_unit(repo).stamp.dirty is False
    (repo / "registers" / "新.yaml").write_text("类型: 岗位\n", encoding="utf-8")
    assert export_unit(repo).stamp.dirty is True
