"""Reports of ``lzfk audit`` and ``lzfk check``: their findings plus a history section.

Findings are shown by the same reporters as ``lzfk validate`` (text, github, plain); this
module adds the grade changes (audit) or the change summary (check), and the Markdown
and JSON forms (documented in docs/history.md).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from lianzheng_cli.findings import Finding, Summary
from lianzheng_cli.history import report
from lianzheng_cli.history.audit import AuditResult, GradeEvent
from lianzheng_cli.history.summary import COLUMNS, summarise
from lianzheng_cli.merge_check import CheckResult
from lianzheng_cli.reporters.common import finding_record, summary_record, summary_sentence
from lianzheng_cli.reporters.github import step_summary
from lianzheng_cli.results import ValidationResult


def findings_table(findings: list[Finding]) -> list[str]:
    if not findings:
        return []
    lines = ["| 位置 | 级别 | 编号 | 问题 | 修改建议 |", "|---|---|---|---|---|"]
    for f in findings:
        cells = [f"{f.path}:{f.line}:{f.column}", f.severity.label, f.code, f.message, f.hint]
        lines.append("| " + " | ".join(report.md_cell(c) for c in cells) + " |")
    return lines


# -- audit ---------------------------------------------------------------------------------


def audit_view(result: AuditResult, root: Path) -> ValidationResult:
    """The audit's findings as a validation result, for the validate reporters."""
    summary = Summary(
        files=len(result.registers) + len(result.broken),
        registers=len(result.registers),
        risk_points=sum(len(at.register.risks) for at in result.registers),
    )
    summary.count(result.findings)
    return ValidationResult(root, list(result.findings), summary)


def audit_heading(result: AuditResult) -> str:
    head = result.head
    return (
        f"审计截至 {result.as_of.isoformat()}：版本 {head.short}（{head.committed.date().isoformat()}），"
        f"审计期 {result.since.isoformat()} 至 {result.as_of.isoformat()}（审定有效期 {result.period_days} 天）"
    )


def _event_text(event: GradeEvent) -> str:
    c, commit = event.change, event.commit
    reason = report.note(c)
    return (
        f"{commit.authored.date().isoformat()} {commit.author} {commit.short}“{commit.subject}”："
        f"{c.department} {c.id} {c.name} {c.kind.label}，{report.describe(c)}" + (f"（{reason}）" if reason else "")
    )


def audit_events_text(result: AuditResult) -> list[str]:
    if not result.events:
        return ["审计期内没有风险等级的变化"]
    return [f"审计期内的等级变化和撤销（{len(result.events)} 项）：", *(f"  {_event_text(e)}" for e in result.events)]


def print_audit_events(result: AuditResult, console: Console) -> None:
    console.print(Text(audit_heading(result), style="bold"))
    for line in audit_events_text(result):
        console.print(line)


def audit_markdown(result: AuditResult, root: Path, *, with_findings: bool = True) -> str:
    """The step summary; without findings when the github reporter already wrote them."""
    view = audit_view(result, root)
    lines = ["## lzfk 审计结果", "", audit_heading(result), ""]
    if with_findings:
        lines += [summary_sentence(view.summary), "", *findings_table(result.findings)]
    lines += ["", f"### 审计期内的等级变化和撤销（{len(result.events)} 项）", ""]
    if result.events:
        lines += ["| 日期 | 作者 | 提交 | 部门 | 编号 | 名称 | 变化 | 理由 |", "|---|---|---|---|---|---|---|---|"]
        for event in result.events:
            c, commit = event.change, event.commit
            cells = [
                commit.authored.date().isoformat(),
                commit.author,
                f"`{commit.short}` {commit.subject}",
                c.department,
                c.id,
                c.name,
                f"{c.kind.label}：{report.describe(c)}",
                report.note(c),
            ]
            lines.append("| " + " | ".join(report.md_cell(x) for x in cells) + " |")
    else:
        lines.append("没有。")
    return "\n".join(lines) + "\n"


def audit_json(result: AuditResult, root: Path) -> str:
    view = audit_view(result, root)
    document: dict[str, Any] = {
        "version": report.JSON_VERSION,
        "head": {"commit": result.head.sha, "date": result.head.committed.isoformat()},
        "as_of": result.as_of.isoformat(),
        "since": result.since.isoformat(),
        "period_days": result.period_days,
        "findings": [finding_record(f) for f in result.findings],
        "summary": summary_record(view.summary),
        "grade_changes": [
            {
                "commit": e.commit.sha,
                "date": e.commit.authored.isoformat(),
                "author": e.commit.author,
                "email": e.commit.email,
                "message": e.commit.subject,
                **report.change_record(e.change),
            }
            for e in result.events
        ],
        "unreadable": [{"path": b.path, "message": b.message} for b in result.broken],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# -- check -----------------------------------------------------------------------------------


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
        lines.append(step_summary(check_view(result)).rstrip("\n"))
    if result.comparison is not None:
        lines += ["", report.markdown(result.comparison, title="本次修改的风险变化").rstrip("\n")]
    lines += [f"> {note}" for note in result.notes]
    return "\n".join(lines).lstrip("\n") + "\n"


def check_json(result: CheckResult) -> str:
    view = check_view(result)
    comparison = result.comparison
    document: dict[str, Any] = {
        "version": report.JSON_VERSION,
        "findings": [finding_record(f) for f in view.findings],
        "summary": summary_record(view.summary),
        "base": report.endpoint_record(comparison.old) if comparison else None,
        "changes": [report.change_record(c) for c in comparison.changes] if comparison else [],
        "notes": result.notes,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
