"""History under hostile input: control characters in commits, a missing register folder."""

from __future__ import annotations

import json

from tests.history.conftest import Repo
from tests.history.registers import yearly_2024
from tests.history.test_cli_diff import lzfk

PURCHASER = "registers/药剂科/采购员.yaml"
FORGED = "调整\x1e\x1f措施\n\n::error file=x.yaml::伪造的错误"
AUTHOR = ("王\x1b[31m\x1f五", "w\x1eu@example.cn")


def _change_with_hostile_commit(repo: Repo) -> None:
    files = yearly_2024()
    repo.write(PURCHASER, files[PURCHASER].replace("签订廉洁承诺书", "每年签订廉洁承诺书"))
    repo.commit(FORGED, date="2024-06-01T10:00:00+08:00", author=AUTHOR)


def test_control_characters_in_subjects_and_authors_do_not_break_audit(year_repo: Repo) -> None:
    _change_with_hostile_commit(year_repo)
    result = lzfk("audit", "-f", "json", "--date", "2024-06-30", cwd=year_repo.root)
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["code"] == "LZ404"
    assert "王\\x1b[31m\\x1f五" in finding["message"] and "调整\\x1e\\x1f措施" in finding["message"]


def test_no_forged_annotation_line_in_github_output(year_repo: Repo) -> None:
    _change_with_hostile_commit(year_repo)
    result = lzfk("audit", "-f", "github", "--date", "2024-06-30", cwd=year_repo.root)
    lines = result.stdout.splitlines()
    assert not [line for line in lines if line.startswith("::error file=x.yaml")]
    assert all("\x1b" not in line and "\x1e" not in line for line in lines)


def test_log_follows_a_risk_point_through_a_hostile_commit(year_repo: Repo) -> None:
    _change_with_hostile_commit(year_repo)
    result = lzfk("log", "YJK-CG-01", "-f", "json", cwd=year_repo.root)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\\u001b" not in result.stdout


def test_audit_without_the_register_folder_is_a_configuration_error(make_repo: object) -> None:
    repo = make_repo()  # type: ignore[operator]
    repo.write("lzfk.yaml", "单位: 测试县人民医院\n年度: 2024\n登记目录: 登记表\n")
    repo.write("其他/说明.md", "无\n")
    repo.commit("只有配置")
    result = lzfk("audit", cwd=repo.root)
    assert result.exit_code == 2
    assert "登记目录 登记表 在版本" in result.output and "不存在" in result.output
