"""Reports of ``lzfk check``: its findings through the findings reporters, plus what the change
does to the registers; Markdown (the PR comment) and JSON (documented in docs/history.md)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, TextIO

from lianzheng_cli.history.summary import COLUMNS, summarise
from lianzheng_cli.merge_check import CheckResult
from lianzheng_cli.reporters import choose, diff_report
from lianzheng_cli.reporters import markdown as md
from lianzheng_cli.reporters.change_text import JSON_VERSION, change_record, endpoint_record
from lianzheng_cli.reporters.common import finding_record, summary_record
from lianzheng_cli.results import ValidationResult


def report(result: CheckResult, name: str, out: TextIO) -> None:
    """Write the check in format ``name`` (a findings format, markdown or json)."""
    if name == "json":
        out.write(check_json(result))
    elif name == "markdown":
        out.write(check_markdown(result))
    else:
        choose(name)(check_view(result), out)
        if name in ("text", "github", "plain"):
            out.write(change_counts(result) + "\n")


def step_summary(result: CheckResult, name: str) -> str:
    """What goes to $GITHUB_STEP_SUMMARY: with the github format, the whole findings table first."""
    if name == "github":
        return md.findings_summary(check_view(result)) + check_markdown(result, with_findings=False)
    return check_markdown(result)


def check_view(result: CheckResult) -> ValidationResult:
    summary = replace(result.validation.summary, errors=0, warnings=0, infos=0)
    findings = result.findings
    summary.count(findings)
    return ValidationResult(result.validation.root, findings, summary, config_failed=result.validation.config_failed)


def change_counts(result: CheckResult) -> str:
    """One line saying what the change does to the registers."""
    comparison = result.comparison
    if comparison is None:
        return "；".join(result.notes)
    if not comparison.changes:
        return f"与 {comparison.old.describe()}相比：风险点没有变化"
    _, total = summarise(comparison.changes)
    parts = [f"{title} {total.counts[key]}" for key, title, _ in COLUMNS if total.counts[key]]
    return f"与 {comparison.old.describe()}相比：" + "，".join(parts or ["只有登记表信息的修改"])


def check_markdown(result: CheckResult, *, with_findings: bool = True) -> str:
    """The PR comment / step summary; without findings when the github reporter already wrote them."""
    lines: list[str] = []
    if with_findings:
        lines.append(md.findings_summary(check_view(result)).rstrip("\n"))
    if result.comparison is not None:
        lines += ["", diff_report.markdown(result.comparison, title="本次修改的风险变化").rstrip("\n")]
    lines += [f"> {note}" for note in result.notes]
    return "\n".join(lines).lstrip("\n") + "\n"


def check_json(result: CheckResult) -> str:
    view = check_view(result)
    comparison = result.comparison
    document: dict[str, Any] = {
        "version": JSON_VERSION,
        "findings": [finding_record(f) for f in view.findings],
        "summary": summary_record(view.summary),
        "base": endpoint_record(comparison.old) if comparison else None,
        "changes": [change_record(c) for c in comparison.changes] if comparison else [],
        "notes": result.notes,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
