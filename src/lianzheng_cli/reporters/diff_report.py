"""Reports of ``lzfk diff``: terminal (rich), Markdown for a pull-request comment, and JSON (docs/history.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import groupby

from rich.console import Console
from rich.table import Table
from rich.text import Text

from lianzheng_cli.history.changes import Change, Kind
from lianzheng_cli.history.compare import Comparison
from lianzheng_cli.history.summary import COLUMNS, Row, summarise
from lianzheng_cli.reporters import markdown as md
from lianzheng_cli.reporters.change_text import JSON_VERSION, change_record, describe, endpoint_record, heading, note, unexplained
from lianzheng_cli.reporters.common import native_path

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


# -- terminal ------------------------------------------------------------------------


def print_text(comparison: Comparison, console: Console) -> None:
    console.print(Text(f"年度风险变化对照：{comparison.unit}", style="bold"))
    console.print(heading(comparison))
    for broken in comparison.broken:
        console.print(Text(f"未纳入对照：{native_path(broken.path)}（{broken.message}）", style="yellow"))
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
            lines.append(Text(f"  {changes[0].register_name}（{native_path(changes[0].path)}）"))
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
        line.append(f"（{reason}）", style="bold red" if unexplained(change) else "dim")
    return line


# -- Markdown --------------------------------------------------------------------------


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
        if unexplained(change):
            reason = f"**{reason}**"
        name = "" if change.kind.is_register_level else change.name
        cells = [change.department, change.register_name, change.id, name, change.kind.label, describe(change), reason]
        lines.append(md.row(cells))
    if len(comparison.changes) > max_rows:
        lines += ["", f"……另有 {len(comparison.changes) - max_rows} 项变化未列出，完整内容请运行 lzfk diff 查看。"]
    return "\n".join(lines) + "\n"


def _markdown_summary(rows: list[Row], total: Row) -> Iterator[str]:
    yield "| 部门 | " + " | ".join(title for _, title, _ in COLUMNS) + " |"
    yield "|---|" + "---:|" * len(COLUMNS)
    for row in [*rows, total]:
        name = f"**{row.department}**" if row is total else row.department
        yield f"| {md.cell(name)} | " + " | ".join(str(row.counts[key] or "") for key, _, _ in COLUMNS) + " |"


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
