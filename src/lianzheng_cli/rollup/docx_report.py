"""The rollup as a Word document in the project's official layout (render.docx_layout, GB/T 9704).

The same reference template (文档样式.docx, overridable in templates/) and page setup as
the 风险点目录: A4 landscape, a 小标宋 title, 仿宋 text with the East-Asian face on every
run, header rows repeated on each page. An official document names no tool, file path
or commit, so columns about commits are left out and input problems are only counted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from lianzheng_cli.render import docx_layout as lay
from lianzheng_cli.render.context import chinese_number
from lianzheng_cli.render.docx_package import ReferenceDocument
from lianzheng_cli.render.jinja_env import find_template
from lianzheng_cli.rollup.outputs import TITLE, cell_text
from lianzheng_cli.rollup.result import QueryResult, RollupResult

STYLE_TEMPLATE = "文档样式.docx"
_HIDDEN_SUFFIX = "提交"


def write_docx(result: RollupResult, target: Path, template_dirs: list[Path]) -> None:
    reference = ReferenceDocument(find_template(STYLE_TEMPLATE, template_dirs))
    reference.write(target, _body(result, reference.footers), title=TITLE)


def _body(result: RollupResult, footers: lay.FooterRefs | None) -> Iterator[str]:
    yield lay.para(lay.run(TITLE, lay.RPR_TITLE), lay.ppr("Title"))
    day = result.as_of
    yield lay.para(
        lay.run(f"（截至{day.year}年{day.month}月{day.day}日，共{result.units}个单位）", lay.RPR_KAI),
        lay.ppr("Normal", jc="center"),
    )
    left_out = sum(1 for finding in result.findings if finding.code != "LZ807")
    if left_out:
        yield lay.body(f"另有{left_out}份报送材料无法读取或不完整，未纳入本次汇总，已通知相关单位重新报送。")
    for number, query in enumerate(result.queries, 1):
        yield lay.heading(f"{chinese_number(number)}、{query.title}", 2)
        if query.description:
            yield lay.body(query.description)
        if query.rows:
            yield _table(query)
        else:
            yield lay.body("无。")
    yield lay.sect_pr(footers, landscape=True)


def _shown(query: QueryResult) -> list[int]:
    return [index for index, name in enumerate(query.columns) if not name.endswith(_HIDDEN_SUFFIX)]


def _cell(value: object, *, label: bool = False) -> lay.Cell:
    props = lay.rpr(lay.FONT_HEI if label else lay.FONT_BODY, size=lay.SIZE_5)
    style = "TableSmallLabel" if label else "TableSmall"
    centred = label or isinstance(value, int)
    return lay.Cell(
        lay.para(lay.run(cell_text(value), props), lay.ppr(style, jc="center" if centred else None)),
        valign="center" if centred else "top",
        shade="F2F2F2" if label else None,
    )


def _widths(count: int) -> Sequence[int]:
    width = lay.LANDSCAPE_WIDTH // max(count, 1)
    return [width] * count


def _table(query: QueryResult) -> str:
    shown = _shown(query)
    widths = _widths(len(shown))
    rows = [lay.row_xml([_cell(query.columns[i], label=True) for i in shown], widths, header=True)]
    rows += [lay.row_xml([_cell(row[i]) for i in shown], widths) for row in query.rows]
    return lay.table_xml(widths, rows)
