"""What a clerk typed that YAML would silently drop or misread: odd spaces, tabs, ``#`` in text.

Three checks around parsing, each located where the problem is:

- a non-breaking, zero-width or full-width space used as indentation or after a colon is an
  error at its own line (LZ041), with the fix, before YAML blames a later line;
- when YAML stops at a tab (LZ004), every other tab-indented line is reported too;
- `` #`` directly followed by text after a plain value starts a comment, so ``存放于 #3 号库房``
  loses ``#3 号库房``: a warning (LZ040) says so and how to quote the value.
"""

from __future__ import annotations

import re

from lianzheng_cli.findings import Finding
from lianzheng_cli.loader.yamltree import plain_scalar_ends

ODD_SPACES = "\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
_NAMES = {"\u00a0": "不间断空格（NBSP）", "\u3000": "全角空格", "\ufeff": "零宽不换行空格（BOM）"}
_ODD_INDENT = re.compile(rf"^[ \t]*([{ODD_SPACES}])", re.MULTILINE)
_ODD_AFTER_COLON = re.compile(rf"^[^#\n]*?:([{ODD_SPACES}])", re.MULTILINE)
_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)
_COMMENT_AFTER = re.compile(r"[ \t]+#(?=[^\s#])")
# What precedes a plain value on its line: indentation, list dashes, and a "key:".
_VALUE_START = re.compile(r"^[ \t]*(?:-[ \t]+)*(?:[^\s#:'\"\-?][^:#\n]*:[ \t]+)?")


def _name(char: str) -> str:
    return _NAMES.get(char) or ("零宽字符" if char in "\u200b\u200c\u200d\u2060" else "特殊空格")


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def odd_space_findings(text: str, path: str) -> list[Finding]:
    """LZ041 for every odd space that YAML would not read as indentation or as the space after a colon."""
    if not any(char in text for char in ODD_SPACES):
        return []
    found: dict[int, Finding] = {}
    for pattern, where in ((_ODD_INDENT, "缩进"), (_ODD_AFTER_COLON, "冒号后")):
        for match in pattern.finditer(text):
            offset = match.start(1)
            char = match.group(1)
            message = f"{where}用了{_name(char)}（U+{ord(char):04X}），YAML 不把它当作空格"
            hint = "把它删掉，换成普通的半角空格（在编辑器中显示不可见字符可以看到它）"
            found.setdefault(offset, Finding.of("LZ041", path, _line_col(text, offset), message, hint))
    return [found[offset] for offset in sorted(found)]


TAB_MESSAGE = "用制表符（Tab）缩进"
TAB_HINT = "把行首的 Tab 换成空格（每级两个空格）"


def tab_findings(text: str, path: str, reported: Finding | None = None) -> list[Finding]:
    """The tab-indented lines (LZ004) other than the one YAML reported; all of them when YAML
    never got to read the file (it stopped at an odd space first)."""
    message, hint = (reported.message, reported.hint) if reported is not None else (TAB_MESSAGE, TAB_HINT)
    findings = []
    for match in _TAB_INDENT.finditer(text):
        line, column = _line_col(text, match.end() - 1)
        if reported is None or line != reported.line:
            findings.append(Finding.of("LZ004", path, (line, column), message, hint))
    return findings


def comment_findings(text: str, path: str) -> list[Finding]:
    """LZ040 where `` #text`` after a plain value became a comment (the clerk probably meant it as text)."""
    if not _COMMENT_AFTER.search(text):
        return []
    lines = text.split("\n")
    findings = []
    for line, column in plain_scalar_ends(text):
        rest = lines[line][column:] if line < len(lines) else ""
        match = _COMMENT_AFTER.match(rest)
        if match is None:
            continue
        lost = rest[match.end() - 1 :].rstrip("\r")
        message = f"“{lost}”被当作注释，没有读入"
        hint = f"如果它是内容的一部分，请把整个值用引号括起来，如 {_quoted(lines[line][:column], rest)}；如果是注释，在 # 后加一个空格"
        findings.append(Finding.of("LZ040", path, (line + 1, column + len(match.group(0))), message, hint))
    return findings


def _quoted(before: str, rest: str) -> str:
    """The clerk's whole text (the value on its line and what became a comment), quoted for YAML."""
    start = _VALUE_START.match(before)
    value = before[start.end() :] if start is not None else before
    text = f"{value.strip()}{rest.rstrip()}"
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return "'" + text.replace("'", "''") + "'"
