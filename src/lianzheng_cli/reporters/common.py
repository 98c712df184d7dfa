"""Pieces shared by reporters: summary sentences, the JSON shape of a finding, and how paths print."""

from __future__ import annotations

import os
from pathlib import Path

from lianzheng_cli.findings import Finding, Summary

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: the replay fast path prints with this module
if TYPE_CHECKING:
    from typing import Any


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


FINDINGS_JSON_VERSION = 1


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


def repository_prefix(root: Path) -> str:
    """Where the lzfk root sits inside its git repository ("" at the top, else "folder/").

    GitLab and code-scanning tools place a finding by its path from the top of the git
    repository, while lzfk's paths start at the folder holding lzfk.yaml.
    """
    resolved = root.resolve()
    for folder in (resolved, *resolved.parents):
        if (folder / ".git").exists():
            relative = resolved.relative_to(folder).as_posix()
            return "" if relative == "." else relative + "/"
    return ""


def native_path(path: str) -> str:
    """A path as the platform writes it (``\\`` on Windows): for text read by people."""
    return path.replace("/", os.sep) if os.sep != "/" else path
