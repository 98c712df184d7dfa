"""Bytes of register files → registers with positions, in bulk, fast.

Files are parsed exactly as ``lzfk validate`` parses them. Bulk parsing turns the cyclic
garbage collector off (it would rescan every object parsed so far, again and again, and
was measured to cost a third of the time) and uses two processes for large batches. A
file compared with its own earlier version is parsed as a pair in one worker, which
drops the risk points that are the same on both sides before sending the result back:
they cannot change the diff, and most risk points in a changed file are unchanged.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from multiprocessing import get_context
from typing import TypeVar

from lianzheng_cli.cache import ready_to_seal, sealed_value
from lianzheng_cli.findings import Finding
from lianzheng_cli.gcpause import quiet_gc
from lianzheng_cli.history.changes import Audited, PosKey, RegisterAt
from lianzheng_cli.history.prune import prune_texts, top_entries
from lianzheng_cli.loader.decode import decode_source
from lianzheng_cli.loader.files import parse_register_text
from lianzheng_cli.loader.yamltree import Pos, Tree, parse_tree
from lianzheng_cli.models import Review
from lianzheng_cli.paths import MARKDOWN_SUFFIX, REGISTER_SUFFIXES, SKIPPED_DIRS

PARALLEL_THRESHOLD = 300
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Broken:
    """A register file that could not be parsed (it is left out of the comparison and reported)."""

    path: str
    message: str


Parsed = RegisterAt | Broken | None  # None: not a register (e.g. a handbook chapter)
Item = tuple[bytes, str]  # file content, display path
Pair = tuple[Item | None, Item | None]
Peeked = tuple[str, Review | None] | None  # a register's 编号 and 审定, or None when unsure
_TOP_SCALAR = re.compile(r"^(编号|名称):[ \t]*(.*?)[ \t]*$", re.MULTILINE)


def is_register_path(path: str) -> bool:
    """Whether a repository path can hold a register: *.yaml, *.yml or *.md, not in a hidden folder."""
    parts = path.split("/")
    if any(part in SKIPPED_DIRS or part.startswith(".") for part in parts):
        return False
    return parts[-1].lower().endswith((*REGISTER_SUFFIXES, MARKDOWN_SUFFIX))


def parse_bytes(data: bytes, display: str) -> Parsed:
    """Bytes of one file → the register with its positions, Broken, or None for a non-register."""
    text = _decode(data, display)
    return text if isinstance(text, Broken) else parse_text(text, display)


def _decode(data: bytes, display: str) -> str | Broken:
    source = decode_source(data, display)
    return Broken(display, source.message) if isinstance(source, Finding) else source.text


def parse_text(text: str, display: str) -> Parsed:
    parsed = parse_register_text(text, display, markdown=display.lower().endswith(MARKDOWN_SUFFIX))
    if not parsed.is_register:
        return None
    if parsed.register is None or parsed.tree is None:
        return Broken(display, _describe(min(parsed.findings, default=None)))
    return RegisterAt(display, parsed.register, places(parsed.tree))


def _describe(finding: Finding | None) -> str:
    if finding is None:
        return "文件无法解析"
    return f"第 {finding.line} 行：{finding.message}" if finding.line else finding.message


def audited(parsed: Parsed, *, with_content: bool = True) -> Audited | Broken | None:
    """What ``lzfk audit`` keeps of a parsed file."""
    return Audited.of(parsed, with_content=with_content) if isinstance(parsed, RegisterAt) else parsed


def peek_id_and_name(text: str) -> tuple[str, str] | None:
    """The top-level 编号 and 名称 of a register's text, read without parsing; None when unsure."""
    found: dict[str, str] = {}
    for match in _TOP_SCALAR.finditer(text):
        value = match.group(2).split(" #", 1)[0].strip()
        if len(value) >= 2 and value[0] in "\"'" and value[-1] == value[0]:
            value = value[1:-1]
        elif not value or value[0] in "\"'[]{}|>&*!%@`#":
            return None
        found.setdefault(match.group(1), value)
    if "编号" not in found or "名称" not in found:
        return None
    return found["编号"], found["名称"]


def peek_approval(data: bytes, display: str) -> Peeked:
    """A register file's 编号 and 审定, from its 审定 entry alone (a few lines parsed, not the file);
    None when unsure (Markdown, an unusual layout, anchors), and then the caller parses the file.

    It says nothing of whether the whole file is a valid register: the caller decides when that matters.
    """
    if display.lower().endswith(MARKDOWN_SUFFIX):
        return None
    source = decode_source(data, display)
    if isinstance(source, Finding):
        return None
    text = source.text
    peeked = peek_id_and_name(text)
    entries = top_entries(text)
    if peeked is None or entries is None or any(ch in peeked[0] for ch in "\\\"'"):
        return None
    span = entries.get("审定")
    if span is None:
        return peeked[0], None
    tree = parse_tree(text[slice(*span)], display)
    if isinstance(tree, Finding) or not isinstance(tree.data, dict) or list(tree.data) != ["审定"]:
        return None
    value = tree.data["审定"]
    if value is None:
        return peeked[0], None
    try:
        return peeked[0], Review.model_validate(value)
    except ValueError:  # pydantic's ValidationError: the whole file will say what is wrong
        return None


