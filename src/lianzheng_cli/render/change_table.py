"""The Word 年度风险变化对照表 for the 党委: the changes history computed, laid out as an official table.

history/ computes the changes (history.compare, history.summary); this module only lays them
out, in the layout of the 风险点目录: the same reference template (文档样式.docx, overridable
in the unit's templates/), A4 landscape with the GB/T 9704 margins, a 小标宋 title, 仿宋 text
with the East-Asian face named on every run, header rows repeated, long rows split.

What a 党委 reads: 编制单位 and the two 年度 (never commit ids), one row per risk point change,
by department and post, with 原内容/现内容, the reason, and who reviewed and approved the
register that changed; file moves and register-level edits are left to the technical outputs
(``lzfk diff`` as text or JSON); 审核/审定 lines to sign at the end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from lianzheng_cli.history.changes import LEADERSHIP, UNIT_GROUP, Change, Kind, RegisterAt, RegisterSet
from lianzheng_cli.history.compare import Comparison
from lianzheng_cli.history.summary import COLUMNS, Row, summarise
from lianzheng_cli.render import docx_layout as lay
from lianzheng_cli.render.context import BLANK_DATE, BLANK_SIGNATURE, date_cn
from lianzheng_cli.render.docx_package import ReferenceDocument
from lianzheng_cli.render.jinja_env import find_template, template_dirs

TITLE = "年度风险变化对照表"
STYLE_TEMPLATE = "文档样式.docx"
LABELS = ("序号", "部门", "岗位/登记表", "风险点", "变化", "原内容", "现内容", "理由", "提出/审核/审定")
WIDTHS = (560, 1000, 1200, 1800, 1100, 1800, 1800, 1300, lay.LANDSCAPE_WIDTH - 10560)
# The five changes a 党委 decides on; the other kinds are technical (moves, register edits).
CHANGE_LABELS = {
    Kind.ADDED: "新增",
    Kind.REGISTER_ADDED: "新增",
    Kind.REMOVED: "撤销",
    Kind.REGISTER_REMOVED: "撤销",
    Kind.RAISED: "升级",
    Kind.LOWERED: "降级",
    Kind.REGRADED: "等级调整",
    Kind.MEASURE_ADDED: "措施调整",
    Kind.MEASURE_REMOVED: "措施调整",
    Kind.MEASURE_CHANGED: "措施调整",
    Kind.TEXT: "内容调整",
}
MISSING_REASON = "（未写明理由）"
NOTE = "注：“原内容”“现内容”为两个年度登记表中的内容；降级、撤销须写明理由；“提出”为提交修改的人员。"
_STAGE = re.compile(r"\[([^\]]+)\] ")
STAGE_MARK = r"【\1】"  # stages as the forms print them


def write_docx(comparison: Comparison, target: Path, root: Path | None) -> None:
    """Write the 对照表 for comparison to target (atomically), with the unit's style template if it has one."""
    reference = ReferenceDocument(find_template(STYLE_TEMPLATE, template_dirs(root)))
    reference.write(target, _body(comparison, reference.footers), title=TITLE)


def years(comparison: Comparison) -> str:
    """ "2024年度 → 2025年度": a version named by its year (a tag such as 2024), else the 年度 of
    its registers — never a commit id or a branch name."""

    def year(label: str, register_set: RegisterSet) -> str:
        named = re.match(r"^(?:v)?(\d{4})(?!\d)", label)
        return f"{named.group(1) if named else register_set.config.year}年度"

    return f"{year(comparison.old.label, comparison.old_set)} → {year(comparison.new.label, comparison.new_set)}"


# Edits of the grading tags alone are technical too: the grade they lead to is what the 党委 sees.
TECHNICAL_FIELDS = frozenset({"风险因素"})


def shown(changes: Sequence[Change]) -> list[Change]:
    """The changes the table lists, by department (the summary's order) and register."""
    listed = [
        change
        for change in changes
        if change.kind in CHANGE_LABELS and not (change.kind is Kind.TEXT and change.field in TECHNICAL_FIELDS)
    ]
    return sorted(
        listed,
        key=lambda c: (c.department != UNIT_GROUP, c.department != LEADERSHIP, c.department, c.register_name, c.register),
    )


def _body(comparison: Comparison, footers: lay.FooterRefs | None) -> Iterator[str]:
    yield lay.para(lay.run(TITLE, lay.RPR_TITLE), lay.ppr("Title"))
    yield lay.para(
        lay.run(f"编制单位：{comparison.unit}　　对照年度：{years(comparison)}", lay.RPR_KAI), lay.ppr("Normal", jc="center")
    )
    changes = shown(comparison.changes)
    rows, total = summarise(changes)
    yield lay.heading("一、变化汇总", 2)
    yield _summary_table(rows, total) if changes else lay.body("两个版本之间，风险点没有变化。")
    yield lay.heading("二、变化明细", 2)
    if changes:
        yield _detail_table(changes, comparison)
    for broken in comparison.broken:
        yield lay.body(f"未纳入对照的登记表：{broken.message}")
    yield lay.para(lay.run(NOTE, lay.rpr(lay.FONT_BODY, size=lay.SIZE_5)), lay.ppr("Normal", before=120, keep_next=True))
    yield from _signatures()
    yield lay.sect_pr(footers, landscape=True)


