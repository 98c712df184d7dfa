"""load_repository(cached=True) (the exports): each register file's model, outcome and grades
kept in the cache by content, so a second load checks nothing, and always the same answer as
a load without the cache."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from lianzheng_cli import loading
from lianzheng_cli.cache import CACHE_DIR, DB_NAME
from lianzheng_cli.loading import LoadedRepository, load_repository
from tests.helpers import REPO_ROOT, generate_unit, lines_of


def _shown(loaded: LoadedRepository) -> tuple[Any, ...]:
    """Everything a command reads of a load, as comparable values."""
    graded = [(item.path, item.register.model_dump(), [g.rank for g in item.grades], item.complete) for item in loaded.graded]
    chapters = [(chapter.path, chapter.body) for chapter in loaded.chapters]
    return graded, chapters, lines_of(loaded.findings), loaded.result.summary


@pytest.fixture
def checked_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files actually parsed and checked by a load (not taken from the cache)."""
    seen: list[str] = []
    check_file = loading._check_file

    def spy(repository: Any, checker: Any, path: Path, data: bytes | None = None) -> loading.Checked:
        seen.append(repository.display(path))
        return check_file(repository, checker, path, data)

    monkeypatch.setattr(loading, "_check_file", spy)
    return seen


@pytest.fixture
def unit(tmp_path: Path) -> Path:
    root = tmp_path / "unit"
    generate_unit(root, 40)
    return root


def test_a_second_load_checks_nothing_and_says_the_same(unit: Path, checked_files: list[str]) -> None:
    uncached = _shown(load_repository(unit))
    checked_files.clear()
    first = _shown(load_repository(unit, cached=True))
    assert len(checked_files) == len(first[0]) > 40
    checked_files.clear()
    second = _shown(load_repository(unit, cached=True))
    assert checked_files == []
    assert first == second == uncached


def test_the_sample_with_chapters_and_findings(tmp_path: Path, checked_files: list[str]) -> None:
    import shutil

    root = tmp_path / "sample"
    for folder in ("registers", "台账"):
        shutil.copytree(REPO_ROOT / folder, root / folder)
    shutil.copy(REPO_ROOT / "lzfk.yaml", root / "lzfk.yaml")
    uncached = _shown(load_repository(root))
    load_repository(root, cached=True)
    checked_files.clear()
    again = load_repository(root, cached=True)
    assert _shown(again) == uncached
    assert checked_files == [chapter.path for chapter in again.chapters]  # a chapter keeps its tree: never stored


def test_an_edited_file_is_checked_again(unit: Path, checked_files: list[str]) -> None:
    load_repository(unit, cached=True)
    post = sorted((unit / "registers").rglob("*.yaml"))[5]
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("等级: ", "等级: 特", 1), encoding="utf-8")
    checked_files.clear()
    loaded = load_repository(unit, cached=True)
    assert checked_files == [post.relative_to(unit).as_posix()]
    assert _shown(loaded) == _shown(load_repository(unit))
    assert any(f.path == checked_files[0] for f in loaded.findings)


def test_a_damaged_cache_is_only_a_miss(unit: Path, checked_files: list[str]) -> None:
    first = _shown(load_repository(unit, cached=True))
    with sqlite3.connect(unit / CACHE_DIR / DB_NAME) as db:
        db.execute("UPDATE loaded SET value = substr(value, 1, 40) WHERE rowid % 2 = 0")  # a blob cut short
    checked_files.clear()
    assert _shown(load_repository(unit, cached=True)) == first
    assert 0 < len(checked_files) < len(first[0])


def test_a_parallel_load_stores_what_its_workers_sealed(
    unit: Path, checked_files: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The exports load in worker processes when many files are missing: the values the
    workers seal are what the cache then gives, and every load says the same."""
    uncached = _shown(load_repository(unit))
    monkeypatch.setattr(loading, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(loading, "_CACHE_BATCH", 17)  # several batches share one pool
    checked_files.clear()
    first = _shown(load_repository(unit, parallel=True, cached=True))
    assert checked_files == []  # all checked in the workers (this process's spy saw none)
    second = _shown(load_repository(unit, cached=True))
    assert checked_files == []
    assert first == second == uncached
