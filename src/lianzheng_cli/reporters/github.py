"""``--format github``: workflow-command annotations, plus a step summary table.

GitHub shows only ten annotations of each kind per step, so every finding also goes to
$GITHUB_STEP_SUMMARY when that is set, and as a plain line in the log.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from lianzheng_cli.findings import Finding, Severity
from lianzheng_cli.reporters.common import summary_sentence
from lianzheng_cli.reporters.plain import line_of
from lianzheng_cli.results import ValidationResult

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    props = [f"file={escape_property(finding.path)}"]
    if finding.line:
        props += [f"line={finding.line}", f"col={finding.column}"]
    props.append(f"title={escape_property(finding.code)}")
    message = finding.message + (f" —— 提示：{finding.hint}" if finding.hint else "")
    return f"::{_COMMAND[finding.severity]} {','.join(props)}::{escape_data(message)}"


def step_summary(result: ValidationResult) -> str:
    lines = ["## lzfk 检查结果", "", summary_sentence(result.summary), ""]
    if result.findings:
        lines += ["| 位置 | 级别 | 编号 | 问题 | 修改建议 |", "|---|---|---|---|---|"]
        for f in result.findings:
            cells = [f"{f.path}:{f.line}:{f.column}", f.severity.label, f.code, f.message, f.hint]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """A Markdown table cell: a line break inside it would end the table row."""
    return text.replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")


def report(result: ValidationResult, out: TextIO) -> None:
    out.write("::group::lzfk 检查结果\n")
    for finding in result.findings:
        out.write(line_of(finding) + "\n")
    out.write("::endgroup::\n")
    for finding in result.findings:
        out.write(annotation(finding) + "\n")
    out.write(summary_sentence(result.summary) + "\n")
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        with Path(summary_file).open("a", encoding="utf-8") as handle:
            handle.write(step_summary(result))
