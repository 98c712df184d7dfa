"""Text cells that hold several items: 1./2., 1.1/1.2, (1)(2), ①②, 一、二、 or ；-separated."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lianzheng_cli.importing.table import CACHED_TEXTS

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CHINESE = "一二三四五六七八九十"
_MARK = re.compile(
    r"(?P<digit>(?:(?<=^)|(?<=[\s；;。，,：:]))(?:\d{1,2}(?:[.．]\d{1,2})+[.、．]?(?!\d)|\d{1,2}[.、．)）](?!\d)))"
    r"|(?P<paren>[（(]\d{1,2}[)）]|[①-⑳])"
    r"|(?P<chinese>(?:(?<=^)|(?<=[\s；;。]))[一二三四五六七八九十]{1,2}、)"
)


@dataclass(frozen=True)
class Item:
    number: tuple[int, ...]  # () when the item had no number
    text: str


def split_items(text: str) -> list[Item]:
    """Items of a cell in order; unnumbered lines and ；-separated parts are items too."""
    return list(_split_items(text))


@lru_cache(maxsize=CACHED_TEXTS)  # items are immutable; callers get their own list
def _split_items(text: str) -> tuple[Item, ...]:
    items: list[Item] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        marks = _accepted(line)
        if not marks:
            items.extend(Item((), part) for part in _semicolon_parts(line))
            continue
        head = line[: marks[0].start()].strip(" ；;，,")
        if head:
            if items and items[-1].number:
                items[-1] = Item(items[-1].number, f"{items[-1].text}{head}")
            else:
                items.append(Item((), head))
        for index, match in enumerate(marks):
            end = marks[index + 1].start() if index + 1 < len(marks) else len(line)
            body = line[match.end() : end].strip(" ；;，,。")
            if body:
                items.append(Item(_number(match.group(0)), body))
    return tuple(items)


def _accepted(line: str) -> list[re.Match[str]]:
    """Number marks that open items. A bare number after a space ("采购 2.5 万元") opens an
    item only when the line already began with one, or after ；/。."""
    accepted: list[re.Match[str]] = []
    for match in _MARK.finditer(line):
        if match.group("digit"):
            before = line[: match.start()].rstrip()
            opens = not before or before[-1] in "；;。" or any(m.group("digit") for m in accepted)
            if not opens:
                continue
        accepted.append(match)
    return accepted


def _semicolon_parts(line: str) -> list[str]:
    return [part.strip() for part in re.split(r"[；;]", line) if part.strip()]


def _number(mark: str) -> tuple[int, ...]:
    mark = mark.strip("（()）.、．")
    if mark in _CIRCLED:
        return (_CIRCLED.index(mark) + 1,)
    if mark and all(ch in _CHINESE for ch in mark):
        return (_chinese_number(mark),)
    parts = [part for part in re.split(r"[.．]", mark) if part.isdigit()]
    return tuple(int(part) for part in parts) or (0,)


def _chinese_number(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CHINESE.index(text[1]) + 1
    if len(text) == 2 and text[1] == "十":
        return (_CHINESE.index(text[0]) + 1) * 10
    return _CHINESE.index(text[0]) + 1


def texts(text: str) -> list[str]:
    return [item.text for item in split_items(text)]


@dataclass(frozen=True)
class Group:
    """A top-level item with its sub-items (1 with 1.1, 1.2; or an item with its (1)(2))."""

    text: str
    subs: list[str]


def grouped(text: str) -> list[Group]:
    """Top-level items, each with the sub-items numbered under it."""
    groups: list[Group] = []
    for item in split_items(text):
        top = item.number[0] if len(item.number) > 1 else None
        if top is not None and groups and top == len(groups):
            groups[-1].subs.append(item.text)
        elif top is not None and top == len(groups) + 1:
            groups.append(Group("", [item.text]))  # 1.1 with no "1." before it
        else:
            groups.append(Group(item.text, []))
    return groups
