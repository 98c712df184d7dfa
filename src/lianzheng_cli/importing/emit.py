"""YAML that lzfk import writes: new files, and risk points appended to existing ones (ruamel.yaml)."""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import ScalarNode

from lianzheng_cli.errors import WriteError
from lianzheng_cli.findings import Finding
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
_STR_TAG = "tag:yaml.org,2002:str"
_MAX_SIMPLE_KEY = 128  # ruamel.yaml writes a longer key as an explicit "? key"
_WORDS = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff0-9A-Za-z_.\-]*")  # e.g. 财务科-岗位00001-01
_LINE_LIMIT = 4000  # below the emitter's width (4096): no line is folded


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


def _flow_marked(value: Any, key: str = "") -> Any:
    """value for a new file: plain dicts and lists (they emit the same bytes as the commented
    types, with less work), only the lists written in flow style marked as such."""
    if isinstance(value, dict):
        return {name: _flow_marked(item, name) for name, item in value.items()}
    if isinstance(value, list):
        if key in FLOW_KEYS:
            sequence = CommentedSeq(_flow_marked(item) for item in value)
            sequence.fa.set_flow_style()
            return sequence
        return [_flow_marked(item) for item in value]
    return value


class _Declined(Exception):
    """The data holds a shape or a scalar that _Layout leaves to ruamel.yaml."""


class _Layout:
    """The text ruamel.yaml (as _yaml() sets it up) writes for register data, without its
    event machinery, which costs some 20 µs a node (a 10,000-row import spent ~9 s in it).

    ruamel.yaml stays the emitter of record: each scalar's style comes from its own analysis
    and resolver; only plain and single-quoted scalars in block mappings, block sequences
    and flow sequences of strings are laid out here. Anything else (an empty or multi-line
    text, one needing double quotes, a line long enough to fold, None, numbers, empty
    mappings) raises _Declined and ruamel.yaml writes the whole file. tests/importing/
    test_emit.py checks the two give the same bytes.
    """

    def __init__(self, yaml: YAML) -> None:
        self._analyze = yaml.emitter.analyze_scalar
        self._resolver = yaml.resolver
        self._scalars: dict[tuple[str, bool, bool], str] = {}
        # Implicit resolvers are found by a text's first character: none for an ideograph.
        firsts = list(yaml.resolver.versioned_resolver)
        self._words = all(isinstance(first, str) and first[:1] < "\u4e00" for first in firsts)

    def document(self, data: Any) -> str:
        lines: list[str] = []
        self._mapping(data, 0, "", lines)
        if max(map(len, lines)) >= _LINE_LIMIT:
            raise _Declined
        lines.append("")
        return "\n".join(lines)

    def _mapping(self, mapping: Any, indent: int, first: str, lines: list[str]) -> None:
        """first: what starts the first line (a sequence item's dash), as wide as the indent."""
        if type(mapping) is not dict or not mapping:
            raise _Declined
        pad = " " * indent
        for key, value in mapping.items():
            head = f"{first or pad}{self._scalar(key, key=True)}:"
            first = ""
            if type(value) is str:
                lines.append(f"{head} {self._scalar(value)}")
            elif type(value) is list:
                self._list(key, value, indent, head, lines)
            elif type(value) is dict:
                lines.append(head)
                self._mapping(value, indent + 2, "", lines)
            else:
                raise _Declined

    def _list(self, key: str, items: list[Any], indent: int, head: str, lines: list[str]) -> None:
        if not items:
            lines.append(f"{head} []")
        elif key in FLOW_KEYS:
            lines.append(f"{head} [{', '.join(self._scalar(item, flow=True) for item in items)}]")
        else:
            lines.append(head)
            dash = " " * (indent + 2) + "- "
            for item in items:
                if type(item) is str:
                    lines.append(dash + self._scalar(item))
                else:
                    self._mapping(item, indent + 4, dash, lines)

    def _scalar(self, value: Any, *, flow: bool = False, key: bool = False) -> str:
        if type(value) is not str or not value:
            raise _Declined
        known = self._scalars.get((value, flow, key))
        if known is not None:
            return known
        if self._words and _WORDS.fullmatch(value) and not (key and len(value) >= _MAX_SIMPLE_KEY):
            # What the analysis below says of such a text (no indicator, space, break or
            # special character: plain in block and flow), without its loop over characters.
            self._scalars[(value, flow, key)] = value
            return value
        analysis = self._analyze(value)
        if analysis.multiline or (key and len(value) >= _MAX_SIMPLE_KEY):
            raise _Declined
        # Emitter.choose_scalar_style for a str with no style of its own:
        resolved = str(self._resolver.resolve(ScalarNode, value, (True, False))) == _STR_TAG
        if resolved and (analysis.allow_flow_plain if flow else analysis.allow_block_plain):
            text = value
        elif analysis.allow_single_quoted and "'" not in value:
            text = f"'{value}'"
        else:
            raise _Declined
        self._scalars[(value, flow, key)] = text
        return text


@cache
def _new_file_yaml() -> tuple[YAML, _Layout]:
    """One ruamel.yaml instance (and layout) per process for new files: setting one up costs."""
    yaml = _yaml()
    return yaml, _Layout(yaml)


def laid_out_text(data: dict[str, Any], header: str) -> str | None:
    """A new file's text by _Layout, checked; None where ruamel.yaml must write it (ruamel_text)."""
    text = _laid_out(data, header)
    if text is not None:
        _check(text, data, "新文件")
    return text


def ruamel_text(data: dict[str, Any], header: str) -> str:
    """A new file's text as ruamel.yaml writes it, checked."""
    text = _ruamel(data, header)
    _check(text, data, "新文件")
    return text


def new_file_text(data: dict[str, Any], header: str) -> str:
    """A new register file: a comment naming its source, then the register in block style."""
    text = unchecked_new_file_text(data, header)
    _check(text, data, "新文件")
    return text


def unchecked_new_file_text(data: dict[str, Any], header: str) -> str:
    """new_file_text before its check: for a caller that parses the text anyway and hands
    the tree to confirm (lzfk import checks each new file as validate would, once)."""
    return _laid_out(data, header) or _ruamel(data, header)


def _laid_out(data: dict[str, Any], header: str) -> str | None:
    try:
        body = _new_file_yaml()[1].document(data)
    except _Declined:
        return None
    return _finish(body, header)


def _ruamel(data: dict[str, Any], header: str) -> str:
    stream = io.StringIO()
    _new_file_yaml()[0].dump(_flow_marked(data), stream)
    return _finish(stream.getvalue(), header)


def _finish(body: str, header: str) -> str:
    comments = "".join(f"# {line}\n" for line in header.splitlines())
    # A date written as text is quoted by the emitter (YAML 1.2 would read it as a date);
    # lzfk reads every scalar as text, so the plain form the clerks write is safe and kept.
    return comments + _PLAIN_DATE.sub(r"\1\2", body)


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
    confirm(parse_tree(text, display), expected, display)


def confirm(tree: Tree | Finding | None, expected: dict[str, Any], display: str) -> None:
    """Raise WriteError unless tree (lzfk's parse of a text about to be written) holds exactly expected."""
    if not isinstance(tree, Tree):
        raise WriteError(f"{display}：写出的内容与预期不符，已放弃写入", hint="请把源文件报告给维护者")
    # A parsed tree holds only text, None, lists and mappings, so equal as it stands means
    # equal as text too; only otherwise are both compared as text.
    if tree.data != expected and _plain(tree.data) != _plain(expected):
        raise WriteError(f"{display}：写出的内容与预期不符，已放弃写入", hint="请把源文件报告给维护者")


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value if value is None else str(value)
