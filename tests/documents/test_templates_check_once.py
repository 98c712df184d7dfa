"""``lzfk templates check`` names the template at fault, once, even when every document imports it."""

from __future__ import annotations

from pathlib import Path

import pytest

from lianzheng_cli.cli import run
from lianzheng_cli.scaffold import scaffold


@pytest.fixture
def unit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "登记库"
    scaffold(root, unit="某某单位", year=2025)
    monkeypatch.chdir(root)
    assert run(["templates", "export", "_宏.md.j2"]) == 0
    return root


def test_an_error_in_the_shared_macros_is_reported_once_at_its_place(unit: Path, capsys: pytest.CaptureFixture[str]) -> None:
    macros = unit / "templates" / "_宏.md.j2"
    macros.write_text("{{ 不存在的字段.x }}\n" + macros.read_text(encoding="utf-8"), encoding="utf-8")
    capsys.readouterr()
    assert run(["templates", "check"]) == 1
    errors = [line for line in capsys.readouterr().out.splitlines() if line.startswith("错误：")]
    assert errors == ["错误：模板 _宏.md.j2 第 1 行：未定义的名称“不存在的字段”"]


def test_a_syntax_error_names_its_file_and_line(unit: Path, capsys: pytest.CaptureFixture[str]) -> None:
    macros = unit / "templates" / "_宏.md.j2"
    macros.write_text(macros.read_text(encoding="utf-8") + "{% if %}\n", encoding="utf-8")
    lines = macros.read_text(encoding="utf-8").count("\n")
    capsys.readouterr()
    assert run(["templates", "check"]) == 1
    errors = [line for line in capsys.readouterr().out.splitlines() if line.startswith("错误：")]
    assert len(errors) == 1 and errors[0].startswith(f"错误：模板 _宏.md.j2 第 {lines} 行：模板语法错误")
