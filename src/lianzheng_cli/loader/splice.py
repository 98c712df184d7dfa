"""Writing single values back into a register file, byte for byte nothing else.

Values are spliced into the original text at the positions the parser reports, so
comments, order, quoting and line ends stay exactly as they were. The file comes back in
its own encoding, BOM and line ends (``SourceText``); the result is parsed again and
compared with what was asked for, and the file is replaced atomically only if nobody
changed it meanwhile. Files lzfk restructures (new keys in bulk, imports) are written with
a round-trip emitter instead; this module is for values.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lianzheng_cli.errors import WriteError
from lianzheng_cli.findings import Finding
from lianzheng_cli.fsutil import write_atomic
from lianzheng_cli.loader.decode import SourceText, decode_source
from lianzheng_cli.loader.markdown import split_markdown
from lianzheng_cli.loader.raw import read_bytes
from lianzheng_cli.loader.yamltree import Pos, Tree, parse_tree

# The line breaks YAML counts (see loader/markdown.py): positions are in these lines.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_NULL_WORDS = frozenset(("~", "null", "Null", "NULL"))
_PLAIN_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@`")


@dataclass(frozen=True)
class ValueEdit:
    """Set the scalar at path (e.g. ``("风险点", 3, "等级")``) to value.

    A key that is not there is inserted on the line after the first of ``after`` (sibling
    keys of the same mapping) that is present, at that key's indentation.
    """

    path: tuple[str | int, ...]
    value: str
    after: tuple[str, ...] = ()


class EditError(WriteError):
    """The file could not be edited safely; it was left as it was."""


def splice_file(path: Path, edits: list[ValueEdit], expect: Mapping[tuple[str | int, ...], Any] | None = None) -> None:
    """Apply edits to the file at path, or raise EditError and leave it untouched.

    expect holds values the caller decided on (path → value; None for absent): when the file
    no longer holds them, it was changed since the caller read it, and nothing is written.
    """
    data, source = _read(path)
    tree = _tree(source.text, path)
    for where, value in (expect or {}).items():
        if _value_at(tree.data, where) != value:
            raise EditError(f"{path} 在读取后被修改过，未写入", hint="请重新运行本命令，按文件现在的内容评级")
    new_text = splice_text(source.text, tree, edits, source.newline, path)
    _verify(tree, new_text, edits, path)
    if _read(path)[0] != data:
        raise EditError(f"{path} 在写入前被修改过，未写入", hint="请重新运行本命令")
    write_atomic(path, source.encode(new_text))


def _value_at(data: Any, where: tuple[str | int, ...]) -> Any:
    for step in where:
        if isinstance(data, dict) and isinstance(step, str):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data):
            data = data[step]
        else:
            return None
    return data


def splice_text(text: str, tree: Tree, edits: list[ValueEdit], newline: str, path: Path) -> str:
    starts = _line_starts(text)
    changes = [_change(text, starts, tree, edit, newline, path) for edit in edits]
    for start, stop, replacement in sorted(changes, reverse=True):
        text = text[:start] + replacement + text[stop:]
    return text


def _read(path: Path) -> tuple[bytes, SourceText]:
    try:
        data, _ = read_bytes(path)
    except OSError as exc:
        raise EditError(f"无法读取 {path}：{exc.strerror or exc}") from exc
    source = decode_source(data, str(path))
    if isinstance(source, Finding):
        raise EditError(f"{path} 无法读取，未写入：{source.message}", hint=source.hint)
    return data, source


def _tree(text: str, path: Path) -> Tree:
    source = text
    if path.suffix.lower() == ".md":
        split = split_markdown(text)
        if split.front_yaml is None:
            raise EditError(f"{path} 没有文件头，无法写入")
        source = split.front_yaml
    tree = parse_tree(source, str(path), spans=True)
    if not isinstance(tree, Tree):
        raise EditError(f"{path} 无法解析，未写入：{tree.message}")
    return tree


def _change(text: str, starts: list[int], tree: Tree, edit: ValueEdit, newline: str, path: Path) -> tuple[int, int, str]:
    parent = _node(tree.data, edit.path[:-1])
    key = edit.path[-1]
    marks = tree.marks_of(parent)
    if marks is None or not isinstance(parent, dict | list):
        raise EditError(f"{path}：找不到“{_describe(edit.path)}”的位置")
    if key in marks.value_ends:
        start, stop = _offset(starts, marks.values[key]), _offset(starts, marks.value_ends[key])
        return start, stop, scalar(edit.value, like=text[start:stop])
    if not isinstance(key, str):
        raise EditError(f"{path}：找不到“{_describe(edit.path)}”的位置")
    return _insertion(text, starts, marks.keys, key, edit, newline, path)


def _insertion(
    text: str, starts: list[int], keys: dict[str, Pos], key: str, edit: ValueEdit, newline: str, path: Path
) -> tuple[int, int, str]:
    anchor = next((name for name in edit.after if name in keys), None)
    if anchor is None:
        raise EditError(f"{path}：找不到插入“{key}”的位置（缺少{'和'.join(edit.after) or '相邻的键'}）")
    line, column = keys[anchor]
    end_of_line = starts[line] if line < len(starts) else len(text)
    if "{" in text[starts[line - 1] : end_of_line][:column]:
        raise EditError(f"{path} 第 {line} 行的内容写在花括号中，请手动补写“{key}”")
    prefix = "" if text[:end_of_line].endswith(("\n", "\r")) else newline
    return end_of_line, end_of_line, f"{prefix}{' ' * (column - 1)}{key}: {scalar(edit.value)}{newline}"


def scalar(value: str, *, like: str = "") -> str:
    """value as a YAML scalar, quoted as the value it replaces was (plain where that is safe)."""
    if like[:1] == "'" and "\n" not in value:
        return "'" + value.replace("'", "''") + "'"
    if like[:1] == '"' or not _plain_is_safe(value):
        return json.dumps(value, ensure_ascii=False)
    return value


def _plain_is_safe(value: str) -> bool:
    return bool(
        value
        and value == value.strip()
        and value[0] not in _PLAIN_FIRST
        and value not in _NULL_WORDS
        and not _LINE_BREAK.search(value)
        and "\t" not in value
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
    )


def _node(data: Any, path: tuple[str | int, ...]) -> Any:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _describe(path: tuple[str | int, ...]) -> str:
    return ".".join(str(part + 1) if isinstance(part, int) else part for part in path)


def _line_starts(text: str) -> list[int]:
    return [0, *(match.end() for match in _LINE_BREAK.finditer(text))]


def _offset(starts: list[int], pos: Pos) -> int:
    return starts[pos[0] - 1] + pos[1] - 1


def _verify(before: Tree, new_text: str, edits: list[ValueEdit], path: Path) -> None:
    expected = copy.deepcopy(before.data)
    for edit in edits:
        _node(expected, edit.path[:-1])[edit.path[-1]] = edit.value
    after = _tree(new_text, path)
    if after.data != expected:
        raise EditError(f"{path}：写入后的内容与预期不符，已放弃写入", hint="请把该文件报告给维护者，并手动修改")
