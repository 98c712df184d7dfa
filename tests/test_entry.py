"""The ``lzfk`` executable's fast path: a replayed ``validate`` must say exactly what a full run says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lianzheng_cli.entry import direct_validate, fast_validate
from tests.conftest import Invoke
from tests.helpers import INVALID, copy_case

pytestmark = pytest.mark.usefixtures("no_github_env")

ARGUMENTS = [
    ["validate"],
    ["validate", "--format", "json"],
    ["validate", "--format=plain"],
    ["validate", "-f", "github"],
    ["validate", "--strict"],
    ["validate", "registers"],
    ["validate", "registers/采购员.yaml", "-f", "plain"],
]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_case(INVALID / "lz202-lz205-unresolved-reference", tmp_path / "repo")


@pytest.mark.parametrize("args", ARGUMENTS, ids=" ".join)
def test_replay_prints_what_the_full_run_printed(
    args: list[str], root: Path, invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    full = invoke(*args, cwd=root)  # also stores the run for replay
    assert fast_validate(args) == full.exit_code
    assert capsys.readouterr().out == full.stdout


def test_nothing_to_replay_before_a_first_run(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(root)
    assert fast_validate(["validate"]) is None


@pytest.mark.parametrize(
    "args",
    [["validate", "--no-cache"], ["validate", "--help"], ["validate", "-f", "xml"], ["validate", "没有.yaml"], ["schema"]],
    ids=" ".join,
)
def test_anything_unusual_takes_the_full_path(args: list[str], root: Path, invoke: Invoke) -> None:
    invoke("validate", cwd=root)
    assert fast_validate(args) is None


def test_a_change_is_never_answered_from_the_old_run(root: Path, invoke: Invoke, capsys: pytest.CaptureFixture[str]) -> None:
    invoke("validate", cwd=root)
    post = root / "registers" / "采购员.yaml"
    post.write_text(post.read_text(encoding="utf-8").replace("科室: 药济科", "科室: 药剂科"), encoding="utf-8")
    replayed = fast_validate(["validate", "-f", "plain"])
    full = invoke("validate", "-f", "plain", cwd=root)
    assert "LZ202" not in full.stdout
    assert replayed is None or (replayed, capsys.readouterr().out) == (full.exit_code, full.stdout)


def test_auto_format_in_a_workflow_is_github_on_the_fast_path_too(
    root: Path, invoke: Invoke, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke("validate", cwd=root)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKFLOW", "CI")
    assert fast_validate(["validate"]) == 1
    assert capsys.readouterr().out.startswith("::group::lzfk 检查结果\n")


def test_the_installed_executable_answers_the_same_twice(root: Path) -> None:
    lzfk = Path(sys.executable).parent / "lzfk"
    env = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
    runs = [
        subprocess.run([str(lzfk), "validate", "-f", "plain"], cwd=root, env=env, capture_output=True, text=True)
        for _ in range(2)
    ]
    assert [run.returncode for run in runs] == [1, 1]
    assert runs[0].stdout == runs[1].stdout
    assert runs[0].stdout.splitlines()[-1] == "检查了 3 个文件（3 份登记表，3 个风险点）：4 个错误，0 个警告"


@pytest.mark.parametrize("args", [*ARGUMENTS, ["validate", "--no-cache"], ["validate", "-j", "1", "-f", "json"]], ids=" ".join)
def test_the_direct_run_prints_what_the_full_run_printed(
    args: list[str], root: Path, invoke: Invoke, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke("validate", cwd=root)
    post = root / "registers" / "院长.yaml"
    post.write_text(post.read_text(encoding="utf-8").replace("主持医院全面工作", "主持全面工作"), encoding="utf-8")
    monkeypatch.chdir(root)
    direct = direct_validate(args)  # not a replay: a file changed since the last run
    printed = capsys.readouterr().out
    full = invoke(*args, cwd=root)
    assert (direct, printed) == (full.exit_code, full.stdout)


@pytest.mark.parametrize(
    "args", [["validate", "--help"], ["validate", "-j", "-1"], ["validate", "-f", "xml"], ["grade"]], ids=" ".join
)
def test_the_direct_run_leaves_anything_unusual_to_the_full_path(
    args: list[str], root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(root)
    assert direct_validate(args) is None


def test_the_direct_run_loads_neither_typer_nor_rich(root: Path) -> None:
    program = (
        "import sys\n"
        "from lianzheng_cli import entry\n"
        "code = entry.direct_validate(sys.argv[1:])\n"
        "print(code, sorted(name for name in ('typer', 'rich', 'click') if name in sys.modules))\n"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "FORCE_COLOR", "TTY_"))}
    # One file (no cross-file checks: clean) in the default format, then the whole folder.
    for args, code in ((["validate", "registers/采购员.yaml"], 0), (["validate", "-f", "plain"], 1)):
        done = subprocess.run([sys.executable, "-c", program, *args], cwd=root, env=env, capture_output=True, text=True)
        assert done.stdout.splitlines()[-1] == f"{code} []", done.stderr


EDITS = [
    ("text only", "registers/院长.yaml", "主持医院全面工作", "主持全面工作"),
    ("lines moved", "registers/药剂科.yaml", "名称: 药剂科\n", "# 新增一行注释\n名称: 药剂科\n"),
    ("facts changed", "registers/采购员.yaml", "科室: 药济科", "科室: 药剂科"),
    ("facts changed back", "registers/采购员.yaml", "科室: 药剂科", "科室: 药济科"),
    ("reference changed", "registers/药剂科.yaml", "分管领导: LD-YZZ", "分管领导: LD-YZ"),
]


@pytest.mark.parametrize("args", [[], ["-f", "plain"], ["-f", "json"], ["registers/采购员.yaml"]], ids=" ".join)
def test_the_executable_after_each_kind_of_edit_prints_what_a_cold_full_run_prints(
    args: list[str], root: Path, invoke: Invoke
) -> None:
    # The installed executable takes the fast paths (a replay, else the direct run: incremental,
    # the cross-file checks over cached facts); the reference is typer's command without a cache.
    lzfk = Path(sys.executable).parent / "lzfk"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "FORCE_COLOR", "TTY_"))}

    def fast() -> tuple[int, str]:
        done = subprocess.run([str(lzfk), "validate", *args], cwd=root, env=env, capture_output=True, text=True)
        return done.returncode, done.stdout

    fast()
    for name, relative, old, new in EDITS:
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, name
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        full = invoke("validate", "--no-cache", *args, cwd=root)
        assert fast() == (full.exit_code, full.stdout), name
        assert fast() == (full.exit_code, full.stdout), f"{name} (replayed)"
