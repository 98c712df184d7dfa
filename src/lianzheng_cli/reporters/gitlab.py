"""``--format gitlab``: a GitLab Code Quality report (a JSON array of issues), documented in docs/output.md.

GitLab matches the issues of the merge request's head with those of its base by
``fingerprint``, so a fingerprint must not change when a finding only moves to another
line: it hashes the file, the code, the message and the finding's rank among identical
ones — not the line number.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any, TextIO

from lianzheng_cli.findings import Finding, Severity
from lianzheng_cli.reporters.common import repository_prefix
from lianzheng_cli.results import ValidationResult

# GitLab's scale is info, minor, major, critical, blocker; a finding that fails the check is major.
SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def issues(result: ValidationResult) -> list[dict[str, Any]]:
    prefix = repository_prefix(result.root)
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for finding in result.findings:
        key = (finding.path, finding.code, finding.message)
        seen[key] += 1
        out.append(_issue(finding, prefix, fingerprint(*key, seen[key])))
    return out


def fingerprint(path: str, code: str, message: str, occurrence: int) -> str:
    return hashlib.sha256("\0".join((path, code, message, str(occurrence))).encode("utf-8")).hexdigest()


def _issue(finding: Finding, prefix: str, print_: str) -> dict[str, Any]:
    description = f"{finding.code} {finding.message}" + (f" —— 提示：{finding.hint}" if finding.hint else "")
    return {
        "type": "issue",
        "description": description,
        "check_name": finding.code,
        "fingerprint": print_,
        "severity": SEVERITY[finding.severity],
        "location": {"path": prefix + finding.path, "lines": {"begin": max(finding.line, 1)}},
    }


def report(result: ValidationResult, out: TextIO) -> None:
    out.write(json.dumps(issues(result), ensure_ascii=False, indent=2) + "\n")
