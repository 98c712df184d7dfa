"""The leak check of the public edition: personal data in what would be published.

Everything the public edition prints from the registers is kept as ``Located`` text with the
register and key it came from, so a finding points at the line to fix. Person names are the
ones the registers hold (在岗人员, 负责人, 审核/审定 签字, 领导小组); patterns catch mobile
numbers, ID numbers, e-mail addresses, file paths and commit ids. After a build the written
files are scanned as well, for what templates or lzfk.yaml added.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from lianzheng_cli.findings import Finding
from lianzheng_cli.loader.yamltree import Tree
from lianzheng_cli.models import DepartmentRegister, PostRegister, Register, UnitRegister
from lianzheng_cli.paths import CONFIG_FILE

Keys = tuple[str | int, ...]

NAME_CODE = "LZ701"
PATTERN_CODES = {
    "mobile": "LZ702",
    "id-number": "LZ703",
    "email": "LZ704",
    "path": "LZ705",
    "commit": "LZ706",
}
PATTERN_LABELS = {
    "mobile": "手机号码",
    "id-number": "身份证号码",
    "email": "电子邮箱地址",
    "path": "文件路径",
    "commit": "提交编号（commit id）",
}
PATTERN_HINTS = {
    "mobile": "公示中不写个人手机号；需要联系方式时写单位的举报电话（lzfk.yaml 的 公示.监督举报）",
    "id-number": "删除身份证号码：公示内容只写岗位，不写个人信息",
    "email": "删除个人邮箱；单位的举报邮箱写在 lzfk.yaml 的 公示.监督举报",
    "path": "删除文件路径：正式文档不写电脑上的文件位置",
    "commit": "删除提交编号：正式文档写年度或日期，不写版本库的提交编号",
}
_PATTERNS: dict[str, re.Pattern[str]] = {
    "id-number": re.compile(
        r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9A-Za-z])"
    ),
    "mobile": re.compile(r"(?<![0-9])1[3-9]\d(?:[- ]?\d{4}){2}(?![0-9])"),
    "email": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
    "path": re.compile(
        r"[A-Za-z]:[\\/][^\s，。；、）)]*"
        r"|\\\\[^\s，。；、）)]+"
        r"|(?<![\w/:.~-])/(?:[A-Za-z0-9_.~-]+/)+[A-Za-z0-9_.~-]*"
        r"|(?<![\w.-])(?:registers|台账|templates|\.lzfk_cache)/[^\s，。；、）)]*"
        r"|[\w.-]+\.(?:ya?ml|md|docx?|xlsx?|json|csv|py)(?![A-Za-z0-9])"
    ),
    "commit": re.compile(r"(?<![0-9A-Za-z])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}(?![0-9A-Za-z])"),
}
# Where a name is held, as the message says it (the key under which the registers keep it).
HOLDER_KEYS = {"在岗人员": "在岗人员", "负责人": "负责人", "审核": "审核签字", "审定": "审定签字", "领导小组": "领导小组"}
FIELD_LABELS = {
    "名称": "名称",
    "类型": "风险类别",
    "表现形式": "表现形式",
    "内容": "防控措施",
    "责任人": "责任岗位（责任人）",
    "期限": "防控措施的期限",
    "制度": "防控措施的制度",
    "降级理由": "降级理由",
    "主要职责": "主要职责",
    "单位": "单位名称",
}


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a published text comes from: a file of the repository and the key inside it."""

    path: str
    keys: Keys = ()


@dataclass(frozen=True, slots=True)
class Located:
    """One text that the public edition prints, with its origin.

    ``contact`` marks the unit's own contact lines from lzfk.yaml (公示.监督举报 …): they are
    published on purpose, so phone numbers and e-mail addresses in them are allowed; person
    names are not.
    """

    text: str
    origin: Origin
    contact: bool = False


@dataclass(frozen=True, slots=True)
class Holder:
    """A person name the registers hold, and where (for the message)."""

    name: str
    path: str
    key: str


# A value ending so is a post, not a person: clerks often write 负责人: 办公室主任 or 签字:
# 分管副院长, and a post title may be printed. (Bodies such as 财务科 are register names.)
ROLE_ENDINGS = re.compile(r"(主任|科长|院长|书记|局长|处长|部长|组长|主管|干事|负责人|领导|班子|委员会|小组|办公室)$")


def is_role_title(text: str, posts: frozenset[str] = frozenset()) -> bool:
    return text in posts or bool(ROLE_ENDINGS.search(text))


