"""Consoles as clerks have them: a GBK code page, output piped into another program, paths per platform."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lianzheng_cli.findings import Finding, Severity
from lianzheng_cli.reporters import common, text
from lianzheng_cli.results import ValidationResult
from lianzheng_cli.scaffold import scaffold

EMOJI_POST = """\
类型: 岗位
编号: BGS-{n}
名称: 文书{n} 😀
科室: 不存在的科室
主要职责: [收发公文]
风险点: []
"""


def make_unit(root: Path, posts: int) -> Path:
    scaffold(root, unit="某某单位", year=2025)
    for n in range(posts):
        (root / "registers" / f"文书{n}.yaml").write_text(EMOJI_POST.format(n=n), encoding="utf-8")
    return root


def lzfk(root: Path, *args: str, encoding: str = "gbk") -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PYTHONUTF8"))}
    env["PYTHONIOENCODING"] = encoding  # what Python picks for a redirected stream on a Chinese Windows
    return subprocess.run([sys.executable, "-m", "lianzheng_cli", *args], cwd=root, env=env, capture_output=True, check=False)


@pytest.fixture(scope="module")
def unit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_unit(tmp_path_factory.mktemp("gbk") / "登记库", posts=2)


@pytest.mark.parametrize("name", ["json", "plain", "github", "sarif", "gitlab", "junit"])
def test_machine_formats_are_utf8_under_a_gbk_console(unit: Path, name: str) -> None:
    done = lzfk(unit, "validate", "--no-cache", "-f", name)
    assert done.returncode == 1, done.stderr.decode("utf-8", "replace")
    assert "😀" in done.stdout.decode("utf-8")  # strict decoding: all of it is UTF-8
    assert done.stderr == b""


def test_text_keeps_the_console_encoding_and_never_crashes(unit: Path) -> None:
    done = lzfk(unit, "validate", "--no-cache", "-f", "text")
    assert done.returncode == 1
    out = done.stdout.decode("gbk")
    assert "文书0 ?" in out and "错误" in out


def test_grade_under_a_gbk_console(unit: Path) -> None:
    assert lzfk(unit, "grade").returncode in (0, 1)
    done = lzfk(unit, "grade", "-f", "json")
    assert done.returncode in (0, 1) and "文书" in done.stdout.decode("utf-8")


def test_broken_pipe_ends_quietly(tmp_path: Path) -> None:
    root = make_unit(tmp_path / "登记库", posts=300)
    for args in (["-f", "plain", "--no-cache"], ["-f", "text"], ["-f", "plain"]):  # the last one is replayed
        env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
        proc = subprocess.Popen(
            [sys.executable, "-m", "lianzheng_cli", "validate", *args],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()
        proc.stdout.close()  # like `| head -1`
        err = proc.stderr.read()
        proc.wait(timeout=60)
        assert first.strip(), args
        assert err == b"", err.decode("utf-8", "replace")
        assert proc.returncode in (1, 141), args  # 141 = SIGPIPE's code; never 3 (a crash)


def test_text_paths_use_the_platform_separator(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import io

    finding = Finding("registers/办公室/文书.yaml", 1, 1, "LZ206", Severity.ERROR, "问题")
    result = ValidationResult(tmp_path, [finding])
    monkeypatch.setattr(common.os, "sep", "\\")
    shown = io.StringIO()
    text.report(result, shown)
    assert shown.getvalue().startswith("registers\\办公室\\文书.yaml\n")
    plain = io.StringIO()
    from lianzheng_cli.reporters import plain as plain_format

    plain_format.report(result, plain)
    assert plain.getvalue().startswith("registers/办公室/文书.yaml:1:1:")


@pytest.mark.parametrize("environment", [{}, {"FORCE_COLOR": "1"}, {"TTY_COMPATIBLE": "1"}, {"FORCE_COLOR": ""}])
def test_a_clean_text_report_is_what_rich_writes(environment: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    result = ValidationResult(Path("/单位"))
    result.summary.files = result.summary.registers = 3
    result.summary.risk_points = 7
    shortcut, rich = io.StringIO(), io.StringIO()
    text.report(result, shortcut)
    text._report(result, rich)
    assert shortcut.getvalue() == rich.getvalue()
    assert ("\x1b[" in shortcut.getvalue()) == (environment.get("FORCE_COLOR") == "1" or "TTY_COMPATIBLE" in environment)
