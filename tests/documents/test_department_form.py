"""The department form's content rule: its grade and its rows come from the same registers."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from lianzheng_cli.cli import app

UNIT = Path(__file__).parent.parent / "fixtures" / "units" / "hospital"


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = shutil.copytree(UNIT, tmp_path / "unit")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, ["build", "-f", "md", "-f", "docx", "--only", "forms", "--out", "out"])
    assert result.exit_code == 0, result.output
    return root / "out" / "科室"


def test_a_department_without_own_risk_points_shows_its_posts_beside_its_grade(built: Path) -> None:
    form = (built / "药剂科" / "科室廉政风险防控表.md").read_text(encoding="utf-8")
    risks = form.split("## 存在廉政风险")[1].split("## 自我防控措施")[0]
    assert "| 风险等级 | 较高 |" in form
    assert "（无）" not in risks
    assert "药品采购员：风险点 1 个，岗位风险等级较高" in risks
    cells = [
        cell.text
        for table in docx.Document(str(built / "药剂科" / "科室廉政风险防控表.docx")).tables
        for row in table.rows
        for cell in row.cells
    ]
    assert any("药品采购员：风险点 1 个" in text for text in cells)
    assert not any(text.strip() == "（无）" for text in cells)


def test_a_department_with_own_risk_points_lists_them_and_then_its_posts(built: Path) -> None:
    form = (built / "财务科" / "科室廉政风险防控表.md").read_text(encoding="utf-8")
    risks = form.split("## 存在廉政风险")[1].split("## 自我防控措施")[0]
    assert risks.index("收费票据领用缺少核销") < risks.index("所属岗位的风险点")
    assert "门诊收费员：风险点 2 个，岗位风险等级高" in risks and "会计：风险点 2 个" in risks
