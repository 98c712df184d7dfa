"""``lzfk log``: every commit that changed one risk point or register, with field-level changes.

One ``git log --raw`` lists the changed blobs of every commit, and only the changed files
whose text (before or after) contains the 编号 are read and parsed. Which ones those are is
found without reading the others: ``git log -S`` names the files where the number of
occurrences of the 编号 changed; in any other changed file it occurs after the commit exactly
when it occurred before, and whether a blob contains it is remembered by blob id from the
commit that made that blob (read only when not known). Because the 编号 is followed, not a
file name, the history crosses files, renames and owners.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lianzheng_cli.errors import UsageError
from lianzheng_cli.history.changes import Change, Kind, RegisterAt, RegisterSet
from lianzheng_cli.history.diff import diff
from lianzheng_cli.history.gitio import CommitChanges, CommitInfo, FileChange
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
    """The history of ident up to rev, oldest first."""
    found = Timeline(ident)
    if ident:
        finder = _Mentions(source, ident, source.repo.occurrence_changes(ident, source.spec, rev))
        for item in reversed(_history(source, finder, rev)):
            files = [f for f in item.files if is_register_path(f.path)]
            entry = _entry(source, item.commit, files, finder)
            if entry is not None:
                found.entries.append(entry)
    if not found.entries:
        raise UsageError(
            f"在 {rev} 的历史中找不到编号“{ident}”",
            hint="检查编号是否写对（区分大小写、全角半角）；尚未提交的修改不在历史中，先 git commit",
        )
    return found


_PATH_LIMIT = 200


def _history(source: Source, finder: _Mentions, rev: str) -> list[CommitChanges]:
    """The commits to look at: those touching a file that ever held the 编号 — every such path had
    its number of occurrences changed at some commit (when the 编号 came, or went) — or, when a
    merge could have brought it in unseen, every commit under the register folder."""
    paths = {path for paths in finder.counted.values() for path in paths}
    if not paths:
        return []
    if len(paths) > _PATH_LIMIT or source.repo.has_merges(rev):
        return source.repo.log(source.spec, rev)
    finder.path_limited = True
    return source.repo.log(sorted(paths), rev)


class _Mentions:
    """Which changed files of a commit mention the 编号 (or, rarely, other 编号), reading as little as possible."""

    def __init__(self, source: Source, ident: str, counted: dict[str, set[str]]) -> None:
        self.source = source
        self.ident = ident
        self.needle = ident.encode("utf-8")
        self.counted = counted  # commit → paths where git counted a different number of occurrences
        self.known: dict[str, bool] = {}  # blob id → whether it contains the 编号
        self.path_limited = False  # the commits' files are only those that ever held the 编号

    def of_ident(self, commit: CommitInfo, files: list[FileChange]) -> list[FileChange]:
        counted = self.counted.get(commit.sha, set())
        unknown = [f.old_blob for f in files if f.path not in counted and f.old_blob and f.old_blob not in self.known]
        self._read([*unknown, *(blob for f in files if f.path in counted for blob in (f.old_blob, f.new_blob) if blob)])
        chosen = []
        for f in files:
            if f.path in counted:
                chosen.append(f)
                continue
            # The same number of occurrences before and after: the new blob mentions it iff the old one did.
            mentions = self.known[f.old_blob] if f.old_blob else False
            if f.new_blob:
                self.known[f.new_blob] = mentions
            if mentions:
                chosen.append(f)
        return chosen

    def _read(self, blobs: list[str]) -> None:
        wanted = [blob for blob in dict.fromkeys(blobs) if blob not in self.known]
        for blob, data in self.source.repo.read_blobs(wanted).items():
            self.known[blob] = data is not None and self.needle in data

    def of_others(
        self, commit: CommitInfo, listed: list[FileChange], chosen: list[FileChange], needles: set[str]
    ) -> list[FileChange]:
        """Files of the commit, beyond chosen, mentioning any of needles (other 编号): found by git grep
        in the commit and its parent, not by reading every file."""
        needles = needles - {self.ident}
        if not needles:
            return []
        repo, spec, wanted = self.source.repo, self.source.spec, sorted(needles)
        if self.path_limited:  # listed holds only the files that ever held the 编号
            listed = [f for f in repo.commit_files(commit.sha, spec) if is_register_path(f.path)]
        files = [f for f in listed if f not in chosen]
        if not files:
            return []
        after = set(repo.grep_files(commit.sha, wanted, spec, binary=True))
        parent = commit.parents[0] if commit.parents else None
        before = set(repo.grep_files(parent, wanted, spec, binary=True)) if parent and any(f.old_blob for f in files) else set()
        return [f for f in files if (f.new_blob and f.path in after) or (f.old_blob and f.path in before)]


def _entry(source: Source, commit: CommitInfo, files: list[FileChange], finder: _Mentions) -> Entry | None:
    """The changes to ident in one commit, parsing only the files that mention it.

    A risk point that looks added or removed may have come from, or gone to, another file
    of the same commit: files mentioning such 编号 are parsed too, until nothing is new.
    """
    ident = finder.ident
    chosen = finder.of_ident(commit, files)
    if not chosen:
        return None
    while True:
        old_set, new_set, broken = _sides(source, commit, chosen)
        changes = [c for c in diff(old_set, new_set, register_fields=True) if ident in (c.id, c.register)]
        needles = {c.id for c in changes if c.kind in _APPEARED}
        more = finder.of_others(commit, files, chosen, needles)
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
