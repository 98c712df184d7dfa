"""lzfk import checks each new file once, before writing it, and leaves validate's outcome
in the cache: the validation after writing (and the next lzfk validate) checks no new file
again, and says exactly what a validation without the cache says."""

from __future__ import annotations

from pathlib import Path

import pytest

from lianzheng_cli.importing import plan
from lianzheng_cli.validation import validate
from tests.helpers import build_repo, lines_of
from tests.importing.builders import post_form

POSTS = ("药品采购员", "药库保管员", "处方审核员")


def _listing(path: Path) -> Path:
    """A 一览表 of four posts in two departments, one of which the forms also name."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["科室", "岗位", "风险点", "风险等级", "防控措施"])
    for number in range(8):
        department = ("药剂科", "财务科")[number % 2]
        sheet.append(
            [department, f"岗位{number // 2}", f"风险点{number}", "高中低"[number % 3], "1.事前：签订承诺书\n2.事中：抽查"]
        )
    workbook.save(str(path))
    return path


def _sources(folder: Path) -> list[Path]:
    folder.mkdir()
    forms = [post_form(folder / f"{name}.docx", {"post": name}, department="药剂科") for name in POSTS]
    return [*forms, _listing(folder / "一览表.xlsx")]


def _imported(tmp_path: Path, name: str) -> tuple[Path, plan.ImportReport]:
    root = build_repo(tmp_path / name, {})
    (root / "registers").mkdir()
    report = plan.plan_import(root, _sources(tmp_path / f"{name}-sources"))
    plan.apply_import(report, root)
    return root, report


@pytest.mark.parametrize("threshold", [10**9, 1], ids=["one process", "worker processes"])
def test_the_validation_after_an_import_checks_no_new_file_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checked: list[str], threshold: int
) -> None:
    monkeypatch.setattr(plan, "PARALLEL_EMIT", threshold)
    root, report = _imported(tmp_path, "repo")
    new = [w.display for w in report.writes if w.action == "新建"]
    assert len(new) >= 5
    assert checked == []  # every new file's outcome came from the cache
    assert report.validation  # the imported files are not complete yet: there is something to say
    uncached = validate(root, use_cache=False)
    assert lines_of(report.validation) == lines_of([f for f in uncached.findings if f.path in set(new)])
    assert lines_of(validate(root).findings) == lines_of(uncached.findings)


def test_a_file_changed_after_the_import_is_checked_again(tmp_path: Path, checked: list[str]) -> None:
    root, report = _imported(tmp_path, "repo")
    assert checked == []
    edited = next(w for w in report.writes if w.action == "新建" and "药品采购员" in w.display)
    edited.path.write_text(edited.path.read_text(encoding="utf-8").replace("药品采购员", "药品采购岗"), encoding="utf-8")
    result = validate(root)
    assert checked == [edited.display]
    assert lines_of(result.findings) == lines_of(validate(root, use_cache=False).findings)


def test_without_a_cache_folder_the_import_still_validates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache that cannot be written only costs speed: validate checks the files itself."""
    from lianzheng_cli import cache

    monkeypatch.setattr(cache, "open_db", lambda root, *, create: None)
    root, report = _imported(tmp_path, "repo")
    new = {w.display for w in report.writes if w.action == "新建"}
    uncached = validate(root, use_cache=False)
    assert lines_of(report.validation) == lines_of([f for f in uncached.findings if f.path in new])
