"""Three units transcribed from the seeds, each graded by its own rule (tests/fixtures/units/)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lianzheng_cli.cli import app
from lianzheng_cli.grading.report import GradeReport, build_report
from lianzheng_cli.loading import load_repository
from lianzheng_cli.validation import validate

UNITS = Path(__file__).parent.parent / "fixtures" / "units"


def _report(unit: str) -> GradeReport:
    return build_report(load_repository(UNITS / unit))


def _grades(unit: str) -> dict[str, str]:
    return {register.id: register.grade for register in _report(unit).registers}


@pytest.mark.parametrize("unit", ["hospital", "bureau-office", "county-police"])
def test_each_unit_validates_without_errors(unit: str) -> None:
    result = validate(UNITS / unit, use_cache=False)
    assert [f for f in result.findings if f.severity.name == "ERROR"] == []
    assert result.summary.registers >= 4


def test_hospital_grades_posts_by_basic_risk_positions_across_their_risk_points() -> None:
    grades = _grades("hospital")
    assert grades["CWK-SF"] == "高"  # 人财物 + 发案频繁 on one risk point, 自由裁量 on the other
    assert grades["CWK-KJ"] == "一般"  # 人财物 and 审批权 are the same position
    assert grades["YJK-CG"] == "较高"
    assert grades["CWK"] == "高"  # a department at least as serious as its most serious post
    assert grades["LD-FY"] == "高"  # a leader at least as serious as the departments in charge


def test_hospital_explains_the_post_grade_and_its_declared_grade_agrees() -> None:
    cashier = next(r for r in _report("hospital").registers if r.id == "CWK-SF")
    assert cashier.declared == "高" and cashier.status == "一致"
    assert cashier.rule_ids == ("B3",)
    assert "风险因素计数=3" in cashier.grade_reasons[0]
    assert {row.status for row in cashier.rows} == {"按登记表评级"}


def test_bureau_office_grades_each_risk_point_and_accepts_the_alias_spelling() -> None:
    report = _report("bureau-office")
    rows = {row.id: (row.computed, row.status) for r in report.registers for row in r.rows}
    assert rows["BGS-WM-02"] == ("中", "一致")  # unlikely but a disciplinary breach: the worse wins
    assert rows["BGS-RS-01"] == ("高", "一致")  # could be a crime
    assert rows["BGS-DA-01"] == ("低", "一致")  # written 底, as 例1 does
    assert _grades("bureau-office")["BGS"] == "高"


def test_county_police_grades_posts_by_their_departments_function() -> None:
    grades = _grades("county-police")
    assert grades["ZADD-NQ"] == "一级"  # 内勤 of 治安大队, whose powers are 行政许可 and 行政处罚
    assert grades["ZGS-RS"] == "二级"
    assert grades["BGS-WS"] == "三级"
    assert grades["LD-FJ"] == "一级"  # the deputy takes the highest department in charge
    clerk = next(r for r in _report("county-police").registers if r.id == "ZADD-NQ")
    assert clerk.rule_ids == ("F1",) and "所属科室的权力类别含行政许可、行政处罚" in clerk.grade_reasons[0]


def test_grade_json_carries_the_register_verdict() -> None:
    result = CliRunner().invoke(app, ["grade", str(UNITS / "county-police"), "--format", "json"])
    assert result.exit_code == 0, result.output
    registers = {r["id"]: r for r in json.loads(result.output)["registers"]}
    deputy = registers["LD-FJ"]
    assert (deputy["declared"], deputy["computed"], deputy["status"], deputy["rules"]) == ("一级", "一级", "一致", ["L1"])


def test_a_declared_register_grade_below_the_rule_is_an_error_and_exits_1(tmp_path: Path) -> None:
    unit = shutil.copytree(UNITS / "county-police", tmp_path / "unit")
    leader = unit / "registers" / "领导班子" / "副局长.yaml"
    leader.write_text(leader.read_text(encoding="utf-8").replace("等级: 一级", "等级: 二级"), encoding="utf-8")
    findings = [f for f in validate(unit, use_cache=False).findings if f.code == "LZ305"]
    assert [(f.path, f.line) for f in findings] == [("registers/领导班子/副局长.yaml", 8)]
    assert "低于评级结果“一级”" in findings[0].message
    assert CliRunner().invoke(app, ["grade", str(unit)]).exit_code == 1


def test_a_register_downgrade_with_a_reason_is_only_a_notice(tmp_path: Path) -> None:
    unit = shutil.copytree(UNITS / "county-police", tmp_path / "unit")
    leader = unit / "registers" / "领导班子" / "副局长.yaml"
    text = leader.read_text(encoding="utf-8").replace("等级: 一级", "等级: 二级\n降级理由: 治安审批已划转政务中心")
    leader.write_text(text, encoding="utf-8")
    codes = [f.code for f in validate(unit, use_cache=False).findings]
    assert "LZ307" in codes and "LZ305" not in codes


def test_forms_print_shared_measures_in_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    unit = shutil.copytree(UNITS / "bureau-office", tmp_path / "unit")
    monkeypatch.chdir(unit)
    result = CliRunner().invoke(app, ["build", "--format", "md", "--only", "forms", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    texts = "\n".join(
        p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*.md") if "劳资人事干事" in p.read_text(encoding="utf-8")
    )
    assert texts.count("考察、任免全程留痕，结果在机关内公示") >= 2  # once for each risk point using RS-M2
    assert "引用" not in texts and "RS-M2" not in texts
