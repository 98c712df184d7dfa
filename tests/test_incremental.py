"""Incremental validate: after any edit, exactly the findings and summary of a cold --no-cache run.

A run after a few edits re-checks only the edited files and keeps the last whole run's
cross-file findings while no edited file's cross-file facts changed, or runs the
cross-file checks again over every file's stored facts when some did; everything else
(files added, removed or renamed, lzfk.yaml or a rule file changed, a damaged cache)
must still give a cold run's answer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from lianzheng_cli import cache, quick_replay, validation
from lianzheng_cli.results import ValidationResult
from tests.helpers import INVALID, VALID, copy_case

CACHE_DB = Path(".lzfk_cache") / "results.sqlite3"


def _answer(result: ValidationResult) -> tuple[object, ...]:
    """Everything a reporter shows: every field of every finding, in order, and the summary."""
    findings = [(f.path, f.line, f.column, f.code, f.severity, f.message, f.hint) for f in result.findings]
    return (findings, result.summary, result.config_failed)


def _cold(root: Path) -> tuple[object, ...]:
    return _answer(validation.validate(root, use_cache=False))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_that_keeps_the_facts_rechecks_one_file_and_keeps_the_cross_file_findings(
    tmp_path: Path, checked: list[str]
) -> None:
    root = copy_case(INVALID / "lz202-lz205-unresolved-reference", tmp_path / "repo")
    first = validation.validate(root)
    assert {f.code for f in first.findings} == {"LZ202", "LZ203", "LZ204", "LZ205"}
    _edit(root / "registers" / "院长.yaml", "主持医院全面工作", "主持医院全面工作（含党建）")
    checked.clear()
    again = validation.validate(root)
    assert checked == ["registers/院长.yaml"]
    assert _answer(again) == _cold(root)


def test_an_edit_that_changes_the_facts_gives_the_cold_answer(tmp_path: Path) -> None:
    root = copy_case(INVALID / "lz202-lz205-unresolved-reference", tmp_path / "repo")
    validation.validate(root)
    _edit(root / "registers" / "采购员.yaml", "科室: 药济科", "科室: 药剂科")
    result = validation.validate(root)
    assert "LZ202" not in {f.code for f in result.findings}
    assert _answer(result) == _cold(root)


def test_the_next_run_after_an_incremental_one_replays_it(tmp_path: Path, checked: list[str]) -> None:
    root = copy_case(VALID / "full-repository", tmp_path / "repo")
    validation.validate(root)
    _edit(root / "registers" / "财务科" / "会计.yaml", "负责会计的日常工作", "负责会计核算")
    incremental = validation.validate(root)
    checked.clear()
    replayed = validation.validate(root)
    assert checked == []
    assert _answer(replayed) == _answer(incremental) == _cold(root)


REGISTERS = Path("registers")
RULES = "名称: 本院规则\n继承: 概率或后果\n规则: []\n"
STRICTER = "名称: 本院规则\n继承: 概率或后果\n规则:\n  - 编号: X1\n    说明: 较高概率一律一级\n    条件: {发生概率: 较高}\n    等级: 一级\n"


def _steps(root: Path) -> list[tuple[str, Callable[[], None]]]:
    registers = root / REGISTERS
    accountant = registers / "财务科" / "会计.yaml"
    return [
        ("text only", lambda: _edit(accountant, "负责会计的日常工作", "负责会计核算")),
        ("comment appended", lambda: accountant.write_text(accountant.read_text(encoding="utf-8") + "# 备注\n", "utf-8")),
        ("line inserted (positions move)", lambda: _edit(accountant, "主要职责:\n", "主要职责:\n  - 负责报销审核\n")),
        ("per-file error", lambda: _edit(accountant, "等级: 二级", "等级: 乙级")),
        ("per-file error fixed", lambda: _edit(accountant, "等级: 乙级", "等级: 二级")),
        ("department renamed", lambda: _edit(registers / "财务科" / "科室.yaml", "名称: 财务科", "名称: 财务部")),
        ("department name back", lambda: _edit(registers / "财务科" / "科室.yaml", "名称: 财务部", "名称: 财务科")),
        ("duplicate id", lambda: _edit(accountant, "编号: CWK-KJ-01", "编号: YJK-CG-01")),
        ("syntax error", lambda: _edit(accountant, "编号: CWK-KJ\n", "编号: [CWK-KJ\n")),
        ("syntax fixed", lambda: _edit(accountant, "编号: [CWK-KJ\n", "编号: CWK-KJ\n")),
        ("renamed", lambda: accountant.rename(accountant.with_name("出纳.yaml"))),
        ("added", lambda: (registers / "财务科" / "会计.yaml").write_text(accountant.with_name("出纳.yaml").read_text("utf-8"))),
        ("deleted", lambda: (registers / "财务科" / "会计.yaml").unlink()),
        ("lzfk.yaml", lambda: _edit(root / "lzfk.yaml", "审定有效期: 365", "审定有效期: 365\n检查规则: {LZ201: 警告}")),
        (
            "rule file added",
            lambda: (
                (root / "评级规则.yaml").write_text(RULES, "utf-8"),
                _edit(root / "lzfk.yaml", "评级规则: 概率或后果", "评级规则: 评级规则.yaml"),
            ),
        ),
        ("rule file changed", lambda: (root / "评级规则.yaml").write_text(STRICTER, "utf-8")),
        ("markdown chapter", lambda: _edit(registers / "手册" / "02-附录.md", "标题: 附录", "标题: 附录一")),
    ]


@pytest.fixture
def incremental(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For each run that tried, whether it was answered incrementally."""
    answered: list[bool] = []
    real = validation._incremental

    def spy(*args: object, **kwargs: object) -> ValidationResult | None:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        answered.append(result is not None)
        return result

    monkeypatch.setattr(validation, "_incremental", spy)
    return answered


