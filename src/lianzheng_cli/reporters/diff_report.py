"""Reports of ``lzfk diff``: terminal (rich), Markdown for a pull-request comment, and JSON (docs/history.md).

Off a terminal (a pipe, a file, ``--out``) the text report is written as plain lines without
rich's layout engine (measuring and folding every table cell, wrapping every line), which costs
more than the report is worth there. The lines are the ones rich writes there; the summary table
too, except that a row never wraps (rich folds cells to fit 80 columns, splitting department
names), see docs/history.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import groupby
from typing import IO, TYPE_CHECKING, Any

from lianzheng_cli.history.changes import Change, Kind
from lianzheng_cli.history.compare import Comparison
from lianzheng_cli.history.summary import COLUMNS, Row, summarise
from lianzheng_cli.reporters import markdown as md
from lianzheng_cli.reporters.change_text import JSON_VERSION, change_record, describe, endpoint_record, heading, note, unexplained
from lianzheng_cli.reporters.common import native_path

if TYPE_CHECKING:  # rich is imported where text is laid out: json and Markdown need none of it
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

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


def console_for(out: IO[str], **options: Any) -> Console:
    """The console the text report is printed with (options: rich's, for a buffer)."""
    from rich.console import Console

    return Console(file=out, highlight=False, soft_wrap=True, **options)


def print_text(comparison: Comparison, console: Console) -> None:
    from rich.text import Text

    if not console.is_terminal and console.color_system is None:
        write_plain(comparison, console.file, console)
        return
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


# -- plain text (not a terminal) -------------------------------------------------------------

# What rich treats specially in a line (control characters, and markup or emoji codes in a
# str): such a line is left to rich, so the output stays what rich writes.
_RICH_SPECIAL = frozenset(chr(code) for code in (*range(32), 127))
_TABLE_TITLE = "变化汇总（风险点或登记表个数）"


def write_plain(comparison: Comparison, out: IO[str], console: Console | None = None) -> bool:
    """The text report as rich writes it off a terminal, without rich's layout engine. console:
    what prints the rare line or table that needs rich (a control character, markup), made with
    console_for(out) on first need when None: then rich is imported only for such a line.
    True when no line needed rich: the text then depends on nothing but the comparison."""
    printer: Console | _Deferred = console if console is not None else _Deferred(out)
    lines = [f"年度风险变化对照：{comparison.unit}"]
    _plain_lines(out, printer, lines)
    _plain_lines(out, printer, [heading(comparison)], markup=True)
    lines = [f"未纳入对照：{native_path(broken.path)}（{broken.message}）" for broken in comparison.broken]
    if not comparison.changes:
        lines.append(f"比较了 {comparison.files} 个有改动的登记表文件：风险点没有变化")
        _plain_lines(out, printer, lines)
        return _without_rich(printer)
    _plain_lines(out, printer, lines)
    rows, total = summarise(comparison.changes)
    table = _plain_table(rows, total)
    if table is None:
        printer.print(_summary_table(rows, total))
    else:
        out.write(table)
    lines = []
    for department, by_department in groupby(comparison.changes, key=lambda c: c.department):
        lines.append(department)
        for _, by_register in groupby(by_department, key=lambda c: c.register):
            changes = list(by_register)
            lines.append(f"  {changes[0].register_name}（{native_path(changes[0].path)}）")
            lines += ["".join(text for text, _ in _change_parts(change)) for change in changes]
    lines.append(f"比较了 {comparison.files} 个有改动的登记表文件，共 {len(comparison.changes)} 项变化")
    _plain_lines(out, printer, lines)
    return _without_rich(printer)


def _without_rich(printer: Console | _Deferred) -> bool:
    return isinstance(printer, _Deferred) and printer.made is None


class _Deferred:
    """A console made on first use, for write_plain's rare lines that need rich."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.made: Console | None = None

    def print(self, renderable: object) -> None:
        if self.made is None:
            self.made = console_for(self.out)
        self.made.print(renderable)


def _plain_lines(out: IO[str], console: Console | _Deferred, lines: list[str], *, markup: bool = False) -> None:
    for line in lines:
        if _RICH_SPECIAL.isdisjoint(line) and not (markup and ("[" in line or ":" in line)):
            out.write(line + "\n")
        else:
            from rich.text import Text

            console.print(line if markup else Text(line))


def _plain_table(rows: list[Row], total: Row) -> str | None:
    """The summary table drawn as rich draws it when it fits (heavy head, one space of padding,
    counts right-aligned); None for a cell rich would change (a control character)."""
    from rich.cells import cell_len

    header = ["部门", *(title for _, title, _ in COLUMNS)]
    body = [
        [row.department, *(str(row.counts[key]) if row.counts[key] else "" for key, _, _ in COLUMNS)] for row in [*rows, total]
    ]
    if any(not _RICH_SPECIAL.isdisjoint(cell) for row in body for cell in row[:1]):
        return None
    widths = [max(cell_len(row[index]) for row in [header, *body]) for index in range(len(header))]

    def line(cells: list[str], edge: str, middle: str) -> str:
        padded = [
            f" {cell}{' ' * (width - cell_len(cell))} " if index == 0 else f" {' ' * (width - cell_len(cell))}{cell} "
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return edge + middle.join(padded) + edge + "\n"

    def rule(left: str, fill: str, middle: str, right: str) -> str:
        return left + middle.join(fill * (width + 2) for width in widths) + right + "\n"

    parts = [_TABLE_TITLE + "\n", rule("┏", "━", "┳", "┓"), line(header, "┃", "┃"), rule("┡", "━", "╇", "┩")]
    parts += [line(cells, "│", "│") for cells in body]
    parts.append(rule("└", "─", "┴", "┘"))
    return "".join(parts)


def _summary_table(rows: list[Row], total: Row) -> Table:
    from rich.table import Table

    table = Table(title=_TABLE_TITLE, title_justify="left", show_lines=False)
    table.add_column("部门", overflow="fold")
    for _, title, _ in COLUMNS:
        table.add_column(title, justify="right", overflow="fold")
    for row in [*rows, total]:
        cells = [str(row.counts[key]) if row.counts[key] else "" for key, _, _ in COLUMNS]
        table.add_row(row.department, *cells, style="bold" if row is total else None)
    return table


def _change_parts(change: Change) -> list[tuple[str, str]]:
    """One change's line as (text, style) pieces: styled for a terminal, joined for plain text."""
    parts = [("    ", ""), (change.kind.label, _STYLE.get(change.kind, "")), (f"  {change.id} ", "")]
    if not change.kind.is_register_level:
        parts.append((f"{change.name}：", ""))
    parts.append((describe(change), ""))
    reason = note(change)
    if reason:
        parts.append((f"（{reason}）", "bold red" if unexplained(change) else "dim"))
    return parts


def _change_line(change: Change) -> Text:
    from rich.text import Text

    line = Text()
    for text, style in _change_parts(change):
        line.append(text, style=style)
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
