"""The 公示一览表 as Word: A3 landscape, notice head, one table with the configured columns.

Built from the shared WordprocessingML helpers (render/docx_layout.py) into the reference
style document, like the catalogue; only the page is A3 and turned.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lianzheng_cli.errors import WriteError
from lianzheng_cli.render import docx_layout as layout
from lianzheng_cli.render.docx_package import ReferenceDocument

View = dict[str, Any]

NOTICE_NAME = "公示一览表"
# A3 landscape in twips (420 × 297 mm); 20 mm margins all round, 25 mm at the top.
A3_LONG, A3_SHORT = 23811, 16838
MARGIN = 1134
MARGIN_TOP = 1417
TYPE_WIDTH = A3_LONG - 2 * MARGIN
CHAR_TWIPS = 240  # one character of the 小四 (12 pt) notice text
# Relative widths of the columns; the table fills the type area whatever columns are chosen.
COLUMN_WEIGHTS = {
    "序号": 4,
    "科室": 8,
    "岗位": 9,
    "风险类别": 10,
    "风险点": 14,
    "表现形式": 24,
    "等级": 5,
    "防控措施": 36,
    "责任岗位": 11,
}
TEXT = layout.rpr(layout.FONT_BODY, size=layout.SIZE_5)
TEXT_BOLD = layout.rpr(layout.FONT_BODY, size=layout.SIZE_5, bold=True)
LABEL = layout.rpr(layout.FONT_HEI, size=layout.SIZE_5)
HEAD_LABEL = layout.rpr(layout.FONT_HEI, size=layout.SIZE_S4)
HEAD_TEXT = layout.rpr(layout.FONT_BODY, size=layout.SIZE_S4)


def a3_sect_pr(footers: layout.FooterRefs | None) -> str:
    refs = ""
    if footers is not None:
        refs = (
            f'<w:footerReference w:type="default" r:id="{footers.odd}"/><w:footerReference w:type="even" r:id="{footers.even}"/>'
        )
    return (
        f'<w:sectPr>{refs}<w:type w:val="nextPage"/><w:pgSz w:w="{A3_LONG}" w:h="{A3_SHORT}" w:orient="landscape"/>'
        f'<w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN}" w:bottom="{MARGIN}" w:left="{MARGIN}" '
        f'w:header="567" w:footer="567" w:gutter="0"/><w:cols w:space="425"/></w:sectPr>'
    )


def column_widths(columns: list[str]) -> list[int]:
    total = sum(COLUMN_WEIGHTS[column] for column in columns)
    widths = [TYPE_WIDTH * COLUMN_WEIGHTS[column] // total for column in columns]
    widths[-1] += TYPE_WIDTH - sum(widths)
    return widths


def _cell(parts: list[tuple[str, str]], *, center: bool = False) -> layout.Cell:
    content = "".join(layout.run(text, props) for text, props in parts)
    return layout.Cell(layout.para(content, layout.ppr("TableSmall", jc="center" if center else None)), valign="top")


def _numbered(items: list[str]) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1)) if len(items) > 1 else "".join(items)


def _measures(row: View) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    for number, measure in enumerate(row["防控措施"], 1):
        if parts:
            parts.append(("\n", TEXT))
        prefix = f"{number}. " if len(row["防控措施"]) > 1 else ""
        if measure["阶段"]:
            parts.append((f"{prefix}【{measure['阶段']}】", TEXT_BOLD))
            prefix = ""
        parts.append((f"{prefix}{measure['内容']}{measure['附注']}", TEXT))
    return parts


def _risk_cell(row: View) -> list[tuple[str, str]]:
    parts = [(row["名称"], TEXT_BOLD)]
    if row["降级理由"]:
        parts.append((f"\n降级理由：{row['降级理由']}", TEXT))
    return parts


CELLS: dict[str, Callable[[View], layout.Cell]] = {
    "序号": lambda row: _cell([(str(row["序号"]), TEXT)], center=True),
    "科室": lambda row: _cell([(row["科室"], TEXT)]),
    "岗位": lambda row: _cell([(row["岗位"], TEXT)]),
    "风险类别": lambda row: _cell([(row["类别"], TEXT)]),
    "风险点": lambda row: _cell(_risk_cell(row)),
    "表现形式": lambda row: _cell([(_numbered(row["表现形式"]), TEXT)]),
    "等级": lambda row: _cell([(row["等级"], TEXT_BOLD if row["等级序"] == 0 else TEXT)], center=True),
    "防控措施": lambda row: _cell(_measures(row)),
    "责任岗位": lambda row: _cell([("、".join(row["责任岗位"]), TEXT)]),
}


def notice_table(view: View) -> str:
    columns: list[str] = view["列"]
    widths = column_widths(columns)
    header = [
        layout.Cell(layout.para(layout.run(column, LABEL), layout.ppr("TableSmallLabel")), shade="F2F2F2") for column in columns
    ]
    rows = [layout.row_xml(header, widths, header=True)]
    for row in view["目录"]:
        rows.append(layout.row_xml([CELLS[column](row) for column in columns], widths, cant_split=False))
    return layout.table_xml(widths, rows)


def _head_line(label: str, text: str) -> str:
    return layout.para(layout.run(label, HEAD_LABEL) + layout.run(text, HEAD_TEXT), layout.ppr("Normal", snap=False, line=360))


def notice_body(view: View, footers: layout.FooterRefs | None) -> Iterator[str]:
    yield layout.para(layout.run(view["标题"], layout.RPR_TITLE), layout.ppr("Title"))
    counts = view["统计"]
    grades = "、".join(f"{grade}{counts['按等级'][grade]}个" for grade in view["等级"])
    intro = (
        f"根据廉政风险防控工作安排，现将本单位{view['年度']}年度查找的廉政风险点及防控措施予以公示，"
        f"共{counts['风险点']}个风险点（{grades}）、{counts['防控措施']}条防控措施。公示内容只涉及岗位，不涉及个人。"
    )
    yield layout.para(layout.run(intro, HEAD_TEXT), layout.ppr("Normal", snap=False, line=360, first_line_chars=200))
    for label, key in (("公示期：", "公示期"), ("意见反馈方式：", "反馈方式"), ("监督举报：", "监督举报")):
        if view[key]:
            yield _head_line(label, view[key])
    yield layout.para("", layout.ppr("Normal", snap=False, line=240))
    if view["目录"]:
        yield notice_table(view)
    else:
        yield layout.para(layout.run("（登记表中没有风险点。）", HEAD_TEXT), layout.ppr("Normal"))
    yield layout.para("", layout.ppr("Normal", snap=False, line=360))
    yield from signature(view["单位"], view["审定日期文字"])
    yield a3_sect_pr(footers)


def signature(unit: str, date: str) -> Iterator[str]:
    """GB/T 9704 §7.3.5: the date four characters in from the right, the unit centred over it."""
    date_right = 4 * CHAR_TWIPS
    unit_right = date_right + max(len(date) - len(unit), 0) * CHAR_TWIPS // 2
    if not date:
        unit_right = date_right
    yield _right(unit, unit_right)
    if date:
        yield _right(date, date_right)


def _right(text: str, indent: int) -> str:
    props = f'<w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="360" w:lineRule="auto"/><w:ind w:right="{indent}"/><w:jc w:val="right"/></w:pPr>'
    return layout.para(layout.run(text, HEAD_TEXT), props)


def write_notice(target: Path, view: View, reference: ReferenceDocument) -> None:
    reference.write(target, notice_body(view, reference.footers), title=view["标题"])
    _own_properties(target, view["单位"])


_CORE = "docProps/core.xml"
_AUTHOR = re.compile(r"<(dc:creator|cp:lastModifiedBy)>[^<]*</\1>|<(dc:creator|cp:lastModifiedBy)/>")
_DESCRIPTION = re.compile(r"<dc:description>[^<]*</dc:description>")


def _own_properties(target: Path, unit: str) -> None:
    """A published file names the unit as its author, and carries no word about how it was made."""
    with zipfile.ZipFile(target) as package:
        parts = [(info, package.read(info.filename)) for info in package.infolist()]
    author = layout.text_xml(unit)
    temp = target.with_name(f".{target.name}.props")
    try:
        with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as package:
            for info, data in parts:
                package.writestr(info, _core(data, author) if info.filename == _CORE else data)
        temp.replace(target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise WriteError(f"无法写入 {target}：{exc.strerror or exc}", hint="检查目录是否可写、文件是否正在 Word 中打开") from exc


def _core(data: bytes, author: str) -> bytes:
    def named(match: re.Match[str]) -> str:
        tag = match.group(1) or match.group(2)
        return f"<{tag}>{author}</{tag}>"

    return _DESCRIPTION.sub("<dc:description/>", _AUTHOR.sub(named, data.decode("utf-8"))).encode("utf-8")
