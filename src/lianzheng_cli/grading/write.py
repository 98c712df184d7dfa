"""``lzfk grade --write``: raise or fill in 等级 values, byte for byte nothing else.

A grade is only ever raised (or filled in), never lowered; the writing itself is the
loader's value splicer (``loader/splice.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lianzheng_cli.loader.splice import ValueEdit, splice_file

# A missing 等级 goes on the line after the risk point's 名称 (or 编号).
_INSERT_AFTER = ("名称", "编号")


@dataclass(frozen=True)
class GradeEdit:
    risk_index: int
    risk_id: str
    old: str | None
    new: str


def apply_edits(path: Path, edits: list[GradeEdit]) -> None:
    """Write the edits; refused when a risk point's 编号 or 等级 is no longer what was graded."""
    expect: dict[tuple[str | int, ...], object] = {}
    for edit in edits:
        expect[("风险点", edit.risk_index, "编号")] = edit.risk_id
        expect[("风险点", edit.risk_index, "等级")] = edit.old
    splice_file(path, [ValueEdit(("风险点", edit.risk_index, "等级"), edit.new, _INSERT_AFTER) for edit in edits], expect)
