"""--help in Chinese at 80 columns: wrapped, never cut; Chinese type labels; usage errors all in Chinese.

These pin the patches in cli/i18n.py on typer's vendored click: a typer upgrade that moves
one of its hooks fails here.
"""

from __future__ import annotations

import re

import pytest
import typer.main
from typer.testing import CliRunner

from lianzheng_cli.cli import app, run

runner = CliRunner()


def commands() -> list[list[str]]:
    found: list[list[str]] = [[]]

    def walk(group: object, path: list[str]) -> None:
        for name, sub in getattr(group, "commands", {}).items():
            found.append([*path, name])
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


def help_screen(path: list[str]) -> str:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "80", "TERM": "dumb"}, catch_exceptions=False)
    assert result.exit_code == 0
    return result.output


def squeeze(text: str) -> str:
    return re.sub(r"[\s│╭╮╰╯─]+", "", text)


@pytest.mark.parametrize("path", commands(), ids=lambda path: " ".join(path) or "lzfk")
def test_help_is_chinese_and_whole_at_80_columns(path: list[str]) -> None:
    shown = help_screen(path)
    assert max(len(line) for line in shown.splitlines()) <= 80
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    texts = [command.help or "", *(sub.help or "" for sub in getattr(command, "commands", {}).values())]
    for text in texts:  # every help sentence is there in full: wrapped, not cut with "…"
        assert squeeze(text.split("\n\n")[0]) in squeeze(shown), text
    assert re.findall(r".…\s*│", shown) == []  # rich's cut: "…" at the right edge of a panel
    for english in (
        "<bool>",
        "<str>",
        "<int>",
        "<int range>",
        "list[",
        "Usage",
        "[OPTIONS]",
        "COMMAND",
        "{",
        "[默认：0]",
        "[默认：None]",
    ):
        assert english not in shown, english
    assert "--install-completion" not in shown and "--show-completion" not in shown  # completion is not offered


def test_type_labels_are_chinese() -> None:
    shown = help_screen(["init"])
    assert "<文本>" in shown and "<整数>" in shown and "<路径>" in shown
    assert "--year  -y      <整数>  登记表所属年度，默认今年" in shown  # no misleading [默认：0]
    assert "<路径>…" in help_screen(["validate"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["valdate"], "错误：没有这个命令：valdate（是不是 validate？）"),
        (["validate", "-f"], "错误：选项 -f 后面要写一个值"),
        (["log"], "错误：缺少必填的参数：编号"),
        (["check"], "错误：请用 --base 指定对照的版本"),
        (["grade", "--bogus"], "错误：没有这个选项：--bogus"),
    ],
)
def test_usage_errors_are_all_chinese(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(args)
    err = capsys.readouterr().err
    assert code == 2
    assert err.splitlines()[0] == message
    words = re.sub(r"-{1,2}[\w-]+|validate|valdate", "", err.splitlines()[0])  # option and command names stay
    assert not re.search(r"[A-Za-z]{3,}", words), err
