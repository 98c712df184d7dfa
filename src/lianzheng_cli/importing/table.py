"""The plain table every reader produces: text cells with merges resolved."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

_SPACES = re.compile(r"[\s\u3000\u00a0]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Cell texts repeat down a table (a 一览表's measures, types, grades): the pure functions of
# a cell's text keep this many distinct texts' results.
CACHED_TEXTS = 4096


@dataclass(frozen=True, slots=True)
class Row:
    """One source row: 1-based number as the user sees it, cell texts, and merge origins."""

    number: int
    cells: list[str]
    # For each cell, the (row index, column) of the merged area's first cell; a cell whose
    # origin is not itself repeats the value of a merge that began elsewhere.
    origins: list[tuple[int, int]]
    index: int

    def merged_from_above(self, column: int) -> bool:
        return self.origins[column][0] < self.index

    def merged_from_left(self, column: int) -> bool:
        return self.origins[column][1] < column


@dataclass
class SourceTable:
    """A table of one source file: a Word table or a worksheet."""

    label: str  # 表格 2 / 工作表“汇总”
    rows: list[Row]
    width: int
    # Text around the table (Word paragraphs): stated totals are looked for there.
    notes: list[str] = field(default_factory=list)


@dataclass
class SourceFile:
    """What a reader made of one file."""

    tables: list[SourceTable]
    notes: list[str] = field(default_factory=list)
    encoding: str = ""


class ReadFailure(Exception):
    """The file cannot be read at all; the message is Chinese and names the file."""

    def __init__(self, code: str, message: str, hint: str, *, where: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint
        self.where = where


@lru_cache(maxsize=CACHED_TEXTS)
def clean(text: str) -> str:
    """Cell text as a value: line breaks normalised, control characters gone, ends trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x07", "")
    text = _CONTROL.sub("", text)
    lines = [line.strip(" \t\u3000\u00a0") for line in text.split("\n")]
    return "\n".join(line for line in lines if line).strip()


def squeeze(text: str) -> str:
    """Label text for matching: every kind of space and line break removed."""
    return _SPACES.sub("", text)


def grid_from_values(values: list[list[str]], merges: list[tuple[int, int, int, int]], *, first_row: int = 1) -> list[Row]:
    """Rows from a rectangular value grid and merged areas (top, left, bottom, right; 0-based, inclusive)."""
    width = max((len(row) for row in values), default=0)
    cells = [[*row, *([""] * (width - len(row)))] for row in values]
    origins = [[(r, c) for c in range(width)] for r in range(len(cells))]
    for top, left, bottom, right in merges:
        if top >= len(cells) or left >= width:
            continue
        value = cells[top][left]
        for r in range(top, min(bottom, len(cells) - 1) + 1):
            for c in range(left, min(right, width - 1) + 1):
                cells[r][c] = value
                origins[r][c] = (top, left)
    return [Row(first_row + r, cells[r], origins[r], r) for r in range(len(cells))]
