"""``lzfk audit``: changed after approval, expired or missing approval, grade changes and who made them."""

from __future__ import annotations

import json
from typing import Any

from tests.history.conftest import Repo
from tests.history.registers import post, risk, yearly_2024
from tests.history.test_cli_diff import lzfk

PURCHASER = "registers/药剂科/采购员.yaml"


def audited(repo: Repo, *args: str) -> tuple[int, dict[str, Any]]:
    result = lzfk("audit", "-f", "json", *args, cwd=repo.root)
    return result.exit_code, json.loads(result.stdout)


def codes(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["code"], f["file"]) for f in document["findings"]]


def test_a_fresh_approved_repository_passes(year_repo: Repo) -> None:
    code, document = audited(year_repo, "--date", "2024-06-30")
    assert code == 0 and document["findings"] == []
    assert document["since"] == "2023-07-01" and document["period_days"] == 365
    assert [(g["kind"], g["id"]) for g in document["grade_changes"]] == []


def test_changes_after_approval_name_the_commits(year_repo: Repo) -> None:
    files = yearly_2024()
    year_repo.write(PURCHASER, files[PURCHASER].replace("采购中收受回扣", "采购中收受回扣和礼品"))
    year_repo.commit("修改名称", date="2024-05-06T10:00:00+08:00", author=("李四", "lisi@example.cn"))
    year_repo.write(PURCHASER, files[PURCHASER].replace("签订廉洁承诺书", "每年签订廉洁承诺书"))
    year_repo.commit("调整措施", date="2024-06-01T10:00:00+08:00", author=("王五", "wangwu@example.cn"))
    code, document = audited(year_repo, "--date", "2024-06-30")
    assert code == 1
    [finding] = document["findings"]
    assert (finding["code"], finding["file"], finding["line"]) == ("LZ404", PURCHASER, 39)  # the 审定 line
    assert "在审定（2024-03-20）后被修改 2 次，未重新审定" in finding["message"]
    assert "2024-05-06 李四“修改名称”" in finding["message"] and "2024-06-01 王五“调整措施”" in finding["message"]


def test_a_new_approval_clears_earlier_changes(year_repo: Repo) -> None:
    files = yearly_2024()
    year_repo.write(PURCHASER, files[PURCHASER].replace("采购中收受回扣", "采购中收受回扣和礼品"))
    year_repo.commit("修改名称", date="2024-05-06T10:00:00+08:00")
    approved = files[PURCHASER].replace("采购中收受回扣", "采购中收受回扣和礼品").replace("日期: 2024-03-20", "日期: 2024-05-10")
    year_repo.write(PURCHASER, approved)
    year_repo.commit("重新审定", date="2024-05-10T10:00:00+08:00")
    code, document = audited(year_repo, "--date", "2024-06-30")
    assert code == 0 and document["findings"] == []


def test_approval_follows_a_renamed_file(year_repo: Repo) -> None:
    year_repo.move(PURCHASER, "registers/药剂科/药品采购员.yaml")
    year_repo.commit("改文件名", date="2024-04-01T10:00:00+08:00")
    code, document = audited(year_repo, "--date", "2024-06-30")
    assert code == 0, document["findings"]


def test_expired_and_missing_approvals(year_repo: Repo) -> None:
    year_repo.write("registers/财务科/会计.yaml", post("CWK-KJ", "会计", "CWK", [risk("CWK-KJ-01", "虚列支出")]))
    year_repo.commit("新增会计岗位", date="2024-04-01T10:00:00+08:00")
    code, document = audited(year_repo, "--date", "2025-04-01")
    assert code == 1
    found = codes(document)
    assert ("LZ406", "registers/财务科/会计.yaml") in found
    assert ("LZ405", PURCHASER) in found
    expired = next(f for f in document["findings"] if f["code"] == "LZ405" and f["file"] == PURCHASER)
    assert "审定日期 2024-03-20 距今 377 天，超过审定有效期 365 天" in expired["message"]
    code, document = audited(year_repo, "--date", "2025-04-01", "--days", "400")
    assert [c for c, _ in codes(document)] == ["LZ406"]


def test_grade_changes_in_the_period_and_who_made_them(two_years: Repo) -> None:
    code, document = audited(two_years, "--date", "2025-06-30")
    changes = [(g["kind"], g["id"], g["author"], g["date"][:10], g["reason"]) for g in document["grade_changes"]]
    assert changes == [
        ("lowered", "YJK-CG-01", "李四", "2025-03-20", "已实行集中带量采购，自主采购金额大幅下降"),
        ("raised", "YJK-CG-02", "李四", "2025-03-20", ""),
        ("removed", "CWK-CN-02", "李四", "2025-03-20", "已实行无现金收费"),
        ("removed", "CWK-PJ-01", "李四", "2025-03-20", "票据改由电子票据系统管理，岗位撤销"),
    ]
    # 药剂科's register lost its risk point in 2025 without a new approval.
    assert ("LZ404", "registers/药剂科/科室.yaml") in codes(document)
    assert code == 1


def test_a_lowering_without_reason_in_the_period_is_a_finding(year_repo: Repo) -> None:
    files = yearly_2024()
    lowered = files[PURCHASER].replace(
        "    发生概率: 高\n    危害程度: 犯罪\n    等级: 一级\n", "    发生概率: 较高\n    危害程度: 违纪\n    等级: 二级\n"
    )
    year_repo.write(PURCHASER, lowered.replace("日期: 2024-03-20", "日期: 2024-05-01"))
    year_repo.commit("悄悄降级", date="2024-05-01T10:00:00+08:00", author=("赵六", "zhaoliu@example.cn"))
    code, document = audited(year_repo, "--date", "2024-06-30")
    [finding] = document["findings"]
    assert finding["code"] == "LZ401" and "2024-05-01 赵六" in finding["message"] and "至今没有降级理由" in finding["message"]
    assert code == 1


def test_text_output_lists_findings_then_grade_changes(two_years: Repo) -> None:
    result = lzfk("audit", "--date", "2025-06-30", "-f", "text", cwd=two_years.root)
    assert result.exit_code == 1
    out = result.output
    assert "LZ404" in out and "审计期内的等级变化和撤销（4 项）" in out
    assert "李四 " in out and "YJK-CG-01 采购中收受回扣 降级，等级 一级 → 二级" in out


def test_settings_in_lzfk_yaml_turn_codes_off_or_down(two_years: Repo) -> None:
    two_years.write(
        "lzfk.yaml", "单位: 测试县人民医院\n年度: 2025\n每岗风险点: {最少: 1, 最多: 5}\n检查规则: {LZ404: 关闭, LZ405: 提示}\n"
    )
    two_years.commit("调整审计规则", date="2025-04-01T10:00:00+08:00")
    code, document = audited(two_years, "--date", "2025-06-30")
    assert [(f["code"], f["severity"]) for f in document["findings"]] == [("LZ405", "info")]
    assert code == 0  # only warnings and errors fail the audit
