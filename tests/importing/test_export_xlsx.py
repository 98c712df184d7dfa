"""``lzfk export xlsx``: parse the workbook and check content, fonts, print setup, panes, filters."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from lianzheng_cli.loading import load_repository
from tests.conftest import Invoke
from tests.helpers import REPO_ROOT


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    shutil.copytree(REPO_ROOT / "registers", root / "registers")
    shutil.copy(REPO_ROOT / "lzfk.yaml", root / "lzfk.yaml")
    return root


def _export(invoke: Invoke, root: Path, *args: str) -> openpyxl.Workbook:
    out = root / "out.xlsx"
    result = invoke("export", "xlsx", "--out", str(out), *args, cwd=root)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "已导出" in result.stdout
    return openpyxl.load_workbook(out)


def test_sheets_counts_and_details_match_the_registers(invoke: Invoke, sample: Path) -> None:
    workbook = _export(invoke, sample)
    assert workbook.sheetnames == ["汇总", "科室", "明细", "校验"]
    loaded = load_repository(sample)
    risks = [(r, risk) for r in loaded.registers for risk in r.risks]
    details = list(workbook["明细"].iter_rows(values_only=True))
    header, rows = details[0], details[1:]
    assert header[:8] == ("单位", "科室", "岗位", "编号", "风险点", "类型", "表现形式", "等级")
    assert len(rows) == len(risks)
    by_id = {row[3]: row for row in rows}
    for register, risk in risks:
        row = by_id[risk.id]
        assert row[0] == "青川县人民医院"
        assert row[4] == risk.name and row[5] == risk.type and row[7] == risk.grade
        assert row[6] == "\n".join(risk.manifestations)
        stages = ["\n".join(m.content for m in risk.measures if m.stage == s) for s in ("前期预防", "中期监控", "后期处置")]
        assert list(row[8:11]) == [s or None for s in stages]
        if register.approval is not None:
            assert row[12] == register.approval.date.isoformat()
    summary = list(workbook["汇总"].iter_rows(values_only=True))
    assert summary[0] == ("科室", "一级", "二级", "三级", "合计")
    expected = Counter(row[1] for row in rows)
    counted = {row[0]: sum(row[1:4]) for row in summary[1:-1]}
    assert counted == dict(expected)
    assert summary[-1][0] == "合计" and str(summary[-1][4]).startswith("=SUM(")
    grades = Counter((row[1], row[7]) for row in rows)
    for row in summary[1:-1]:
        assert row[1:4] == tuple(grades[(row[0], g)] for g in ("一级", "二级", "三级"))
    per_type = list(workbook["科室"].iter_rows(values_only=True))
    assert sum(sum(row[2:5]) for row in per_type[1:-1]) == len(rows)


def test_layout_fonts_print_setup_panes_and_filter(invoke: Invoke, sample: Path) -> None:
    workbook = _export(invoke, sample)
    for sheet in workbook:
        assert sheet.page_setup.paperSize == 8 and sheet.page_setup.orientation == "landscape"  # A3 landscape
        assert sheet.print_title_rows == "$1:$1"  # header repeated on every printed page
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
    details = workbook["明细"]
    assert details["A1"].font.name == "黑体" and details["A1"].font.b
    assert details["E2"].font.name == "宋体"
    # CJK counts two units a character: the 风险点 column is wider than its longest name in characters.
    longest = max(len(str(cell.value or "")) for cell in details["E"])
    assert details.column_dimensions["E"].width >= min(2 * longest, 60)
    assert details.column_dimensions["D"].width < details.column_dimensions["E"].width
    # Wrapped cells get rows tall enough for their lines (no program does it for XlsxWriter's files).
    multi = next(r for r in range(2, details.max_row + 1) if "\n" in str(details.cell(row=r, column=7).value))
    lines = str(details.cell(row=multi, column=7).value).count("\n") + 1
    assert details.row_dimensions[multi].height >= 13.5 * lines


def test_findings_sheet_lists_validation_findings(invoke: Invoke, sample: Path) -> None:
    path = sample / "registers/药剂科/药品采购员.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("类型: 外部环境风险", "类型: 外部风险", 1), encoding="utf-8")
    workbook = _export(invoke, sample)
    findings = list(workbook["校验"].iter_rows(values_only=True))
    assert findings[0] == ("文件", "行", "列", "级别", "编号", "问题", "修改建议")
    assert any(row[0] == "registers/药剂科/药品采购员.yaml" and row[4] == "LZ207" and row[3] == "错误" for row in findings[1:])


def test_editable_workbook_has_reason_and_hidden_locator(invoke: Invoke, sample: Path) -> None:
    workbook = _export(invoke, sample, "--editable")
    details = workbook["明细"]
    header = [cell.value for cell in details[1]]
    assert header[-2:] == ["撤销理由", "定位（请勿修改）"]
    locator_column = openpyxl.utils.get_column_letter(len(header))
    assert details.column_dimensions[locator_column].hidden
    assert str(details[f"{locator_column}2"].value).startswith("registers/")
