"""Before parsing a changed file twice, blank out the risk points whose text did not change.

A yearly comparison touches thousands of files, but in each file usually one risk point
changed (and the 审核/审定 dates). The items of the ``风险点`` list that are byte-for-byte
the same in both versions of a file cannot change the diff, so both texts have those
lines replaced by empty lines before parsing: line numbers stay exact, and parsing costs
only what changed. Optional top-level entries (在岗人员, 权力清单, 制度 …) that are the same
in both versions are blanked the same way. The registers parsed from pruned texts are
partial — they hold what can differ — which is all a comparison needs. Anything unusual (flow style, a changed
register 编号, a layout this reader does not recognise) leaves the texts untouched;
Markdown is never pruned.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

_RISKS_KEY = re.compile(r"^风险点:[ \t]*(?:#[^\n]*)?\r?\n", re.MULTILINE)
_REGISTER_ID = re.compile(r"^编号:[ \t]*(.*?)[ \t]*\r?$", re.MULTILINE)
_FIRST_ITEM = re.compile(r"^( *)- ", re.MULTILINE)
_BLANK_OR_COMMENT = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\r?\n)*")

_TOP_LINE = re.compile(r"^(?![ \t#]|\r?$)[^\n]*", re.MULTILINE)
_TOP_KEY = re.compile(r"^([^\s#:'\"\-?%@&*!|>\[{][^:\n]*):(?:[ \t]|\r?$)")
# Entries a comparison reads even when they are unchanged, and the required ones (a blank would not validate).
# 共用措施 is kept because risk points refer to it: blanked, a changed risk point's 引用 would not resolve.
SHARED_MEASURES = "共用措施"
KEEP = frozenset(("类型", "编号", "名称", "科室", "层级", "审核", "审定", "已撤销", "风险点", "主要职责", SHARED_MEASURES))
# All that the risk-point diff reads (plus the required 主要职责): with risks_only, every other entry goes.
RISK_DIFF_READS = frozenset(("类型", "编号", "名称", "科室", "已撤销", "风险点", "主要职责", SHARED_MEASURES))

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


def top_entries(text: str) -> dict[str, Span] | None:
    """Top-level key → the span of its entry (key line and what follows up to the next key); None when unsure."""
    found: dict[str, Span] = {}
    lines = list(_TOP_LINE.finditer(text))
    for index, line in enumerate(lines):
        key = _TOP_KEY.match(line.group(0))
        if key is None or key.group(1) in found:
            return None
        end = lines[index + 1].start() if index + 1 < len(lines) else len(text)
        found[key.group(1)] = (line.start(), end)
    return found


def prune_entries(old: str, new: str, *, risks_only: bool = False) -> tuple[str, str]:
    """Both texts with the unchanged optional top-level entries blanked out.

    With risks_only, every entry the risk-point diff does not read (审核, 审定, 在岗人员 …)
    is blanked too, changed or not: only a comparison of risk points may use the result.
    """
    old_entries, new_entries = top_entries(old), top_entries(new)
    if old_entries is None or new_entries is None:
        return old, new
    if risks_only:
        old_keys = [key for key in old_entries if key not in RISK_DIFF_READS]
        new_keys = [key for key in new_entries if key not in RISK_DIFF_READS]
        return _blank_entries(old, old_entries, old_keys), _blank_entries(new, new_entries, new_keys)
    same = [
        key
        for key in old_entries.keys() & new_entries.keys()
        if key not in KEEP and old[slice(*old_entries[key])] == new[slice(*new_entries[key])]
    ]
    return _blank_entries(old, old_entries, same), _blank_entries(new, new_entries, same)


def _blank_entries(text: str, entries: dict[str, Span], keys: list[str]) -> str:
    parts: list[str] = []
    at = 0
    for start, end in sorted(entries[key] for key in keys):
        parts += [text[at:start], "\n" * text.count("\n", start, end)]
        at = end
    parts.append(text[at:])
    return "".join(parts)


def prune_texts(old: str, new: str, *, risks_only: bool = False) -> tuple[str, str]:
    """Both texts with what they share blanked out (or unchanged when unsure): risk points, then other entries.

    Risk points go first: a blanked entry after the list would otherwise lengthen its last item.
    """
    if _register_id(old) is None or _register_id(old) != _register_id(new):
        return old, new
    if not _shared_measures_changed(old, new):
        old, new = _prune_risks(old, new)
    return prune_entries(old, new, risks_only=risks_only)


def _shared_measures_changed(old: str, new: str) -> bool:
    """A risk point whose text is the same may still have changed through a 共用措施 it refers to."""
    if SHARED_MEASURES not in old and SHARED_MEASURES not in new:
        return False
    old_entries, new_entries = top_entries(old), top_entries(new)
    if old_entries is None or new_entries is None:
        return True
    before, after = old_entries.get(SHARED_MEASURES), new_entries.get(SHARED_MEASURES)
    if before is None or after is None:
        return before is not after
    return old[slice(*before)] != new[slice(*after)]


def _prune_risks(old: str, new: str) -> tuple[str, str]:
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
