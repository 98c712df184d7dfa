"""``lzfk check --base``: the pull-request check and its exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.history.conftest import MakeRepo, Repo
from tests.history.registers import post, risk, withdrawal, yearly_2024
from tests.history.test_cli_diff import lzfk

PURCHASER = "registers/药剂科/采购员.yaml"
CASHIER = "registers/财务科/出纳.yaml"
NEW_REVIEW = {"approved": "2025-03-20", "reviewed": "2025-03-15"}


def purchaser(first_grade: str = "一级", *, reason: str = "", **review: str) -> str:
    return post(
        "YJK-CG",
        "药品采购员",
        "YJK",
        [
            risk("YJK-CG-01", "采购中收受回扣", first_grade, kind="外部环境风险", reason=reason),
            risk("YJK-CG-02", "验收把关不严", "三级"),
        ],
        **(review or {"approved": "2024-03-20", "reviewed": "2024-03-15"}),
    )


def branch(repo: Repo, files: dict[str, str], *, remove: tuple[str, ...] = ()) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    repo.write_all(files)
    for path in remove:
        repo.remove(path)
    repo.commit("修改登记表", date="2025-03-21T10:00:00+08:00", author=("李四", "lisi@example.cn"))


def check(repo: Repo, *args: str, cwd: Path | None = None) -> tuple[int, dict[str, Any]]:
    result = lzfk("check", "--base", "main", "-f", "json", *args, cwd=cwd or repo.root)
    return result.exit_code, json.loads(result.stdout)


def codes(document: dict[str, Any]) -> list[str]:
    return [f["code"] for f in document["findings"] if f["code"].startswith("LZ4")]


def test_a_reviewed_and_explained_change_passes(year_repo: Repo) -> None:
    branch(year_repo, {PURCHASER: purchaser("二级", reason="已实行集中带量采购", **NEW_REVIEW)})
    code, document = check(year_repo)
    assert code == 0 and codes(document) == []
    assert [(c["kind"], c["id"]) for c in document["changes"]] == [
        ("lowered", "YJK-CG-01"),
        ("text", "YJK-CG-01"),
        ("text", "YJK-CG-01"),
    ]
    assert document["base"]["label"] == "main"


def test_a_lowered_grade_without_reason_fails(year_repo: Repo) -> None:
    branch(year_repo, {PURCHASER: purchaser("二级", **NEW_REVIEW)})
    code, document = check(year_repo)
    assert code == 1
    [finding] = [f for f in document["findings"] if f["code"] == "LZ401"]
    assert (finding["file"], finding["line"], finding["severity"]) == (PURCHASER, 15, "error")
    assert finding["message"] == "风险点“YJK-CG-01 采购中收受回扣”的等级从一级降为二级，但没有填写降级理由"


def test_a_removed_risk_point_must_be_explained(year_repo: Repo) -> None:
    files = yearly_2024()
    cashier = post("CWK-CN", "出纳", "CWK", [risk("CWK-CN-01", "挪用公款", "一级")], **NEW_REVIEW)
    branch(year_repo, {CASHIER: cashier})
    code, document = check(year_repo)
    assert code == 1 and codes(document) == ["LZ402"]
    finding = document["findings"][0]
    assert finding["file"] == CASHIER and "CWK-CN-02 现金管理不规范" in finding["message"]
    assert "已撤销" in finding["hint"]
    year_repo.write(CASHIER, cashier.replace("审核:", "已撤销:\n" + withdrawal("CWK-CN-02", "已实行无现金收费") + "审核:"))
    code, document = check(year_repo)
    assert code == 0 and codes(document) == []
    assert files  # the 2024 file set is what main holds


def test_a_removed_register_is_explained_in_its_department(year_repo: Repo) -> None:
    department = yearly_2024()["registers/财务科/科室.yaml"]
    explained = department.replace("审核:", "已撤销:\n" + withdrawal("CWK-PJ", "岗位撤销") + "审核:").replace(
        "2024-03-", "2025-03-"
    )
    branch(year_repo, {"registers/财务科/科室.yaml": explained}, remove=("registers/财务科/票据管理员.yaml",))
    code, document = check(year_repo)
    assert code == 0 and codes(document) == []


def test_a_changed_register_without_new_review_is_a_warning(year_repo: Repo) -> None:
    branch(year_repo, {PURCHASER: purchaser().replace("验收把关不严", "验收把关不严格")})
    code, document = check(year_repo)
    assert code == 0 and codes(document) == ["LZ403"]
    warning = document["findings"][0]
    assert (warning["severity"], warning["line"]) == ("warning", 39)
    assert warning["message"] == "登记表“药品采购员”有改动，但审核、审定没有更新"
    strict = lzfk("check", "--base", "main", "--strict", "-C", str(year_repo.root))
    assert strict.exit_code == 1


def test_only_the_branch_is_judged_not_what_main_did_meanwhile(year_repo: Repo) -> None:
    branch(year_repo, {PURCHASER: purchaser("二级", reason="集中采购", **NEW_REVIEW)})
    year_repo.git("checkout", "-q", "main")
    year_repo.write(CASHIER, yearly_2024()[CASHIER].replace("等级: 一级", "等级: 二级"))  # main lowers without reason
    year_repo.commit("主分支上的修改", date="2025-03-22T10:00:00+08:00")
    year_repo.git("checkout", "-q", "feature")
    code, document = check(year_repo)
    assert code == 0 and codes(document) == []
    assert document["base"]["label"] == "main 的分叉点"


def test_uncommitted_and_untracked_files_are_checked(year_repo: Repo) -> None:
    year_repo.write("registers/财务科/会计.yaml", post("CWK-KJ", "会计", "CWK", [risk("CWK-KJ-01", "虚列支出")]))
    code, document = check(year_repo)
    assert code == 0 and codes(document) == ["LZ403"]
    assert "还没有审核、审定" in document["findings"][0]["message"]


def test_summary_file_and_github_step_summary(year_repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    branch(year_repo, {PURCHASER: purchaser("二级", **NEW_REVIEW)})
    step = tmp_path / "step.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKFLOW", "lzfk")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step))
    comment = tmp_path / "comment.md"
    result = lzfk("check", "--base", "main", "--summary", str(comment), "-C", str(year_repo.root))
    assert result.exit_code == 1
    assert "::error file=registers/药剂科/采购员.yaml,line=15,col=9,title=LZ401::" in result.stdout
    full = comment.read_text(encoding="utf-8")
    assert full.startswith("## lzfk 检查结果")
    assert "| registers/药剂科/采购员.yaml:15:9 | 错误 | LZ401 |" in full
    assert "## 本次修改的风险变化：测试县人民医院" in full and "**未填写降级理由**" in full
    written = step.read_text(encoding="utf-8")
    assert written.count("## lzfk 检查结果") == 1  # the github reporter's table, not repeated
    assert "## 本次修改的风险变化" in written


def test_a_repository_without_commits_gets_validation_only(make_repo: MakeRepo) -> None:
    repo = make_repo()
    repo.write("lzfk.yaml", "单位: 某单位\n年度: 2025\n")
    repo.write_all(yearly_2024())
    result = lzfk("check", "--base", "HEAD", "-C", str(repo.root))
    assert result.exit_code == 0, result.output
    assert "仓库还没有任何提交：只做了格式检查" in result.output


def test_shallow_pull_request_clone_is_refused_then_deepened(year_repo: Repo, tmp_path: Path) -> None:
    branch(year_repo, {PURCHASER: purchaser("二级", **NEW_REVIEW)})
    clone = tmp_path / "ci"
    year_repo.git("clone", "-q", "--depth", "1", "--branch", "feature", f"file://{year_repo.top}", str(clone))
    refused = lzfk("check", "--base", "origin/main", "-C", str(clone))
    assert refused.exit_code == 2
    assert "浅克隆" in refused.output and "fetch-depth: 0" in refused.output
    deepened = lzfk("check", "--base", "origin/main", "--deepen", "-f", "json", "-C", str(clone))
    assert deepened.exit_code == 1, deepened.output
    assert [f["code"] for f in json.loads(deepened.stdout)["findings"] if f["code"].startswith("LZ4")] == ["LZ401"]


def test_the_unit_register_needs_only_a_new_approval(year_repo: Repo) -> None:
    unit = yearly_2024()["registers/单位.yaml"].replace("三重一大事项决策不规范", "“三重一大”决策程序执行不严")
    branch(year_repo, {"registers/单位.yaml": unit})
    assert codes(check(year_repo)[1]) == ["LZ403"]
    year_repo.write("registers/单位.yaml", unit.replace("日期: 2024-03-20", "日期: 2025-03-20"))
    assert codes(check(year_repo)[1]) == []
