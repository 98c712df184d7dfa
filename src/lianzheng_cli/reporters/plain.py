"""``--format plain``: one ``file:line:col: severity code message`` line per finding."""

from __future__ import annotations

from typing import TextIO

from lianzheng_cli.findings import Finding
from lianzheng_cli.printable import visible
from lianzheng_cli.reporters.common import summary_sentence
from lianzheng_cli.results import ValidationResult


def line_of(finding: Finding) -> str:
    """One line, always: tools that read file:line:col lines take a line break as a new finding."""
    hint = f" —— 提示：{finding.hint}" if finding.hint else ""
    text = visible(f"{finding.message}{hint}".replace("\r\n", " ").replace("\r", " ").replace("\n", " "))
    return f"{visible(finding.path)}:{finding.line}:{finding.column}: {finding.severity.key} {finding.code} {text}"


def report(result: ValidationResult, out: TextIO) -> None:
    for finding in result.findings:
        out.write(line_of(finding) + "\n")
    out.write(summary_sentence(result.summary) + "\n")
