"""The rollup's xlsx, HTML and Word outputs, parsed back and checked."""

from __future__ import annotations

import datetime as dt
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
from docx import Document

from lianzheng_cli.render.jinja_env import BUILTIN_DIR
from lianzheng_cli.rollup import outputs
from lianzheng_cli.rollup.docx_report import write_docx
from lianzheng_cli.rollup.engine import run_rollup
from lianzheng_cli.rollup.result import RollupResult
from tests.documents.docxread import table_rows
from tests.rollup.conftest import ExportUnit
from tests.rollup.units import Unit


def _rolled_up(tmp_path: Path, export_to: ExportUnit, units: list[Unit]) -> RollupResult:
    export_to(units[0], "a-2024", date="2024-03-01T10:00:00+08:00")
    for unit in units:
        export_to(unit)
    return run_rollup([tmp_path / "exports", tmp_path / "缺少"], as_of=dt.date(2025, 12, 1))


def test_xlsx_has_an_overview_and_one_sheet_per_query(tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]) -> None:
    result = _rolled_up(tmp_path, export_to, three_units)
    target = tmp_path / "汇总.xlsx"
    outputs.write_xlsx(result, target)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["汇总说明", *(q.title[:28] for q in result.queries)]
    overview = [tuple(row) for row in book["汇总说明"].iter_rows(values_only=True)]
    assert ("纳入汇总的单位", 3) in overview and any(str(row[0]).startswith("LZ801") for row in overview)
    sheet = book["各单位风险点等级分布"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("单位编号", "单位", "上级单位", "年度", "一级", "二级", "三级", "等级无法识别", "合计")
    assert rows[-1][0] == "合计" and rows[-1][-1] == sum(len(u.risks) for u in three_units)
    assert isinstance(rows[1][4], int) and rows[1][0] == "A001"
    assert sheet.freeze_panes == "A2"


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.headings: list[str] = []
        self._cell: list[str] | None = None
        self._in_heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "h2":
            self._in_heading = True
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "h2":
            self._in_heading = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_heading:
            self.headings[-1] += data


def test_html_has_every_table_and_the_input_problems(tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]) -> None:
    result = _rolled_up(tmp_path, export_to, three_units)
    target = tmp_path / "汇总.html"
    outputs.write_html(result, target, [BUILTIN_DIR])
    page = target.read_text(encoding="utf-8")
    parser = _Tables()
    parser.feed(page)
    total = sum(len(u.risks) for u in three_units)
    assert f'<td class="居中">{total}</td>' in page and "<td>合计</td>" in page  # numbers centred, text not
    assert parser.headings[0] == "未纳入汇总或有问题的输入"
    assert parser.headings[1:] == [f"{n}、{q.title}" for n, q in zip("一二三四五六七", result.queries, strict=True)]
    problems = parser.tables[0]
    assert problems[1][1] == "LZ801"
    grades = parser.tables[1]
    assert grades[0][:2] == ["单位编号", "单位"] and grades[-1][0] == "合计"
    assert grades[-1][-1] == str(sum(len(u.risks) for u in three_units))
    changes = parser.tables[3]
    assert changes[1][0] == "A001" and changes[1][2] == changes[1][4] == "2025"  # a later commit of the same year


def test_word_is_official_landscape_and_names_no_commit_or_path(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]
) -> None:
    result = _rolled_up(tmp_path, export_to, three_units)
    target = tmp_path / "汇总.docx"
    write_docx(result, target, [BUILTIN_DIR])
    document = Document(str(target))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == outputs.TITLE and "截至2025年12月1日，共3个单位" in texts[1]
    assert any("1份报送材料" in text for text in texts)
    assert "一、各单位风险点等级分布" in texts
    section = document.sections[-1]
    assert section.page_width > section.page_height  # landscape A4
    grades = table_rows(document.tables[0])
    assert grades[0][0] == "单位编号" and grades[-1][0] == "合计"
    assert grades[-1][-1] == str(sum(len(u.risks) for u in three_units))
    changes = table_rows(document.tables[2])
    assert "上次提交" not in changes[0] and "本次年度" in changes[0]
    xml = zipfile.ZipFile(target).read("word/document.xml").decode("utf-8")
    commits = {row[5] for q in result.queries if q.name == "30-changes" for row in q.rows}
    assert commits and not any(commit in xml for commit in commits)
    assert "lzfk" not in xml and str(tmp_path) not in xml and "缺少" not in xml
    runs = [r for r in xml.split("<w:r>")[1:] if "<w:t" in r]
    assert runs and all("w:eastAsia=" in r for r in runs)
