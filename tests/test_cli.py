"""``lzfk`` on the command line: exit codes, output formats, --help and --version."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer

from lianzheng_cli import __version__
from lianzheng_cli.cli import app, run
from tests.conftest import Invoke
from tests.helpers import INVALID, LEADER, VALID, build_repo, copy_case

pytestmark = pytest.mark.usefixtures("no_github_env")

CJK = re.compile(r"[\u4e00-\u9fff]")
DUPLICATE_KEY_HINT = "合并两处内容，或删除其中一个；YAML 中后出现的值会覆盖前面的"


def _case(name: str, tmp_path: Path) -> Path:
    """A private copy of a fixture repository: the CLI runs with the cache on and writes into it."""
    source = VALID / name if (VALID / name).is_dir() else INVALID / name
    return copy_case(source, tmp_path / name)


# ---------------------------------------------------------------- exit codes


def test_clean_repository_exits_0(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("validate", cwd=_case("full-repository", tmp_path))
    assert result.exit_code == 0
    assert result.stdout == "检查了 8 个文件（6 份登记表，7 个风险点）：未发现问题\n"


def test_errors_exit_1(invoke: Invoke, tmp_path: Path) -> None:
    assert invoke("validate", cwd=_case("lz101-unknown-key", tmp_path)).exit_code == 1


def test_missing_lzfk_yaml_exits_2_with_the_way_out(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("validate", cwd=tmp_path)
    assert result.exit_code == 2
    assert f"错误：在 {tmp_path.resolve()} 及其上级目录中找不到 lzfk.yaml" in result.stderr.replace("\n", "")
    assert "lzfk init" in result.stderr


def test_invalid_lzfk_yaml_exits_2_and_shows_its_findings(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("validate", "--format", "plain", cwd=_case("lz101-config-typo", tmp_path))
    assert result.exit_code == 2
    assert result.stdout.splitlines()[0] == "lzfk.yaml:3:1: error LZ101 未知的键“等级别明” —— 提示：是不是“等级别名”？"


def test_bad_option_exits_2(invoke: Invoke, tmp_path: Path) -> None:
    assert invoke("validate", "--bogus", cwd=tmp_path).exit_code == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "--strikt"], "错误：没有这个选项：--strikt（是不是 --strict？）"),
        (
            ["validate", "--format", "xml"],
            "错误：参数 --format/-f 的值无效：“xml”不是可选值：auto、text、json、github、plain、gitlab、junit、sarif",
        ),
        (["nosuch"], "错误：没有这个命令：nosuch"),
        (["init"], "错误：缺少必填的参数：目录"),
    ],
    ids=["unknown option", "bad choice", "unknown command", "missing argument"],
)
def test_run_translates_usage_errors_and_returns_2(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(args) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == message
    assert "--help 查看用法" in err


def test_run_returns_0_for_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"]) == 0
    assert capsys.readouterr().out == f"lzfk {__version__}\n"


def test_no_arguments_prints_help_without_an_empty_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run([]) == 2
    captured = capsys.readouterr()
    assert "错误：" not in captured.err
    assert "用法：lzfk" in captured.out


def test_path_outside_the_register_folder_exits_2(invoke: Invoke, tmp_path: Path) -> None:
    root = _case("minimal-config", tmp_path)
    outside = invoke("validate", "lzfk.yaml", cwd=root)
    missing = invoke("validate", "registers/没有这个文件.yaml", cwd=root)
    assert (outside.exit_code, missing.exit_code) == (2, 2)
    assert "不在登记目录 registers 中" in outside.stderr
    assert "路径不存在：registers/没有这个文件.yaml" in missing.stderr


def test_warnings_exit_0_unless_strict(invoke: Invoke, tmp_path: Path) -> None:
    root = _case("lz212-risk-count", tmp_path)
    assert invoke("validate", cwd=root).exit_code == 0
    assert invoke("validate", "--strict", cwd=root).exit_code == 1


def test_strict_ignores_infos(invoke: Invoke, tmp_path: Path) -> None:
    root = _case("lz212-risk-count", tmp_path)
    with (root / "lzfk.yaml").open("a", encoding="utf-8") as handle:
        handle.write("检查规则: {LZ212: 提示}\n")
    result = invoke("validate", "--strict", "--format", "json", cwd=root)
    assert result.exit_code == 0
    assert [f["severity"] for f in json.loads(result.stdout)["findings"]] == ["info", "info"]


# ---------------------------------------------------------------- formats


def test_text_format_shows_the_source_line_a_caret_and_the_hint(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("validate", "--format", "text", cwd=_case("lz005-duplicate-key", tmp_path))
    assert result.stdout == (
        "registers/院长.yaml\n"
        "  17:5    错误  LZ005  键“名称”重复出现（第一次在第 10 行）\n"
        "    17 │     名称: 又写了一次名称\n"
        "       │     ^\n"
        f"          提示：{DUPLICATE_KEY_HINT}\n"
        "\n"
        "检查了 1 个文件（1 份登记表，0 个风险点）：1 个错误，0 个警告\n"
    )


def test_text_format_caret_counts_chinese_characters_as_two_cells(invoke: Invoke, tmp_path: Path) -> None:
    root = build_repo(tmp_path, {"院长.yaml": LEADER.replace("名称: 院长", "名称: 院长: 书记")})
    lines = invoke("validate", "--format", "text", cwd=root).stdout.splitlines()
    assert lines[2:4] == ["     3 │ 名称: 院长: 书记", "       │ " + " " * 10 + "^"]


def test_plain_format_is_one_line_per_finding(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("validate", "--format", "plain", cwd=_case("lz005-duplicate-key", tmp_path))
    assert result.stdout.splitlines() == [
        f"registers/院长.yaml:17:5: error LZ005 键“名称”重复出现（第一次在第 10 行） —— 提示：{DUPLICATE_KEY_HINT}",
        "检查了 1 个文件（1 份登记表，0 个风险点）：1 个错误，0 个警告",
    ]


def test_json_format_has_the_documented_shape(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("validate", "--format", "json", cwd=_case("lz211-missing-stage", tmp_path))
    document = json.loads(result.stdout)
    assert result.exit_code == 0
    assert list(document) == ["version", "findings", "summary"]
    assert document["findings"][1] == {
        "file": "registers/院长.yaml",
        "line": 18,
        "column": 7,
        "code": "LZ211",
        "severity": "warning",
        "message": "风险点“LD-YZ-01”的防控措施缺少：后期处置",
        "hint": "三道防线各写至少一条措施，并在每条措施上写明“阶段”",
    }
    assert [(f["file"], f["code"]) for f in document["findings"]] == [
        ("registers/副院长.yaml", "LZ211"),
        ("registers/院长.yaml", "LZ211"),
    ]
    assert document["summary"] == {
        "files": 2,
        "registers": 2,
        "risk_points": 2,
        "errors": 0,
        "warnings": 2,
        "infos": 0,
        "cross_file_checked": True,
    }


def test_github_format_annotates_with_escaped_properties_and_data(invoke: Invoke, tmp_path: Path) -> None:
    root = build_repo(tmp_path / "repo", {"a,b:c%.yaml": LEADER + '"100%\\n完成": 是\n'})
    summary = tmp_path / "step-summary.md"
    result = invoke("validate", "--format", "github", cwd=root, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "::group::lzfk 检查结果"
    assert lines[1].startswith("registers/a,b:c%.yaml:24:1: error LZ101 未知的键“100%")
    annotation = next(line for line in lines if line.startswith("::error "))
    assert annotation.startswith(
        "::error file=registers/a%2Cb%3Ac%25.yaml,line=24,col=1,title=LZ101::未知的键“100%25%0A完成” —— 提示：这里可用的键：类型、编号"
    )
    assert lines[-1] == "检查了 1 个文件（1 份登记表，1 个风险点）：1 个错误，0 个警告"
    table = summary.read_text(encoding="utf-8").splitlines()
    assert table[:3] == ["## lzfk 检查结果", "", "检查了 1 个文件（1 份登记表，1 个风险点）：1 个错误，0 个警告"]
    assert table[-3:-1] == ["| 位置 | 级别 | 编号 | 问题 | 修改建议 |", "|---|---|---|---|---|"]
    assert table[-1].startswith("| registers/a,b:c%.yaml:24:1 | 错误 | LZ101 | 未知的键“100%<br>完成” |")


def test_github_format_uses_warning_and_notice_for_lesser_findings(invoke: Invoke, tmp_path: Path) -> None:
    root = _case("rule-severity-changed", tmp_path)
    lines = invoke("validate", "--format", "github", cwd=root).stdout.splitlines()
    commands = [line.split("::")[1] for line in lines if line.startswith("::") and "group" not in line]
    assert commands == [
        "notice file=registers/副院长.yaml,line=8,col=1,title=LZ212",
        "error file=registers/院长.yaml,line=18,col=7,title=LZ211",
    ]


@pytest.mark.parametrize(
    ("env", "github"),
    [
        ({}, False),
        ({"GITHUB_ACTIONS": "true"}, False),
        ({"GITHUB_WORKFLOW": "CI"}, False),
        ({"GITHUB_ACTIONS": "true", "GITHUB_WORKFLOW": "CI"}, True),
    ],
)
def test_auto_format_is_github_only_inside_a_workflow(env: dict[str, str], github: bool, invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("validate", cwd=_case("lz005-duplicate-key", tmp_path), env=env)
    assert result.stdout.startswith("::group::") is github
    assert ("::error file=registers/院长.yaml,line=17,col=5,title=LZ005::" in result.stdout) is github
    assert result.stdout.startswith("registers/院长.yaml\n  17:5 ") is not github


def test_a_single_file_is_checked_without_cross_file_rules(invoke: Invoke, tmp_path: Path) -> None:
    root = _case("lz202-lz205-unresolved-reference", tmp_path)
    single = invoke("validate", "registers/采购员.yaml", cwd=root)
    assert single.exit_code == 0
    assert single.stdout == "检查了 1 个文件（1 份登记表，1 个风险点）：未发现问题（只检查了指定的文件，未做跨文件检查）\n"
    document = json.loads(invoke("validate", "registers/采购员.yaml", "-f", "json", cwd=root).stdout)
    assert document["summary"]["cross_file_checked"] is False
    whole = json.loads(invoke("validate", "registers", "-f", "json", cwd=root).stdout)
    assert whole["summary"]["cross_file_checked"] is True
    assert [f["code"] for f in whole["findings"]] == ["LZ203", "LZ205", "LZ202", "LZ204"]


def test_a_file_with_own_errors_is_reported_when_checked_alone(invoke: Invoke, tmp_path: Path) -> None:
    root = _case("lz101-unknown-key", tmp_path)
    result = invoke("validate", "registers/副院长.yaml", "-f", "plain", cwd=root)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == "registers/副院长.yaml:6:1: error LZ101 未知的键“职责” —— 提示：是不是“主要职责”？"


# ---------------------------------------------------------------- help and version


def _command_names() -> list[str]:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return sorted(group.commands)


def test_the_documented_commands_exist() -> None:
    assert {"validate", "schema", "init", "fix-encoding"} <= set(_command_names())


@pytest.mark.parametrize("command", ["", *_command_names()])
def test_help_is_chinese(command: str, invoke: Invoke, tmp_path: Path) -> None:
    result = invoke(*([command] if command else []), "--help", cwd=tmp_path)
    assert result.exit_code == 0
    assert CJK.search(result.stdout)
    assert "显示本帮助并退出" in result.stdout
    assert "Show this message" not in result.stdout
    assert "用法：lzfk" in result.stdout


@pytest.mark.parametrize("option", ["--version", "-V"])
def test_version(option: str, invoke: Invoke, tmp_path: Path) -> None:
    result = invoke(option, cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (0, f"lzfk {__version__}\n")
