"""One repository, loaded: every file parsed once, checked once and graded once.

``lzfk grade`` and ``lzfk build`` (and the import and export commands) work on this value:
the registers as models, the handbook chapters, the 台账, every finding ``lzfk validate``
would report on the same files, and the computed grade of every risk point and register.
The checks are ``checking``'s, the same functions validate's streaming run uses; the YAML
trees are dropped once a file is checked (they would double a large build's memory).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from stat import S_ISREG
from typing import Any

from lianzheng_cli.cache import LoadedFiles, content_key, digest, ready_to_seal, sealed_value, unsealed_value
from lianzheng_cli.checking import Checker, FileOutcome, assemble, check_parsed, failed, known_ids
from lianzheng_cli.findings import Finding, Severity
from lianzheng_cli.gcpause import quiet_gc
from lianzheng_cli.grading.engine import UNFILLED_GRADE, Grade, grade_risk
from lianzheng_cli.grading.rollup import RegisterGrade, register_grades
from lianzheng_cli.grading.ruleset import RuleSet, RuleSetError
from lianzheng_cli.ledger import Ledger, load_ledger
from lianzheng_cli.loader.files import ParsedFile, parse_register_bytes, parse_register_file, validate_register_tree
from lianzheng_cli.loader.raw import read_bytes
from lianzheng_cli.loader.yamltree import Tree
from lianzheng_cli.models import Register
from lianzheng_cli.paths import MARKDOWN_SUFFIX
from lianzheng_cli.printable import is_safe
from lianzheng_cli.repository import Repository, list_files, require_repository
from lianzheng_cli.results import ValidationResult


@dataclass(frozen=True)
class GradedRegister:
    """A register with its risk points' computed grades.

    ``complete`` is False for a register whose only gap is risk points without 等级: it is
    graded all the same (with ``UNFILLED_GRADE`` standing in), for ``lzfk grade`` to fill in.
    """

    path: str
    register: Register
    grades: list[Grade]
    complete: bool = True


@dataclass
class LoadedRepository:
    repository: Repository
    result: ValidationResult
    graded: list[GradedRegister] = field(default_factory=list)
    chapters: list[ParsedFile] = field(default_factory=list)  # Markdown files that are not registers, in path order
    ledger: Ledger = field(default_factory=Ledger)
    ruleset: RuleSet | None = None

    @cached_property
    def register_grades(self) -> dict[str, RegisterGrade]:
        """Register 编号 → rolled-up grade; computed when first asked for (grade and build
        ask, the exports do not)."""
        if self.ruleset is None:
            return {}
        graded = [(item.register, item.grades) for item in self.graded]
        return register_grades(graded, self.repository.config, self.ruleset)

    @property
    def root(self) -> Path:
        return self.repository.root

    @property
    def registers(self) -> list[Register]:
        """The registers without errors, in path order."""
        return [item.register for item in self.graded if item.complete]

    @property
    def findings(self) -> list[Finding]:
        return self.result.findings

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.result.findings if finding.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        return not self.result.config_failed and not self.errors

    def form_grade(self, register_id: str) -> str | None:
        """The 风险等级 printed on a register's form: computed and rolled up (see lzfk grade)."""
        grade = self.register_grades.get(register_id)
        if grade is None or grade.rank is None:
            return None
        return self.repository.config.grades[grade.rank]


def load_repository(start: Path | Repository, *, parallel: bool = False, cached: bool = False) -> LoadedRepository:
    """Load the repository at or above start (ConfigError when lzfk.yaml is missing or invalid).

    parallel: parse and check the files in one forked worker per core (``lzfk build``, where
    the load is the one phase that would otherwise keep a core idle).
    cached: keep each register file's result in the cache by its content, and take it from
    there the next time (the exports, run again and again on an unchanged repository).
    """
    repository = start if isinstance(start, Repository) else require_repository(start)
    try:
        checker = Checker.for_repository(repository)
    except RuleSetError as exc:
        return LoadedRepository(repository, failed(repository.root, exc.findings))
    files, _ = list_files(repository)
    loaded = LoadedRepository(repository, ValidationResult(repository.root), ruleset=checker.ruleset)
    outcomes: list[tuple[str, FileOutcome]] = []
    checked = _cached_files if cached else _checked_files
    for parsed, outcome, grades, complete in checked(repository, checker, files, parallel=parallel):
        outcomes.append((parsed.path, outcome))
        _keep(loaded, parsed, grades, complete)
    facts = [outcome.facts for _, outcome in outcomes if outcome.facts is not None]
    loaded.ledger = load_ledger(repository.root, known_ids(facts))
    loaded.result = assemble(repository.root, repository.config, outcomes, loaded.ledger, checker.ruleset)
    return loaded


