"""Approval state on the documents: 已审定 (date), 未审定, 审定后有修改; the notice's date; reasons shown."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from lianzheng_cli.cli import app
from tests.history.conftest import git_env

UNIT = Path(__file__).parent.parent / "fixtures" / "units" / "hospital"
CASHIER = "registers/财务科/收费员.yaml"
FORM = Path("out/科室/财务科/个人岗位廉政风险防控表/CWK-SF_门诊收费员.md")
NOTICE = Path("out/科室/财务科/廉政风险提示书/CWK-SF_门诊收费员.md")
APPROVAL = "审定: {意见: 同意, 签字: 王某, 日期: 2025-03-20}\n"


def _build(*args: str) -> Result:
    return CliRunner().invoke(app, ["build", "--format", "md", "--only", "forms", "--only", "tables", "--out", "out", *args])


@pytest.fixture
def unit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = shutil.copytree(UNIT, tmp_path / "unit")
    monkeypatch.chdir(root)
    for key in ("GIT_DIR", "GIT_WORK_TREE"):
        monkeypatch.delenv(key, raising=False)
    return root


def _append(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _git(root: Path, tmp_path: Path, *args: str, date: str) -> None:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / "gitconfig").write_text("[init]\n\tdefaultBranch = main\n", encoding="utf-8")
    subprocess.run(["git", *args], cwd=root, env=git_env(home, date=date), check=True, capture_output=True)


def test_dates_alone_say_approved_or_not(unit: Path) -> None:
    _append(unit, CASHIER, APPROVAL)
    assert _build().exit_code == 0
    assert "审定状态：已审定（2025年3月20日）" in (unit / FORM).read_text(encoding="utf-8")
    assert "2025年3月20日" in (unit / NOTICE).read_text(encoding="utf-8")
    accountant = unit / "out/科室/财务科/个人岗位廉政风险防控表/CWK-KJ_会计.md"
    assert "审定状态：未审定" in accountant.read_text(encoding="utf-8")


def test_a_change_after_approval_is_shown_and_the_notice_is_left_undated(
    unit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _append(unit, CASHIER, APPROVAL)
    _git(unit, tmp_path, "init", "-q", date="2025-03-20T10:00:00+08:00")
    _git(unit, tmp_path, "add", "-A", date="2025-03-20T10:00:00+08:00")
    _git(unit, tmp_path, "commit", "-qm", "approved", date="2025-03-20T10:00:00+08:00")
    path = unit / CASHIER
    path.write_text(path.read_text(encoding="utf-8").replace("每日结账", "每日两次结账"), encoding="utf-8")
    _git(unit, tmp_path, "commit", "-qam", "edited after approval", date="2025-04-02T10:00:00+08:00")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "home" / "gitconfig"))
    assert _build().exit_code == 0
    assert "审定状态：审定后有修改（审定于2025年3月20日，之后有修改）" in (unit / FORM).read_text(encoding="utf-8")
    notice = (unit / NOTICE).read_text(encoding="utf-8")
    assert "2025年3月20日" not in notice and "　　年　　月　　日" in notice
    refused = _build("--require-approved")
    assert refused.exit_code == 1
    assert "门诊收费员" in refused.output and "审定后有修改" in refused.output


def test_a_notice_is_never_dated_before_its_year(unit: Path) -> None:
    _append(unit, CASHIER, "审定: {意见: 同意, 签字: 王某, 日期: 2024-03-14}\n")
    assert _build().exit_code == 0
    notice = (unit / NOTICE).read_text(encoding="utf-8")
    assert "2024" not in notice and "　　年　　月　　日" in notice


def test_require_approved_refuses_unapproved_registers(unit: Path) -> None:
    result = _build("--require-approved")
    assert result.exit_code == 1 and "尚未审定" in result.output
    assert not (unit / "out").exists()


def test_downgrade_and_withdrawal_reasons_reach_the_approver(unit: Path) -> None:
    path = unit / CASHIER
    text = path.read_text(encoding="utf-8").replace(
        "    等级: 较高\n", "    等级: 一般\n    降级理由: 已改为扫码收费，现金极少\n"
    )
    path.write_text(text + "已撤销:\n  - {编号: CWK-SF-03, 名称: 私收挂号费, 理由: 挂号改由自助机办理}\n", encoding="utf-8")
    assert _build().exit_code == 0
    form = (unit / FORM).read_text(encoding="utf-8")
    assert "（降级理由：已改为扫码收费，现金极少）" in form
    assert "注：本年度撤销的风险点——CWK-SF-03 私收挂号费：挂号改由自助机办理。" in form
    catalogue = (unit / "out/风险点目录.md").read_text(encoding="utf-8")
    assert "降级理由：已改为扫码收费" in catalogue
    assert "本年度撤销的风险点" in catalogue and "挂号改由自助机办理" in catalogue
