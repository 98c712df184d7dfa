"""Reports of ``lzfk audit``: its findings through the findings reporters, plus the grade changes
of the audit period; Markdown (the step summary) and JSON (documented in docs/history.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from lianzheng_cli.findings import Summary
from lianzheng_cli.history.audit import AuditResult, GradeEvent
from lianzheng_cli.reporters import choose
from lianzheng_cli.reporters import markdown as md
from lianzheng_cli.reporters.change_text import JSON_VERSION, change_record, describe, note
from lianzheng_cli.reporters.common import finding_record, summary_record, summary_sentence
from lianzheng_cli.results import ValidationResult

if TYPE_CHECKING:
    from rich.console import Console


def report(result: AuditResult, root: Path, name: str, out: TextIO) -> None:
    """Write the audit in format ``name`` (a findings format, markdown or json)."""
    if name == "json":
        out.write(audit_json(result, root))
    elif name == "markdown":
        out.write(audit_markdown(result, root))
    else:
        choose(name)(audit_view(result, root), out)
        if name == "text":
            from rich.console import Console

            print_audit_events(result, Console(file=out, highlight=False, soft_wrap=True))
        elif name in ("github", "plain"):
            out.write("\n".join([audit_heading(result), *audit_events_text(result)]) + "\n")


def step_summary(result: AuditResult, root: Path, name: str) -> str:
    """What goes to $GITHUB_STEP_SUMMARY: with the github format, the whole findings table first."""
    if name == "github":
        return md.findings_summary(audit_view(result, root)) + audit_markdown(result, root, with_findings=False)
    return audit_markdown(result, root)


def audit_view(result: AuditResult, root: Path) -> ValidationResult:
    """The audit's findings as a validation result, for the validate reporters."""
    summary = Summary(
        files=len(result.registers) + len(result.broken),
        registers=len(result.registers),
        risk_points=sum(len(at.risks) for at in result.registers),
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
    reason = note(c)
    return (
        f"{commit.authored.date().isoformat()} {commit.author} {commit.short}“{commit.subject}”："
        f"{c.department} {c.id} {c.name} {c.kind.label}，{describe(c)}" + (f"（{reason}）" if reason else "")
    )


def audit_events_text(result: AuditResult) -> list[str]:
    if not result.events:
        return ["审计期内没有风险等级的变化"]
    return [f"审计期内的等级变化和撤销（{len(result.events)} 项）：", *(f"  {_event_text(e)}" for e in result.events)]


def print_audit_events(result: AuditResult, console: Console) -> None:
    from rich.text import Text

    console.print(Text(audit_heading(result), style="bold"))
    for line in audit_events_text(result):
        console.print(line)


def audit_markdown(result: AuditResult, root: Path, *, with_findings: bool = True) -> str:
    """The step summary; without findings when the github reporter already wrote them."""
    view = audit_view(result, root)
    lines = ["## lzfk 审计结果", "", audit_heading(result), ""]
    if with_findings:
        lines += [summary_sentence(view.summary), "", *md.findings_table(result.findings)]
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
                f"{c.kind.label}：{describe(c)}",
                note(c),
            ]
            lines.append(md.row(cells))
    else:
        lines.append("没有。")
    return "\n".join(lines) + "\n"


def audit_json(result: AuditResult, root: Path) -> str:
    view = audit_view(result, root)
    document: dict[str, Any] = {
        "version": JSON_VERSION,
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
                **change_record(e.change),
            }
            for e in result.events
        ],
        "unreadable": [{"path": b.path, "message": b.message} for b in result.broken],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