Checked = tuple[ParsedFile, FileOutcome, list[Grade], bool]  # bool: graded complete (see GradedRegister)
PARALLEL_THRESHOLD = 400  # files; below it a pool costs more than it saves
_CHUNK = 100
_STATE: tuple[Repository, Checker] | None = None  # what forked workers inherit


def _check_file(repository: Repository, checker: Checker, path: Path, data: bytes | None = None) -> Checked:
    """One file parsed and checked; a register's tree is dropped (a stand-in register made first).
    data: the file's bytes, when the caller read them (they are what is checked)."""
    if data is None:
        parsed = parse_register_file(path, repository.display(path), repository.root)
    else:
        parsed = parse_register_bytes(data, repository.display(path), markdown=path.suffix.lower() == MARKDOWN_SUFFIX)
    outcome, grades = check_parsed(parsed, checker)
    complete = True
    if parsed.is_register and parsed.register is None:
        stand_in = _with_unfilled_grades(parsed)
        if stand_in is not None:
            parsed.register, complete = stand_in, False
            grades = [grade_risk(risk, stand_in, checker.ruleset, checker.config) for risk in stand_in.risks]
    if parsed.is_register:
        parsed.tree = None
    return parsed, outcome, grades, complete


def _check_chunk(files: list[tuple[Path, bytes | None]]) -> list[Checked]:
    assert _STATE is not None
    repository, checker = _STATE
    return [_check_file(repository, checker, path, data) for path, data in files]


def _checked_files(
    repository: Repository, checker: Checker, files: list[Path], *, parallel: bool, read: list[bytes | None] | None = None
) -> Iterator[Checked]:
    """Every file checked, in order: here, or by one forked worker per core. read: each
    file's bytes where the caller read them already."""
    contents: list[bytes | None] = read if read is not None else [None] * len(files)
    workers = min(os.cpu_count() or 1, 2)
    if not parallel or workers < 2 or len(files) < PARALLEL_THRESHOLD or "fork" not in get_all_start_methods():
        for path, data in zip(files, contents, strict=True):
            yield _check_file(repository, checker, path, data)
        return
    global _STATE
    _STATE = (repository, checker)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            pairs = list(zip(files, contents, strict=True))
            chunks = [pairs[i : i + _CHUNK] for i in range(0, len(pairs), _CHUNK)]
            for checked in pool.map(_check_chunk, chunks):
                yield from checked
    finally:
        _STATE = None


_CACHE_BATCH = 1000  # files read and looked up at a time: memory stays flat at any size


def _cached_files(repository: Repository, checker: Checker, files: list[Path], *, parallel: bool) -> Iterator[Checked]:
    """_checked_files, each register file's result taken from the cache when its content
    (read once: what is checked is what the key names) was loaded before."""
    store = LoadedFiles(repository.root)
    live: set[str] = set()
    # What is loaded lives until the command ends: unpickling it with the collector on
    # would rescan everything loaded so far, again and again.
    try:
        with quiet_gc(), _SealingPool(repository, checker, parallel=parallel) as pool:
            ahead: _Batch | None = None
            for start in range(0, len(files), _CACHE_BATCH):
                # The next batch is read and handed to the workers before this one's results
                # are taken: they never wait for this process between two batches.
                batch = _Batch.of(repository, checker, store, pool, files[start : start + _CACHE_BATCH])
                live.update(key for key in batch.keys if key)
                if ahead is not None:
                    yield from ahead.finish(store)
                ahead = batch
            if ahead is not None:
                yield from ahead.finish(store)
            store.prune(live)
    finally:
        store.close()