def places(tree: Tree) -> dict[PosKey, Pos]:
    """Positions of the top-level keys and of every risk point's keys, read straight from the marks."""
    data = tree.data if isinstance(tree.data, dict) else {}
    root = tree.marks_of(data)
    if root is None:
        return {(): (1, 1)}
    found: dict[PosKey, Pos] = {(): root.start}
    found.update(((key,), pos) for key, pos in root.keys.items())
    risks = data.get("风险点")
    risk_marks = tree.marks_of(risks)
    if not isinstance(risks, list) or risk_marks is None:
        return found
    for index, risk in enumerate(risks):
        found[("风险点", index)] = risk_marks.values.get(index, found[("风险点",)])
        marks = tree.marks_of(risk)
        if marks is not None:
            found.update((("风险点", index, key), pos) for key, pos in marks.values.items())
    return found


def parse_pair(pair: Pair, *, risks_only: bool = False) -> tuple[Parsed, Parsed]:
    """One file at two points of history, with what did not change dropped from both sides.

    With risks_only the registers keep only what the risk-point diff reads (see prune.prune_entries).
    """
    if pair[0] is None or pair[1] is None or pair[0][1].lower().endswith(MARKDOWN_SUFFIX):
        old = parse_bytes(*pair[0]) if pair[0] is not None else None
        new = parse_bytes(*pair[1]) if pair[1] is not None else None
    else:
        old, new = _parse_pruned(pair[0], pair[1], risks_only=risks_only)
    if isinstance(old, RegisterAt) and isinstance(new, RegisterAt):
        return prune(old, new)
    return old, new


def _parse_pruned(old_item: Item, new_item: Item, *, risks_only: bool) -> tuple[Parsed, Parsed]:
    old_text, new_text = _decode(*old_item), _decode(*new_item)
    if isinstance(old_text, Broken) or isinstance(new_text, Broken):
        return parse_bytes(*old_item), parse_bytes(*new_item)
    old_short, new_short = prune_texts(old_text, new_text, risks_only=risks_only)
    old, new = parse_text(old_short, old_item[1]), parse_text(new_short, new_item[1])
    if (isinstance(old, Broken) or isinstance(new, Broken)) and (old_short, new_short) != (old_text, new_text):
        return parse_text(old_text, old_item[1]), parse_text(new_text, new_item[1])
    return old, new


def prune(old: RegisterAt, new: RegisterAt) -> tuple[RegisterAt, RegisterAt]:
    """Drop the risk points equal on both sides of one register; a diff of the rest is the same diff."""
    if old.register.id != new.register.id:
        return old, new
    before = {risk.id: risk for risk in old.register.risks}
    same = {risk.id for risk in new.register.risks if before.get(risk.id) == risk}
    if not same:
        return old, new
    return _without(old, same), _without(new, same)


def _without(at: RegisterAt, ids: set[str]) -> RegisterAt:
    kept = [index for index, risk in enumerate(at.register.risks) if risk.id not in ids]
    renumber = {old: new for new, old in enumerate(kept)}
    found: dict[PosKey, Pos] = {}
    for key, pos in at.places.items():
        if len(key) >= 2 and key[0] == "风险点" and isinstance(key[1], int):
            if key[1] in renumber:
                found[("风险点", renumber[key[1]], *key[2:])] = pos
        else:
            found[key] = pos
    register = at.register.model_copy(update={"risks": [at.register.risks[index] for index in kept]})
    return RegisterAt(at.path, register, found)


def _bulk(func: Callable[[T], R], items: Sequence[T], threshold: int) -> list[R]:
    workers = min(os.cpu_count() or 1, 4)
    with quiet_gc():
        if workers <= 1 or len(items) < threshold:
            return [func(item) for item in items]
        chunk = max(len(items) // (workers * 4), 1)
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            return list(pool.map(func, items, chunksize=chunk))


def _parse_item(item: Item) -> Parsed:
    return parse_bytes(*item)


def parse_all(items: Sequence[Item]) -> list[Parsed]:
    """Parse many files; in two processes when there are enough to repay the start-up."""
    return _bulk(_parse_item, items, PARALLEL_THRESHOLD)


def _sealed(func: Callable[[T], R], item: T) -> bytes:
    return sealed_value(func(item))


def _audited_item(item: Item) -> Audited | Broken | None:
    return audited(parse_bytes(*item), with_content=False)


def _content_item(item: Item) -> Audited | Broken | None:
    return audited(parse_bytes(*item))


def _peeked_item(item: Item) -> Peeked:
    return peek_approval(*item)


# What each kind of cached reading of a blob computes (see Source.read_parsed).
READERS: dict[str, Callable[[Item], object]] = {
    "blob": _parse_item,
    "audit": _audited_item,  # without the content digest
    "content": _content_item,  # with it
    "approval": _peeked_item,
}


def sealed_all(items: Sequence[Item], kind: str = "blob") -> list[bytes]:
    """Each item read as READERS[kind] reads it, sealed for the cache by the process that read it (see cache.sealed_value)."""
    ready_to_seal()
    # A peek costs a tenth of a parse: workers repay their start-up only for many more of them.
    threshold = PARALLEL_THRESHOLD * (8 if kind == "approval" else 1)
    return _bulk(partial(_sealed, READERS[kind]), items, threshold)


def sealed_pairs(pairs: Sequence[Pair], *, risks_only: bool = False) -> list[bytes]:
    """Parse many files at two points of history (see ``parse_pair``), each result sealed for the cache
    by the process that parsed it."""
    ready_to_seal()
    return _bulk(partial(_sealed, partial(parse_pair, risks_only=risks_only)), pairs, PARALLEL_THRESHOLD // 2)
