"""Fixtures shared by the validator tests (helpers that need no pytest live in tests/helpers.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from lianzheng_cli import checking
from lianzheng_cli.cli import app

GITHUB_VARIABLES = ("GITHUB_ACTIONS", "GITHUB_WORKFLOW", "GITHUB_STEP_SUMMARY")

Invoke = Callable[..., Result]


@pytest.fixture
def no_github_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run as on a clerk's machine, even when the test suite itself runs in GitHub Actions."""
    for name in GITHUB_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch, no_github_env: None) -> Invoke:
    """Call ``lzfk ARGS`` through typer's runner, in the folder ``cwd``."""
    runner = CliRunner()

    def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        return runner.invoke(app, list(args), env=env, catch_exceptions=False)

    return run


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files actually parsed and checked (not answered from the cache), in order."""
    seen: list[str] = []
    check_text = checking.check_text

    def spy(text: str, display: str, **kwargs: object) -> checking.FileOutcome:
        seen.append(display)
        return check_text(text, display, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checking, "check_text", spy)
    return seen
