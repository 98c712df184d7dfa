"""分级负责, 监测指标 and 评估结果 on the forms and in the catalogue."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from lianzheng_cli.cli import app
from lianzheng_cli.config import Config

CASE = Path(__file__).parent.parent / "fixtures" / "invalid" / "lz225-lz226-responsibility-assessment"


def test_forms_and_catalogue_print_who_is_responsible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = shutil.copytree(CASE, tmp_path / "unit")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, ["build", "-f", "md", "-f", "docx", "--only", "forms", "--only", "tables", "--out", "out"])
    assert result.exit_code == 0, result.output
    form = next((root / "out").rglob("个人岗位廉政风险防控表/YJK-ZR_药剂科主任.md")).read_text(encoding="utf-8")
    assert "（责任领导：院长；监督：纪委）" in form and "（责任领导：分管院长、分管副院长）" in form
    assert "监测指标：新进药品中单一厂家占比" in form
    assert "评估结果：基本准确" in form
    catalogue = (root / "out" / "风险点目录.md").read_text(encoding="utf-8")
    assert "责任领导：院长" in catalogue
    table = docx.Document(str(root / "out" / "风险点目录.docx")).tables[0]
    assert any("责任领导：院长" in cell.text for row in table.rows for cell in row.cells)
    word = docx.Document(str(next((root / "out").rglob("个人岗位廉政风险防控表/YJK-ZR_药剂科主任.docx"))))
    texts = [cell.text for t in word.tables for row in t.rows for cell in row.cells] + [p.text for p in word.paragraphs]
    assert any("监测指标：新进药品中单一厂家占比" in text for text in texts)
    assert any("评估结果：基本准确" in text for text in texts)


def test_responsibility_may_name_the_tiers_or_the_units_grades() -> None:
    config = Config.model_validate(
        {
            "单位": "某局",
            "年度": 2025,
            "等级": ["高", "中", "低"],
            "分级负责": {"高": {"负责": ["局长"]}, "二级": {"负责": ["分管局领导"]}},
        }
    )
    assert config.responsibility_for("高").responsible == ["局长"]  # type: ignore[union-attr]
    assert config.responsibility_for("中").responsible == ["分管局领导"]  # type: ignore[union-attr]
    assert config.responsibility_for("低") is None
