"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other viewers (documented in docs/output.md).

The rules are the whole code catalogue (codes.py), so a viewer can show each code's
title and default level; results point at files by their path from the top of the git
repository (``%SRCROOT%``), percent-encoded as URIs must be.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TextIO
from urllib.parse import quote

from lianzheng_cli import __version__
from lianzheng_cli.codes import CODES, CodeInfo
from lianzheng_cli.findings import Finding, Severity
from lianzheng_cli.reporters.common import FINDINGS_JSON_VERSION, repository_prefix, summary_record
from lianzheng_cli.results import ValidationResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_RULE_INDEX = {code: index for index, code in enumerate(CODES)}


def rule(info: CodeInfo) -> dict[str, Any]:
    return {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": info.title},
        "defaultConfiguration": {"level": LEVEL[info.severity]},
        "properties": {"configurable": info.configurable},
    }


def result_record(finding: Finding, prefix: str) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": quote(prefix + finding.path), "uriBaseId": "%SRCROOT%"}}
    if finding.line:
        location["region"] = {"startLine": finding.line, **({"startColumn": finding.column} if finding.column else {})}
    record: dict[str, Any] = {
        "ruleId": finding.code,
        "level": LEVEL[finding.severity],
        "message": {"text": finding.message + (f" —— 提示：{finding.hint}" if finding.hint else "")},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {"lzfk/v1": _fingerprint(finding)},
    }
    if finding.code in _RULE_INDEX:
        record["ruleIndex"] = _RULE_INDEX[finding.code]
    return record


def _fingerprint(finding: Finding) -> str:
    return hashlib.sha256("\0".join((finding.path, finding.code, finding.message)).encode("utf-8")).hexdigest()


def log(result: ValidationResult) -> dict[str, Any]:
    prefix = repository_prefix(result.root)
    driver = {"name": "lzfk", "version": __version__, "rules": [rule(info) for info in CODES.values()]}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": [result_record(f, prefix) for f in result.findings],
                "properties": {"lzfk_format_version": FINDINGS_JSON_VERSION, "summary": summary_record(result.summary)},
            }
        ],
    }


def report(result: ValidationResult, out: TextIO) -> None:
    out.write(json.dumps(log(result), ensure_ascii=False, indent=2) + "\n")
