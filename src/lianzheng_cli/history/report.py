"""Reports of a comparison: terminal (rich), Markdown for a pull-request comment, and JSON.

The JSON shape is a public contract, documented in docs/history.md; ``version`` changes
only when a key is renamed or removed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import groupby
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from lianzheng_cli.history.changes import Change, Kind
from lianzheng_cli.history.compare import Comparison, Endpoint
from lianzheng_cli.history.summary import COLUMNS, Row, summarise

JSON_VERSION = 1
_STYLE = {
    Kind.ADDED: "green",
    Kind.REGISTER_ADDED: "green",
    Kind.RAISED: "bold red",
    Kind.LOWERED: "bold yellow",
    Kind.REMOVED: "magenta",
    Kind.REGISTER_REMOVED: "magenta",
    Kind.MOVED: "cyan",
    Kind.REGISTER_MOVED: "cyan",
}
MISSING_REASON = "未填写降级理由"
MISSING_EXPLANATION = "未说明撤销理由"


def describe(change: Change) -> str:
    """What changed, in one line of Chinese; the kind's label and the 编号 are shown beside it."""
    kind = change.kind
    if kind is Kind.ADDED:
        return f"等级 {change.after}"
    if kind is Kind.REMOVED:
        return f"原等级 {change.before}"
    if kind in (Kind.RAISED, Kind.LOWERED, Kind.REGRADED):
        return f"等级 {change.before} → {change.after}"
    if kind in (Kind.MOVED, Kind.MEASURE_CHANGED):
        return f"{change.before} → {change.after}"
    if kind is Kind.MEASURE_ADDED:
        return change.after
    if kind is Kind.MEASURE_REMOVED:
        return change.before
    if kind in (Kind.REGISTER_ADDED, Kind.REGISTER_REMOVED):
        return change.path
    return f"{change.field}：{change.before or '（空）'} → {change.after or '（空）'}"


def note(change: Change) -> str:
    """The reason shown beside a change; a warning text when a lowering or removal lacks one."""
    if change.kind is Kind.LOWERED:
        return f"降级理由：{change.reason}" if change.reason else MISSING_REASON
    if change.kind in (Kind.REMOVED, Kind.REGISTER_REMOVED):
        return f"撤销理由：{change.reason}" if change.reason else MISSING_EXPLANATION
    return ""


def heading(comparison: Comparison) -> str:
    return f"{comparison.old.describe()} → {comparison.new.describe()}"


def _unexplained(change: Change) -> bool:
    return note(change) in (MISSING_REASON, MISSING_EXPLANATION)


# -- terminal ------------------------------------------------------------------------


def print_text(comparison: Comparison, console: Console) -> None:
    console.print(Text(f"年度风险变化对照：{comparison.unit}", style="bold"))
    console.print(heading(comparison))
    for broken in comparison.broken:
        console.print(Text(f"未纳入对照：{broken.path}（{broken.message}）", style="yellow"))
    if not comparison.changes:
        console.print(Text(f"比较了 {comparison.files} 个有改动的登记表文件：风险点没有变化", style="green"))
        return
    console.print(_summary_table(*summarise(comparison.changes)))
    # One Text for all the lines: printing thousands of small ones was measured 3-8x slower.
    lines: list[Text] = []
    for department, by_department in groupby(comparison.changes, key=lambda c: c.department):
        lines.append(Text(department, style="bold underline"))
        for _, by_register in groupby(by_department, key=lambda c: c.register):
            changes = list(by_register)
            lines.append(Text(f"  {changes[0].register_name}（{changes[0].path}）"))
            lines += [_change_line(change) for change in changes]
    lines.append(Text(f"比较了 {comparison.files} 个有改动的登记表文件，共 {len(comparison.changes)} 项变化", style="dim"))
    console.print(Text("\n").join(lines))


