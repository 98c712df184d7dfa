"""The shipped CI workflows and pre-commit hooks run, as written, on real repositories.

The commands are taken from docs/ci/*.yml and .pre-commit-hooks.yaml and run with bash in a
clone prepared the way each CI system prepares it; only the installation step is skipped
(lzfk is already installed in the test environment).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import REPO_ROOT
from tests.history.conftest import Repo, git_env
from tests.history.registers import post, risk, yearly_2024
from tests.reporters.formats import GITLAB_SCHEMA, check_jsonschema, check_junit

GITHUB = REPO_ROOT / "docs" / "ci" / "github-actions.yml"
GITLAB = REPO_ROOT / "docs" / "ci" / "gitlab-ci.yml"
GITEA = REPO_ROOT / "docs" / "ci" / "gitea-actions.yml"
JENKINS = REPO_ROOT / "docs" / "ci" / "Jenkinsfile"
HOOKS = REPO_ROOT / ".pre-commit-hooks.yaml"
BIN = Path(sys.executable).parent
PURCHASER = "registers/药剂科/采购员.yaml"


def lowered_without_reason() -> str:
    return post(
        "YJK-CG",
        "药品采购员",
        "YJK",
        [risk("YJK-CG-01", "采购中收受回扣", "二级", kind="外部环境风险"), risk("YJK-CG-02", "验收把关不严", "三级")],
        approved="2025-03-20",
        reviewed="2025-03-15",
    )


def explained() -> str:
    return lowered_without_reason().replace("    等级: 二级\n", "    等级: 二级\n    降级理由: 已实行集中带量采购\n", 1)


def pull_request(origin: Repo, text: str) -> None:
    origin.git("checkout", "-q", "-b", "feature")
    origin.write(PURCHASER, text)
    origin.commit("调整采购员风险等级", date="2025-03-21T10:00:00+08:00")
    origin.git("checkout", "-q", "main")


def clone(origin: Repo, target: Path, *args: str) -> Path:
    origin.git("clone", "-q", *args, f"file://{origin.top}", str(target))
    return target


def git(folder: Path, home: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, env=git_env(home), capture_output=True, text=True, check=True)
    return done.stdout.strip()


def run(command: str, cwd: Path, home: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environment = {**git_env(home), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **env}
    return subprocess.run(["bash", "-e", "-c", command], cwd=cwd, env=environment, capture_output=True, text=True, check=False)


# -- GitHub Actions ------------------------------------------------------------------------------


def github_steps(event: str) -> list[dict[str, Any]]:
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    steps: list[dict[str, Any]] = workflow["jobs"]["lzfk"]["steps"]
    chosen = []
    for step in steps:
        condition = step.get("if", "")
        if "run" not in step or step["run"].startswith("pip install"):
            continue
        if "github.event_name ==" in condition and f"github.event_name == '{event}'" not in condition:
            continue
        chosen.append(step)
    return chosen


def test_github_workflow_checks_out_full_history() -> None:
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    checkout = workflow["jobs"]["lzfk"]["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0


def github_pull_request(origin: Repo, tmp_path: Path, *, depth: tuple[str, ...] = ()) -> Path:
    """A clone checked out like actions/checkout does for pull_request: the merge commit, detached."""
    ci = clone(origin, tmp_path / "ci", *depth)
    if depth:
        return ci
    git(ci, origin.home, "checkout", "-q", "--detach", "origin/main")
    git(ci, origin.home, "merge", "-q", "--no-ff", "origin/feature", "-m", "Merge pull request #1")
    return ci


@pytest.mark.parametrize(("text", "expected"), [(lowered_without_reason(), 1), (explained(), 0)])
def test_github_pull_request_steps(year_repo: Repo, tmp_path: Path, text: str, expected: int) -> None:
    pull_request(year_repo, text)
    ci = github_pull_request(year_repo, tmp_path)
    step_summary = tmp_path / "step-summary.md"
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKFLOW": "登记库检查",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_BASE_REF": "main",
        "GITHUB_STEP_SUMMARY": str(step_summary),
    }
    [step] = github_steps("pull_request")
    done = run(step["run"], ci, year_repo.home, env)
    assert done.returncode == expected, done.stdout + done.stderr
    assert "本次修改的风险变化" in (ci / "lzfk-summary.md").read_text(encoding="utf-8")
    assert "## 本次修改的风险变化" in step_summary.read_text(encoding="utf-8")
    if expected:
        assert f"::error file={PURCHASER},line=15,col=9,title=LZ401::" in done.stdout


def test_github_pull_request_without_full_history_is_refused_with_the_fix(year_repo: Repo, tmp_path: Path) -> None:
    pull_request(year_repo, explained())
    ci = github_pull_request(year_repo, tmp_path, depth=("--depth", "1", "--branch", "feature"))
    [step] = github_steps("pull_request")
    done = run(step["run"], ci, year_repo.home, {"GITHUB_BASE_REF": "main"})
    assert done.returncode == 2
    assert "浅克隆" in done.stderr and "fetch-depth: 0" in done.stderr


def test_github_push_step_audits_the_main_branch(year_repo: Repo, tmp_path: Path) -> None:
    year_repo.write(PURCHASER, yearly_2024()[PURCHASER].replace("验收把关不严", "验收把关不严格"))
    year_repo.commit("未经审定的修改", date="2024-04-01T10:00:00+08:00")
    ci = clone(year_repo, tmp_path / "ci")
    [step] = github_steps("push")
    done = run(step["run"], ci, year_repo.home, {"GITHUB_EVENT_NAME": "push"})
    assert done.returncode == 1
    assert "LZ404" in done.stdout and "审定后被修改" not in done.stderr


# -- GitLab CI ---------------------------------------------------------------------------------


def gitlab_job(name: str, env: dict[str, str]) -> list[str]:
    config = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    assert config["variables"]["GIT_DEPTH"] == "0"
    job = config[name]
    for rule in job["rules"]:
        left, right = (side.strip() for side in rule["if"].split("=="))
        value = env.get(left.lstrip("$"), "")
        wanted = env.get(right.lstrip("$"), "") if right.startswith("$") else right.strip('"')
        assert value == wanted, f"{name} would not run: {rule['if']}"
    script: list[str] = job["script"]
    return script


def test_gitlab_merge_request_job(year_repo: Repo, tmp_path: Path) -> None:
    pull_request(year_repo, lowered_without_reason())
    ci = clone(year_repo, tmp_path / "ci")
    git(ci, year_repo.home, "checkout", "-q", "--detach", "origin/feature")
    env = {
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": git(ci, year_repo.home, "merge-base", "origin/main", "HEAD"),
    }
    *report_first, last = gitlab_job("lzfk-check", env)
    for command in report_first:
        assert run(command, ci, year_repo.home, env).returncode == 0  # the report step never stops the job
    done = run(last, ci, year_repo.home, env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(rf"^{re.escape(PURCHASER)}:15:9: error LZ401 ", done.stdout, re.MULTILINE)
    assert "LZ401" in (ci / "lzfk-summary.md").read_text(encoding="utf-8")
    quality = ci / "gl-code-quality-report.json"
    check_jsonschema(GITLAB_SCHEMA, quality)
    assert "LZ401" in [issue["check_name"] for issue in json.loads(quality.read_text(encoding="utf-8"))]
    config = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    assert config["lzfk-check"]["artifacts"]["reports"]["codequality"] == quality.name


def test_gitlab_default_branch_job(year_repo: Repo, tmp_path: Path) -> None:
    today = dt.date.today().isoformat()
    year_repo.replace_registers({path: text.replace("2024-03-", today[:8]) for path, text in yearly_2024().items()})
    year_repo.commit("本年度重新审定", date=f"{today}T10:00:00+08:00")
    ci = clone(year_repo, tmp_path / "ci")
    env = {"CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main"}
    for command in gitlab_job("lzfk-audit", env):
        done = run(command, ci, year_repo.home, env)
        assert done.returncode == 0, done.stdout + done.stderr
    assert (ci / "lzfk-audit.md").read_text(encoding="utf-8").startswith("## lzfk 审计结果")


# -- Gitea Actions and Jenkins -------------------------------------------------------------------


def test_gitea_pull_request_step_writes_junit_and_plain_lines(year_repo: Repo, tmp_path: Path) -> None:
    pull_request(year_repo, lowered_without_reason())
    ci = github_pull_request(year_repo, tmp_path)
    workflow = yaml.safe_load(GITEA.read_text(encoding="utf-8"))
    [step] = [s for s in workflow["jobs"]["lzfk"]["steps"] if s.get("name") == "合并请求检查"]
    done = run(step["run"], ci, year_repo.home, {"GITHUB_BASE_REF": "main", "GITHUB_EVENT_NAME": "pull_request"})
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(rf"^{re.escape(PURCHASER)}:15:9: error LZ401 ", done.stdout, re.MULTILINE)
    junit = check_junit(ci / "lzfk-junit.xml")
    assert "LZ401" in [failure.get("type") for failure in junit.iter("failure")]


def test_jenkins_pipeline_check_writes_junit(year_repo: Repo, tmp_path: Path) -> None:
    pull_request(year_repo, lowered_without_reason())
    ci = github_pull_request(year_repo, tmp_path)
    script = re.search(r"sh '{3}(.*?)'{3}", JENKINS.read_text(encoding="utf-8"), re.DOTALL)
    assert script is not None
    command = script.group(1).replace(".venv/bin/lzfk", "lzfk")
    done = run(command, ci, year_repo.home, {"CHANGE_TARGET": "main"})
    assert done.returncode == 1, done.stdout + done.stderr
    junit = check_junit(ci / "lzfk-junit.xml")
    assert "LZ401" in [failure.get("type") for failure in junit.iter("failure")]
    assert "testResults: 'lzfk-junit.xml'" in JENKINS.read_text(encoding="utf-8")


# -- pre-commit ---------------------------------------------------------------------------------


def hooks() -> dict[str, dict[str, Any]]:
    return {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}


def test_hook_definitions_follow_pre_commit_conventions() -> None:
    found = hooks()
    per_file, whole = found["lzfk-validate"], found["lzfk-check"]
    assert per_file["types_or"] == ["yaml", "markdown"] and per_file.get("pass_filenames", True)
    assert whole["pass_filenames"] is False and whole["require_serial"] is True


def staged_matching(repo: Repo, hook: dict[str, Any]) -> list[str]:
    names = repo.git("diff", "--cached", "--name-only", "-z").split("\0")
    pattern = re.compile(hook.get("files", ""))
    return [name for name in names if name and pattern.search(name) and name.endswith((".yaml", ".yml", ".md"))]


def test_pre_commit_hooks_on_a_staged_change(year_repo: Repo) -> None:
    year_repo.write(PURCHASER, lowered_without_reason())
    year_repo.write("README.md", "# 登记库\n")
    year_repo.git("add", "-A")
    found = hooks()
    files = staged_matching(year_repo, found["lzfk-validate"])
    assert files == [PURCHASER]
    per_file = run(found["lzfk-validate"]["entry"] + " " + " ".join(files), year_repo.top, year_repo.home, {})
    assert per_file.returncode == 0, per_file.stdout
    whole = run(found["lzfk-check"]["entry"], year_repo.top, year_repo.home, {})
    assert whole.returncode == 1 and "LZ401" in whole.stdout
    year_repo.write(PURCHASER, explained())
    assert run(found["lzfk-check"]["entry"], year_repo.top, year_repo.home, {}).returncode == 0
    year_repo.write(PURCHASER, "类型: 岗位\n编号: YJK-CG\n")
    assert run(found["lzfk-validate"]["entry"] + " " + PURCHASER, year_repo.top, year_repo.home, {}).returncode == 1