@dataclass
class _Batch:
    """Files of one batch: their keys, what the cache held, and the rest being checked."""

    keys: list[str | None]
    found: dict[str, Any]
    fresh: Iterator[tuple[Checked, bytes | None]]
    missing: list[int]

    @classmethod
    def of(cls, repository: Repository, checker: Checker, store: LoadedFiles, pool: _SealingPool, batch: list[Path]) -> _Batch:
        read = [_read_for_key(repository, checker, path) for path in batch]
        keys = [key for key, _ in read]
        found = {key: value for key, value in store.get_many([k for k in keys if k], tuple).items() if _is_checked(value)}
        missing = [index for index, key in enumerate(keys) if key is None or key not in found]
        return cls(keys, found, pool.checked([(batch[i], read[i][1]) for i in missing]), missing)

    def finish(self, store: LoadedFiles) -> Iterator[Checked]:
        computed: dict[int, tuple[Checked, bytes | None]] = dict(zip(self.missing, self.fresh, strict=True))
        # A chapter keeps its tree, whose positions are keyed by the ids of its nodes: never stored.
        store.put_sealed(
            (key, blob or sealed_value(item))
            for index, (item, blob) in computed.items()
            if (key := self.keys[index]) and item[0].tree is None
        )
        for index, key in enumerate(self.keys):
            yield computed[index][0] if index in computed else self.found[key or ""]


class _SealingPool:
    """Files checked for _cached_files: here, or, when many are missing, by one forked worker
    per core (one pool for every batch) that hands each result back as the cache stores it
    (sealed_value), so this process unpickles it once and stores those bytes as they are."""

    def __init__(self, repository: Repository, checker: Checker, *, parallel: bool) -> None:
        self._state = (repository, checker)
        workers = min(os.cpu_count() or 1, 2)
        self._parallel = parallel and workers > 1 and "fork" in get_all_start_methods()
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> _SealingPool:
        return self

    def __exit__(self, *exc: object) -> None:
        global _STATE
        if self._pool is not None:
            self._pool.shutdown()
            _STATE = None

    def checked(self, files: list[tuple[Path, bytes | None]]) -> Iterator[tuple[Checked, bytes | None]]:
        """Each file checked, in order, with its sealed value where a worker made it."""
        repository, checker = self._state
        if not self._parallel or len(files) < PARALLEL_THRESHOLD:
            return ((_check_file(repository, checker, path, data), None) for path, data in files)
        if self._pool is None:
            global _STATE
            _STATE = self._state
            ready_to_seal()
            self._pool = ProcessPoolExecutor(max_workers=self._workers, mp_context=get_context("fork"))
        chunks = [files[i : i + _CHUNK] for i in range(0, len(files), _CHUNK)]
        return ((unsealed_value(blob, tuple), blob) for blobs in self._pool.map(_sealed_chunk, chunks) for blob in blobs)


def _sealed_chunk(files: list[tuple[Path, bytes | None]]) -> list[bytes]:
    return [sealed_value(checked) for checked in _check_chunk(files)]


def _read_for_key(repository: Repository, checker: Checker, path: Path) -> tuple[str | None, bytes | None]:
    """The file's cache key and bytes; (None, None) when it cannot be read (checking it says why)."""
    display = repository.display(path)
    if not is_safe(display):
        return None, None
    try:
        if not S_ISREG(os.lstat(path).st_mode):  # a link or special file is checked, never cached
            return None, None
        data, _ = read_bytes(path, repository.root)
    except OSError:
        return None, None
    suffix = path.suffix.lower()
    return content_key(digest(data), suffix, f"{checker.fingerprint}|loaded|{display}"), data


def _is_checked(value: Any) -> bool:
    return (
        len(value) == 4
        and isinstance(value[0], ParsedFile)
        and isinstance(value[1], FileOutcome)
        and isinstance(value[2], list)
        and isinstance(value[3], bool)
    )


def _keep(loaded: LoadedRepository, parsed: ParsedFile, grades: list[Grade], complete: bool) -> None:
    if not parsed.is_register:
        loaded.chapters.append(parsed)
    elif parsed.register is not None:
        loaded.graded.append(GradedRegister(parsed.path, parsed.register, grades, complete=complete))


def _with_unfilled_grades(parsed: ParsedFile) -> Register | None:
    """The register of a file whose only problem is risk points without 等级, or None."""
    tree = parsed.tree
    if tree is None or not parsed.findings:
        return None
    if not all(f.code == "LZ102" and "“等级”" in f.message for f in parsed.findings):
        return None
    data: Any = copy.deepcopy(tree.data)
    for risk in data.get("风险点") or []:
        if isinstance(risk, dict) and "等级" not in risk:
            risk["等级"] = UNFILLED_GRADE
    return validate_register_tree(Tree(data, tree.marks), parsed.path).register
