"""The Word 年度风险变化对照表, in the project's official layout (render.docx_layout).

Same reference template (文档样式.docx, overridable in the unit's templates/), page setup
and fonts as the 风险点目录: A4 landscape with the GB/T 9704 margins, a 小标宋 title,
仿宋 text with the East-Asian face named on every run, header rows repeated on each page
and rows never split. The CLI imports this module only when a .docx is asked for.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from lianzheng_cli.history import report
from lianzheng_cli.history.changes import Change
from lianzheng_cli.history.compare import Comparison
from lianzheng_cli.history.summary import COLUMNS, Row, summarise
from lianzheng_cli.render import docx_layout as lay
from lianzheng_cli.render.docx_package import ReferenceDocument
from lianzheng_cli.render.jinja_env import find_template, template_dirs

TITLE = "年度风险变化对照表"
STYLE_TEMPLATE = "文档样式.docx"
DETAIL_LABELS = ("序号", "部门", "登记表", "编号", "风险点", "变化", "变化前", "变化后", "理由")
NOTE = "注：本表由 lzfk 按风险点编号对照两个版本的登记表生成；“变化前”“变化后”为两个版本中的内容，降级、撤销须写明理由。"


def _widths(total: int) -> tuple[int, ...]:
    fixed = (567, 1100, 1300, 1250, 1800, 1150)
    rest = total - sum(fixed)
    return (*fixed, rest * 30 // 100, rest * 30 // 100, rest - 2 * (rest * 30 // 100))


def write_docx(comparison: Comparison, target: Path, root: Path | None) -> None:
    """Write the 对照表 for comparison to target (atomically), with the unit's style template if it has one."""
    reference = ReferenceDocument(find_template(STYLE_TEMPLATE, template_dirs(root)))
    reference.write(target, _body(comparison, reference.footers), title=TITLE)


def _body(comparison: Comparison, footers: lay.FooterRefs | None) -> Iterator[str]:
    yield lay.para(lay.run(TITLE, lay.RPR_TITLE), lay.ppr("Title"))
    yield lay.para(lay.run(f"{comparison.unit}　{report.heading(comparison)}", lay.RPR_KAI), lay.ppr("Normal", jc="center"))
    rows, total = summarise(comparison.changes)
    yield lay.heading("一、变化汇总", 2)
    if comparison.changes:
        yield _summary_table(rows, total)
    else:
        yield lay.body("两个版本之间，风险点没有变化。")
    yield lay.heading("二、变化明细", 2)
    if comparison.changes:
        yield _detail_table(comparison.changes)
    for broken in comparison.broken:
        yield lay.body(f"未纳入对照：{broken.path}（{broken.message}）")
    yield lay.para(lay.run(NOTE, lay.rpr(lay.FONT_BODY, size=lay.SIZE_5)), lay.ppr("Normal", before=120))
    yield lay.sect_pr(footers, landscape=True)


def _cell(text: object, *, center: bool = False, bold: bool = False, label: bool = False) -> lay.Cell:
    font = lay.FONT_HEI if label else lay.FONT_BODY
    props = lay.rpr(font, size=lay.SIZE_5, bold=bold)
    style = "TableSmallLabel" if label else "TableSmall"
    return lay.Cell(
        lay.para(lay.run(text, props), lay.ppr(style, jc="center" if center else None)),
        valign="center" if center or label else "top",
        shade="F2F2F2" if label else None,
    )


def _table(labels: Sequence[str], widths: Sequence[int], body_rows: list[list[lay.Cell]]) -> str:
    out = [lay.row_xml([_cell(label, label=True) for label in labels], widths, header=True)]
    out += [lay.row_xml(cells, widths) for cells in body_rows]
    return lay.table_xml(widths, out)


def _summary_table(rows: list[Row], total: Row) -> str:
    first = 2400
    rest = (lay.LANDSCAPE_WIDTH - first) // len(COLUMNS)
    widths = (first, *([rest] * len(COLUMNS)))
    body = [
        [
            _cell(row.department, bold=row is total),
            *(_cell(row.counts[key] or "", center=True, bold=row is total) for key, _, _ in COLUMNS),
        ]
        for row in [*rows, total]
    ]
    return _table(("部门", *(title for _, title, _ in COLUMNS)), widths, body)


def _detail_table(changes: list[Change]) -> str:
    body = []
    for number, change in enumerate(changes, 1):
        name = "" if change.kind.is_register_level else change.name
        before, after = _before_after(change)
        body.append(
            [
                _cell(number, center=True),
                _cell(change.department),
                _cell(change.register_name),
                _cell(change.id),
                _cell(name),
                _cell(change.kind.label, center=True),
                _cell(before),
                _cell(after),
                _cell(report.note(change), bold=report.note(change) in (report.MISSING_REASON, report.MISSING_EXPLANATION)),
            ]
        )
    return _table(DETAIL_LABELS, _widths(lay.LANDSCAPE_WIDTH), body)


def _before_after(change: Change) -> tuple[str, str]:
    label = f"{change.field}：" if change.field and change.field not in ("等级", "防控措施", "所属登记表") else ""
    return (f"{label}{change.before}" if change.before else "", f"{label}{change.after}" if change.after else "")
