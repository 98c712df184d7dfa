"""``lzfk validate`` as a pure function: files in, findings and a summary out.

Files are checked one at a time (in two processes when there are many uncached ones)
and reduced to findings plus compact facts; cross-file rules then run over the facts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from lianzheng_cli import __version__
from lianzheng_cli.cache import ResultCache, content_key
from lianzheng_cli.config import Config
from lianzheng_cli.facts import RegisterFacts, facts_from_raw, facts_of
from lianzheng_cli.findings import Finding, Severity, Summary
from lianzheng_cli.grading.check import grade_findings
from lianzheng_cli.grading.ruleset import RuleSet, RuleSetError, load_ruleset
from lianzheng_cli.loader.decode import DecodeFailure, decode
from lianzheng_cli.loader.files import MARKDOWN_SUFFIX, ParsedFile, parse_register_text
from lianzheng_cli.repository import Repository, list_files, open_repository
from lianzheng_cli.rules import RegisterContext, apply_settings, check_register, check_repository, severity_overrides

PARALLEL_THRESHOLD = 400
# Bump when FileOutcome or any per-file check changes meaning, so old cache entries die.
CACHE_FORMAT = 2


@dataclass(frozen=True)
class FileOutcome:
    """Everything validation keeps about one file (this is what the cache stores)."""

    findings: tuple[Finding, ...]
    facts: RegisterFacts | None
    is_register: bool
    risk_points: int


@dataclass
class ValidationResult:
    root: Path
    findings: list[Finding] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)
    config_failed: bool = False

    @property
    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)


@dataclass(frozen=True)
class _Job:
    path: Path
    display: str
    key: str


def validate(start: Path, targets: list[Path] | None = None, *, use_cache: bool = True, jobs: int = 0) -> ValidationResult:
    repository, config_findings, root = open_repository(start)
    if repository is None:
        result = ValidationResult(root, sorted(config_findings), config_failed=True)
        result.summary.count(result.findings)
        return result
    files, whole = list_files(repository, targets)
    try:
        checker = Checker.for_repository(repository)
    except RuleSetError as exc:
        result = ValidationResult(root, sorted(exc.findings), config_failed=True)
        result.summary.count(result.findings)
        return result
    outcomes = _outcomes(repository, checker, files, use_cache=use_cache, jobs=jobs)
    return _assemble(repository, outcomes, whole)


@dataclass(frozen=True)
class Checker:
    """What per-file checks need besides the file: the configuration and the rule set."""

    config: Config
    ruleset: RuleSet

    @classmethod
    def for_repository(cls, repository: Repository) -> Checker:
        return cls(repository.config, load_ruleset(repository.config, repository.root))

    @property
    def fingerprint(self) -> str:
        return f"{__version__}|{CACHE_FORMAT}|{self.config.model_dump_json()}|{self.ruleset.fingerprint}"


def check_text(text: str, display: str, *, markdown: bool, checker: Checker) -> FileOutcome:
    """Per-file checks on text: parse, schema, register rules, grades."""
    parsed = parse_register_text(text, display, markdown=markdown)
    return _outcome(parsed, checker)


def _outcome(parsed: ParsedFile, checker: Checker) -> FileOutcome:
    if parsed.register is None or parsed.tree is None:
        fallback = facts_from_raw(parsed.tree, parsed.path) if parsed.tree is not None and parsed.is_register else None
        return FileOutcome(tuple(parsed.findings), fallback, parsed.is_register, 0)
    config = checker.config
    overrides = severity_overrides(config)
    context = RegisterContext(parsed.register, parsed.tree, parsed.path, config)
    graded, ranks = grade_findings(parsed.register, parsed.tree, parsed.path, checker.ruleset, config)
    findings = parsed.findings + check_register(context, overrides) + apply_settings(graded, overrides)
    facts = facts_of(parsed.register, parsed.tree, parsed.path, ranks)
    return FileOutcome(tuple(sorted(findings)), facts, True, len(parsed.register.risks))


def _check_bytes(data: bytes, display: str, suffix: str, checker: Checker) -> FileOutcome:
    decoded = decode(data)
    if isinstance(decoded, DecodeFailure):
        finding = Finding(display, decoded.line, decoded.column, decoded.code, Severity.ERROR, decoded.message, decoded.hint)
        return FileOutcome((finding,), None, True, 0)
    return check_text(decoded.lstrip("\ufeff"), display, markdown=suffix == MARKDOWN_SUFFIX, checker=checker)


# Set before the worker pool forks, so workers inherit the compiled rule set (its
# predicates are closures and cannot be pickled).
_WORKER_CHECKER: Checker | None = None


def _check_job(job: _Job) -> tuple[str, FileOutcome]:
    assert _WORKER_CHECKER is not None
    return job.key, _check_path(job.path, job.display, _WORKER_CHECKER)


def _check_path(path: Path, display: str, checker: Checker) -> FileOutcome:
    try:
        data = path.read_bytes()
    except OSError as exc:
        finding = Finding(
            display, 0, 0, "LZ015", Severity.ERROR, f"无法读取文件：{exc.strerror or exc}", "检查文件是否存在、是否有读取权限"
        )
        return FileOutcome((finding,), None, True, 0)
    return _check_bytes(data, display, path.suffix.lower(), checker)


def _outcomes(
    repository: Repository, checker: Checker, files: list[Path], *, use_cache: bool, jobs: int
) -> list[tuple[str, FileOutcome]]:
    cache = ResultCache(repository.root, enabled=use_cache)
    fingerprint = checker.fingerprint
    pending: list[_Job] = []
    keyed: list[tuple[str, str]] = []
    for path in files:
        display = repository.display(path)
        try:
            # The outcome names its file (findings, facts), so the path is part of the key:
            # two files with equal bytes, or a renamed file, must not share a result.
            key = content_key(path.read_bytes(), path.suffix.lower(), f"{fingerprint}|{display}")
        except OSError:
            key = f"unreadable:{display}"
        keyed.append((display, key))
        pending.append(_Job(path, display, key))
    known = cache.get_many([key for _, key in keyed])
    todo = [job for job in pending if job.key not in known]
    fresh = dict(_run_jobs(todo, checker, jobs))
    cache.put_many((key, outcome) for key, outcome in fresh.items() if not key.startswith("unreadable:"))
    cache.prune({key for _, key in keyed})
    cache.close()
    results = {**known, **fresh}
    return [(display, results[key]) for display, key in keyed]


def _run_jobs(todo: list[_Job], checker: Checker, jobs: int) -> Iterator[tuple[str, FileOutcome]]:
    global _WORKER_CHECKER
    _WORKER_CHECKER = checker
    workers = jobs or min(os.cpu_count() or 1, 4)
    if workers <= 1 or len(todo) < PARALLEL_THRESHOLD:
        yield from map(_check_job, todo)
        return
    chunk = max(len(todo) // (workers * 8), 1)
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
        yield from pool.map(_check_job, todo, chunksize=chunk)


def _assemble(repository: Repository, outcomes: list[tuple[str, FileOutcome]], whole: bool) -> ValidationResult:
    result = ValidationResult(repository.root)
    facts = [outcome.facts for _, outcome in outcomes if outcome.facts is not None]
    for _, outcome in outcomes:
        result.findings.extend(outcome.findings)
        result.summary.registers += outcome.is_register
        result.summary.risk_points += outcome.risk_points
    if whole:
        result.findings.extend(check_repository(facts, repository.config, severity_overrides(repository.config)))
    result.findings.sort()
    result.summary.files = len(outcomes)
    result.summary.cross_file_checked = whole
    result.summary.count(result.findings)
    return result