@dataclass
class Names:
    """The person names of a repository; found in a text longest first, left to right."""

    holders: dict[str, Holder] = field(default_factory=dict)
    ignored: frozenset[str] = frozenset()
    posts: frozenset[str] = frozenset()
    _lengths: list[int] = field(default_factory=list)
    _first: set[str] = field(default_factory=set)

    def add(self, name: str, path: str, key: str) -> None:
        name = name.strip()
        if len(name) >= 2 and name not in self.ignored and not is_role_title(name, self.posts):
            self.holders.setdefault(name, Holder(name, path, key))
            self._first.add(name[0])
            if len(name) not in self._lengths:
                self._lengths = sorted({*self._lengths, len(name)}, reverse=True)

    def find(self, text: str) -> Iterator[tuple[int, str]]:
        """(start, name) of each name in text: set lookups at the positions where a name could
        start, so that tens of thousands of names cost little more than a few."""
        first, lengths, holders = self._first, self._lengths, self.holders
        free = 0
        for index, char in enumerate(text):
            if index < free or char not in first:
                continue
            for length in lengths:
                piece = text[index : index + length]
                if piece in holders:
                    yield index, piece
                    free = index + length
                    break


def collect_names(registers: Iterable[tuple[str, Register]], not_names: Iterable[str] = ()) -> Names:
    """Every person name held by the registers (path → register); post and body titles are not names."""
    held = list(registers)
    names = Names(ignored=frozenset(not_names), posts=frozenset(register.name for _, register in held))
    for path, register in held:
        if isinstance(register, PostRegister):
            for holder in register.holders:
                names.add(holder, path, "在岗人员")
        if isinstance(register, DepartmentRegister) and register.head:
            names.add(register.head, path, "负责人")
        if isinstance(register, UnitRegister) and register.group is not None:
            group = register.group
            for person in (group.head, *group.deputies, *group.members):
                names.add(person, path, "领导小组")
        for key, review in (("审核", register.review), ("审定", register.approval)):
            if review is not None and review.signer:
                names.add(review.signer, path, key)
    return names


@dataclass(frozen=True)
class Leak:
    """One match: what kind, the matched text, where in the text."""

    kind: str  # "name" or a key of _PATTERNS
    value: str
    start: int


def find_leaks(text: str, names: Names, *, contact: bool = False) -> list[Leak]:
    leaks = [Leak("name", name, start) for start, name in names.find(text)]
    if not contact:
        taken: list[tuple[int, int]] = []
        for kind, pattern in _PATTERNS.items():
            for match in pattern.finditer(text):
                span = match.span()
                if any(start < span[1] and span[0] < end for start, end in taken):
                    continue
                taken.append(span)
                leaks.append(Leak(kind, match.group(0), match.start()))
    return sorted(leaks, key=lambda leak: leak.start)


