"""The release artefact works on its own: the built wheel, installed into a fresh environment, runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from lianzheng_cli import __version__
from tests.helpers import REPO_ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the fresh environment's layout is the POSIX one")


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    return done


def build_wheel(tmp_path: Path) -> Path:
    """Build from a copy of what git tracks for the package, so the work tree gets no build/ folder."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO_ROOT / name, project / name)
    shutil.copytree(REPO_ROOT / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    run(sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", tmp_path / "dist", project)
    (wheel,) = (tmp_path / "dist").glob("lianzheng_cli-*.whl")
    return wheel


def fresh_environment(tmp_path: Path) -> Path:
    """A new venv that borrows only the dependencies (typer, pydantic …) from the test environment's
    site-packages, through a path line; lzfk itself comes from the wheel alone."""
    env = tmp_path / "env"
    run(sys.executable, "-m", "venv", "--without-pip", env)
    python = env / "bin" / "python"
    purelib = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (purelib / "_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return env


def test_the_built_wheel_installs_and_validates(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    assert wheel.name == f"lianzheng_cli-{__version__}-py3-none-any.whl"
    env = fresh_environment(tmp_path)
    run(sys.executable, "-m", "pip", "--python", env / "bin" / "python", "install", "-q", "--no-deps", "--no-index", wheel)
    lzfk = env / "bin" / "lzfk"
    assert run(lzfk, "--version").stdout.strip() == f"lzfk {__version__}"
    where = run(env / "bin" / "python", "-c", "import lianzheng_cli; print(lianzheng_cli.__file__)").stdout
    assert where.startswith(str(env)), where  # not the work tree's src/
    run(lzfk, "init", "登记库", "--unit", "测试县人民医院", "--year", "2025", cwd=tmp_path)  # the scaffold files are in the wheel
    checked = run(lzfk, "validate", "-f", "json", cwd=tmp_path / "登记库")
    assert '"errors": 0' in checked.stdout
    run(lzfk, "build", "--only", "tables", "-f", "md", cwd=tmp_path / "登记库")  # the built-in templates are in the wheel
    assert list((tmp_path / "登记库" / "out").glob("*.md"))
