"""The long tables of the generated documents: risk catalogue, power list, flow steps, statistics.

Header rows repeat on every page and long rows split across pages, so a page is filled
rather than left a third empty before a tall row (the 70 % fill the documents are tested
for); column widths keep codes, 序号 and post names from wrapping character by character.
Several items in one cell are line breaks inside one paragraph, which keeps a 10,000-row
catalogue small and fast.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence

from lianzheng_cli.render import docx_layout as layout
from lianzheng_cli.render.context import View
from lianzheng_cli.render.jinja_env import MacroMemo

SMALL = layout.rpr(layout.FONT_BODY, size=layout.SIZE_5)
SMALL_BOLD = layout.rpr(layout.FONT_BODY, size=layout.SIZE_5, bold=True)
SMALL_LABEL = layout.rpr(layout.FONT_HEI, size=layout.SIZE_5)


def _text(text: object, *, jc: str | None = None, props: str = SMALL) -> layout.Cell:
    return layout.Cell(
        layout.para(layout.run(text, props), layout.ppr("TableSmall", jc=jc)), valign="top" if jc is None else "center"
    )


def _runs(parts: Iterable[tuple[str, str]]) -> layout.Cell:
    """One paragraph of (text, run properties) pieces; "\n" in a piece is a line break."""
    return layout.Cell(
        layout.para("".join(layout.run(text, props) for text, props in parts), layout.ppr("TableSmall")), valign="top"
    )


def _header(labels: Sequence[str], widths: Sequence[int]) -> str:
    cells = [
        layout.Cell(layout.para(layout.run(label, SMALL_LABEL), layout.ppr("TableSmallLabel")), shade="F2F2F2")
        for label in labels
    ]
    return layout.row_xml(cells, widths, header=True)


def numbered(items: Sequence[str], marker: str = "{}. ") -> str:
    return "\n".join(marker.format(i) + item for i, item in enumerate(items, 1))


def measures_text(risk: View) -> list[tuple[str, str]]:
    """Measures grouped by stage: a bold stage name, then its measures."""
    parts: list[tuple[str, str]] = []
    for group in risk["分阶段措施"]:
        if not group["措施"]:
            continue
        if parts:
            parts.append(("\n", SMALL))
        parts.append((f"{group['阶段']}：", SMALL_BOLD))
        lines = [f"{m['内容']}{m['附注']}" for m in group["措施"]]
        parts.append((lines[0] if len(lines) == 1 else "\n" + numbered(lines), SMALL))
    return parts


CATALOGUE_WIDTHS = (640, 1600, 2200, 1450, 640, 2600, layout.LANDSCAPE_WIDTH - 640 - 1600 - 2200 - 1450 - 640 - 2600)
CATALOGUE_LABELS = ("序号", "科室/岗位", "风险点", "风险类型", "等级", "表现形式", "防控措施（按三道防线）")


def _grade_cell(row: View) -> str:
    """The grade, with who is responsible for it (分级负责) and any 降级理由 beneath."""
    lines = [row["等级"]]
    if row.get("责任领导"):
        lines.append(f"责任领导：{row['责任领导']}")
    if row.get("降级说明"):
        lines.append(row["降级说明"])
    return "\n".join(lines)


def catalogue_table(rows: Sequence[View]) -> str:
    """Risk points with type, grade, manifestations and measures by stage; landscape width."""
    return "".join(catalogue_parts(rows))


def catalogue_parts(rows: Sequence[View], memo: MacroMemo | None = None) -> Iterator[str]:
    """catalogue_table row by row, for documents that stream it; memo keeps each row's XML between builds."""
    return layout.table_parts(CATALOGUE_WIDTHS, itertools.chain([catalogue_header()], catalogue_rows(rows, memo)))


def catalogue_header() -> str:
    return _header(CATALOGUE_LABELS, CATALOGUE_WIDTHS)


def catalogue_rows(rows: Sequence[View], memo: MacroMemo | None, start: int = 1) -> Iterator[str]:
    """The catalogue's rows numbered from start (without the header)."""
    for number, row in enumerate(rows, start):
        key = memo.key(CATALOGUE_ROW, (number, row)) if memo is not None else None
        kept = memo.reuse(key) if memo is not None and key is not None else None
        if kept is not None:
            yield kept
            continue
        xml = _catalogue_row(number, row)
        if memo is not None and key is not None:
            memo.add(key, xml)
        yield xml


CATALOGUE_ROW = "tables.catalogue_row"  # the memo's name for a catalogue row's Word XML


