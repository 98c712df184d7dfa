"""docs/findings.md documents every finding code (codes are a public contract)."""

from __future__ import annotations

import re

from lianzheng_cli.codes import CODES
from tests.helpers import REPO_ROOT

FINDINGS_DOC = REPO_ROOT / "docs" / "findings.md"


def test_every_code_is_documented_in_docs_findings_md() -> None:
    documented = set(re.findall(r"\bLZ\d{3}\b", FINDINGS_DOC.read_text(encoding="utf-8")))
    assert sorted(set(CODES) - documented) == []
