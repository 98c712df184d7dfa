"""The work ledger (台账): located errors, reference checks, and the progress counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lianzheng_cli.ledger import load_ledger
from lianzheng_cli.loading import load_repository
from lianzheng_cli.render.assemble import organise
from lianzheng_cli.render.progress import default_as_of, progress_view


def _write(root: Path, text: str) -> None:
    (root / "台账").mkdir(exist_ok=True)
    (root / "台账" / "2025.yaml").write_text(text, encoding="utf-8")


def _items(root: Path, as_of: dt.date) -> dict[int, str]:
    loaded = load_repository(root)
    view = progress_view(organise(loaded), loaded.ledger, as_of)
    return {item["序号"]: item["值"] for item in view["项目"]}


def test_sample_ledger_is_clean_and_counts_up_to_the_cut_off(sample: Path) -> None:
    ledger = load_repository(sample).ledger
    assert ledger.findings == []
    june = _items(sample, dt.date(2025, 6, 25))
    december = _items(sample, dt.date(2025, 12, 31))
    assert june[1] == "□全额 ☑差额 □自收自支"
    assert (june[2], june[3], june[16], june[17]) == ("是", "是", "是", "1")
    assert december[17] == "2"  # the September warning counts only after it happened
    assert (june[23], june[26], june[27], june[29], june[20], june[21]) == ("2", "2", "1/1", "2", "1", "4")
    assert (june[7], june[8], june[9], june[12], june[14], june[19]) == ("86", "68/15/3", "16/51/19", "28", "28", "258")
    assert june[5] == "40" and june[6] == "5/11"
    before = _items(sample, dt.date(2025, 1, 31))
    assert (before[2], before[17], before[23]) == ("否", "0", "0")


def test_without_ledger_activity_items_are_zero(sample: Path) -> None:
    (sample / "台账" / "2025.yaml").unlink()
    items = _items(sample, dt.date(2025, 12, 31))
    assert items[1] == "□全额 □差额 □自收自支"
    assert (items[17], items[23], items[29]) == ("0", "0", "0")
    assert items[7] == "86"


def test_schema_errors_are_located(sample: Path) -> None:
    _write(
        sample,
        "年度: 2025\n记录:\n  - 日期: 2025-03-01\n    事项: 培训\n    内容: 廉政培训\n  - 日期: 2025-13-01\n    事项: 廉政教育\n    内容: x\n",
    )
    ledger = load_ledger(sample, None)
    where = {(f.path, f.line, f.code) for f in ledger.findings}
    assert ("台账/2025.yaml", 4, "LZ104") in where
    assert ("台账/2025.yaml", 6, "LZ105") in where
    assert ledger.files == []


def test_reference_and_year_checks(sample: Path) -> None:
    _write(
        sample,
        "年度: 2025\n记录:\n  - 日期: 2024-12-30\n    事项: 风险预警\n    内容: 提醒\n    关联: [YJK-CG-01, 不存在-01]\n",
    )
    ledger = load_repository(sample).ledger
    found = [(f.line, f.column, f.code) for f in ledger.findings]
    assert found == [(3, 9, "LZ501"), (6, 21, "LZ502")]
    assert all(f.severity.name == "WARNING" for f in ledger.findings)


def test_people_taking_part_may_be_given_in_the_ledger(sample: Path) -> None:
    from_registers = _items(sample, dt.date(2025, 6, 25))[5]
    _write(sample, "年度: 2025\n参与人数: 312\n记录: []\n")
    loaded = load_repository(sample)
    view = progress_view(organise(loaded), loaded.ledger, dt.date(2025, 6, 25))
    item = view["项目"][4]
    assert (item["值"], item["来源"]) == ("312", "台账")
    assert from_registers != "312"
    assert any("取自工作台账" in note for note in view["说明"])


@pytest.mark.parametrize(
    ("year", "today", "expected"),
    [
        (2025, dt.date(2025, 6, 25), dt.date(2025, 6, 25)),  # this year's registers: today
        (2024, dt.date(2025, 6, 25), dt.date(2024, 12, 31)),  # last year's: the end of their 年度, never today
        (2026, dt.date(2025, 12, 4), dt.date(2026, 12, 31)),  # next year's, drafted early: not a date before the year
    ],
)
def test_the_cut_off_defaults_to_a_date_within_the_registers_year(year: int, today: dt.date, expected: dt.date) -> None:
    assert default_as_of(year, today) == expected