def _catalogue_row(number: int, row: View) -> str:
    widths = CATALOGUE_WIDTHS
    owner = row["科室"] if row["层次"] != "岗位" else f"{row['科室']}\n{row['所属']}"
    if row["层次"] == "科室":
        owner += "\n（科室）"
    cells = [
        _text(number, jc="center"),
        _text(owner),
        _runs([(row["名称"], SMALL_BOLD), (f"\n{row['编号']}", SMALL)]),
        _text(row["类型"]),
        _text(_grade_cell(row), jc="center"),
        _text(numbered(row["表现形式"])),
        _runs(measures_text(row)),
    ]
    return layout.row_xml(cells, widths, cant_split=False)


POWER_WIDTHS_PORTRAIT = (640, 1800, 1000, 2200, 1900, layout.TYPE_WIDTH - 640 - 1800 - 1000 - 2200 - 1900)
POWER_LABELS_PORTRAIT = ("序号", "权力事项", "类别", "权力内容", "实施依据", "责任主体与时限")
POWER_WIDTHS_LANDSCAPE = (640, 1500, 1500, 1000, 2400, 2400, 1116, 1100, layout.LANDSCAPE_WIDTH - 11656)
POWER_LABELS_LANDSCAPE = ("序号", "编号", "权力名称", "类别", "权力内容（公开范围）", "实施依据", "责任主体", "办理时限", "流程")


def power_table(powers: Sequence[View], *, landscape: bool) -> str:
    widths: Sequence[int]
    if landscape:
        widths = POWER_WIDTHS_LANDSCAPE
        out = [_header(POWER_LABELS_LANDSCAPE, widths)]
        for power in powers:
            steps = f"{len(power['流程'])} 个环节" if power["流程"] else "无"
            cells = [
                _text(power["序号"], jc="center"),
                _text(power["编号"]),
                _text(power["名称"]),
                _text(power["类别"]),
                _text(power["内容"] + (f"\n公开范围：{power['公开']}" if power["公开"] else "")),
                _text(numbered(power["依据"]) if len(power["依据"]) > 1 else "".join(power["依据"])),
                _text(power["责任主体"]),
                _text(power["时限"]),
                _text(steps, jc="center"),
            ]
            out.append(layout.row_xml(cells, widths, cant_split=False))
        return layout.table_xml(widths, out)
    widths = POWER_WIDTHS_PORTRAIT
    out = [_header(POWER_LABELS_PORTRAIT, widths)]
    for power in powers:
        who = "\n".join(part for part in (power["责任主体"], f"时限：{power['时限']}" if power["时限"] else "") if part)
        cells = [
            _text(power["序号"], jc="center"),
            _runs([(power["名称"], SMALL_BOLD), (f"\n{power['编号']}", SMALL)]),
            _text(power["类别"]),
            _text(power["内容"] + (f"\n公开范围：{power['公开']}" if power["公开"] else "")),
            _text(numbered(power["依据"]) if len(power["依据"]) > 1 else "".join(power["依据"])),
            _text(who),
        ]
        out.append(layout.row_xml(cells, widths, cant_split=False))
    return layout.table_xml(widths, out)


STEP_WIDTHS = (640, 2527, 1600, 2600, layout.TYPE_WIDTH - 567 - 2600 - 1600 - 2600)
STEP_LABELS = ("序号", "环节", "岗位", "风险点", "说明")


def steps_table(power: View) -> str:
    """A power's process steps as a table (when no flowchart could be drawn)."""
    out = [_header(STEP_LABELS, STEP_WIDTHS)]
    for step in power["流程"]:
        risks = "\n".join(f"{r['编号']} {r['名称']}（{r['等级'] or '未定级'}）" for r in step["风险点"]) or "—"
        cells = [_text(step["序号"], jc="center"), _text(step["步骤"]), _text(step["岗位"]), _text(risks), _text(step["说明"])]
        out.append(layout.row_xml(cells, STEP_WIDTHS, cant_split=False))
    return layout.table_xml(STEP_WIDTHS, out)


def count_table(label: str, columns: Sequence[str], lines: Sequence[View]) -> str:
    """A statistics table: one row per line, a column per grade, and the total."""
    first = 2268
    rest = (layout.TYPE_WIDTH - first) // (len(columns) + 1)
    widths = [first] + [rest] * len(columns) + [layout.TYPE_WIDTH - first - rest * len(columns)]
    out = [_header([label, *columns, "合计"], widths)]
    for line in lines:
        cells = [_text(line["名称"])] + [_text(value, jc="center") for value in line["数量"]] + [_text(line["合计"], jc="center")]
        out.append(layout.row_xml(cells, widths, cant_split=False))
    return layout.table_xml(widths, out)


def totals_table(lines: Sequence[View]) -> str:
    widths = [5670, layout.TYPE_WIDTH - 5670]
    out = [_header(["项目", "数量"], widths)]
    for line in lines:
        out.append(layout.row_xml([_text(line["名称"]), _text(line["数量"], jc="center")], widths, cant_split=False))
    return layout.table_xml(widths, out)
