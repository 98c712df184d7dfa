"""lzfk rollup on real DuckDB over several generated units' real exports."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lianzheng_cli.exporting.tables import SCHEMAS
from lianzheng_cli.rollup.engine import run_rollup
from lianzheng_cli.rollup.result import RollupResult
from lianzheng_cli.validation import validate
from tests.conftest import Invoke
from tests.rollup.conftest import ExportUnit, before_the_digest
from tests.rollup.units import Post, Risk, Unit, commit_unit, units_total

AS_OF = dt.date(2025, 12, 1)


def table(result: RollupResult, name: str) -> list[dict[str, Any]]:
    query = next(q for q in result.queries if q.name == name)
    return [dict(zip(query.columns, row, strict=True)) for row in query.rows]


def codes(result: RollupResult) -> list[tuple[str, str]]:
    return [(f.code, Path(f.path).name) for f in result.findings]


def test_unit_by_grade_counts_equal_the_generated_registers(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]
) -> None:
    for unit in three_units:
        export_to(unit)
    result = run_rollup([tmp_path / "exports"], as_of=AS_OF)
    assert result.findings == [] and result.units == 3 and result.exports == 3
    rows = table(result, "10-unit_grades")
    by_code = {row["单位编号"]: row for row in rows}
    for unit in three_units:
        row = by_code[unit.code]
        assert (row["一级"], row["二级"], row["三级"]) == unit.grade_counts()
        assert row["合计"] == len(unit.risks) and row["上级单位"] == "SWJW" and row["单位"] == unit.name
    total = rows[-1]
    assert total["单位编号"] == "合计" and (total["一级"], total["二级"], total["三级"]) == units_total(three_units)
    types = {row["风险类型"]: row for row in table(result, "20-type_grades")}
    for risk_type in {risk.type for unit in three_units for risk in unit.risks}:
        expected = [risk for unit in three_units for risk in unit.risks if risk.type == risk_type]
        assert types[risk_type]["合计"] == len(expected)
        assert types[risk_type]["一级"] == sum(1 for risk in expected if risk.grade == 0)
    assert types["合计"]["合计"] == sum(len(unit.risks) for unit in three_units)


def test_changes_since_the_previous_export_are_counted_per_unit(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]
) -> None:
    first = three_units[0]
    export_to(dataclasses.replace(first, year=2024), "2024", date="2024-03-01T10:00:00+08:00")
    post = first.departments[0].posts[0]
    removed = post.risks[0]
    regraded = dataclasses.replace(post.risks[-1], grade=(post.risks[-1].grade + 1) % 3) if len(post.risks) > 1 else None
    kept = [r for r in post.risks[1:] if regraded is None or r.id != regraded.id]
    new_risks = (*kept, *([regraded] if regraded else []), Risk("NEW-01", "新增风险", 0))
    changed = dataclasses.replace(post, risks=new_risks)
    departments = [
        dataclasses.replace(first.departments[0], posts=(changed, *first.departments[0].posts[1:])),
        *first.departments[1:],
    ]
    second = dataclasses.replace(first, year=2025, departments=departments)
    export_to(second, "2025", date="2025-03-01T10:00:00+08:00")
    export_to(three_units[1])
    result = run_rollup([tmp_path / "exports"], as_of=AS_OF)
    assert result.findings == [] and result.units == 2 and result.snapshots == 3
    changes = table(result, "30-changes")
    assert [row["单位编号"] for row in changes] == [first.code]  # the unit with one export has nothing to compare
    raised = lowered = 0
    if regraded is not None:
        old = next(r for r in post.risks if r.id == regraded.id)
        raised, lowered = int(regraded.grade < old.grade), int(regraded.grade > old.grade)
    row = changes[0]
    assert (row["上次年度"], row["本次年度"]) == (2024, 2025)
    assert (row["新增"], row["撤销"], row["升级"], row["降级"]) == (1, 1, raised, lowered)
    details = {(row["风险点编号"], row["变化"]) for row in table(result, "31-change_details")}
    assert {("NEW-01", "新增"), (removed.id, "撤销")} <= details
    grades = {row["单位编号"]: row for row in table(result, "10-unit_grades")}
    assert grades[first.code]["年度"] == 2025 and grades[first.code]["合计"] == len(second.risks)


def test_unapproved_and_expired_units_and_sensitive_posts(tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]) -> None:
    three_units[1].approved = False
    purchase = three_units[2].departments[1]
    three_units[2].departments[1] = dataclasses.replace(
        purchase, posts=(Post("CGZX-09", "采购专员", (Risk("CGZX-09-01", "围标", 1), Risk("CGZX-09-02", "泄露底价", 2))),)
    )
    for unit in three_units:
        export_to(unit)
    result = run_rollup([tmp_path / "exports"], as_of=dt.date(2026, 4, 1))
    status = {row["单位编号"]: row for row in table(result, "40-approval_status")}
    assert status["A002"]["未审定"] == status["A002"]["登记表"] == 1 + 3 + len(three_units[1].posts)
    assert status["A001"]["未审定"] == 0 and status["A001"]["审定过期"] == status["A001"]["登记表"]  # approved 2025-03-20
    assert status["A001"]["导出不是本年度"] == "是"
    early = run_rollup([tmp_path / "exports"], as_of=dt.date(2025, 6, 1))
    assert [row["单位编号"] for row in table(early, "40-approval_status")] == ["A002"]
    sensitive = table(result, "50-sensitive_posts")
    expected = {
        (unit.code, post.id)
        for unit in three_units
        for department in unit.departments
        if department.name in ("财务科", "采购中心")
        for post in department.posts
        if not any(risk.grade == 0 for risk in post.risks)
    }
    assert {(row["单位编号"], row["岗位编号"]) for row in sensitive} == expected
    assert ("A003", "CGZX-09") in expected


def test_units_whose_registers_have_errors_are_listed(tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]) -> None:
    for unit in three_units:
        export_to(unit)
    repo = tmp_path / "repos" / "A002"
    (repo / "registers" / "坏.yaml").write_text("类型: 岗位\n编号: [\n", encoding="utf-8")
    (repo / "registers" / "CWK" / "CWK-01.yaml").write_text("类型: 岗位\n", encoding="utf-8")
    result = run_rollup([tmp_path / "exports" / "A001", tmp_path / "exports" / "A003", repo], as_of=AS_OF)
    checked = validate(repo, use_cache=False).findings
    errors = [f for f in checked if f.severity.key == "error"]
    warnings = [f for f in checked if f.severity.key == "warning"]
    assert {f.path for f in errors} == {"registers/坏.yaml", "registers/CWK/CWK-01.yaml"}
    expected = {"单位编号": "A002", "单位": "乙县中医院", "有错误的文件": 2, "错误": len(errors), "警告": len(warnings)}
    assert table(result, "45-register_errors") == [expected]
    grades = {row["单位编号"]: row["合计"] for row in table(result, "10-unit_grades")}
    assert grades["A002"] == len(three_units[1].risks) - len(three_units[1].departments[0].posts[0].risks)


def test_a_repository_is_exported_on_the_fly(tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]) -> None:
    export_to(three_units[0])
    export_to(three_units[1])
    commit_unit(tmp_path / "repos" / "A003", three_units[2])
    result = run_rollup([tmp_path / "exports", tmp_path / "repos" / "A002", tmp_path / "repos" / "A003"], as_of=AS_OF)
    # A003 is only a repository (exported on the fly); A002 comes both ways, and is counted once
    assert codes(result) == [("LZ807", "A002")] and result.units == 3
    assert {row["单位编号"] for row in table(result, "10-unit_grades")} == {"A001", "A002", "A003", "合计"}


def test_missing_corrupt_and_foreign_exports_are_reported_and_the_rest_rolled_up(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]
) -> None:
    extra = [dataclasses.replace(three_units[0], code=f"B00{i}", name=f"单位{i}") for i in range(1, 4)]
    folders = [export_to(unit) for unit in [*three_units, *extra]]
    before_the_digest(*folders)  # the damaged tables are read (a digest would stand in for them)
    (folders[0] / "posts.parquet").unlink()  # incomplete
    risk_file = folders[1] / "risk_points.parquet"
    risk_file.write_bytes(risk_file.read_bytes()[:200])  # cut short in transfer
    units_file = folders[3] / "units.parquet"
    units = pq.read_table(units_file)
    pq.write_table(units.replace_schema_metadata({b"lzfk.schema_version": b"9"}), units_file)  # a future format
    (folders[4] / "approvals.parquet").write_text("不是 parquet", encoding="utf-8")
    result = run_rollup([tmp_path / "exports", tmp_path / "nowhere"], as_of=AS_OF)
    assert sorted(codes(result)) == [
        ("LZ801", "nowhere"),
        ("LZ802", "A001"),
        ("LZ805", "approvals.parquet"),
        ("LZ805", "risk_points.parquet"),
        ("LZ806", "units.parquet"),
    ]
    assert result.units == 2 and result.exports == 2
    rows = table(result, "10-unit_grades")
    assert [row["单位编号"] for row in rows] == ["A003", extra[2].code, "合计"]
    assert rows[-1]["合计"] == len(three_units[2].risks) + len(extra[2].risks)


def test_cli_writes_every_format_and_reports_problems(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit], invoke: Invoke
) -> None:
    for unit in three_units:
        export_to(unit)
    out = tmp_path / "out"
    result = invoke("rollup", str(tmp_path / "exports"), str(tmp_path / "缺"), "--out", str(out), "--as-of", "2025-12-01")
    assert result.exit_code == 1, result.output
    assert "LZ801" in result.output and "已汇总 3 个单位" in result.output
    assert "读取数据表" not in result.output  # no progress bar when the output is not a terminal
    assert sorted(p.name for p in out.iterdir()) == ["汇总.docx", "汇总.html", "汇总.json", "汇总.xlsx"]
    data = json.loads((out / "汇总.json").read_text(encoding="utf-8"))
    assert data["units"] == 3 and data["as_of"] == "2025-12-01"
    assert [p["code"] for p in data["problems"]] == ["LZ801"]
    grades = next(q for q in data["queries"] if q["name"] == "10-unit_grades")
    assert grades["rows"][-1][0] == "合计" and grades["rows"][-1][-1] == sum(len(u.risks) for u in three_units)
    clean = invoke("rollup", str(tmp_path / "exports"), "--out", str(tmp_path / "o2"), "-f", "json")
    assert clean.exit_code == 0 and [p.name for p in (tmp_path / "o2").iterdir()] == ["汇总.json"]


def test_no_input_and_bad_date_are_usage_errors(tmp_path: Path, invoke: Invoke) -> None:
    assert invoke("rollup").exit_code == 2
    assert invoke("rollup", str(tmp_path), "--as-of", "2025-13-01").exit_code == 2
    nothing = invoke("rollup", str(tmp_path), "--out", str(tmp_path / "out"), "-f", "json")
    assert nothing.exit_code == 1 and "LZ803" in nothing.output


def test_an_office_can_edit_and_add_queries(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit], invoke: Invoke
) -> None:
    for unit in three_units:
        export_to(unit)
    mine = tmp_path / "我的查询"
    assert invoke("rollup", "--copy-queries", str(mine)).exit_code == 0
    assert (mine / "10-unit_grades.sql").is_file() and (mine / "standard" / "_views.sql").is_file()
    (mine / "70-measures.sql").write_text(
        '-- 标题: 防控措施条数\nSELECT unit_code AS "单位编号", COUNT(*) AS "措施" FROM measures GROUP BY unit_code ORDER BY unit_code;\n',
        encoding="utf-8",
    )
    (mine / "80-broken.sql").write_text("SELECT nothing FROM nowhere;\n", encoding="utf-8")
    result = run_rollup([tmp_path / "exports"], as_of=AS_OF, queries=mine)
    assert codes(result) == [("LZ809", "80-broken.sql")]
    measures = table(result, "70-measures")
    assert measures == [{"单位编号": u.code, "措施": 3 * len(u.risks)} for u in three_units]
    assert next(q for q in result.queries if q.name == "70-measures").title == "防控措施条数"
    assert len(table(result, "10-unit_grades")) == 4


def test_a_merged_export_rolls_up_like_its_units(tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]) -> None:
    export_to(dataclasses.replace(three_units[0], year=2024), "a-2024", date="2024-03-01T10:00:00+08:00")
    for unit in three_units:
        export_to(unit)
    direct = run_rollup([tmp_path / "exports"], as_of=AS_OF, merge_to=tmp_path / "county")
    for name in SCHEMAS:
        merged = pq.read_table(tmp_path / "county" / f"{name}.parquet")
        assert [(f.name, str(f.type), f.nullable) for f in merged.schema] == [
            (f.name, str(f.type), f.nullable) for f in SCHEMAS[name]
        ]
        assert pq.read_metadata(tmp_path / "county" / f"{name}.parquet").metadata[b"lzfk.schema_version"] == b"1.1"
    assert pq.read_table(tmp_path / "county" / "units.parquet").num_rows == 4
    city = run_rollup([tmp_path / "county"], as_of=AS_OF)
    assert city.findings == [] and city.units == 3 and city.exports == 1
    assert [q.rows for q in city.queries] == [q.rows for q in direct.queries]


def test_progress_bar_on_a_terminal(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit], invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.console import Console

    from lianzheng_cli.cli import rollup as rollup_cli

    export_to(three_units[0])
    screen = io.StringIO()
    monkeypatch.setattr(rollup_cli, "err_console", Console(file=screen, force_terminal=True, width=100))
    result = invoke("rollup", str(tmp_path / "exports"), "--out", str(tmp_path / "out"), "-f", "json")
    assert result.exit_code == 0
    assert "读取数据表" in screen.getvalue() and "汇总查询" in screen.getvalue()


def test_a_damaged_units_file_does_not_undo_the_duplicate_check(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]
) -> None:
    first, second = export_to(three_units[0]), export_to(three_units[1])
    before_the_digest(first, second)
    shutil.copytree(first, tmp_path / "exports" / "A001-副本")
    (second / "units.parquet").write_bytes(b"PAR1 not really")
    result = run_rollup([tmp_path / "exports"], as_of=AS_OF)
    assert sorted(codes(result)) == [("LZ805", "units.parquet"), ("LZ807", "A001-副本")]
    assert result.units == 1 and result.snapshots == 1
    assert table(result, "10-unit_grades")[0]["合计"] == len(three_units[0].risks)


def test_an_export_missing_a_column_is_reported_and_extra_columns_are_fine(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]
) -> None:
    first, second = export_to(three_units[0]), export_to(three_units[1])
    before_the_digest(first, second)
    risks = pq.read_table(first / "risk_points.parquet")
    pq.write_table(risks.drop_columns(["grade_rank"]), first / "risk_points.parquet")
    posts = pq.read_table(second / "posts.parquet")
    pq.write_table(posts.append_column("future_column", pa.array([1] * posts.num_rows)), second / "posts.parquet")
    result = run_rollup([tmp_path / "exports"], as_of=AS_OF)
    assert codes(result) == [("LZ805", "risk_points.parquet")] and "grade_rank" in result.findings[0].message
    assert result.units == 1 and table(result, "10-unit_grades")[0]["单位编号"] == "A002"


def test_rolling_merge_keeps_last_month_and_adds_this_month(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]
) -> None:
    export_to(three_units[0], "nov-a", date="2025-11-03T10:00:00+08:00")
    export_to(three_units[1], "nov-b", date="2025-11-03T10:00:00+08:00")
    run_rollup([tmp_path / "exports"], as_of=AS_OF, merge_to=tmp_path / "merged-nov")
    post = three_units[0].departments[0].posts[0]
    changed = dataclasses.replace(post, risks=(*post.risks, Risk("DEC-01", "十二月新增", 0)))
    december = dataclasses.replace(
        three_units[0],
        departments=[dataclasses.replace(three_units[0].departments[0], posts=(changed,)), *three_units[0].departments[1:]],
    )
    new = export_to(december, "dec-a", date="2025-12-01T10:00:00+08:00")
    result = run_rollup([tmp_path / "merged-nov", new], as_of=AS_OF)
    assert result.findings == [] and result.units == 2 and result.snapshots == 3
    (row,) = table(result, "30-changes")
    assert row["单位编号"] == "A001" and row["新增"] == 1
    lost = sum(len(p.risks) for p in three_units[0].departments[0].posts[1:])  # that department's other posts are gone
    assert row["撤销"] == lost


def test_a_merge_over_a_damaged_export_keeps_every_other_unit(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]
) -> None:
    """--merge reads every column, list columns too: the probe after a failed load must know them."""
    folders = [export_to(unit) for unit in three_units]
    (folders[1] / "measures.parquet").write_bytes(b"PAR1")
    result = run_rollup([tmp_path / "exports"], as_of=AS_OF, merge_to=tmp_path / "county")
    assert codes(result) == [("LZ805", "measures.parquet")]
    assert result.units == 2
    merged = pq.read_table(tmp_path / "county" / "units.parquet")
    assert merged.column("unit_code").to_pylist() == ["A001", "A003"]
    assert merged.column("grade_names").to_pylist() == [["一级", "二级", "三级"]] * 2


def test_a_cut_short_file_is_found_without_probing_every_export(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit], monkeypatch: pytest.MonkeyPatch
) -> None:
    from lianzheng_cli.rollup import engine

    folders = [export_to(unit) for unit in three_units]
    before_the_digest(*folders)
    risk_file = folders[2] / "risk_points.parquet"
    risk_file.write_bytes(risk_file.read_bytes()[:-1])  # the last byte lost in transfer
    probed: list[str] = []

    def counting_probe(folder: Any, columns: dict[str, list[str]]) -> Any:
        probed.append(folder.path.name)
        return probe(folder, columns)

    probe = engine.probe
    monkeypatch.setattr(engine, "probe", counting_probe)
    result = run_rollup([tmp_path / "exports"], as_of=AS_OF)
    assert codes(result) == [("LZ805", "risk_points.parquet")] and result.units == 2
    assert probed == ["A003"]  # the magic-byte check named it; the whole exports were not re-read
