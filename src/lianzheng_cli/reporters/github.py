"""``--format github``: workflow-command annotations, and every finding as a plain line in a log group.

GitHub shows only ten annotations of each kind per step, so the CLI also appends the
whole table (``markdown.findings_summary``) to $GITHUB_STEP_SUMMARY when that is set.
"""

from __future__ import annotations

from typing import TextIO

from lianzheng_cli.findings import Finding, Severity
from lianzheng_cli.printable import visible
from lianzheng_cli.reporters.common import summary_sentence
from lianzheng_cli.reporters.plain import line_of
from lianzheng_cli.results import ValidationResult

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return visible(escaped)


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    props = [f"file={escape_property(finding.path)}"]
    if finding.line:
        props += [f"line={finding.line}", f"col={finding.column}"]
    props.append(f"title={escape_property(finding.code)}")
    message = finding.message + (f" —— 提示：{finding.hint}" if finding.hint else "")
    return f"::{_COMMAND[finding.severity]} {','.join(props)}::{escape_data(message)}"


def report(result: ValidationResult, out: TextIO) -> None:
    out.write("::group::lzfk 检查结果\n")
    for finding in result.findings:
        out.write(line_of(finding) + "\n")
    out.write("::endgroup::\n")
    for finding in result.findings:
        out.write(annotation(finding) + "\n")
    out.write(summary_sentence(result.summary) + "\n")
