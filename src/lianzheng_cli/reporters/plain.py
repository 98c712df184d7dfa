"""``--format plain``: one ``file:line:col: severity code message`` line per finding."""

from __future__ import annotations

from typing import TextIO

from lianzheng_cli.findings import Finding
from lianzheng_cli.reporters.common import summary_sentence
from lianzheng_cli.results import ValidationResult


def line_of(finding: Finding) -> str:
    hint = f"（{finding.hint}）" if finding.hint else ""
    return f"{finding.path}:{finding.line}:{finding.column}: {finding.severity.key} {finding.code} {finding.message}{hint}"


def report(result: ValidationResult, out: TextIO) -> None:
    for finding in result.findings:
        out.write(line_of(finding) + "\n")
    out.write(summary_sentence(result.summary) + "\n")
