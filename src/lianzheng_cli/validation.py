"""``lzfk validate`` as a pure function: files in, findings and a summary out.

Files are checked one at a time (in two processes when there are many uncached ones)
and reduced to findings plus compact facts; cross-file rules then run over the facts.
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from lianzheng_cli import runcache
from lianzheng_cli.cache import ResultCache, content_key
from lianzheng_cli.config import Config
from lianzheng_cli.facts import RegisterFacts, facts_from_raw, facts_of
from lianzheng_cli.findings import Finding, display_path
from lianzheng_cli.grading.check import grade_findings
from lianzheng_cli.grading.ruleset import RuleSet, RuleSetError, load_ruleset
from lianzheng_cli.loader.decode import decode_source
from lianzheng_cli.loader.files import MARKDOWN_SUFFIX, ParsedFile, parse_register_text, unreadable
from lianzheng_cli.loader.raw import read_bytes
from lianzheng_cli.paths import walk_registers
from lianzheng_cli.repository import Repository, list_files, open_repository
from lianzheng_cli.results import ValidationResult
from lianzheng_cli.rules import RegisterContext, apply_settings, check_register, check_repository, severity_overrides

PARALLEL_THRESHOLD = 400
BATCH = 1000
# Bump when FileOutcome or any per-file check changes meaning, so old cache entries die.
CACHE_FORMAT = 2


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """Everything validation keeps about one file (this is what the cache stores)."""

    findings: tuple[Finding, ...]
    facts: RegisterFacts | None
    is_register: bool
    risk_points: int


@dataclass(frozen=True)
class _Job:
    path: str
    display: str
    suffix: str
    key: str
    data: bytes | None  # None: the file could not be read
    digest: str = ""
    stat: tuple[int, int, int] | None = None  # size, mtime_ns, inode: for the run cache's stat index


def validate(
    start: Path, targets: list[Path] | None = None, *, use_cache: bool = True, jobs: int = 0, replay: bool = True
) -> ValidationResult:
    """Validate the repository at or above start (only targets, when given).

    With use_cache, an unchanged repository's stored result is returned at once (see
    runcache) and per-file results are reused by content; replay=False skips the former
    when the caller has just tried it.
    """
    targets_key = _targets_key(targets)
    if use_cache and replay:
        replayed = runcache.replay(start, targets_key)
        if replayed is not None:
            return replayed
    repository, config_findings, root = open_repository(start)
    if repository is None:
        return _failed(root, config_findings)
    files, whole = _files(repository, targets)
    try:
        checker = Checker.for_repository(repository)
    except RuleSetError as exc:
        return _failed(root, exc.findings)
    jobs_done: list[runcache.FileStat] = []
    outcomes = _outcomes(repository, checker, files, use_cache=use_cache, jobs=jobs, done=jobs_done, prune=whole)
    result = _assemble(repository, outcomes, whole)
    if use_cache:
        _remember(repository, checker, targets_key, result, jobs_done)
    return result


_REFERENCE_CODES = frozenset(("LZ202", "LZ203", "LZ204", "LZ205"))


def _mention_unread(findings: list[Finding], unread: list[str]) -> list[Finding]:
    """A reference may point into a file that could not be read at all: say so, so that the
    clerk fixes that file first instead of chasing a reference that is not wrong."""
    if not unread:
        return findings
    names = "、".join(unread[:3]) + ("等" if len(unread) > 3 else "")
    note = f"（另有 {len(unread)} 个文件未能读取：{names}，被引用的内容可能就在其中，请先修正它们）"
    return [
        Finding(f.path, f.line, f.column, f.code, f.severity, f.message, f.hint + note) if f.code in _REFERENCE_CODES else f
        for f in findings
    ]


def _ledger_findings(repository: Repository, facts: list[RegisterFacts]) -> list[Finding]:
    from lianzheng_cli.ledger import load_ledger_with_ids

    known = {item.id for item in facts}
    for item in facts:
        known.update(ident for ident, _ in item.risk_ids)
        known.update(ident for ident, _ in item.power_ids)
    return load_ledger_with_ids(repository.root, known or None).findings


def _files(repository: Repository, targets: list[Path] | None) -> tuple[list[str], bool]:
    """Absolute paths as plain strings: 20,000 Path objects would cost ~6 MB."""
    if not targets:
        list_files(repository, None)  # reports a missing register folder
        return walk_registers(repository.register_dir), True
    paths, whole = list_files(repository, targets)
    return [str(path) for path in paths], whole


def _failed(root: Path, findings: list[Finding]) -> ValidationResult:
    result = ValidationResult(root, sorted(findings), config_failed=True)
    result.summary.count(result.findings)
    return result


def _targets_key(targets: list[Path] | None) -> str:
    return runcache.targets_key(targets)


def _remember(
    repository: Repository, checker: Checker, targets_key: str, result: ValidationResult, done: list[runcache.FileStat]
) -> None:
    root = repository.root
    dependencies = {"lzfk.yaml": runcache.digest((root / "lzfk.yaml").read_bytes())}
    from lianzheng_cli.ledger import ledger_paths

    for path in ledger_paths(root):
        dependencies[display_path(path, root)] = runcache.digest(path.read_bytes())
    for path in checker.ruleset.files:
        dependencies[display_path(path, root)] = runcache.digest(path.read_bytes())
    register_dir = display_path(repository.register_dir.resolve(), root.resolve())
    digests = [(item.path, item.digest) for item in done]
    if targets_key:
        # A run over chosen files replays only while the whole folder is unchanged.
        digests = runcache.file_digests_for(runcache.walk(repository.register_dir), dict(digests))
    combined = runcache.combined_digest(root.resolve(), digests)
    record = runcache.RunRecord(dependencies, register_dir, combined, result)
    runcache.remember(root.resolve(), targets_key, record, [item for item in done if item.digest])


@dataclass(frozen=True)
class Checker:
    """What per-file checks need besides the file: the configuration and the rule set."""

    config: Config
    ruleset: RuleSet

    @classmethod
    def for_repository(cls, repository: Repository) -> Checker:
        return cls(repository.config, load_ruleset(repository.config, repository.root))

    @functools.cached_property
    def fingerprint(self) -> str:
        return f"{runcache.code_stamp()}|{CACHE_FORMAT}|{self.config.model_dump_json()}|{self.ruleset.fingerprint}"


def check_text(text: str, display: str, *, markdown: bool, checker: Checker) -> FileOutcome:
    """Per-file checks on text: parse, schema, register rules, grades."""
    parsed = parse_register_text(text, display, markdown=markdown)
    return _outcome(parsed, checker)


def _outcome(parsed: ParsedFile, checker: Checker) -> FileOutcome:
    if parsed.register is None or parsed.tree is None:
        fallback = facts_from_raw(parsed.tree, parsed.path) if parsed.tree is not None and parsed.is_register else None
        return FileOutcome(tuple(parsed.findings), fallback, parsed.is_register, len(fallback.risk_ids) if fallback else 0)
    config = checker.config
    overrides = severity_overrides(config)
    context = RegisterContext(parsed.register, parsed.tree, parsed.path, config)
    graded, _ = grade_findings(parsed.register, parsed.tree, parsed.path, checker.ruleset, config)
    findings = parsed.findings + check_register(context, overrides) + apply_settings(graded, overrides)
    facts = facts_of(parsed.register, parsed.tree, parsed.path)
    return FileOutcome(tuple(sorted(findings)), facts, True, len(parsed.register.risks))


def _check_bytes(data: bytes, display: str, suffix: str, checker: Checker) -> FileOutcome:
    source = decode_source(data, display)
    if isinstance(source, Finding):
        return FileOutcome((source,), None, True, 0)
    return check_text(source.text, display, markdown=suffix == MARKDOWN_SUFFIX, checker=checker)


# Set before the worker pool forks, so workers inherit the compiled rule set (its
# predicates are closures and cannot be pickled).
_WORKER_CHECKER: Checker | None = None


def _check_job(job: _Job) -> tuple[str, FileOutcome]:
    assert _WORKER_CHECKER is not None
    if job.data is None:
        return job.key, FileOutcome((unreadable(job.display),), None, True, 0)
    return job.key, _check_bytes(job.data, job.display, job.suffix, _WORKER_CHECKER)


def _outcomes(
    repository: Repository,
    checker: Checker,
    files: list[str],
    *,
    use_cache: bool,
    jobs: int,
    done: list[runcache.FileStat],
    prune: bool,
) -> list[tuple[str, FileOutcome]]:
    """Outcomes in file order; files are read in batches so memory stays flat at any size."""
    global _WORKER_CHECKER
    _WORKER_CHECKER = checker
    cache = ResultCache(repository.root, enabled=use_cache)
    workers = jobs or min(os.cpu_count() or 1, 4)
    pool = None
    if workers > 1 and len(files) >= PARALLEL_THRESHOLD:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"))
    outcomes: list[tuple[str, FileOutcome]] = []
    keys: set[str] = set()
    root = str(repository.root.resolve()) + os.sep
    fingerprint = checker.fingerprint
    try:
        for start in range(0, len(files), BATCH):
            batch = [_job(root, path, fingerprint) for path in files[start : start + BATCH]]
            known = cache.get_many([job.key for job in batch])
            todo = [job for job in batch if job.key not in known]
            results = pool.map(_check_job, todo, chunksize=max(len(todo) // (workers * 4), 1)) if pool else map(_check_job, todo)
            fresh = dict(results)
            cache.put_many((key, outcome) for key, outcome in fresh.items() if not key.startswith("unreadable:"))
            outcomes.extend((job.display, known.get(job.key) or fresh[job.key]) for job in batch)
            if use_cache:
                keys.update(job.key for job in batch)
                done.extend(runcache.FileStat(job.path, *(job.stat or (0, 0, 0)), job.digest) for job in batch)
    finally:
        if pool is not None:
            pool.shutdown()
    if prune:  # only a run over the whole folder knows which results are no longer needed
        cache.prune(keys)
    cache.close()
    return outcomes


def _job(root: str, name: str, fingerprint: str) -> _Job:
    display = name[len(root) :].replace(os.sep, "/") if name.startswith(root) else Path(name).as_posix()
    suffix = os.path.splitext(name)[1].lower()
    try:
        data, status = read_bytes(name)
    except OSError:
        return _Job(name, display, suffix, f"unreadable:{display}", None)
    digest = runcache.digest(data)
    # The outcome names its file (findings, facts), so the path is part of the key:
    # two files with equal bytes, or a renamed file, must not share a result.
    stat = (status.st_size, status.st_mtime_ns, status.st_ino)
    return _Job(name, display, suffix, content_key(digest, suffix, f"{fingerprint}|{display}"), data, digest, stat)


def _assemble(repository: Repository, outcomes: list[tuple[str, FileOutcome]], whole: bool) -> ValidationResult:
    result = ValidationResult(repository.root)
    facts = [outcome.facts for _, outcome in outcomes if outcome.facts is not None]
    for _, outcome in outcomes:
        result.findings.extend(outcome.findings)
        result.summary.registers += outcome.is_register
        result.summary.risk_points += outcome.risk_points
    if whole:
        overrides = severity_overrides(repository.config)
        unread = [display for display, outcome in outcomes if outcome.is_register and outcome.facts is None]
        cross = check_repository(facts, repository.config, overrides)
        result.findings.extend(_mention_unread(cross, unread))
        result.findings.extend(apply_settings(_ledger_findings(repository, facts), overrides))
    result.findings.sort()
    result.summary.files = len(outcomes)
    result.summary.cross_file_checked = whole
    result.summary.count(result.findings)
    return result
