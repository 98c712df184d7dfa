"""Before parsing a changed file twice, blank out the risk points whose text did not change.

A yearly comparison touches thousands of files, but in each file usually one risk point
changed (and the 审核/审定 dates). The items of the ``风险点`` list that are byte-for-byte
the same in both versions of a file cannot change the diff, so both texts have those
lines replaced by empty lines before parsing: line numbers stay exact, and parsing costs
only what changed. Anything unusual (flow style, a changed register 编号, a layout this
reader does not recognise) leaves the texts untouched; Markdown is never pruned.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

_RISKS_KEY = re.compile(r"^风险点:[ \t]*(?:#[^\n]*)?\r?\n", re.MULTILINE)
_REGISTER_ID = re.compile(r"^编号:[ \t]*(.*?)[ \t]*\r?$", re.MULTILINE)
_FIRST_ITEM = re.compile(r"^( *)- ", re.MULTILINE)
_BLANK_OR_COMMENT = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\r?\n)*")

Span = tuple[int, int]


@cache
def _patterns(indent: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Item starts at this indent, and the first line that can belong to no item (the block's end)."""
    item = re.compile(rf"^ {{{indent}}}- ", re.MULTILINE)
    end = re.compile(rf"^(?! {{{indent}}}- )(?! {{{indent + 1}}})(?![ \t]*(?:#|\r?$))", re.MULTILINE)
    return item, end


def risk_items(text: str) -> tuple[list[Span], int] | None:
    """The character spans of the items of the top-level ``风险点`` block list, and their indent."""
    key = _RISKS_KEY.search(text)
    if key is None:
        return None
    first = _BLANK_OR_COMMENT.match(text, key.end()).end()  # type: ignore[union-attr]
    match = _FIRST_ITEM.match(text, first)
    if match is None:
        return None
    indent = len(match.group(1))
    item, end_of_block = _patterns(indent)
    stop = end_of_block.search(text, first)
    end = stop.start() if stop is not None and stop.start() < len(text) else len(text)
    starts = [m.start() for m in item.finditer(text, first, end)]
    return [(a, b) for a, b in zip(starts, [*starts[1:], end], strict=True)], indent


def _register_id(text: str) -> str | None:
    match = _REGISTER_ID.search(text)
    return match.group(1).split(" #", 1)[0].strip() if match else None


def prune_texts(old: str, new: str) -> tuple[str, str]:
    """Both texts with the risk point items they share blanked out (or unchanged when unsure)."""
    if _register_id(old) is None or _register_id(old) != _register_id(new):
        return old, new
    old_items, new_items = risk_items(old), risk_items(new)
    if old_items is None or new_items is None:
        return old, new
    old_chunks = [old[a:b] for a, b in old_items[0]]
    new_chunks = [new[a:b] for a, b in new_items[0]]
    shared = Counter(old_chunks) & Counter(new_chunks)
    if not shared:
        return old, new
    return _blank(old, old_items, old_chunks, Counter(shared)), _blank(new, new_items, new_chunks, Counter(shared))


def _blank(text: str, items: tuple[list[Span], int], chunks: list[str], shared: Counter[str]) -> str:
    spans, indent = items
    parts: list[str] = []
    at = 0
    removed = 0
    for (a, b), chunk in zip(spans, chunks, strict=True):
        if shared[chunk] > 0:
            shared[chunk] -= 1
            removed += 1
            parts += [text[at:a], "\n" * chunk.count("\n")]
            at = b
    parts.append(text[at:])
    pruned = "".join(parts)
    if removed == len(spans):
        # An empty block list is no YAML; an empty flow list keeps 风险点 a list (on the same line count).
        a = spans[0][0]
        pruned = pruned[:a] + " " * (indent + 2) + "[]" + pruned[a:]
    return pruned