class Locator:
    """Line and column of a leak in the repository's files, parsed again only when a leak is found.

    A value on one line gets the column of the leak itself, not of the value's start.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._trees: dict[str, Tree | None] = {}
        self._lines: dict[str, list[str]] = {}

    def position(self, origin: Origin, text: str = "", offset: int = 0) -> tuple[int, int]:
        tree = self._tree(origin.path)
        if tree is None:
            return (0, 0)
        line, column = tree.pos(origin.keys)
        source = self._line(origin.path, line)
        if text and column > 0 and source[column - 1 :].startswith(text[: offset + 1]):
            column += offset
        return line, column

    def _tree(self, path: str) -> Tree | None:
        if path not in self._trees:
            self._trees[path] = self._parse(path)
        return self._trees[path]

    def _parse(self, path: str) -> Tree | None:
        from lianzheng_cli.loader.files import parse_register_file, read_text
        from lianzheng_cli.loader.yamltree import parse_tree

        if path == CONFIG_FILE:
            text = read_text(self.root / path, path)
            tree = parse_tree(text, path) if isinstance(text, str) else None
            return tree if isinstance(tree, Tree) else None
        return parse_register_file(self.root / path, path).tree

    def _line(self, path: str, number: int) -> str:
        from lianzheng_cli.loader.files import read_text

        if number <= 0:
            return ""
        if path not in self._lines:
            text = read_text(self.root / path, path)
            self._lines[path] = text.splitlines() if isinstance(text, str) else []
        lines = self._lines[path]
        return lines[number - 1] if number <= len(lines) else ""


def field_label(keys: Keys) -> str:
    for key in reversed(keys):
        if isinstance(key, str) and key in FIELD_LABELS:
            return FIELD_LABELS[key]
    return "文字"


def _finding(path: str, line: int, column: int, code: str, message: str, hint: str) -> Finding:
    return Finding.of(code, path, (line, column), message, hint)


def _name_hint(holder: Holder) -> str:
    return (
        f"把人名改成岗位名称（如“由科室负责人负责”）；该名字登记在 {holder.path} 的{HOLDER_KEYS.get(holder.key, holder.key)}中。"
        f"若这里的词并不是指这个人，把它写入 {CONFIG_FILE} 的 公示.不作人名"
    )


@dataclass
class Scan:
    """Findings of a scan, and the matched values (so that a later file scan does not repeat them)."""

    findings: list[Finding] = field(default_factory=list)
    values: set[str] = field(default_factory=set)


def scan_texts(texts: Iterable[Located], names: Names, locator: Locator) -> Scan:
    """Findings for every leak in the texts the public edition prints, at their register location."""
    findings: dict[tuple[str, int, int, str, str], Finding] = {}  # the same leak twice in one value: once
    values: set[str] = set()
    for item in texts:
        for leak in find_leaks(item.text, names, contact=item.contact):
            values.add(leak.value)
            line, column = locator.position(item.origin, item.text, leak.start)
            label = field_label(item.origin.keys)
            if leak.kind == "name":
                holder = names.holders[leak.value]
                message = f"公示内容的{label}中出现人名“{leak.value}”：“{_excerpt(item.text, leak)}”"
                _keep(findings, _finding(item.origin.path, line, column, NAME_CODE, message, _name_hint(holder)))
            else:
                message = f"公示内容的{label}中有{PATTERN_LABELS[leak.kind]}“{leak.value}”"
                _keep(
                    findings,
                    _finding(item.origin.path, line, column, PATTERN_CODES[leak.kind], message, PATTERN_HINTS[leak.kind]),
                )
    return Scan(sorted(findings.values()), values)


def _keep(findings: dict[tuple[str, int, int, str, str], Finding], finding: Finding) -> None:
    """Findings compare by place and code only; two different leaks at one place are both kept."""
    findings.setdefault((finding.path, finding.line, finding.column, finding.code, finding.message), finding)


def _excerpt(text: str, leak: Leak, width: int = 12) -> str:
    start = max(leak.start - width, 0)
    end = min(leak.start + len(leak.value) + width, len(text))
    return ("…" if start else "") + text[start:end].replace("\n", " ") + ("…" if end < len(text) else "")


# -- the written files ----------------------------------------------------------------------


class _TextOfHtml(HTMLParser):
    """The text a reader sees (and the JSON data a script reads), with its line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[int, str]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = dict(attrs).get("type") or ""
        if tag == "style" or (tag == "script" and "json" not in kind):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "alt", "aria-label", "content") and value:
                self.parts.append((self.getpos()[0], value))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append((self.getpos()[0], data))


def html_texts(text: str) -> list[tuple[int, str]]:
    parser = _TextOfHtml()
    parser.feed(text)
    parser.close()
    return parser.parts


_PARAGRAPH = re.compile(rb"<w:p[ >].*?</w:p>", re.DOTALL)
_RUN_TEXT = re.compile(rb"<w:t(?: [^>]*)?>([^<]*)</w:t>")


def docx_texts(path: Path) -> list[tuple[int, str]]:
    """The paragraphs of a Word document (numbered from 1) with their text."""
    from xml.sax.saxutils import unescape

    with zipfile.ZipFile(path) as package:
        xml = package.read("word/document.xml")
    paragraphs = []
    for number, paragraph in enumerate(_PARAGRAPH.findall(xml), 1):
        text = "".join(unescape(part.decode("utf-8")) for part in _RUN_TEXT.findall(paragraph))
        if text.strip():
            paragraphs.append((number, text))
    return paragraphs


def scan_files(files: Iterable[tuple[Path, str]], names: Names, contacts: Iterable[str], known: set[str]) -> list[Finding]:
    """Leaks in written files (path, display) that the register scan did not already report.

    Pattern matches inside the unit's contact lines are allowed; a value in ``known`` was
    reported at its register location already.
    """
    allowed = [text for text in contacts if text]
    findings = []
    for path, display in files:
        if path.suffix == ".html":
            parts = html_texts(path.read_text(encoding="utf-8"))
            place = "行"
        elif path.suffix == ".docx":
            parts = docx_texts(path)
            place = "段"
        else:
            continue
        for line, text in parts:
            for leak in find_leaks(text, names):
                if leak.value in known or (leak.kind != "name" and any(leak.value in line_ for line_ in allowed)):
                    continue
                known.add(leak.value)
                kind = "人名" if leak.kind == "name" else PATTERN_LABELS[leak.kind]
                code = NAME_CODE if leak.kind == "name" else PATTERN_CODES[leak.kind]
                hint = (
                    _name_hint(names.holders[leak.value])
                    if leak.kind == "name"
                    else "这段文字不来自登记表：检查本单位 templates/ 中的公示模板和 lzfk.yaml 的 公示 设置"
                )
                findings.append(
                    _finding(
                        display,
                        line if place == "行" else 0,
                        0,
                        code,
                        f"生成的公示文件第 {line} {place}中有{kind}“{leak.value}”",
                        hint,
                    )
                )
    return sorted(findings)
