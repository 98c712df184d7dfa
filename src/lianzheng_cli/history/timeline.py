"""``lzfk log``: every commit that changed one risk point or register, with field-level changes.

One ``git log --raw`` lists the changed blobs of every commit; each commit's blobs are
read in one batch and only those whose text contains the 编号 are parsed. Because the
编号 is followed, not a file name, the history crosses files, renames and owners.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lianzheng_cli.errors import UsageError
from lianzheng_cli.history.changes import Change, Kind, RegisterAt, RegisterSet
from lianzheng_cli.history.diff import diff
from lianzheng_cli.history.gitio import CommitInfo, FileChange
from lianzheng_cli.history.parsing import Broken, Parsed, is_register_path
from lianzheng_cli.history.source import Source

_GONE = frozenset((Kind.REMOVED, Kind.REGISTER_REMOVED))
_APPEARED = frozenset((Kind.ADDED, Kind.REMOVED))


@dataclass(frozen=True)
class Entry:
    commit: CommitInfo
    changes: tuple[Change, ...]
    broken: tuple[Broken, ...] = ()


@dataclass
class Timeline:
    id: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def name(self) -> str:
        return next((c.name for e in reversed(self.entries) for c in e.changes if c.id == self.id), "")

    @property
    def is_register(self) -> bool:
        return any(c.kind.is_register_level and c.id == self.id for e in self.entries for c in e.changes)

    @property
    def location(self) -> str:
        """The file that holds it now, or "" when its last change removed it."""
        last = next((c for e in reversed(self.entries) for c in reversed(e.changes) if c.id == self.id), None)
        return "" if last is None or last.kind in _GONE else last.path


def timeline(source: Source, ident: str, rev: str = "HEAD") -> Timeline:
    """The history of ident up to rev, oldest first.

    Blobs are read one commit at a time, so memory holds one commit's files, not the history's.
    """
    found = Timeline(ident)
    for item in reversed(source.repo.log(source.spec, rev)):
        files = [f for f in item.files if is_register_path(f.path)]
        contents = source.repo.read_blobs(blob for f in files for blob in (f.old_blob, f.new_blob) if blob)
        entry = _entry(source, item.commit, files, contents, ident)
        if entry is not None:
            found.entries.append(entry)
    if not found.entries:
        raise UsageError(
            f"在 {rev} 的历史中找不到编号“{ident}”",
            hint="检查编号是否写对（区分大小写、全角半角）；尚未提交的修改不在历史中，先 git commit",
        )
    return found


def _mentions(change: FileChange, contents: dict[str, bytes | None], needles: set[bytes]) -> bool:
    for blob in (change.old_blob, change.new_blob):
        data = contents.get(blob) if blob else None
        if data is not None and any(needle in data for needle in needles):
            return True
    return False


def _entry(
    source: Source, commit: CommitInfo, files: list[FileChange], contents: dict[str, bytes | None], ident: str
) -> Entry | None:
    """The changes to ident in one commit, parsing only the files that mention it.

    A risk point that looks added or removed may have come from, or gone to, another file
    of the same commit: files mentioning such 编号 are parsed too, until nothing is new.
    """
    needles = {ident.encode("utf-8")}
    chosen = [f for f in files if _mentions(f, contents, needles)]
    if not chosen:
        return None
    while True:
        old_set, new_set, broken = _sides(source, commit, chosen)
        changes = [c for c in diff(old_set, new_set, register_fields=True) if ident in (c.id, c.register)]
        needles = {c.id.encode("utf-8") for c in changes if c.kind in _APPEARED}
        more = [f for f in files if f not in chosen and _mentions(f, contents, needles)]
        if not more:
            break
        chosen += more
    return Entry(commit, tuple(changes), broken) if changes or broken else None


def _sides(source: Source, commit: CommitInfo, files: list[FileChange]) -> tuple[RegisterSet, RegisterSet, tuple[Broken, ...]]:
    old = source.parse_blobs((f.old_blob, f.path) for f in files if f.old_blob)
    new = source.parse_blobs((f.new_blob, f.path) for f in files if f.new_blob)
    broken = tuple(p for p in (*old.values(), *new.values()) if isinstance(p, Broken))
    unusable = {b.path for b in broken}
    parent = commit.parents[0] if commit.parents else None
    old_set = RegisterSet(_usable(old.values(), unusable), source.config_at(parent))
    new_set = RegisterSet(_usable(new.values(), unusable), source.config_at(commit.sha))
    return old_set, new_set, broken


def _usable(parsed: Iterable[Parsed], unusable: set[str]) -> tuple[RegisterAt, ...]:
    return tuple(p for p in parsed if isinstance(p, RegisterAt) and p.path not in unusable)
