"""Pieces shared by reporters: summary sentences and the JSON shape of a finding."""

from __future__ import annotations

from typing import Any

from lianzheng_cli.findings import Finding, Summary


def summary_sentence(summary: Summary) -> str:
    head = f"检查了 {summary.files} 个文件（{summary.registers} 份登记表，{summary.risk_points} 个风险点）"
    if not (summary.errors or summary.warnings or summary.infos):
        tail = "：未发现问题"
    else:
        parts = [f"{summary.errors} 个错误", f"{summary.warnings} 个警告"]
        if summary.infos:
            parts.append(f"{summary.infos} 条提示")
        tail = "：" + "，".join(parts)
    note = "" if summary.cross_file_checked else "（只检查了指定的文件，未做跨文件检查）"
    return head + tail + note


def finding_record(finding: Finding) -> dict[str, Any]:
    return {
        "file": finding.path,
        "line": finding.line,
        "column": finding.column,
        "code": finding.code,
        "severity": finding.severity.key,
        "message": finding.message,
        "hint": finding.hint,
    }


def summary_record(summary: Summary) -> dict[str, Any]:
    return {
        "files": summary.files,
        "registers": summary.registers,
        "risk_points": summary.risk_points,
        "errors": summary.errors,
        "warnings": summary.warnings,
        "infos": summary.infos,
        "cross_file_checked": summary.cross_file_checked,
    }
