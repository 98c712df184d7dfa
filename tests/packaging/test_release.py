"""Releases: every version tag has its CHANGELOG section (docs/install.md, "发布一个版本")."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from lianzheng_cli import __version__
from tests.helpers import REPO_ROOT

CHANGELOG = REPO_ROOT / "CHANGELOG.md"


def release_tags() -> list[str]:
    if shutil.which("git") is None or not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    done = subprocess.run(["git", "tag", "--list", "v*"], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    return done.stdout.split()


def sections() -> set[str]:
    return set(re.findall(r"^## \[(\d+\.\d+\.\d+)\]", CHANGELOG.read_text(encoding="utf-8"), re.MULTILINE))


def test_the_version_is_a_release_number() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def test_every_release_tag_has_a_changelog_section() -> None:
    # A clean CI clone may carry no tags at all; then there is nothing to hold to account.
    missing = [tag for tag in release_tags() if tag.removeprefix("v") not in sections()]
    assert missing == [], f"CHANGELOG.md has no section for {missing}"
