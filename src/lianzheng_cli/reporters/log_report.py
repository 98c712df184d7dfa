"""Reports of ``lzfk log``: terminal (rich), plain text, Markdown and JSON (documented in docs/history.md).

Output that is not for a terminal is made without rich (see ``render``): the light entry path
(``history_entry``) prints it without importing rich at all, and the full path prints the same text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from lianzheng_cli.history.changes import Change
from lianzheng_cli.history.timeline import Entry, Timeline
from lianzheng_cli.reporters import markdown as md
from lianzheng_cli.reporters.change_text import JSON_VERSION, change_record, describe, note
from lianzheng_cli.reporters.common import native_path

if TYPE_CHECKING:
    from rich.console import Console

PLAIN_FORMATS = ("text", "markdown", "json")


def _title(found: Timeline) -> str:
    what = "登记表" if found.is_register else "风险点"
    return f"{what} {found.id} {found.name} 的修改历史（{len(found.entries)} 次提交）"


def _where(found: Timeline) -> str:
    return f"现在位于 {found.location}" if found.location else "已撤销（最近一次修改把它删除了）"


def _commit_line(entry: Entry) -> str:
    commit = entry.commit
    return f"{commit.authored.date().isoformat()}  {commit.author} <{commit.email}>  {commit.short}  {commit.subject}"


def _change_text(change: Change, found: Timeline) -> str:
    subject = "" if change.id == found.id else f"{change.id} {change.name}："
    reason = note(change)
    return f"{change.kind.label}  {subject}{describe(change)}" + (f"（{reason}）" if reason else "")


def _lines(found: Timeline) -> Iterator[tuple[str, str]]:
    """The text report as (line, rich style) pairs; a style of "markup" marks a line rich reads as markup."""
    yield _title(found), "bold"
    for entry in found.entries:
        yield _commit_line(entry), "cyan"
        paths = sorted({change.path for change in entry.changes})
        for change in entry.changes:
            yield "    " + _change_text(change, found), "markup"
        for broken in entry.broken:
            yield f"    无法解析 {native_path(broken.path)}：{broken.message}（此次修改无法逐项比较）", "yellow"
        if paths:
            yield "    文件：" + "、".join(native_path(p) for p in paths), "dim"
    yield _where(found), "dim"


def print_text(found: Timeline, console: Console) -> None:
    """The text report on a terminal, in colour."""
    from rich.text import Text

    for line, style in _lines(found):
        console.print(line if style == "markup" else Text(line, style=style))


def plain_text(found: Timeline) -> str:
    """The text report for a file or a pipe: the lines as they are, no colour, no markup."""
    return "".join(line + "\n" for line, _ in _lines(found))


def render(found: Timeline, name: str) -> str:
    """The report in one of PLAIN_FORMATS, as written to a file or a pipe."""
    if name == "json":
        return to_json(found)
    return markdown(found) if name == "markdown" else plain_text(found)


def markdown(found: Timeline) -> str:
    lines = [f"## {_title(found)}", "", "| 日期 | 作者 | 提交 | 说明 | 变化 |", "|---|---|---|---|---|"]
    for entry in found.entries:
        commit = entry.commit
        changes = "<br>".join(md.cell(_change_text(change, found)) for change in entry.changes)
        cells = [
            commit.authored.date().isoformat(),
            md.cell(commit.author),
            f"`{commit.short}`",
            md.cell(commit.subject),
            changes,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join([*lines, "", _where(found), ""])


def to_json(found: Timeline) -> str:
    document: dict[str, Any] = {
        "version": JSON_VERSION,
        "id": found.id,
        "name": found.name,
        "kind": "register" if found.is_register else "risk",
        "location": found.location or None,
        "entries": [
            {
                "commit": entry.commit.sha,
                "date": entry.commit.authored.isoformat(),
                "author": entry.commit.author,
                "email": entry.commit.email,
                "message": entry.commit.subject,
                "changes": [change_record(change) for change in entry.changes],
                "unreadable": [{"path": b.path, "message": b.message} for b in entry.broken],
            }
            for entry in found.entries
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
