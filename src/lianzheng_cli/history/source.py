"""Register files of one lzfk repository at any revision, or on disk: read through gitio, parsed once.

Blobs are read in batches; parsing results are memoised by (blob id, path), so ``log``
and ``audit``, which meet the same blob in many commits, parse it once — and kept in the
repository's cache folder (``cache.ParsedBlobs``), so a register unchanged across years is
parsed once, not once per run. A broken or missing cache only means parsing again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from lianzheng_cli.cache import ParsedBlobs, unsealed_value
from lianzheng_cli.config import Config
from lianzheng_cli.findings import Finding
from lianzheng_cli.gcpause import quiet_gc
from lianzheng_cli.history.changes import Audited, RegisterAt, department_index
from lianzheng_cli.history.gitio import FileChange, GitRepo
from lianzheng_cli.history.parsing import (
    Broken,
    Item,
    Pair,
    Parsed,
    Peeked,
    is_register_path,
    parse_all,
    peek_id_and_name,
    sealed_all,
    sealed_pairs,
)
from lianzheng_cli.loader.decode import decode_source
from lianzheng_cli.loader.files import config_from_bytes
from lianzheng_cli.loader.raw import read_bytes
from lianzheng_cli.paths import CONFIG_FILE, MARKDOWN_SUFFIX
from lianzheng_cli.repository import Repository

_DEPARTMENT_LINE = "^类型:[[:space:]]*[\"']?科室"

_PARSED = (RegisterAt, Broken, type(None))
_AUDITED = (Audited, Broken, type(None))

__all__ = ["Broken", "Parsed", "Source", "is_register_path", "peek_id_and_name"]


class Source:
    """The register files of one lzfk repository, as git (or the disk) holds them at any revision."""

    def __init__(self, repo: GitRepo, repository: Repository) -> None:
        self.repo = repo
        self.repository = repository
        self.spec = repo.path_in_repo(repository.config.register_dir)
        self._memo: dict[str, dict[tuple[str, str], Any]] = {}  # kind of reading → (blob id, path) → result
        self._configs: dict[str | None, Config] = {None: repository.config}
        self._listings: dict[str, dict[str, str]] = {}
        self._store: ParsedBlobs | None = None
        self._trees: dict[str, str] = {}
        # False once git failed to hand over a blob it listed: what was read then is no fact of the commits
        self.complete = True

    @property
    def store(self) -> ParsedBlobs:
        """The parsed-blob cache, opened on first use."""
        if self._store is None:
            self._store = ParsedBlobs(self.repository.root)
        return self._store

    def display(self, git_path: str) -> str:
        """A repository path as users see it: relative to the folder with lzfk.yaml."""
        return self.repo.relative_to_prefix(git_path)

    # -- reading -----------------------------------------------------------------------

    def read_disk(self, path: str) -> bytes | Broken:
        try:
            return read_bytes(self.repo.toplevel / path, self.repo.toplevel)[0]
        except OSError as exc:
            return Broken(self.display(path), f"无法读取文件：{exc.strerror or exc}")

    def read(self, rev: str | None, paths: Iterable[str]) -> dict[str, bytes | Broken]:
        """Repository paths → content at rev (None: on disk); paths missing at rev are left out."""
        if rev is None:
            return {path: self.read_disk(path) for path in paths}
        names = {path: f"{rev}:{path}" for path in paths}
        contents = self.repo.read_blobs(names.values())
        return {path: data for path, name in names.items() if (data := contents.get(name)) is not None}

    def read_blob_ids(self, blobs: Iterable[str]) -> dict[str, bytes | None]:
        """Blob ids that git listed → content (None where git could not hand it over: see complete)."""
        contents = self.repo.read_blobs(blobs)
        if any(data is None for data in contents.values()):
            self.complete = False
        return contents

    def listing(self, rev: str) -> dict[str, str]:
        """Repository path → blob id of every file under the register folder at rev."""
        if rev not in self._listings:
            self._listings[rev] = self.repo.list_files(rev, self.spec)
        return self._listings[rev]

    # -- parsing ---------------------------------------------------------------------

    def parse_blobs(self, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Parsed]:
        """(blob id, repository path) → parsed; blobs are read in one batch, each parsed once."""
        return self.read_parsed("blob", wanted, _PARSED)

    def audited_blobs(
        self, wanted: Iterable[tuple[str, str]], *, with_content: bool = False
    ) -> dict[tuple[str, str], Audited | Broken | None]:
        """(blob id, repository path) → what ``lzfk audit`` keeps of the parsed file (see changes.Audited);
        with_content adds the digest of what its 审定 covers."""
        return self.read_parsed("content" if with_content else "audit", wanted, _AUDITED)

    def approvals(self, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Peeked]:
        """(blob id, repository path) → the register's 编号 and 审定 read from its 审定 entry alone, or None when unsure."""
        return self.read_parsed("approval", wanted, (tuple, type(None)))

    def read_parsed(self, kind: str, wanted: Iterable[tuple[str, str]], types: tuple[type, ...]) -> dict[tuple[str, str], Any]:
        """(blob id, repository path) → the blob read as parsing.READERS[kind] reads it: from this run's memo,
        else from the cache, else read in one batch and computed (in worker processes for many)."""
        memo = self._memo.setdefault(kind, {})
        keys = [key for key in dict.fromkeys(wanted) if is_register_path(key[1])]
        todo = [key for key in keys if key not in memo]
        if todo:
            names = {key: self.store.key(kind, key[0], self.display(key[1])) for key in todo}
            with quiet_gc():
                stored = self.store.get_many(list(names.values()), types)
            memo.update((key, stored[name]) for key, name in names.items() if name in stored)
            todo = [key for key in todo if names[key] not in stored]
        if todo:
            contents = self.read_blob_ids(blob for blob, _ in todo)
            items = [(contents.get(blob) or b"", self.display(path)) for blob, path in todo]
            missing = {blob for blob, _ in todo if contents.get(blob) is None}
            del contents  # memory: the texts are no longer needed once parsed
            sealed = sealed_all(items, kind)
            del items
            self.store.put_sealed((names[key], blob) for key, blob in zip(todo, sealed, strict=True) if key[0] not in missing)
            with quiet_gc():
                for index, key in enumerate(todo):
                    memo[key] = unsealed_value(sealed[index], types)
                    sealed[index] = b""  # each copy goes as soon as it is unpacked
        return {key: memo[key] for key in keys}

    def parse_at(self, rev: str | None, paths: Iterable[str]) -> dict[str, Parsed]:
        """Repository paths at rev (None: on disk) → parsed."""
        paths = list(dict.fromkeys(path for path in paths if is_register_path(path)))
        if rev is not None:
            listing = self.listing(rev)
            parsed = self.parse_blobs((listing[path], path) for path in paths if path in listing)
            return {path: result for (_, path), result in parsed.items()}
        found: dict[str, Parsed] = {}
        items: list[Item] = []
        for path, data in self.read(None, paths).items():
            if isinstance(data, Broken):
                found[path] = data
            else:
                items.append((data, self.display(path)))
        found.update(zip([p for p in paths if p not in found], parse_all(items), strict=True))
        return found

    def parse_changes(
        self, changes: Sequence[FileChange], *, new_on_disk: bool, risks_only: bool = False
    ) -> list[tuple[Parsed, Parsed]]:
        """Each changed file before and after, with what did not change dropped from both sides (see parse_pair).

        A register whose file was renamed (one file gone, one new, holding the same 编号) is compared
        with itself like a changed file, so what it kept is dropped too. Pairs of blobs are kept in the
        cache (a yearly comparison is often run more than once, in more than one format); a file on
        disk is always parsed.
        """
        units = self._units(changes, new_on_disk)
        names = {} if new_on_disk else {unit: self._pair_key(changes, unit, risks_only) for unit in units}
        with quiet_gc():
            stored = self.store.get_many(list(names.values()), tuple)
        done: dict[tuple[int, ...], tuple[Parsed, Parsed]] = {
            unit: stored[name] for unit, name in names.items() if name in stored
        }
        todo = [unit for unit in units if unit not in done]
        wanted = [changes[index] for unit in todo for index in unit]
        blobs = {blob for c in wanted for blob in (c.old_blob, c.new_blob if not new_on_disk else None) if blob}
        contents = self.read_blob_ids(blobs)
        pairs: list[Pair] = []
        unreadable: dict[int, Broken] = {}
        for unit in todo:
            old_change, new_change = changes[unit[0]], changes[unit[-1]]
            old = (contents.get(old_change.old_blob) or b"", self.display(old_change.path)) if old_change.old_blob else None
            new: Item | None = None
            if new_on_disk and new_change.status != "D":
                data = self.read_disk(new_change.path)
                if isinstance(data, Broken):
                    unreadable[unit[-1]] = data
                else:
                    new = (data, self.display(new_change.path))
            elif new_change.new_blob:
                new = (contents.get(new_change.new_blob) or b"", self.display(new_change.path))
            pairs.append((old, new))
        sealed = dict(zip(todo, sealed_pairs(pairs, risks_only=risks_only), strict=True))
        with quiet_gc():
            done.update((unit, unsealed_value(blob, tuple)) for unit, blob in sealed.items())
        complete = [
            unit
            for unit in sealed
            if unit in names and all(contents.get(b) is not None for index in unit for b in blobs_of(changes[index]))
        ]
        self.store.put_sealed((names[unit], sealed[unit]) for unit in complete)
        found: dict[int, tuple[Parsed, Parsed]] = {}
        for unit, (old_parsed, new_parsed) in done.items():
            if len(unit) == 1:
                found[unit[0]] = (old_parsed, new_parsed)
            else:
                found[unit[0]], found[unit[1]] = (old_parsed, None), (None, new_parsed)
        return [(found[index][0], unreadable.get(index, found[index][1])) for index in range(len(changes))]

    def _units(self, changes: Sequence[FileChange], new_on_disk: bool) -> list[tuple[int, ...]]:
        """The changes parsed together: (index,) for one file; (gone, new) for a renamed register."""
        renamed = {} if new_on_disk else self._renames(changes)
        partner = {new: gone for gone, new in renamed.items()}
        units: list[tuple[int, ...]] = []
        for index in range(len(changes)):
            if index in renamed:
                units.append((index, renamed[index]))
            elif index not in partner:
                units.append((index,))
        return units

    def _renames(self, changes: Sequence[FileChange]) -> dict[int, int]:
        """Index of a removed file → index of the added file holding the same register (by its top-level 编号,
        read without parsing); only where that 编号 is in exactly one removed and one added YAML file."""
        gone = [i for i, c in enumerate(changes) if c.status == "D" and c.old_blob and not _is_markdown(c.path)]
        came = [i for i, c in enumerate(changes) if c.status == "A" and c.new_blob and not _is_markdown(c.path)]
        if not gone or not came:
            return {}
        contents = self.read_blob_ids([changes[i].old_blob or "" for i in gone] + [changes[i].new_blob or "" for i in came])

        def by_id(indices: list[int], blob_of: Callable[[FileChange], str | None]) -> dict[str, list[int]]:
            found: dict[str, list[int]] = {}
            for index in indices:
                data = contents.get(blob_of(changes[index]) or "")
                peeked = peek_bytes(data) if data is not None else None
                if peeked is not None:
                    found.setdefault(peeked[0], []).append(index)
            return found

        before, after = by_id(gone, lambda c: c.old_blob), by_id(came, lambda c: c.new_blob)
        return {before[key][0]: after[key][0] for key in before.keys() & after.keys() if len(before[key]) == len(after[key]) == 1}

    def _pair_key(self, changes: Sequence[FileChange], unit: tuple[int, ...], risks_only: bool) -> str:
        old, new = changes[unit[0]], changes[unit[-1]]
        paths = [self.display(changes[index].path) for index in unit]
        return self.store.key("pair", old.old_blob or "", new.new_blob or "", *paths, str(risks_only))

    # -- facts found without parsing everything -----------------------------------------

    def all_registers(self, rev: str) -> tuple[list[RegisterAt], list[Broken]]:
        """Every register at rev (used by audit, which looks at every register)."""
        return split(self.parse_at(rev, self.listing(rev)).values())

    def all_audited(self, rev: str) -> tuple[list[Audited], list[Broken]]:
        """What ``lzfk audit`` keeps of every register at rev, and the files that could not be read."""
        found = self.audited_blobs((blob, path) for path, blob in self.listing(rev).items()).values()
        return [a for a in found if isinstance(a, Audited)], [b for b in found if isinstance(b, Broken)]

    def registers_with_text(self, rev: str | None, texts: Sequence[str]) -> list[RegisterAt]:
        """Registers at rev (None: on disk) whose file contains any of texts — found by git grep, not by parsing all."""
        if not texts:
            return []
        key = self._tree_key(rev, "grep", *texts)
        found = self.store.get_many([key], list).get(key) if key else None
        if not isinstance(found, list) or not all(isinstance(path, str) for path in found):
            found = self.repo.grep_files(rev, texts, self.spec)
            if key:
                self.store.put_many([(key, found)])
        return split(self.parse_at(rev, found).values())[0]

    def department_names(self, rev: str | None, known: Iterable[RegisterAt] = ()) -> dict[str, str]:
        """科室 编号 and 名称 → 名称, for the department registers at rev (found by git grep, names read by a peek).

        A git grep reads every file of the tree, so the answer is kept in the cache by the tree's id."""
        key = self._tree_key(rev, "departments")
        names = self.store.get_many([key], dict).get(key) if key else None
        if not isinstance(names, dict):
            names = self._department_names(rev)
            if key:
                self.store.put_many([(key, names)])
        return {**names, **department_index(known)}

    def _tree_key(self, rev: str | None, *parts: str) -> str:
        """A cache key for a fact about the register folder's tree at rev ("" on disk, or without the folder)."""
        if rev is None:
            return ""
        if rev not in self._trees:
            self._trees[rev] = (self.repo.try_run("rev-parse", "--verify", "--quiet", f"{rev}:{self.spec}") or "").strip()
        tree = self._trees[rev]
        return self.store.key("tree", tree, self.spec, *parts) if tree else ""

    def _department_names(self, rev: str | None) -> dict[str, str]:
        names: dict[str, str] = {}
        paths = self.repo.grep_files(rev, [_DEPARTMENT_LINE], self.spec, regex=True)
        unclear = []
        for path, data in self.read(rev, paths).items():
            peeked = peek_bytes(data) if isinstance(data, bytes) else None
            if peeked is None:
                unclear.append(path)
            else:
                names[peeked[0]] = names[peeked[1]] = peeked[1]
        names.update(department_index(split(self.parse_at(rev, unclear).values())[0]))
        return names

    def config_at(self, rev: str | None) -> Config:
        """lzfk.yaml at rev; the current one when it is missing or invalid there."""
        if rev not in self._configs:
            loaded = _config_from(self.repo.read_at(rev, self.repo.path_in_repo(CONFIG_FILE))) if rev else None
            self._configs[rev] = loaded or self.repository.config
        return self._configs[rev]


def peek_bytes(data: bytes) -> tuple[str, str] | None:
    """The top-level 编号 and 名称 of a register file, read without parsing; None when unsure."""
    source = decode_source(data, "")
    return None if isinstance(source, Finding) else peek_id_and_name(source.text)


def _config_from(data: bytes | None) -> Config | None:
    return None if data is None else config_from_bytes(data, CONFIG_FILE)[0]


def _is_markdown(path: str) -> bool:
    return path.lower().endswith(MARKDOWN_SUFFIX)


def blobs_of(change: FileChange) -> list[str]:
    return [blob for blob in (change.old_blob, change.new_blob) if blob]


def split(results: Iterable[Parsed]) -> tuple[list[RegisterAt], list[Broken]]:
    results = list(results)
    return [r for r in results if isinstance(r, RegisterAt)], [r for r in results if isinstance(r, Broken)]
