"""``lzfk grade --write``: change only the 等级 values, byte for byte nothing else.

Values are spliced into the original text at the positions the parser reports, so
comments, order, quoting and line ends stay exactly as they were; the result is parsed
again and compared with the original before it replaces the file atomically. A grade is
only ever raised (or filled in), never lowered.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from lianzheng_cli.errors import WriteError
from lianzheng_cli.fsutil import write_atomic
from lianzheng_cli.loader.markdown import split_markdown
from lianzheng_cli.loader.yamltree import Pos, Tree, parse_tree


@dataclass(frozen=True)
class GradeEdit:
    risk_index: int
    risk_id: str
    old: str | None
    new: str


class EditError(WriteError):
    """The file could not be edited safely; it was left as it was."""


def apply_edits(path: Path, edits: list[GradeEdit]) -> None:
    data = path.read_bytes()
    text = data.decode("utf-8-sig")
    bom = data.startswith(b"\xef\xbb\xbf")
    tree = _tree(text, path)
    new_text = _splice(text, tree, edits, path)
    _verify(tree, new_text, edits, path)
    write_atomic(path, (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8"))


def _tree(text: str, path: Path) -> Tree:
    source = text
    if path.suffix.lower() == ".md":
        split = split_markdown(text)
        if split.front_yaml is None:
            raise EditError(f"{path} 没有文件头，无法写入等级")
        source = split.front_yaml
    tree = parse_tree(source, str(path), spans=True)
    if not isinstance(tree, Tree):
        raise EditError(f"{path} 无法解析，未写入：{tree.message}")
    return tree


def _splice(text: str, tree: Tree, edits: list[GradeEdit], path: Path) -> str:
    starts = _line_starts(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    changes: list[tuple[int, int, str]] = []
    for edit in edits:
        risk = tree.data["风险点"][edit.risk_index]
        marks = tree.marks_of(risk)
        if marks is None:
            raise EditError(f"{path}：找不到风险点 {edit.risk_id} 的位置")
        if "等级" in risk:
            begin, end = marks.values["等级"], marks.value_ends["等级"]
            start, stop = _offset(starts, begin), _offset(starts, end)
            changes.append((start, stop, _quoted_like(text[start:stop], edit.new)))
        else:
            changes.append(_insertion(text, starts, marks.keys, edit.new, newline, path))
    for start, stop, replacement in sorted(changes, reverse=True):
        text = text[:start] + replacement + text[stop:]
    return text


def _insertion(text: str, starts: list[int], keys: dict[str, Pos], grade: str, newline: str, path: Path) -> tuple[int, int, str]:
    anchor = "名称" if "名称" in keys else "编号"
    if anchor not in keys:
        raise EditError(f"{path}：风险点缺少编号和名称，无法补写等级")
    line, column = keys[anchor]
    line_text = text[starts[line - 1] : starts[line] if line < len(starts) else len(text)]
    if "{" in line_text[:column]:
        raise EditError(f"{path} 第 {line} 行的风险点写在花括号中，请手动补写“等级”")
    end_of_line = starts[line] if line < len(starts) else len(text)
    prefix = "" if text[:end_of_line].endswith(("\n", "\r")) else newline
    return end_of_line, end_of_line, f"{prefix}{' ' * (column - 1)}等级: {grade}{newline}"


def _quoted_like(original: str, value: str) -> str:
    if original[:1] in ("'", '"'):
        return f"{original[0]}{value}{original[0]}"
    return value


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _offset(starts: list[int], pos: Pos) -> int:
    return starts[pos[0] - 1] + pos[1] - 1


def _verify(before: Tree, new_text: str, edits: list[GradeEdit], path: Path) -> None:
    expected = copy.deepcopy(before.data)
    for edit in edits:
        expected["风险点"][edit.risk_index]["等级"] = edit.new
    after = _tree(new_text, path)
    if after.data != expected:
        raise EditError(f"{path}：写入后的内容与预期不符，已放弃写入", hint="请把该文件报告给维护者，并手动修改等级")
