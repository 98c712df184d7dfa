"""``--format json``: {"version": 1, "findings": [...], "summary": {...}} (documented in docs/output.md)."""

from __future__ import annotations

import json
from typing import TextIO

from lianzheng_cli.reporters.common import FINDINGS_JSON_VERSION, finding_record, summary_record
from lianzheng_cli.results import ValidationResult


def report(result: ValidationResult, out: TextIO) -> None:
    document = {
        "version": FINDINGS_JSON_VERSION,
        "findings": [finding_record(f) for f in result.findings],
        "summary": summary_record(result.summary),
    }
    out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
