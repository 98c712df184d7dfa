"""``lzfk log``: the history of one risk point or register, across files and renames."""

from __future__ import annotations

import json
from pathlib import Path

from tests.history.conftest import Repo
from tests.history.registers import post, risk, yearly_2025
from tests.history.test_cli_diff import lzfk


def three_years(repo: Repo) -> Repo:
    """two_years plus a 2026 commit that raises YJK-CG-01 back and renames its file again."""
    files = yearly_2025()
    text = files.pop("registers/药剂科/药品采购员.yaml").replace(
        "    发生概率: 较高\n    危害程度: 违纪\n    等级: 二级\n    降级理由: 已实行集中带量采购，自主采购金额大幅下降\n",
        "    发生概率: 高\n    危害程度: 犯罪\n    等级: 一级\n",
        1,
    )
    files["registers/药剂科/采购/药品采购员.yaml"] = text
    repo.replace_registers(files)
    repo.commit("恢复采购风险等级", date="2026-02-01T09:00:00+08:00", author=("王五", "wangwu@example.cn"))
    return repo


def test_a_risk_point_is_followed_across_files_owners_and_renames(two_years: Repo) -> None:
    three_years(two_years)
    result = lzfk("log", "YJK-CG-01", "-f", "json", cwd=two_years.root)
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert (document["id"], document["name"], document["kind"]) == ("YJK-CG-01", "采购中收受回扣", "risk")
    assert document["location"] == "registers/药剂科/采购/药品采购员.yaml"
    history = [
        (e["date"][:10], e["author"], e["message"], [(c["kind"], c["field"], c["before"], c["after"]) for c in e["changes"]])
        for e in document["entries"]
    ]
    assert history == [
        ("2024-03-20", "张三", "2024 年度登记表定稿", [("added", "等级", "", "一级")]),
        (
            "2025-03-20",
            "李四",
            "2025 年度动态调整",
            [("lowered", "等级", "一级", "二级"), ("text", "发生概率", "高", "较高"), ("text", "危害程度", "犯罪", "违纪")],
        ),
        (
            "2026-02-01",
            "王五",
            "恢复采购风险等级",
            [("raised", "等级", "二级", "一级"), ("text", "发生概率", "较高", "高"), ("text", "危害程度", "违纪", "犯罪")],
        ),
    ]
    assert document["entries"][1]["changes"][0]["reason"] == "已实行集中带量采购，自主采购金额大幅下降"


def test_a_risk_point_that_moved_to_another_register(two_years: Repo) -> None:
    result = lzfk("log", "YJK-01", cwd=two_years.root)
    assert result.exit_code == 0, result.output
    assert "风险点 YJK-01 药品遴选暗箱操作 的修改历史（2 次提交）" in result.output
    assert "移动  药剂科（registers/药剂科/科室.yaml） → 药品采购员（registers/药剂科/药品采购员.yaml）" in result.output
    assert "现在位于 registers/药剂科/药品采购员.yaml" in result.output


def test_a_register_history_shows_its_own_fields_and_its_risk_points(two_years: Repo) -> None:
    result = lzfk("log", "YJK-CG", "-f", "json", cwd=two_years.root)
    document = json.loads(result.output)
    assert document["kind"] == "register"
    last = [(c["kind"], c["id"], c["field"]) for c in document["entries"][-1]["changes"]]
    assert ("register_moved", "YJK-CG", "文件") in last
    assert ("register_changed", "YJK-CG", "审定") in last
    assert ("moved", "YJK-01", "所属登记表") in last  # moved in from the department register
    assert ("added", "YJK-CG-03", "等级") in last


def test_a_withdrawn_risk_point_ends_its_history(two_years: Repo) -> None:
    result = lzfk("log", "CWK-CN-02", "-f", "markdown", cwd=two_years.root)
    assert "撤销  原等级 三级（撤销理由：已实行无现金收费）" in result.output
    assert result.output.rstrip().endswith("已撤销（最近一次修改把它删除了）")


def test_an_unknown_id_exits_2(year_repo: Repo) -> None:
    result = lzfk("log", "NO-SUCH-01", cwd=year_repo.root)
    assert result.exit_code == 2
    assert "找不到编号“NO-SUCH-01”" in result.output


def test_uncommitted_changes_are_not_history_but_broken_commits_are_named(year_repo: Repo) -> None:
    year_repo.write("registers/药剂科/采购员.yaml", "类型: 岗位\n编号: YJK-CG\n风险点: [\n")
    year_repo.commit("写坏了", date="2024-04-01T10:00:00+08:00")
    year_repo.write(
        "registers/药剂科/采购员.yaml", post("YJK-CG", "药品采购员", "YJK", [risk("YJK-CG-01", "采购中收受回扣", "一级")])
    )
    result = lzfk("log", "YJK-CG-01", "-f", "json", cwd=year_repo.root)
    entries = json.loads(result.output)["entries"]
    assert [e["message"] for e in entries] == ["2024 年度登记表定稿", "写坏了"]
    assert entries[1]["unreadable"][0]["path"] == "registers/药剂科/采购员.yaml"


def test_a_shallow_clone_is_refused_with_the_fix_or_deepened(two_years: Repo, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    two_years.git("clone", "-q", "--depth", "1", f"file://{two_years.top}", str(clone))
    refused = lzfk("log", "YJK-CG-01", cwd=clone)
    assert refused.exit_code == 2
    assert "浅克隆" in refused.output and "fetch-depth: 0" in refused.output and "--deepen" in refused.output
    deepened = lzfk("log", "YJK-CG-01", "--deepen", "-f", "json", cwd=clone)
    assert deepened.exit_code == 0, deepened.output
    assert len(json.loads(deepened.stdout)["entries"]) == 2
