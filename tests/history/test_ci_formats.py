"""``lzfk check`` and ``lzfk audit`` in the CI formats: the same findings reporters as validate, valid by schema."""

from __future__ import annotations

import json
from pathlib import Path

from tests.history.conftest import Repo
from tests.history.test_check import PURCHASER, branch, purchaser
from tests.history.test_cli_diff import lzfk
from tests.reporters.formats import GITLAB_SCHEMA, SARIF_SCHEMA, check_jsonschema, check_junit


def test_check_gitlab_sarif_junit(year_repo: Repo, tmp_path: Path) -> None:
    branch(year_repo, {PURCHASER: purchaser("二级")})
    outputs = {}
    for name in ("gitlab", "sarif", "junit"):
        result = lzfk("check", "--base", "main", "-f", name, cwd=year_repo.root)
        assert result.exit_code == 1, result.output
        outputs[name] = tmp_path / f"check.{name}"
        outputs[name].write_text(result.stdout, encoding="utf-8")
    check_jsonschema(GITLAB_SCHEMA, outputs["gitlab"])
    check_jsonschema(SARIF_SCHEMA, outputs["sarif"])
    junit = check_junit(outputs["junit"])
    issues = json.loads(outputs["gitlab"].read_text(encoding="utf-8"))
    assert "LZ401" in [i["check_name"] for i in issues]
    results = json.loads(outputs["sarif"].read_text(encoding="utf-8"))["runs"][0]["results"]
    assert "LZ401" in [r["ruleId"] for r in results]
    assert "LZ401" in [f.get("type") for f in junit.iter("failure")]


def test_audit_sarif(year_repo: Repo, tmp_path: Path) -> None:
    result = lzfk("audit", "--date", "2025-06-01", "-f", "sarif", cwd=year_repo.root)
    (tmp_path / "audit.sarif").write_text(result.stdout, encoding="utf-8")
    check_jsonschema(SARIF_SCHEMA, tmp_path / "audit.sarif")
    codes = {r["ruleId"] for r in json.loads(result.stdout)["runs"][0]["results"]}
    assert "LZ405" in codes  # approved 2024-03-20: more than 365 days before the audit date
