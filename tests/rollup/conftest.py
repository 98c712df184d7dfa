"""Fixtures for the export and rollup tests: generated units in real git repositories, exported for real."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from lianzheng_cli.exporting.unit_export import export_unit, write_export
from tests.rollup.units import Unit, commit_unit, sample_unit

ExportUnit = Callable[..., Path]


@pytest.fixture(autouse=True)
def isolated_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The rollup keeps its loaded tables in the user's cache: each test gets its own."""
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("GIT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)


@pytest.fixture
def export_to(tmp_path: Path) -> ExportUnit:
    """Commit unit into repos/<code> and export it to exports/<name>; returns the export folder."""

    def run(unit: Unit, name: str | None = None, *, date: str = "2025-03-01T10:00:00+08:00") -> Path:
        repo = tmp_path / "repos" / unit.code
        commit_unit(repo, unit, date=date)
        out = tmp_path / "exports" / (name or unit.code)
        write_export(export_unit(repo), out)
        return out

    return run


def before_the_digest(*folders: Path) -> None:
    """Make exports as lzfk wrote them before schema 1.1 (no digest.parquet): read table by table."""
    for folder in folders:
        (folder / "digest.parquet").unlink()


@pytest.fixture
def three_units() -> list[Unit]:
    return [
        sample_unit("A001", "甲县人民医院", 1),
        sample_unit("A002", "乙县中医院", 2),
        sample_unit("A003", "丙县妇幼保健院", 3),
    ]