def _signatures() -> Iterator[str]:
    tabs = [("left", lay.LANDSCAPE_WIDTH // 2)]
    line = f"审核：{BLANK_SIGNATURE}　{BLANK_DATE}\t审定：{BLANK_SIGNATURE}　{BLANK_DATE}"
    yield lay.para(lay.run(line, lay.RPR_BODY), lay.ppr("Normal", before=480, keep_next=False, tabs=tabs))


def _cell(text: object, *, center: bool = False, bold: bool = False, label: bool = False, keep: bool = False) -> lay.Cell:
    font = lay.FONT_HEI if label else lay.FONT_BODY
    props = lay.rpr(font, size=lay.SIZE_5, bold=bold)
    style = "TableSmallLabel" if label else "TableSmall"
    return lay.Cell(
        lay.para(lay.run(text, props), lay.ppr(style, jc="center" if center else None, keep_next=keep)),
        valign="center" if center or label else "top",
        shade="F2F2F2" if label else None,
    )


def _table(labels: Sequence[str], widths: Sequence[int], body_rows: list[list[lay.Cell]]) -> str:
    out = [lay.row_xml([_cell(label, label=True) for label in labels], widths, header=True)]
    out += [lay.row_xml(cells, widths, cant_split=False) for cells in body_rows]
    return lay.table_xml(widths, out)


SUMMARY_COLUMNS = tuple(column for column in COLUMNS if column[2] & CHANGE_LABELS.keys())
# The summary's column titles in the words of the detail rows' 变化 column (one table, one wording).
SUMMARY_TITLES = {"text": CHANGE_LABELS[Kind.TEXT]}


def _summary_table(rows: list[Row], total: Row) -> str:
    first = 2400
    rest = (lay.LANDSCAPE_WIDTH - first) // len(SUMMARY_COLUMNS)
    widths = (first, *([rest] * len(SUMMARY_COLUMNS)))
    body = [
        [
            _cell(row.department, bold=row is total),
            *(_cell(row.counts[key] or "", center=True, bold=row is total) for key, _, _ in SUMMARY_COLUMNS),
        ]
        for row in [*rows, total]
    ]
    return _table(("部门", *(SUMMARY_TITLES.get(key, title) for key, title, _ in SUMMARY_COLUMNS)), widths, body)


def _detail_table(changes: list[Change], comparison: Comparison) -> str:
    body = []
    for number, change in enumerate(changes, 1):
        before, after = _contents(change)
        risk = "（整张登记表）" if change.kind.is_register_level else f"{change.name}\n{change.id}"
        # The last row keeps with the note and the 审核/审定 lines: they never stand alone on a page.
        keep = number == len(changes)
        texts = (
            (number, True),
            (change.department, False),
            (change.register_name, False),
            (risk, False),
            (CHANGE_LABELS[change.kind], True),
            (before, False),
            (after, False),
        )
        body.append(
            [
                *(_cell(text, center=center, keep=keep) for text, center in texts),
                _cell(reason(change), bold=reason(change) == MISSING_REASON, keep=keep),
                _cell(reviewers(change, comparison), keep=keep),
            ]
        )
    return _table(LABELS, WIDTHS, body)


def reason(change: Change) -> str:
    if change.reason:
        return change.reason
    needs = change.kind in (Kind.LOWERED, Kind.REMOVED, Kind.REGISTER_REMOVED)
    return MISSING_REASON if needs else ""


def _contents(change: Change) -> tuple[str, str]:
    if change.kind.is_register_level:
        return "", ""  # what history records here is the file's path
    label = f"{change.field}：" if change.field and change.field not in ("等级", "防控措施", "所属登记表") else ""

    def text(value: str) -> str:
        return f"{label}{_STAGE.sub(STAGE_MARK, value)}" if value else ""

    return text(change.before), text(change.after)


def _register(register_set: RegisterSet, register_id: str) -> RegisterAt | None:
    return next((entry for entry in register_set.registers if entry.register.id == register_id), None)


def reviewers(change: Change, comparison: Comparison) -> str:
    """Who proposed the change (the history's authors), and who reviewed (审核) and approved (审定)
    the register it is in, with the dates."""
    entry = _register(comparison.new_set, change.register) or _register(comparison.old_set, change.register)
    proposed = comparison.proposers.get(change.path) or (comparison.proposers.get(entry.path) if entry else None)
    parts = [f"提出：{'、'.join(proposed)}"] if proposed else []
    if entry is None:
        return "\n".join(parts)
    for label, review in (("审核", entry.register.review), ("审定", entry.register.approval)):
        if review is not None and (review.signer or review.date):
            parts.append(f"{label}：{review.signer or ''}")
            if review.date:
                parts.append(date_cn(review.date))
    return "\n".join(parts)
