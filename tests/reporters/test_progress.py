"""Progress bars: shown on a terminal, never in CI logs, files or pipes."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reporters.test_consoles import make_unit

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_unit(tmp_path_factory.mktemp("progress") / "登记库", posts=300)


def on_terminal(root: Path, *args: str, ci: bool) -> str:
    """Run lzfk with a pseudo-terminal for stdout and stderr, as in a clerk's console window."""
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "LZFK_NO_PROGRESS") and not k.startswith("GITHUB_")}
    env.update(TERM="xterm-256color", COLUMNS="100")
    if ci:
        env["CI"] = "true"
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "lianzheng_cli", *args], cwd=root, env=env, stdout=follower, stderr=follower, stdin=follower
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the follower side closed: the process is done
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_cold_validate_of_many_files_shows_a_bar_on_a_terminal(many: Path) -> None:
    shown = on_terminal(many, "validate", "--no-cache", "-j", "1", ci=False)
    assert "检查登记表" in shown and "/304" in shown  # 300 posts + the scaffold's 4 files
    assert "检查了 304 个文件" in shown


def test_no_bar_in_ci_even_on_a_terminal(many: Path) -> None:
    shown = on_terminal(many, "validate", "--no-cache", "-j", "1", ci=True)
    assert "检查登记表" not in shown and "检查了 304 个文件" in shown


def test_no_bar_when_piped(many: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CI" and not k.startswith("GITHUB_")}
    done = subprocess.run(
        [sys.executable, "-m", "lianzheng_cli", "validate", "--no-cache", "-j", "1"], cwd=many, env=env, capture_output=True
    )
    assert b"\x1b[" not in done.stderr and "检查登记表".encode() not in done.stdout + done.stderr