def test_every_kind_of_change_gives_the_cold_answer(tmp_path: Path, incremental: list[bool]) -> None:
    root = copy_case(VALID / "full-repository", tmp_path / "repo")
    assert _answer(validation.validate(root)) == _cold(root)
    answers, used = [], []
    for name, step in _steps(root):
        step()
        expected = _cold(root)
        incremental.clear()
        assert _answer(validation.validate(root)) == expected, name
        used.append((name, incremental[:1] == [True]))
        assert _answer(validation.validate(root)) == expected, f"{name} (again)"
        answers.append(expected)
    assert len({repr(answer) for answer in answers}) >= 8  # the steps really change the answer
    # Every edit of a file's content is answered incrementally (the cross-file checks run
    # again over the stored facts when the edit changed some); files added, removed or
    # renamed, lzfk.yaml and the rule files take a whole run.
    assert [name for name, yes in used if yes] == [
        "text only",
        "comment appended",
        "line inserted (positions move)",
        "per-file error",
        "per-file error fixed",
        "department renamed",
        "department name back",
        "duplicate id",
        "syntax error",
        "syntax fixed",
        "markdown chapter",
    ]


def test_facts_changed_again_and_again_give_the_cold_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, incremental: list[bool]
) -> None:
    # At most one changed file's facts kept apart from the whole run's: the second edit folds them in.
    monkeypatch.setattr(cache, "_FACTS_KEPT_APART", 1)
    root = copy_case(INVALID / "lz202-lz205-unresolved-reference", tmp_path / "repo")
    validation.validate(root)
    post, department = root / "registers" / "采购员.yaml", root / "registers" / "药剂科.yaml"
    for path, old, new in [
        (post, "科室: 药济科", "科室: 药剂科"),
        (department, "分管领导: LD-YZZ", "分管领导: LD-YZ"),
        (post, "科室: 药剂科", "科室: 药济科"),
        (department, "风险点: [YJK-01, YJK-99]", "风险点: [YJK-01]"),
    ]:
        _edit(path, old, new)
        incremental.clear()
        assert _answer(validation.validate(root)) == _cold(root), new
        assert incremental == [True], new
        assert _answer(validation.validate(root)) == _cold(root), f"{new} (again)"


@pytest.mark.parametrize("damaged", ["|facts", "|facts-changed"])
def test_damaged_stored_facts_give_the_cold_answer(tmp_path: Path, incremental: list[bool], damaged: str) -> None:
    root = copy_case(INVALID / "lz202-lz205-unresolved-reference", tmp_path / "repo")
    validation.validate(root)
    _edit(root / "registers" / "采购员.yaml", "科室: 药济科", "科室: 药剂科")  # stores changed facts apart
    validation.validate(root)
    with sqlite3.connect(root / CACHE_DB) as db:
        key = f"{cache.code_stamp()}|{cache.RECORD_FORMAT}|{damaged}"
        assert db.execute("UPDATE runs SET value = x'00112233' WHERE key = ?", (key,)).rowcount == 1
    db.close()
    _edit(root / "registers" / "药剂科.yaml", "分管领导: LD-YZZ", "分管领导: LD-YZ")
    incremental.clear()
    assert _answer(validation.validate(root)) == _cold(root)
    assert incremental == [False]  # the facts cannot be trusted: a whole run
    assert _answer(validation.validate(root)) == _cold(root)


