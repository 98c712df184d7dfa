"""YAML that lzfk import writes: new files, and risk points appended to existing ones (ruamel.yaml)."""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from lianzheng_cli.errors import WriteError
from lianzheng_cli.fsutil import write_atomic
from lianzheng_cli.loader.yamltree import Tree, parse_tree


def _yaml() -> YAML:
    yaml = YAML()  # round-trip mode: comments, key order and flow styles of what it loads stay
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.allow_unicode = True
    yaml.preserve_quotes = True
    return yaml


_PLAIN_DATE = re.compile(r"^(\s*日期: )'(\d{4}-\d{2}-\d{2})'$", re.MULTILINE)
FLOW_KEYS = frozenset(("在岗人员", "风险因素", "分管", "副组长", "成员"))


def _commented(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        mapping = CommentedMap()
        for name, item in value.items():
            mapping[name] = _commented(item, name)
        return mapping
    if isinstance(value, list):
        sequence = CommentedSeq(_commented(item) for item in value)
        if key in FLOW_KEYS:
            sequence.fa.set_flow_style()
        return sequence
    return value


def new_file_text(data: dict[str, Any], header: str) -> str:
    """A new register file: a comment naming its source, then the register in block style."""
    stream = io.StringIO()
    for line in header.splitlines():
        stream.write(f"# {line}\n")
    _yaml().dump(_commented(data), stream)
    # A date written as text is quoted by the emitter (YAML 1.2 would read it as a date);
    # lzfk reads every scalar as text, so the plain form the clerks write is safe and kept.
    text = _PLAIN_DATE.sub(r"\1\2", stream.getvalue())
    _check(text, data, "新文件")
    return text


def appended_text(text: str, risks: list[dict[str, Any]], display: str) -> str:
    """The file's text with risk points added at the end of its 风险点 (round trip: comments kept)."""
    yaml = _yaml()
    document = yaml.load(text)
    before = parse_tree(text, display)
    if not isinstance(before, Tree) or not isinstance(document, CommentedMap):
        raise WriteError(f"{display} 无法解析，未合并", hint="先运行 lzfk validate 修正该文件")
    existing = document.get("风险点")
    if existing is None:
        document["风险点"] = CommentedSeq()
        existing = document["风险点"]
    for risk in risks:
        existing.append(_commented(risk))
    stream = io.StringIO()
    yaml.dump(document, stream)
    expected = copy.deepcopy(before.data)
    expected.setdefault("风险点", [])
    if expected["风险点"] is None:
        expected["风险点"] = []
    expected["风险点"].extend(copy.deepcopy(risks))
    result = stream.getvalue()
    _check(result, expected, display)
    return result


def restructured_text(text: str, change: Callable[[Any], None], expected: Any, display: str) -> str:
    """The file's text after change (applied to its round-trip document), checked against expected."""
    yaml = _yaml()
    document = yaml.load(text)
    if not isinstance(document, CommentedMap):
        raise WriteError(f"{display} 无法解析，未写入", hint="先运行 lzfk validate 修正该文件")
    change(document)
    stream = io.StringIO()
    yaml.dump(document, stream)
    result = stream.getvalue()
    _check(result, expected, display)
    return result


def commented(value: Any) -> Any:
    return _commented(value)


def _check(text: str, expected: dict[str, Any], display: str) -> None:
    """Read what is about to be written with lzfk's own parser: it must say exactly what was meant."""
    tree = parse_tree(text, display)
    if not isinstance(tree, Tree) or _plain(tree.data) != _plain(expected):
        raise WriteError(f"{display}：写出的内容与预期不符，已放弃写入", hint="请把源文件报告给维护者")


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value if value is None else str(value)


def write_text(path: Path, text: str) -> None:
    write_atomic(path, text.encode("utf-8"))
