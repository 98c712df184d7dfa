"""YAML text to a plain tree (dict/list/str/None) plus the position of every node.

Read with PyYAML's event parser (libyaml in C when available): it is ~20x faster than
ruamel's round-trip loader and, unlike composing, never recurses, so no input can
exhaust the stack. Every scalar stays text: the models decide what is a date or number,
so ``编号: 001`` keeps its zeros and ``是/否``, ``no`` or ``1:30`` are never reinterpreted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml import events as ev

from lianzheng_cli.findings import Finding

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml: same events, pure Python
    _Loader = yaml.SafeLoader

MAX_DEPTH = 32
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FLOW_BRACKETS = re.compile(r"[\[\]{}]")
_FLOW_QUESTION = re.compile(r"[\[{,][ \t]*(\?)[^\s,\]}]")
_TRAILING_BLANK = re.compile(r"\n[ \t]+\Z")

# Position of a node: (line, column), both 1-based.
Pos = tuple[int, int]


@dataclass
class Marks:
    """Where one mapping or sequence, and each of its entries, stands in the file."""

    start: Pos
    keys: dict[str, Pos] = field(default_factory=dict)
    values: dict[Any, Pos] = field(default_factory=dict)
    value_ends: dict[Any, Pos] = field(default_factory=dict)  # scalars only, when parsed with spans


@dataclass
class Tree:
    """A parsed document: plain data plus a side table of positions keyed by node id."""

    data: Any
    marks: dict[int, Marks]

    def marks_of(self, node: Any) -> Marks | None:
        return self.marks.get(id(node))

    def pos(self, path: tuple[str | int, ...], *, key: bool = False) -> Pos:
        """Where the value (or with key=True, the key) at path stands; the nearest known place."""
        node = self.data
        best = self._start(node)
        for index, part in enumerate(path):
            marks = self.marks_of(node)
            if marks is None:
                return best
            last = index == len(path) - 1
            place = marks.keys.get(part) if (key and last and isinstance(part, str)) else marks.values.get(part)
            if place is None:
                return best
            best = place
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return best
        return best

    def _start(self, node: Any) -> Pos:
        marks = self.marks_of(node)
        return marks.start if marks else (1, 1)


class _Stop(Exception):
    def __init__(self, finding: Finding) -> None:
        self.finding = finding


class _Frame:
    __slots__ = ("index", "key", "key_pos", "marks", "node")

    def __init__(self, node: Any, marks: Marks) -> None:
        self.node = node
        self.marks = marks
        self.key: str | None = None
        self.key_pos: Pos = (0, 0)
        self.index = 0


def parse_tree(text: str, path: str, *, spans: bool = False) -> Tree | Finding:
    """Parse one YAML document; any problem becomes one located finding.

    With spans=True the end of every scalar value is recorded too (for editing in place).
    """
    pre = _precheck(text, path)
    if pre is not None:
        return pre
    if _TRAILING_BLANK.search(text):
        # libyaml drops the last line of a block scalar when the file ends in spaces without
        # a line break (yaml-test-suite JEF9, L24T); with the break it reads it as YAML says.
        text += "\n"
    try:
        return _Builder(path, spans=spans).build(_events(text))
    except _Stop as stop:
        return stop.finding
    except yaml.YAMLError as exc:
        return _syntax_finding(exc, text, path)


def _events(text: str) -> Iterator[ev.Event]:
    parser = _Loader(text)
    try:
        get_event = parser.get_event
        stream_end = ev.StreamEndEvent
        while True:
            event = get_event()
            if type(event) is stream_end:
                return
            yield event
    finally:
        parser.dispose()


def _precheck(text: str, path: str) -> Finding | None:
    for match in re.finditer(r"^%(YAML|TAG)\b.*$", text, re.MULTILINE):
        line = text.count("\n", 0, match.start()) + 1
        return Finding.of(
            "LZ008",
            path,
            (line, 1),
            f"文件中有指令“{match.group(0).strip()}”，lzfk 不接受 YAML 指令",
            "删除这一行（以及紧随其后的 --- 行）；lzfk 一律按 YAML 1.2 读取",
        )
    if "?" in text and (flow_key := _FLOW_QUESTION.search(text)) is not None:
        # libyaml reads ?x right after [ { or , as an explicit key, where YAML reads the text
        # "?x" (yaml-test-suite 652Z, HM87): refuse rather than read the wrong data.
        offset = flow_key.start(1)
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return Finding.of(
            "LZ003",
            path,
            (line, column),
            "方括号或花括号中的文字以问号“?”开头，容易被误读",
            '给这段文字加上引号，例如 ["?x"]',
        )
    if text.count("[") + text.count("{") > 64:
        return _flow_depth(text, path)
    return None


def _flow_depth(text: str, path: str) -> Finding | None:
    # libyaml slows down quadratically on deep flow nesting ([[[[...), so refuse early.
    depth = 0
    for match in _FLOW_BRACKETS.finditer(text):
        depth = depth + 1 if match.group(0) in "[{" else max(depth - 1, 0)
        if depth > MAX_DEPTH:
            offset = match.start()
            line = text.count("\n", 0, offset) + 1
            column = offset - (text.rfind("\n", 0, offset) + 1) + 1
            return _too_deep(path, (line, column))
    return None


def _too_deep(path: str, pos: Pos) -> Finding:
    return Finding.of("LZ009", path, pos, f"嵌套超过 {MAX_DEPTH} 层，登记表不需要这么深的结构", "检查括号是否配对、缩进是否正确")


class _Builder:
    def __init__(self, path: str, *, spans: bool = False) -> None:
        self.path = path
        self.spans = spans
        self.marks: dict[int, Marks] = {}
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.documents = 0
        self.second_document: ev.Event | None = None
        self.has_content = False

    def build(self, events: Iterator[ev.Event]) -> Tree | Finding:
        # The hot loop of every command: scalars and plain collections are handled inline
        # (a method call per event would double the time); anything unusual goes to
        # _dispatch, which reports it.
        scalar_event, mapping_start, sequence_start = ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent
        ends = (ev.MappingEndEvent, ev.SequenceEndEvent)
        stack = self.stack
        marks_table = self.marks
        spans = self.spans
        event: Any
        for event in events:
            kind = type(event)
            if kind is scalar_event:
                if event.anchor is not None or event.tag not in (None, "!") or event.style == '"' or not stack:
                    self._dispatch(event)
                    continue
                value = event.value
                if not event.style and value in _NULLS:
                    value = None
                frame = stack[-1]
                mark = event.start_mark
                pos = (mark.line + 1, mark.column + 1)
                node = frame.node
                if type(node) is list:
                    node.append(value)
                    frame.marks.values[frame.index] = pos
                    frame.index += 1
                elif frame.key is None:
                    if value is None or value in node:
                        self._dispatch(event)
                        continue
                    frame.key = value
                    frame.marks.keys[value] = pos
                else:
                    node[frame.key] = value
                    frame.marks.values[frame.key] = pos
                    if spans:
                        frame.marks.value_ends[frame.key] = _end(event)
                    frame.key = None
            elif kind is mapping_start or kind is sequence_start:
                if event.anchor is not None or event.tag not in (None, "!") or not stack:
                    self._dispatch(event)
                    continue
                frame = stack[-1]
                if len(stack) >= MAX_DEPTH or (type(frame.node) is dict and frame.key is None):
                    self._dispatch(event)
                    continue
                collection: dict[str, Any] | list[Any] = {} if kind is mapping_start else []
                mark = event.start_mark
                pos = (mark.line + 1, mark.column + 1)
                if type(frame.node) is list:
                    frame.node.append(collection)
                    frame.marks.values[frame.index] = pos
                    frame.index += 1
                else:
                    frame.node[frame.key] = collection
                    frame.marks.values[frame.key] = pos
                    frame.key = None
                marks = Marks(pos)
                marks_table[id(collection)] = marks
                stack.append(_Frame(collection, marks))
            elif kind in ends:
                stack.pop()
            else:
                self._dispatch(event)
        if not self.has_content:
            return Finding.of(
                "LZ011", self.path, (1, 1), "文件是空的（或只有注释）", "文件中还没有内容：请按格式填写（见 docs/format.md）"
            )
        return Tree(self.root, self.marks)

    def _dispatch(self, event: ev.Event) -> None:
        kind = type(event)
        if kind is ev.ScalarEvent:
            self._scalar(event)  # type: ignore[arg-type]
        elif kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
            self._start(event, {} if kind is ev.MappingStartEvent else [])  # type: ignore[arg-type]
        elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
            self.stack.pop()
        elif kind is ev.AliasEvent:
            self._stop(event, "LZ006", "使用了别名（*）引用", "lzfk 不接受锚点与别名：请把被引用的内容直接写出来")
        elif kind is ev.DocumentStartEvent:
            self._document(event)  # type: ignore[arg-type]

    def _document(self, event: ev.DocumentStartEvent) -> None:
        self.documents += 1
        if self.documents == 2:
            self.second_document = event

    def _second_document(self, node: Any) -> None:
        # A trailing "---" with nothing after it is harmless; content after it is not.
        if node is None or self.second_document is None:
            return
        self._stop(
            self.second_document,
            "LZ013",
            "一个文件中只能有一份登记表，这里出现了第二个文档（---）",
            "把第二份内容移到单独的文件中，或删除多余的 --- 行",
        )

    def _check_node(self, event: ev.NodeEvent) -> None:
        if event.anchor is not None:
            self._stop(event, "LZ006", f"使用了锚点“&{event.anchor}”", "lzfk 不接受锚点与别名：请把被引用的内容直接写出来")
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            self._stop(event, "LZ007", f"使用了显式标签“{shown}”", "删除标签；需要文本时请用引号把值括起来")

    def _scalar(self, event: ev.ScalarEvent) -> None:
        self._check_node(event)
        value: str | None = event.value
        # libyaml reports a plain scalar's style as '' where pure PyYAML says None.
        if not event.style and value in _NULLS:
            value = None
        elif event.style == '"' and value is not None and _CONTROL.search(value):
            self._stop(event, "LZ012", "文本中含有控制字符（如 \\a、\\x0b），生成 Word 文档时会出错", "删除转义写出的控制字符")
        if self.stack:
            self._place(event, value, is_scalar=True)
        else:
            self._root(event, value)

    def _start(self, event: ev.CollectionStartEvent, node: dict[str, Any] | list[Any]) -> None:
        self._check_node(event)
        if len(self.stack) >= MAX_DEPTH:
            raise _Stop(_too_deep(self.path, _pos(event)))
        if self.stack:
            self._place(event, node, is_scalar=False)
        else:
            self._root(event, node)
        marks = Marks(_pos(event))
        self.marks[id(node)] = marks
        self.stack.append(_Frame(node, marks))

    def _root(self, event: ev.NodeEvent, node: Any) -> None:
        if self.documents > 1:
            self._second_document(node)
            return
        self.root = node
        self.has_content = self.has_content or node is not None

    def _place(self, event: ev.NodeEvent, node: Any, *, is_scalar: bool) -> None:
        frame = self.stack[-1]
        pos = _pos(event)
        if type(frame.node) is list:
            frame.node.append(node)
            frame.marks.values[frame.index] = pos
            frame.index += 1
            return
        if frame.key is None:
            self._key(frame, event, node, pos, is_scalar)
            return
        frame.node[frame.key] = node
        frame.marks.values[frame.key] = pos
        if self.spans and is_scalar:
            frame.marks.value_ends[frame.key] = _end(event)
        frame.key = None

    def _key(self, frame: _Frame, event: ev.NodeEvent, node: Any, pos: Pos, is_scalar: bool) -> None:
        if not is_scalar or node is None:
            self._stop(event, "LZ016", "键必须是一段文本", "检查这一行的冒号和缩进；键不能为空，也不能是列表或映射")
        if node in frame.node:
            first = frame.marks.keys[node]
            self._stop(
                event,
                "LZ005",
                f"键“{node}”重复出现（第一次在第 {first[0]} 行）",
                "合并两处内容，或删除其中一个；YAML 中后出现的值会覆盖前面的",
            )
        frame.key = node
        frame.marks.keys[node] = pos

    def _stop(self, event: ev.Event, code: str, message: str, hint: str) -> None:
        raise _Stop(Finding.of(code, self.path, _pos(event), message, hint))


def _end(event: ev.Event) -> Pos:
    mark = event.end_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _pos(event: ev.Event) -> Pos:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


_SYNTAX_HINTS = (
    (
        "found character that cannot start any token",
        "LZ004",
        "这里用了制表符（Tab）",
        "YAML 只能用空格缩进：把 Tab 换成两个空格（在编辑器中设置“用空格代替 Tab”）",
    ),
    (
        # libyaml: "found a tab character that violates indentation" / "… where an indentation space is expected"
        "found a tab character",
        "LZ004",
        "这里用了制表符（Tab）",
        "YAML 只能用空格缩进：把 Tab 换成两个空格（在编辑器中设置“用空格代替 Tab”）",
    ),
    (
        "mapping values are not allowed",
        "LZ003",
        "这一行的冒号位置不对（同一行出现了两个“键: 值”）",
        '值中含有“: ”时请用引号把整个值括起来，例如 名称: "采购: 药品"',
    ),
    (
        "could not find expected ':'",
        "LZ003",
        "缺少冒号：这一行既不是“键: 值”也不是列表项",
        "在键后加英文冒号和一个空格；若这一行是上一行的续行，请检查缩进",
    ),
    (
        "did not find expected key",
        "LZ003",
        "缩进不一致：这一行与同一层级的其他键没有对齐",
        "同一层级的键必须左对齐；列表项的“-”要比上一级键多缩进",
    ),
    ("did not find expected '-' indicator", "LZ003", "列表中混入了不是列表项的行", "列表的每一项以“- ”开头，并与其他项对齐"),
    ("found unexpected end of stream", "LZ003", "文件在引号或括号结束之前就结束了", "检查引号、方括号、花括号是否成对"),
    (
        "did not find expected whitespace or line break",
        "LZ003",
        "以 ! 开头的值会被当作标签",
        '把整个值用引号括起来，如 名称: "!重要"',
    ),
    ("found unknown escape character", "LZ003", "双引号中的反斜杠转义无效", "把 \\ 写成 \\\\，或改用单引号"),
    ("did not find expected ',' or ']'", "LZ003", "方括号列表没有正确结束", "检查方括号是否成对，项之间用英文逗号分隔"),
    ("did not find expected ',' or '}'", "LZ003", "花括号映射没有正确结束", "检查花括号是否成对，项之间用英文逗号分隔"),
    ("found undefined tag handle", "LZ007", "使用了未定义的标签", "删除以 ! 开头的标签"),
    (
        "did not find expected <document start>",
        "LZ003",
        "这一行的缩进与文件开头不一致",
        "最外层的键（类型、编号、名称……）都要顶格写，文件第一行也不要缩进",
    ),
    (
        "block sequence entries are not allowed",
        "LZ003",
        "“- ”列表项不能写在这里",
        "列表项要另起一行，写在键的下面并比键多缩进两格；或写成 [甲, 乙]",
    ),
    (
        "did not find expected node content",
        "LZ003",
        "这里缺少内容：括号没有结束，或两个逗号之间是空的",
        "检查括号是否成对，项之间用英文逗号分隔",
    ),
    (
        "did not find expected alphabetic or numeric character",
        "LZ003",
        "以 * 或 & 开头的值在 YAML 中有特殊含义",
        '值以 *、& 开头时请用引号括起来，例如 名称: "*重点岗位*"',
    ),
    ("could not find expected directive name", "LZ003", "以 % 开头的行是 YAML 指令", "值以 % 开头时请用引号括起来"),
    (
        "found unexpected document indicator",
        "LZ003",
        "引号中的文字有一行以 --- 或 ... 开头，被当成了文档分隔线",
        "把这一行缩进，或改写这一行的开头",
    ),
    (
        "did not find expected comment or line break",
        "LZ003",
        "“|”或“>”后面只能换行",
        "多行文本写成 名称: | 后换行，内容另起一行并缩进两格",
    ),
    (
        "did not find expected hexdecimal number",
        "LZ003",
        "双引号中的 \\x、\\u 后面应是十六进制数字",
        "把 \\ 写成 \\\\，或改用单引号",
    ),
    (
        "found invalid Unicode character escape code",
        "LZ003",
        "双引号中的 \\u 转义不是有效的字符",
        "把 \\ 写成 \\\\，或改用单引号",
    ),
    ("found unknown directive name", "LZ008", "以 % 开头的行被当作 YAML 指令", "删除这一行，或把以 % 开头的值用引号括起来"),
    (
        "mapping keys are not allowed in this context",
        "LZ003",
        "问号“? ”开头的键不能写在这里",
        "键前不要写问号；值以 ? 开头时请用引号括起来",
    ),
    ("found unexpected ':'", "LZ003", "这里多了一个冒号", '值中含有冒号时请用引号把整个值括起来，例如 名称: "采购: 药品"'),
    (
        "found a tab character",
        "LZ004",
        "用制表符（Tab）缩进",
        "把行首的 Tab 换成空格（每级两个空格）",
    ),
    ("found an indentation indicator equal to 0", "LZ003", "“|”或“>”后面的缩进数字不能是 0", "删去 | 或 > 后面的数字"),
    ("did not find the expected '>'", "LZ007", "标签“!<…>”没有结束", "删除以 ! 开头的标签"),
    ("did not find expected tag URI", "LZ007", "标签写法有误", "删除以 ! 开头的标签"),
    ("did not find URI escaped octet", "LZ007", "标签写法有误", "删除以 ! 开头的标签"),
    ("found an incorrect leading UTF-8 octet", "LZ007", "标签中有无效的字符", "删除以 ! 开头的标签"),
    ("found an incorrect trailing UTF-8 octet", "LZ007", "标签中有无效的字符", "删除以 ! 开头的标签"),
    ("found duplicate", "LZ008", "YAML 指令重复", "删除以 % 开头的行"),
    ("found incompatible YAML document", "LZ008", "不支持的 YAML 版本指令", "删除以 %YAML 开头的行"),
    ("expected <block end>", "LZ003", "缩进不一致：这一行与同一层级的其他键没有对齐", "同一层级的键必须左对齐"),
    ("expected <document start>", "LZ003", "这一行的缩进与文件开头不一致", "最外层的键都要顶格写"),
    ("expected ',' or ']'", "LZ003", "方括号列表没有正确结束", "检查方括号是否成对，项之间用英文逗号分隔"),
    ("expected ',' or '}'", "LZ003", "花括号映射没有正确结束", "检查花括号是否成对，项之间用英文逗号分隔"),
    ("expected the node content", "LZ003", "这里缺少内容", "检查括号是否成对，项之间用英文逗号分隔"),
)


def _syntax_finding(exc: yaml.YAMLError, text: str, path: str) -> Finding:
    if isinstance(exc, yaml.reader.ReaderError):
        return _reader_finding(exc, text, path)
    problem = str(getattr(exc, "problem", "") or exc)
    pos = _error_pos(exc, problem)
    if "cannot start any token" in problem and _char_at(text, pos) != "\t":
        char = _char_at(text, pos)
        return Finding.of("LZ003", path, pos, f"字符“{char}”不能作为值的开头", "以 @、`、% 等符号开头的值请用引号括起来")
    line = _line_at(text, pos[0])
    if line.lstrip().startswith(":"):
        return Finding.of(
            "LZ003", path, pos, "这一行冒号前面没有键", "在冒号前写上键名，如 名称: …；若是上一行的续写，请并到上一行"
        )
    for needle, code, message, hint in _SYNTAX_HINTS:
        if needle in problem:
            return Finding.of(code, path, pos, message, _with_fullwidth_hint(text, pos, hint))
    # A problem without a translation above still gets a Chinese message, never libyaml's English.
    return Finding.of(
        "LZ003", path, pos, "这里的写法不符合 YAML 语法", _with_fullwidth_hint(text, pos, "检查这一行及上一行的缩进、冒号和引号")
    )


# Problems whose useful place is the context: for a missing colon libyaml points past the
# line that lacks it; for an unclosed quote or bracket, at the end of the file or the next
# line, while the context is where the quote or bracket was opened.
_CONTEXT_FIRST = (
    "could not find expected ':'",
    "found unexpected end of stream",
    "did not find expected ',' or",
    "did not find expected alphabetic or numeric character",
    "could not find expected directive name",
)


def _error_pos(exc: yaml.YAMLError, problem: str) -> Pos:
    prefer_context = any(needle in problem for needle in _CONTEXT_FIRST)
    problem_mark, context_mark = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
    if "did not find expected ','" in problem and problem_mark and context_mark and problem_mark.line == context_mark.line:
        prefer_context = False  # a missing comma inside one line: point at the place, not the bracket
    first, second = ("context_mark", "problem_mark") if prefer_context else ("problem_mark", "context_mark")
    mark = getattr(exc, first, None) or getattr(exc, second, None)
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _char_at(text: str, pos: Pos) -> str:
    lines = text.splitlines()
    if 0 < pos[0] <= len(lines) and 0 < pos[1] <= len(lines[pos[0] - 1]):
        return lines[pos[0] - 1][pos[1] - 1]
    return ""


_NO_SPACE_AFTER_COLON = re.compile(r"^\s*(?:-\s+)?([^\s:#'\"][^:#]*?):(?=[^\s/:])")


def _line_at(text: str, number: int) -> str:
    lines = text.splitlines()
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _with_fullwidth_hint(text: str, pos: Pos, hint: str) -> str:
    lines = text.splitlines()
    nearby_lines = lines[max(pos[0] - 2, 0) : pos[0]]
    nearby = "\n".join(nearby_lines)
    if "\u3000" in nearby:
        return hint + "；附近有全角空格（\u3000），请改为半角空格"
    if "：" in nearby:
        return hint + "；附近有全角冒号“：”，键后面必须是英文冒号“:”加空格"
    for line in nearby_lines:
        match = _NO_SPACE_AFTER_COLON.match(line)
        if match:
            return hint + f"；“{match.group(1).strip()}:”后面缺少空格，键的冒号后面必须有一个空格"
    return hint


def _reader_finding(exc: yaml.reader.ReaderError, text: str, path: str) -> Finding:
    char = exc.character
    code_point = char if isinstance(char, int) else ord(char) if char else 0
    # libyaml's position counts UTF-8 bytes, pure PyYAML's counts characters. The reader
    # stops at the first disallowed character, so its first occurrence is the place.
    found = text.find(chr(code_point)) if char not in (None, "") else -1
    offset = found if found >= 0 else min(max(int(exc.position), 0), len(text))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Finding.of(
        "LZ012",
        path,
        (line, column),
        f"文本中含有控制字符 U+{code_point:04X}，生成 Word 文档时会出错",
        "删除这个不可见字符（常见于从 Excel 或网页复制的文字）",
    )


def plain_scalar_ends(text: str) -> list[Pos]:
    """Where each plain (unquoted, not block) scalar ends, 0-based line and column; [] when the
    text does not parse. For loader.whitespace, which looks at what follows a text on its line."""
    ends: list[Pos] = []
    try:
        for event in _events(text):
            if isinstance(event, ev.ScalarEvent) and not event.style and event.end_mark is not None:
                ends.append((event.end_mark.line, event.end_mark.column))
    except yaml.YAMLError:
        return []
    return ends
