"""Markdown registers: YAML front matter plus ``## 标题`` sections that may carry long text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The line breaks YAML (libyaml) counts. str.splitlines() also breaks at \v, \f and
# \x1c-\x1e, which would shift every later line number and hide those control characters.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_FENCE = re.compile(r"^---[ \t]*$")
# What a clerk types for a fence by mistake: four dashes, a space before, a full-width dash.
_FENCE_LIKE = re.compile(r"^[ \t\u3000]*(?:-{3,}|[－—–]{2,}|-[ ]-[ ]-)[ \t\u3000]*$")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
# "1、xxx" is how Chinese documents number items: no space after 、 is needed.
_BULLET = re.compile(r"^\s*(?:[-*+]\s+|\d+[.)]\s+|\d+、\s*)(.*)$")

BODY_LIST_KEYS = frozenset(("主要职责", "制度"))
BODY_TEXT_KEYS = frozenset(("说明",))


@dataclass
class Section:
    title: str
    line: int
    lines: list[tuple[int, str]] = field(default_factory=list)

    def items(self) -> list[tuple[int, str]]:
        found = []
        for number, text in self.lines:
            match = _BULLET.match(text)
            if match and match.group(1).strip():
                found.append((number, match.group(1).strip()))
        return found

    def text(self) -> str:
        return "\n".join(text for _, text in self.lines).strip()


@dataclass
class MarkdownSplit:
    """front_yaml has the front matter at its original line numbers (earlier lines blank)."""

    front_yaml: str | None
    sections: list[Section]
    body: str
    unclosed: bool = False


def split_lines(text: str) -> list[str]:
    """Like str.splitlines(), but breaking only where YAML sees a line break."""
    lines = _LINE_BREAK.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


def split_markdown(text: str) -> MarkdownSplit:
    lines = split_lines(text)
    if not lines or not _FENCE.match(lines[0]):
        return MarkdownSplit(None, _sections(lines, 0), text)
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]) or lines[index].rstrip() == "...":
            front = "\n" * 1 + "\n".join(lines[1:index]) + "\n"
            body_lines = lines[index + 1 :]
            return MarkdownSplit(front, _sections(body_lines, index + 1), "\n".join(body_lines))
    return MarkdownSplit(None, [], text, unclosed=True)


def mistyped_fence(text: str) -> tuple[int, str] | None:
    """(line, what was typed) when the file opens with a front-matter fence typed wrongly.

    Only when a second fence-like line follows, so a chapter that merely starts with a
    horizontal rule is left alone.
    """
    lines = split_lines(text)
    if not lines or _FENCE.match(lines[0]):
        return None
    fences = [number for number, line in enumerate(lines, 1) if _FENCE_LIKE.match(line)]
    if len(fences) < 2 or fences[0] != 1:
        return None
    bad = next(number for number in fences if not _FENCE.match(lines[number - 1]))
    return bad, lines[bad - 1]


def _sections(lines: list[str], offset: int) -> list[Section]:
    sections: list[Section] = []
    current: Section | None = None
    in_code = False
    for index, line in enumerate(lines):
        number = offset + index + 1
        if line.lstrip().startswith("```"):
            in_code = not in_code
        match = None if in_code else _HEADING.match(line)
        if match and len(match.group(1)) == 2:
            current = Section(match.group(2).strip(), number)
            sections.append(current)
        elif match and len(match.group(1)) == 1:
            current = None
        elif current is not None:
            current.lines.append((number, line))
    return sections