@pytest.mark.parametrize(
    ("old", "new", "answered"),
    [
        ("主要职责:\n", "# 新增一行注释\n主要职责:\n", True),  # every finding below it moves down a line
        ("名称: 药剂科\n分管领导: LD-YZZ\n", "分管领导: LD-YZZ\n名称: 药剂科\n", True),  # 分管领导 moves up
        # Reordered, or facts changed: the cross-file checks run again over the stored facts.
        ("风险点: [YJK-01, YJK-99]", "风险点: [YJK-99, YJK-01]", True),
        ("分管领导: LD-YZZ", "分管领导: LD-YZ", True),
    ],
    ids=["line-inserted", "lines-swapped", "refs-reordered", "fixed"],
)
def test_moved_cross_file_findings_follow_their_lines(
    tmp_path: Path, incremental: list[bool], old: str, new: str, answered: bool
) -> None:
    root = copy_case(INVALID / "lz202-lz205-unresolved-reference", tmp_path / "repo")
    validation.validate(root)
    _edit(root / "registers" / "药剂科.yaml", old, new)
    incremental.clear()
    result = validation.validate(root)
    assert incremental == [answered]
    assert _answer(result) == _cold(root)
    assert _answer(validation.validate(root)) == _cold(root)


def test_a_damaged_record_after_an_edit_gives_the_cold_answer(tmp_path: Path, incremental: list[bool]) -> None:
    root = copy_case(INVALID / "lz202-lz205-unresolved-reference", tmp_path / "repo")
    validation.validate(root)
    with sqlite3.connect(root / CACHE_DB) as db:
        key = f"{cache.code_stamp()}|{cache.RECORD_FORMAT}|"
        assert db.execute("UPDATE runs SET value = x'00112233' WHERE key = ?", (key,)).rowcount == 1
    db.close()
    _edit(root / "registers" / "院长.yaml", "主持医院全面工作", "主持全面工作")
    assert _answer(validation.validate(root)) == _cold(root)
    assert incremental == []  # nothing to build on: a whole run


def test_a_record_from_another_machine_is_not_built_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, incremental: list[bool]
) -> None:
    root = copy_case(INVALID / "lz202-lz205-unresolved-reference", tmp_path / "repo")
    validation.validate(root)
    _edit(root / "registers" / "院长.yaml", "主持医院全面工作", "主持全面工作")
    monkeypatch.setattr(quick_replay, "_KEY", [b"k" * 32])  # another machine's key
    assert _answer(validation.validate(root)) == _cold(root)
    assert incremental == []


def test_a_corrupt_database_after_an_edit_gives_the_cold_answer(tmp_path: Path) -> None:
    root = copy_case(INVALID / "lz202-lz205-unresolved-reference", tmp_path / "repo")
    validation.validate(root)
    _edit(root / "registers" / "院长.yaml", "主持医院全面工作", "主持全面工作")
    (root / CACHE_DB).write_bytes(b"not a database\x00" * 64)
    cache._missed.clear()
    assert _answer(validation.validate(root)) == _cold(root)


def test_records_of_another_lzfk_are_dropped(tmp_path: Path) -> None:
    root = copy_case(VALID / "full-repository", tmp_path / "repo")
    validation.validate(root)
    with sqlite3.connect(root / CACHE_DB) as db:
        db.execute("INSERT INTO runs VALUES ('0.0.1@1|2|', x'00')")
    db.close()
    _edit(root / "registers" / "财务科" / "会计.yaml", "负责会计的日常工作", "负责会计核算")
    validation.validate(root)
    with sqlite3.connect(root / CACHE_DB) as db:
        keys = [row[0] for row in db.execute("SELECT key FROM runs")]
    db.close()
    run = f"{cache.code_stamp()}|{cache.RECORD_FORMAT}|"
    assert sorted(keys) == [run, f"{run}|facts"]


def test_an_edit_beside_a_file_that_cannot_be_read_gives_the_cold_answer(tmp_path: Path) -> None:
    import os

    root = copy_case(INVALID / "lz202-lz205-unresolved-reference", tmp_path / "repo")
    (root / "registers" / os.fsdecode(b"\xff\xfe.yaml")).write_bytes(b"x: 1\n")  # LZ019: never read
    (root / "registers" / "链接.yaml").symlink_to("/etc/hostname")  # LZ017: outside the repository
    validation.validate(root)
    _edit(root / "registers" / "院长.yaml", "主持医院全面工作", "主持全面工作")
    assert _answer(validation.validate(root)) == _cold(root)
    assert _answer(validation.validate(root)) == _cold(root)
