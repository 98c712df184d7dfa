"""A measure declared once in 共用措施: a change to it is a change in every risk point using it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from lianzheng_cli.cli import app
from tests.history.conftest import MakeRepo

UNIT = Path(__file__).parent.parent / "fixtures" / "units" / "bureau-office"
CLERK = "registers/办公室/人事干事.yaml"


def test_diff_follows_a_shared_measure_into_each_risk_point(make_repo: MakeRepo) -> None:
    repo = make_repo()
    shutil.copytree(UNIT, repo.root, dirs_exist_ok=True)
    repo.commit("2025 registers")
    path = repo.root / CLERK
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("结果在机关内公示", "结果在机关内公示五个工作日"), encoding="utf-8")
    repo.commit("longer publicity")
    result = CliRunner().invoke(app, ["diff", "-C", str(repo.root), "HEAD~1", "HEAD", "-f", "json"], catch_exceptions=False)
    changes = [c for c in json.loads(result.output)["changes"] if c["field"] == "防控措施"]
    assert sorted(c["id"] for c in changes) == ["BGS-RS-01", "BGS-RS-02"]
    assert all("公示五个工作日" in c["after"] and "共用措施 RS-M2" in c["after"] for c in changes)
    # BGS-RS-02 overrides 责任人 locally: the local value survives the shared edit
    local = next(c for c in changes if c["id"] == "BGS-RS-02")
    assert "责任人：办公室主任" in local["after"]


def test_log_of_a_risk_point_shows_the_shared_measure_it_uses(make_repo: MakeRepo) -> None:
    repo = make_repo()
    shutil.copytree(UNIT, repo.root, dirs_exist_ok=True)
    repo.commit("2025 registers")
    path = repo.root / CLERK
    path.write_text(path.read_text(encoding="utf-8").replace("依规追责", "依规依纪追责"), encoding="utf-8")
    repo.commit("stricter handling")
    result = CliRunner().invoke(app, ["log", "-C", str(repo.root), "BGS-RS-01"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "依规依纪追责" in result.output and "共用措施 RS-M3" in result.output
