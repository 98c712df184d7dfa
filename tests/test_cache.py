"""The result cache under .lzfk_cache/: same answers, only changed files re-checked, never an error."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lianzheng_cli import cache, validation
from tests.conftest import Invoke
from tests.helpers import INVALID, VALID, copy_case, line_of

CACHE = ".lzfk_cache"


def _full(result: validation.ValidationResult) -> list[tuple[str, str, str, str]]:
    return [(line_of(f), f.severity.key, f.message, f.hint) for f in result.findings]


def _repo(tmp_path: Path, name: str = "lz202-lz205-unresolved-reference") -> Path:
    return copy_case(INVALID / name if (INVALID / name).is_dir() else VALID / name, tmp_path / "repo")


def test_second_run_gives_identical_findings_without_rechecking(tmp_path: Path, checked: list[str]) -> None:
    root = _repo(tmp_path)
    uncached = validation.validate(root, use_cache=False)
    checked.clear()
    first = validation.validate(root)
    assert sorted(checked) == ["registers/药剂科.yaml", "registers/采购员.yaml", "registers/院长.yaml"]
    checked.clear()
    second = validation.validate(root)
    assert checked == []
    assert _full(first) == _full(second) == _full(uncached)
    assert first.summary == second.summary == uncached.summary
    assert (root / CACHE).is_dir()


def test_changing_a_file_rechecks_only_that_file(tmp_path: Path, checked: list[str]) -> None:
    root = _repo(tmp_path)
    validation.validate(root)
    post = root / "registers" / "采购员.yaml"
    post.write_text(post.read_text(encoding="utf-8").replace("科室: 药济科", "科室: 药剂科"), encoding="utf-8")
    checked.clear()
    result = validation.validate(root)
    assert checked == ["registers/采购员.yaml"]
    assert "registers/采购员.yaml:4:5: LZ202" not in [line_of(f) for f in result.findings]
    assert _full(result) == _full(validation.validate(root, use_cache=False))


def test_a_same_size_change_right_after_a_run_is_seen(tmp_path: Path, checked: list[str]) -> None:
    root = _repo(tmp_path, "minimal-config")
    assert validation.validate(root).findings == []
    post = root / "registers" / "院长.yaml"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("等级: 二级", "等级: 乙级"), encoding="utf-8")  # same length, same second
    checked.clear()
    assert [line_of(f) for f in validation.validate(root).findings] == ["registers/院长.yaml:16:9: LZ206"]
    assert checked == ["registers/院长.yaml"]


def test_a_same_size_change_long_after_a_run_is_seen(tmp_path: Path, checked: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # Past the racy window the stat index is trusted: an edit in place (same file, same size)
    # must still change the stamp, although it sets the mtime and the ctime to the same time.
    monkeypatch.setattr(cache, "RACY_NS", 0)
    root = _repo(tmp_path, "minimal-config")
    post = root / "registers" / "院长.yaml"
    post.write_text(post.read_text(encoding="utf-8"), encoding="utf-8")  # as an editor saves it (not a copy's old mtime)
    assert validation.validate(root).findings == []
    inode = post.stat().st_ino
    post.write_text(post.read_text(encoding="utf-8").replace("等级: 二级", "等级: 乙级"), encoding="utf-8")
    assert post.stat().st_ino == inode
    checked.clear()
    for _ in range(2):  # the replay, then the run after it
        assert [line_of(f) for f in validation.validate(root).findings] == ["registers/院长.yaml:16:9: LZ206"]
    assert checked == ["registers/院长.yaml"]


def test_a_renamed_file_is_reported_under_its_new_name(tmp_path: Path) -> None:
    root = _repo(tmp_path, "lz005-duplicate-key")
    assert [line_of(f) for f in validation.validate(root).findings] == ["registers/院长.yaml:17:5: LZ005"]
    (root / "registers" / "院长.yaml").rename(root / "registers" / "书记.yaml")
    assert [line_of(f) for f in validation.validate(root).findings] == ["registers/书记.yaml:17:5: LZ005"]


def test_changing_lzfk_yaml_rechecks_every_file(tmp_path: Path, checked: list[str]) -> None:
    root = _repo(tmp_path)
    validation.validate(root)
    with (root / "lzfk.yaml").open("a", encoding="utf-8") as handle:
        handle.write("检查规则: {LZ202: 警告}\n")
    checked.clear()
    result = validation.validate(root)
    assert sorted(checked) == ["registers/药剂科.yaml", "registers/采购员.yaml", "registers/院长.yaml"]
    assert {f.code: f.severity.key for f in result.findings}["LZ202"] == "warning"


def test_a_corrupt_cache_database_is_ignored(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    expected = _full(validation.validate(root, use_cache=False))
    (root / CACHE).mkdir()
    (root / CACHE / "results.sqlite3").write_bytes(b"this is not a database\x00" * 100)
    assert _full(validation.validate(root)) == expected
    assert _full(validation.validate(root)) == expected


def test_corrupt_cached_values_are_recomputed(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    expected = _full(validation.validate(root))
    with sqlite3.connect(root / CACHE / "results.sqlite3") as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        damaged = 0
        for table in tables:
            for column in db.execute(f"PRAGMA table_info({table})").fetchall():
                if column[2].upper() == "BLOB":
                    damaged += db.execute(f"UPDATE {table} SET {column[1]} = x'80049500'").rowcount
    db.close()
    assert damaged > 0
    assert _full(validation.validate(root)) == expected


def test_no_cache_writes_no_cache(invoke: Invoke, tmp_path: Path) -> None:
    root = _repo(tmp_path)
    result = invoke("validate", "--no-cache", "--format", "plain", cwd=root)
    assert result.exit_code == 1
    assert not (root / CACHE).exists()
    cached = invoke("validate", "--format", "plain", cwd=root)
    assert (root / CACHE).is_dir()
    again = invoke("validate", "--format", "plain", cwd=root)
    assert result.stdout == cached.stdout == again.stdout


def test_the_cache_folder_ignores_itself_in_git(tmp_path: Path) -> None:
    root = _repo(tmp_path, "minimal-config")
    validation.validate(root)
    assert (root / CACHE / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_cached_results_follow_every_kind_of_change(tmp_path: Path) -> None:
    root = _repo(tmp_path, "full-repository")
    registers = root / "registers"
    steps = [
        lambda: (registers / "新岗位.yaml").write_text("类型: 岗位\n编号: [\n", encoding="utf-8"),
        lambda: (registers / "大写.YML").write_text("类型: 部门\n", encoding="utf-8"),
        lambda: (registers / ".草稿" / "又一个.yaml").write_text("类型: 部门\n", encoding="utf-8"),
        lambda: (registers / "财务科" / "科室.yaml").unlink(),
        lambda: _edit(registers / "领导班子" / "院长.yaml", "等级: 二级", "等级: 乙级"),
        lambda: (registers / "药剂科" / "采购员.yml").rename(registers / "药剂科" / "采购员.yaml"),
        lambda: _edit(registers / "手册" / "02-附录.md", "标题: 附录", "类型: 岗位"),
        lambda: _edit(root / "lzfk.yaml", "审定有效期: 365", "审定有效期: 365\n检查规则: {LZ202: 提示}"),
        lambda: (registers / "新岗位.yaml").unlink(),
    ]
    expected_before = _full(validation.validate(root, use_cache=False))
    assert _full(validation.validate(root)) == expected_before == []
    outcomes = []
    for number, step in enumerate(steps, 1):
        step()
        uncached = _full(validation.validate(root, use_cache=False))
        assert _full(validation.validate(root)) == uncached, f"step {number}"
        outcomes.append(tuple(uncached))
    assert len(set(outcomes)) == len(steps) - 2  # all but the hidden draft and the clean rename change the answer


def test_validating_one_file_keeps_the_cached_results_of_the_others(tmp_path: Path) -> None:
    import shutil

    sample = Path(__file__).resolve().parents[1]
    shutil.copytree(sample / "registers", tmp_path / "registers")
    shutil.copy(sample / "lzfk.yaml", tmp_path / "lzfk.yaml")
    validation.validate(tmp_path)
    db = tmp_path / ".lzfk_cache" / "results.sqlite3"

    def count() -> int:
        with sqlite3.connect(db) as connection:
            return int(connection.execute("SELECT COUNT(*) FROM results").fetchone()[0])

    before = count()
    validation.validate(tmp_path, [tmp_path / "registers" / "药剂科" / "药品采购员.yaml"])
    assert count() == before >= 44
