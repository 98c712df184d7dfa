"""Changes counted per department and for the unit — what the yearly review reports first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lianzheng_cli.history.changes import LEADERSHIP, UNIT_GROUP, Change, Kind

# (JSON key, column title, kinds): each cell counts distinct risk points, or registers.
COLUMNS: tuple[tuple[str, str, frozenset[Kind]], ...] = (
    ("added", "新增", frozenset({Kind.ADDED})),
    ("removed", "撤销", frozenset({Kind.REMOVED})),
    ("raised", "升级", frozenset({Kind.RAISED})),
    ("lowered", "降级", frozenset({Kind.LOWERED})),
    ("moved", "移动", frozenset({Kind.MOVED})),
    ("text", "内容修改", frozenset({Kind.TEXT, Kind.REGRADED})),
    ("measures", "措施调整", frozenset({Kind.MEASURE_ADDED, Kind.MEASURE_REMOVED, Kind.MEASURE_CHANGED})),
    ("registers_added", "新增登记表", frozenset({Kind.REGISTER_ADDED})),
    ("registers_removed", "撤销登记表", frozenset({Kind.REGISTER_REMOVED})),
)
TOTAL = "全单位合计"


@dataclass(frozen=True)
class Row:
    department: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def count(changes: Iterable[Change]) -> dict[str, int]:
    """Distinct 编号 per column."""
    seen: dict[str, set[str]] = {key: set() for key, _, _ in COLUMNS}
    for change in changes:
        for key, _, kinds in COLUMNS:
            if change.kind in kinds:
                seen[key].add(change.id)
    return {key: len(ids) for key, ids in seen.items()}


def summarise(changes: list[Change]) -> tuple[list[Row], Row]:
    """One row per department (unit level first, then 领导班子, then departments by name), and the unit total."""
    groups: dict[str, list[Change]] = {}
    for change in changes:
        groups.setdefault(change.department, []).append(change)
    order = sorted(groups, key=lambda name: (name != UNIT_GROUP, name != LEADERSHIP, name))
    rows = [Row(name, count(groups[name])) for name in order]
    return [row for row in rows if row.total], Row(TOTAL, count(changes))
