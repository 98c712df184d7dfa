"""``lzfk build --draft``: a 征求意见稿 from registers that do not yet pass validation."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner, Result

from lianzheng_cli.cli import app

UNIT = Path(__file__).parent.parent / "fixtures" / "units" / "hospital"
ACCOUNTANT = "registers/财务科/会计.yaml"


@pytest.fixture
def unfinished(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The hospital, with one risk point whose measures are not written yet."""
    root = shutil.copytree(UNIT, tmp_path / "unit")
    path = root / ACCOUNTANT
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("    防控措施:", text.index("CWK-KJ-02"))], encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def _build(*args: str) -> Result:
    return CliRunner().invoke(app, ["build", "--format", "md", "--format", "docx", "--out", "out", *args])


def test_a_final_build_refuses_and_mentions_the_draft(unfinished: Path) -> None:
    result = _build()
    assert result.exit_code == 1
    assert "LZ210" in result.output and "lzfk build --draft" in result.output
    assert not (unfinished / "out").exists()


def test_a_draft_is_built_marked_with_the_gap_and_the_open_problems(unfinished: Path) -> None:
    result = _build("--draft")
    assert result.exit_code == 0, result.output
    out = unfinished / "out"
    form = out / "科室" / "财务科" / "个人岗位廉政风险防控表" / "CWK-KJ_会计"
    text = form.with_suffix(".md").read_text(encoding="utf-8")
    assert text.startswith("> **征求意见稿**") and "【待补充】" in text
    document = docx.Document(str(form.with_suffix(".docx")))
    assert all("征求意见稿" in section.header.paragraphs[0].text for section in document.sections)
    body = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "【待补充】" in body
    handbook = docx.Document(str(out / "廉政风险防控机制工作手册.docx"))
    assert all(any("征求意见稿" in p.text for p in s.header.paragraphs) for s in handbook.sections)
    problems = (out / "征求意见稿待解决问题.md").read_text(encoding="utf-8")
    assert f"{ACCOUNTANT}:20:5" in problems and "没有防控措施" in problems
    listed = docx.Document(str(out / "征求意见稿待解决问题.docx"))
    assert any(f"{ACCOUNTANT}:20:5" in p.text for p in listed.paragraphs)
    # laid out like the other documents: A4, GB/T 9704 margins, 仿宋 text, page numbers
    section = listed.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm), round(section.top_margin.mm)) == (210, 297, 37)
    assert 'w:eastAsia="仿宋_GB2312"' in listed.element.xml
    assert "PAGE" in section.footer._element.xml


def test_a_complete_unit_gives_the_same_documents_with_or_without_the_mark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = shutil.copytree(UNIT, tmp_path / "unit")
    monkeypatch.chdir(root)
    assert _build().exit_code == 0
    final = (root / "out" / "风险点目录.md").read_text(encoding="utf-8")
    assert "征求意见稿" not in final and "【待补充】" not in final