def _summary_table(rows: list[Row], total: Row) -> Table:
    table = Table(title="变化汇总（风险点或登记表个数）", title_justify="left", show_lines=False)
    table.add_column("部门", overflow="fold")
    for _, title, _ in COLUMNS:
        table.add_column(title, justify="right", overflow="fold")
    for row in [*rows, total]:
        cells = [str(row.counts[key]) if row.counts[key] else "" for key, _, _ in COLUMNS]
        table.add_row(row.department, *cells, style="bold" if row is total else None)
    return table


def _change_line(change: Change) -> Text:
    line = Text("    ")
    line.append(change.kind.label, style=_STYLE.get(change.kind, ""))
    line.append(f"  {change.id} ")
    if not change.kind.is_register_level:
        line.append(f"{change.name}：")
    line.append(describe(change))
    reason = note(change)
    if reason:
        line.append(f"（{reason}）", style="bold red" if _unexplained(change) else "dim")
    return line


# -- Markdown --------------------------------------------------------------------------


def md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(comparison: Comparison, *, max_rows: int = 300, title: str = "年度风险变化对照") -> str:
    """A Markdown report sized for a pull-request comment (GitHub allows 65,536 characters)."""
    lines = [f"## {title}：{comparison.unit}", "", heading(comparison), ""]
    lines += [f"> 未纳入对照：`{b.path}`（{b.message}）" for b in comparison.broken]
    if not comparison.changes:
        return "\n".join([*lines, f"比较了 {comparison.files} 个有改动的登记表文件：风险点没有变化。", ""])
    lines += list(_markdown_summary(*summarise(comparison.changes)))
    lines += ["", "| 部门 | 登记表 | 编号 | 名称 | 变化 | 内容 | 理由 |", "|---|---|---|---|---|---|---|"]
    for change in comparison.changes[:max_rows]:
        reason = note(change)
        if _unexplained(change):
            reason = f"**{reason}**"
        name = "" if change.kind.is_register_level else change.name
        cells = [change.department, change.register_name, change.id, name, change.kind.label, describe(change), reason]
        lines.append("| " + " | ".join(md_cell(c) for c in cells) + " |")
    if len(comparison.changes) > max_rows:
        lines += ["", f"……另有 {len(comparison.changes) - max_rows} 项变化未列出，完整内容请运行 lzfk diff 查看。"]
    return "\n".join(lines) + "\n"


def _markdown_summary(rows: list[Row], total: Row) -> Iterator[str]:
    yield "| 部门 | " + " | ".join(title for _, title, _ in COLUMNS) + " |"
    yield "|---|" + "---:|" * len(COLUMNS)
    for row in [*rows, total]:
        name = f"**{row.department}**" if row is total else row.department
        yield f"| {md_cell(name)} | " + " | ".join(str(row.counts[key] or "") for key, _, _ in COLUMNS) + " |"


# -- JSON --------------------------------------------------------------------------------


def to_json(comparison: Comparison) -> str:
    rows, total = summarise(comparison.changes)
    document = {
        "version": JSON_VERSION,
        "unit": comparison.unit,
        "from": endpoint_record(comparison.old),
        "to": endpoint_record(comparison.new),
        "files_compared": comparison.files,
        "summary": {
            "unit": total.counts,
            "departments": [{"department": row.department, **row.counts} for row in rows],
        },
        "changes": [change_record(change) for change in comparison.changes],
        "unreadable": [{"path": b.path, "message": b.message} for b in comparison.broken],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def endpoint_record(endpoint: Endpoint) -> dict[str, Any]:
    commit = endpoint.commit
    return {
        "label": endpoint.label,
        "commit": commit.sha if commit else None,
        "date": commit.committed.isoformat() if commit else None,
        "how": endpoint.how,
    }


def change_record(change: Change) -> dict[str, Any]:
    return {
        "kind": change.kind.value,
        "label": change.kind.label,
        "id": change.id,
        "name": change.name,
        "register": change.register,
        "register_name": change.register_name,
        "department": change.department,
        "path": change.path,
        "line": change.line,
        "column": change.column,
        "field": change.field,
        "before": change.before,
        "after": change.after,
        "reason": change.reason,
    }
