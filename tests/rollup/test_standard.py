"""lzfk rollup --standard: drift of each unit from the office's 标准风险库."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lianzheng_cli.rollup.engine import run_rollup
from tests.conftest import Invoke
from tests.rollup.conftest import ExportUnit
from tests.rollup.test_rollup import codes, table
from tests.rollup.units import Department, Post, Risk, Unit, write_unit

AS_OF = dt.date(2025, 12, 1)


def catalogue(root: Path) -> Path:
    """Two standard post types: 采购员 (three standard risks) and 出纳 (two)."""
    purchase = Post(
        "STD-CG",
        "采购员",
        (Risk("BZ-CG-01", "收受供应商回扣", 0), Risk("BZ-CG-02", "拆分采购规避招标", 0), Risk("BZ-CG-03", "验收把关不严", 1)),
    )
    cashier = Post("STD-CN", "出纳", (Risk("BZ-CN-01", "挪用公款", 0), Risk("BZ-CN-02", "违规支付", 1)))
    unit = Unit("STD", "某市卫生健康委标准风险库", departments=[Department("STD-KS", "标准岗位", (purchase, cashier))])
    return write_unit(root, unit)


def unit_with_citations() -> Unit:
    purchase = Post(
        "CG-1",
        "药品采购员",
        (
            Risk("CG-1-01", "收受供应商回扣", 0, standard_id="BZ-CG-01"),  # as the standard
            Risk("CG-1-02", "把采购拆成小额规避招标", 0, standard_id="BZ-CG-02"),  # reworded
            Risk("CG-1-03", "自定风险", 2),
        ),
    )
    cashier = Post("CN-1", "出纳", (Risk("CN-1-01", "挪用公款", 1, standard_id="BZ-CN-01"),))  # grade differs; matched by name
    typo = Post("KJ-1", "会计", (Risk("KJ-1-01", "做假账", 0, standard_id="BZ-KJ-99"),))  # no such standard id
    return Unit("H1", "某医院", departments=[Department("CWK", "财务科", (purchase, cashier, typo))])


def test_drift_lists_missing_reworded_regraded_and_unknown(tmp_path: Path, export_to: ExportUnit) -> None:
    standard = catalogue(tmp_path / "标准风险库")
    export_to(unit_with_citations())
    result = run_rollup([tmp_path / "exports"], as_of=AS_OF, standard=standard)
    assert result.findings == [] and result.standard is not None
    details = {(row["登记表编号"], row["差异"], row["标准编号"]) for row in table(result, "61-drift_details")}
    assert details == {
        ("CG-1", "缺少标准风险点", "BZ-CG-03"),
        ("CG-1", "表述与标准不同", "BZ-CG-02"),
        ("CN-1", "缺少标准风险点", "BZ-CN-02"),
        ("CN-1", "等级与标准不同", "BZ-CN-01"),
        ("KJ-1", "标准编号不存在", "BZ-KJ-99"),
    }
    summary = table(result, "60-drift_summary")
    assert summary == [
        {"单位编号": "H1", "单位": "某医院", "缺少标准风险点": 2, "表述不同": 1, "等级不同": 1, "标准编号不存在": 1}
    ]


def test_without_standard_there_are_no_drift_tables_and_a_bad_catalogue_is_reported(
    tmp_path: Path, export_to: ExportUnit
) -> None:
    export_to(unit_with_citations())
    plain = run_rollup([tmp_path / "exports"], as_of=AS_OF)
    assert not any(q.name.startswith("6") for q in plain.queries)
    empty = tmp_path / "空"
    empty.mkdir()
    result = run_rollup([tmp_path / "exports"], as_of=AS_OF, standard=empty)
    assert codes(result) == [("LZ808", "空")]
    assert not any(q.name.startswith("6") for q in result.queries) and table(result, "10-unit_grades")


def test_cli_standard_option(tmp_path: Path, export_to: ExportUnit, invoke: Invoke) -> None:
    standard = catalogue(tmp_path / "标准风险库")
    export_to(unit_with_citations())
    result = invoke(
        "rollup", str(tmp_path / "exports"), "--standard", str(standard), "--out", str(tmp_path / "out"), "-f", "json"
    )
    assert result.exit_code == 0, result.output
    assert "已与标准风险库" in result.output
