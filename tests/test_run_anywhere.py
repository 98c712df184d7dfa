"""Every command finds the repository root from any folder inside it, as validate does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lianzheng_cli.cli import run
from lianzheng_cli.scaffold import scaffold


@pytest.fixture
def deep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new repository; the working folder is registers/办公室/ inside it."""
    for name in ("GITHUB_ACTIONS", "GITHUB_WORKFLOW", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "登记库"
    scaffold(root, unit="某某单位", year=2025)
    monkeypatch.chdir(root / "registers" / "办公室")
    return root


def files_checked(capsys: pytest.CaptureFixture[str]) -> int:
    assert run(["validate", "--no-cache", "-f", "json"]) == 0
    return int(json.loads(capsys.readouterr().out)["summary"]["files"])


def test_build_from_a_subfolder_writes_to_out_at_the_root(deep: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = files_checked(capsys)
    assert run(["build", "--only", "tables", "-f", "md"]) == 0
    said = capsys.readouterr().out
    assert (deep / "out" / ".lzfk-build.json").is_file()
    assert not (deep / "registers" / "办公室" / "out").exists()
    assert "个文件到 ../../out/" in said
    assert files_checked(capsys) == before


def test_an_output_folder_inside_the_registers_is_never_read(deep: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = files_checked(capsys)
    assert run(["build", "--only", "tables", "-f", "md", "--out", "生成"]) == 0  # registers/办公室/生成/
    assert list((deep / "registers" / "办公室" / "生成").glob("*.md"))
    capsys.readouterr()
    assert files_checked(capsys) == before


@pytest.mark.parametrize(
    "args",
    [["grade", "-f", "json"], ["schema", "--check"], ["templates", "list"], ["report", "progress"], ["validate"]],
    ids=lambda args: " ".join(args),
)
def test_commands_find_the_root_from_a_subfolder(deep: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(args) == 0
    assert "找不到 lzfk.yaml" not in capsys.readouterr().err


def test_templates_export_defaults_to_the_root(deep: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["templates", "export", "文档样式.docx"]) == 0
    assert (deep / "templates" / "文档样式.docx").is_file()
    assert not (deep / "registers" / "办公室" / "templates").exists()
