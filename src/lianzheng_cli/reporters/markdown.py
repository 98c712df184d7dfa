"""Markdown for pull-request comments and step summaries: the one table-cell escaper, and the findings table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lianzheng_cli.findings import Finding
from lianzheng_cli.printable import visible
from lianzheng_cli.reporters.common import summary_sentence
from lianzheng_cli.results import ValidationResult

FINDINGS_HEADER = ("位置", "级别", "编号", "问题", "修改建议")


def cell(text: str) -> str:
    """Text for a Markdown table cell: ``|`` escaped, and every line break (CRLF, CR, LF) as ``<br>``,
    because a raw line break would end the table row."""
    return text.replace("|", "\\|").replace("\r\n", "<br>").replace("\r", "<br>").replace("\n", "<br>")


def row(cells: Iterable[str]) -> str:
    """One table row; the cells are escaped here."""
    return "| " + " | ".join(cell(c) for c in cells) + " |"


def header(titles: Sequence[str], *, align: str = "---") -> list[str]:
    return ["| " + " | ".join(titles) + " |", "|" + "|".join(align for _ in titles) + "|"]


def findings_table(findings: list[Finding]) -> list[str]:
    if not findings:
        return []
    lines = header(FINDINGS_HEADER)
    for f in findings:
        lines.append(row([f"{visible(f.path)}:{f.line}:{f.column}", f.severity.label, f.code, f.message, f.hint]))
    return lines


def findings_summary(result: ValidationResult, *, title: str = "lzfk 检查结果") -> str:
    """All findings as one Markdown section: GitHub shows only ten annotations of a kind per step."""
    lines = [f"## {title}", "", summary_sentence(result.summary), "", *findings_table(result.findings)]
    return "\n".join(lines) + "\n"
