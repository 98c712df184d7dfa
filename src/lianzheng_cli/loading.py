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

from lianzheng_cli.cache import LoadedFiles, digest, sealed_value
from lianzheng_cli.checking import Checker, FileOutcome, assemble, check_parsed, failed, known_ids
from lianzheng_cli.findings import Finding, Severity
from lianzheng_cli.grading.engine import UNFILLED_GRADE, Grade, grade_risk
from lianzheng_cli.grading.rollup import RegisterGrade, register_grades
from lianzheng_cli.grading.ruleset import RuleSet, RuleSetError
from lianzheng_cli.ledger import Ledger, load_ledger
from lianzheng_cli.loader.files import ParsedFile, parse_register_file, validate_register_tree
from lianzheng_cli.loader.raw import read_bytes
from lianzheng_cli.loader.yamltree import Tree
from lianzheng_cli.models import Register
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


def load_repository(start: Path | Repository, *, parallel: bool = False, use_cache: bool = False) -> LoadedRepository:
    """Load the repository at or above start (ConfigError when lzfk.yaml is missing or invalid).

    parallel: parse and check the files in one forked worker per core (``lzfk build``, where
    the load is the one phase that would otherwise keep a core idle).
    use_cache: take each file unchanged since an earlier load from the cache (``cache.LoadedFiles``)
    instead of parsing, checking and grading it again.
    """
    repository = start if isinstance(start, Repository) else require_repository(start)
    try:
        checker = Checker.for_repository(repository)
    except RuleSetError as exc:
        return LoadedRepository(repository, failed(repository.root, exc.findings))
    files, _ = list_files(repository)
    loaded = LoadedRepository(repository, ValidationResult(repository.root), ruleset=checker.ruleset)
    outcomes: list[tuple[str, FileOutcome]] = []
    cached = _cached_files(repository, checker, files, parallel=parallel) if use_cache else None
    checked = cached if cached is not None else _checked_files(repository, checker, files, parallel=parallel)
    for parsed, outcome, grades, complete in checked:
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


def _check_file(repository: Repository, checker: Checker, path: Path) -> Checked:
    """One file parsed and checked; a register's tree is dropped (a stand-in register made first)."""
    parsed = parse_register_file(path, repository.display(path), repository.root)
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


def _check_chunk(paths: list[Path]) -> list[Checked]:
    assert _STATE is not None
    repository, checker = _STATE
    return [_check_file(repository, checker, path) for path in paths]


def _checked_files(repository: Repository, checker: Checker, files: list[Path], *, parallel: bool) -> Iterator[Checked]:
    """Every file checked, in order: here, or by one forked worker per core."""
    workers = min(os.cpu_count() or 1, 2)
    if not parallel or workers < 2 or len(files) < PARALLEL_THRESHOLD or "fork" not in get_all_start_methods():
        for path in files:
            yield _check_file(repository, checker, path)
        return
    global _STATE
    _STATE = (repository, checker)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            chunks = [files[i : i + _CHUNK] for i in range(0, len(files), _CHUNK)]
            for checked in pool.map(_check_chunk, chunks):
                yield from checked
    finally:
        _STATE = None


def _cached_files(repository: Repository, checker: Checker, files: list[Path], *, parallel: bool) -> list[Checked] | None:
    """Every file checked, in order: those the cache holds for their current bytes from it, the
    others checked (and kept for the next load); None when there is no cache to use."""
    store = LoadedFiles(repository.root)
    try:
        if not store.enabled:
            return None
        keys = {path: _content_key(store, checker, repository, path) for path in files}
        found = store.get_many([key for key in keys.values() if key is not None], tuple)
        missing = [path for path in files if keys[path] not in found]
        fresh = dict(zip(missing, _checked_files(repository, checker, missing, parallel=parallel), strict=True))
        store.put_sealed((key, sealed_value(fresh[path])) for path in missing if (key := keys[path]) is not None)
        store.prune({key for key in keys.values() if key is not None})
        return [fresh[path] if path in fresh else _checked(found[str(keys[path])]) for path in files]
    finally:
        store.close()


def _content_key(store: LoadedFiles, checker: Checker, repository: Repository, path: Path) -> str | None:
    """The key of a regular file's current bytes (None for anything else: it is checked, never cached)."""
    try:
        if not S_ISREG(os.lstat(path).st_mode):
            return None
        data, _ = read_bytes(path, repository.root)
    except OSError:
        return None
    return store.key(checker.fingerprint, repository.display(path), digest(data))


def _checked(value: Any) -> Checked:
    parsed, outcome, grades, complete = value
    return parsed, outcome, grades, complete


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
