"""``lzfk validate``'s run: files streamed through the checks, in two processes, with a cache.

The checks themselves are ``checking``'s pure functions. Here: which files, in batches so
memory stays flat at any size, in a fork pool when many are uncached, per-file outcomes
reused by content (``cache.ResultCache``), the whole run replayed when nothing it
depends on changed (``cache.replay``: this and the console script's fast path in
``entry.py`` are its only callers), and, when only a few files changed, the last whole
run's parts kept and only those files checked again (``_incremental``).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from lianzheng_cli import cache
from lianzheng_cli.checking import (
    Checker,
    FileOutcome,
    add_findings,
    assemble,
    check_bytes,
    cross_findings,
    failed,
    known_ids,
)
from lianzheng_cli.findings import Finding
from lianzheng_cli.grading.ruleset import RuleSetError
from lianzheng_cli.loader.files import unreadable, unsafe_name
from lianzheng_cli.loader.raw import read_bytes
from lianzheng_cli.paths import ledger_listing, walk_registers
from lianzheng_cli.printable import is_safe, visible
from lianzheng_cli.register_facts import RegisterFacts, moved_positions
from lianzheng_cli.repository import Repository, list_files, open_repository, require_register_dir
from lianzheng_cli.results import ValidationResult
from lianzheng_cli.rules.standard_rules import catalogue_files
from lianzheng_cli.schema import freshness_findings, schema_paths
from lianzheng_cli.work_progress import ProgressHook, no_progress

PARALLEL_THRESHOLD = 400
BATCH = 1000
PROGRESS_STEP = 50  # files between two progress reports


@dataclass(frozen=True)
class _Job:
    path: str
    display: str
    suffix: str
    key: str
    data: bytes | None  # None: not read (its outcome is cached) or could not be read (key "unreadable:…")
    digest: str = ""
    stat: tuple[int, int, int] | None = None  # size, mtime_ns, inode: for the cache's stat index
    refusal: Finding | None = None  # why the file was not read (LZ015, LZ017, LZ019)


def validate(
    start: Path,
    targets: list[Path] | None = None,
    *,
    use_cache: bool = True,
    jobs: int = 0,
    progress: ProgressHook = no_progress,
) -> ValidationResult:
    """Validate the repository at or above start (only targets, when given).

    With use_cache, an unchanged repository's stored result is returned at once and
    per-file results are reused by content.
    """
    targets_key = cache.targets_key(targets)
    if use_cache:
        replayed = cache.replay(start, targets_key)
        if replayed is not None:
            return replayed
    repository, config_findings, root = open_repository(start)
    if repository is None:
        return failed(root, config_findings)
    walk = cache.walked(repository.register_dir) if use_cache else None
    files, whole = _files(repository, targets, walk.files if walk else None)
    try:
        checker = Checker.for_repository(repository)
    except RuleSetError as exc:
        return failed(root, exc.findings)
    dependencies = _dependencies(repository, checker) if use_cache else {}
    if walk is not None and whole:
        done = _incremental(repository, checker, walk, dependencies, targets_key, jobs, progress)
        if done is not None:
            return done
    stats: list[cache.FileStat] = []
    read: set[str] = set()
    outcomes = _outcomes(
        repository, checker, files, use_cache=use_cache, jobs=jobs, stats=stats, read=read, prune=whole, progress=progress
    )
    ledger = None
    if whole:
        from lianzheng_cli.ledger import load_ledger  # imported here: a run over chosen files never needs it

        facts = [outcome.facts for _, outcome in outcomes if outcome.facts is not None]
        ledger = load_ledger(repository.root, known_ids(facts))
    result = assemble(repository.root, repository.config, outcomes, ledger, checker.ruleset)
    if whole:
        add_findings(result, freshness_findings(repository.root, repository.config), repository.config)
    if use_cache:
        stored = _run_facts(files, outcomes) if whole else None
        parts = _parts(checker, files, outcomes, result, stored.token) if stored else None
        _remember(repository, dependencies, targets_key, result, stats, read, parts, facts=stored)
    return result


def _run_facts(files: list[str], outcomes: list[tuple[str, FileOutcome]]) -> cache.RunFacts:
    """Every file's facts, by its position in the run's stat index (the files sorted)."""
    position = {path: i for i, path in enumerate(sorted(files))}
    entries = {position[path]: (outcome.facts, outcome.is_register) for path, (_, outcome) in zip(files, outcomes, strict=True)}
    return cache.RunFacts(cache.new_facts_token(), entries)


def _files(repository: Repository, targets: list[Path] | None, walked: list[str] | None) -> tuple[list[str], bool]:
    """Absolute paths as plain strings: 20,000 Path objects would cost ~6 MB. walked: the
    folder as a failed replay just listed it."""
    if not targets:
        folder = require_register_dir(repository)
        return walked if walked is not None else walk_registers(folder), True
    paths, whole = list_files(repository, targets)
    return [str(path) for path in paths], whole


def _dependencies(repository: Repository, checker: Checker) -> dict[str, str]:
    """Digests of everything a run depends on besides the files it checks."""
    root = repository.root
    files = [
        root / "lzfk.yaml",
        *ledger_listing(root),
        *checker.ruleset.files,
        *catalogue_files(root, repository.config),
        *schema_paths(root),
    ]
    return cache.dependency_digests(root, files)


def _remember(
    repository: Repository,
    dependencies: dict[str, str],
    targets_key: str,
    result: ValidationResult,
    stats: list[cache.FileStat],
    read: set[str],
    parts: cache.RunParts | None,
    index: cache.FileIndex | None = None,
    *,
    facts: cache.RunFacts | None = None,
    base: bool = True,
) -> None:
    """Store the run for replay. index: each checked file's stamp and digest (default: as
    this run found them); facts: see cache.remember."""
    root = repository.root
    register_dir = repository.display(repository.register_dir.resolve())
    if index is None:
        files = {item.path: (item.size, item.mtime_ns, item.inode, item.digest) for item in stats}
        if targets_key:  # a folder named as a target: every register file in it counts
            known = {path: entry[3] for path, entry in files.items()}
            for path, value in cache.file_digests_for(root, cache.target_files(targets_key), known):
                files.setdefault(path, (0, 0, 0, value))
        index = cache.FileIndex.of(files)
    record = cache.RunRecord(dependencies, register_dir, index, result, parts)
    # Only what was read this run is (re-)indexed: the rest is in the index as it is.
    fresh = [item for item in stats if item.digest and item.path in read]
    cache.remember(root.resolve(), targets_key, record, fresh, facts, base=base)


def _parts(
    checker: Checker, files: list[str], outcomes: list[tuple[str, FileOutcome]], result: ValidationResult, token: str
) -> cache.RunParts:
    own = {path: outcome.findings for path, (_, outcome) in zip(files, outcomes, strict=True) if outcome.findings}
    summary = result.summary
    return cache.RunParts(checker.fingerprint, own, _cross(own, result), summary.registers, summary.risk_points, token)


def _cross(own: dict[str, tuple[Finding, ...]], result: ValidationResult) -> tuple[Finding, ...]:
    # What is left of the result once every file's own findings are taken out. Findings
    # compare by place and code only, so they are matched on all their fields.
    left = Counter(_identity(f) for findings in own.values() for f in findings)
    cross = []
    for finding in result.findings:
        identity = _identity(finding)
        if left[identity]:
            left[identity] -= 1
        else:
            cross.append(finding)
    return tuple(cross)


def _identity(finding: Finding) -> tuple[object, ...]:
    return (finding.path, finding.line, finding.column, finding.code, finding.severity, finding.message, finding.hint)


# Beyond this share of changed files a whole run costs about the same.
INCREMENTAL_SHARE = 0.2


def _incremental(
    repository: Repository,
    checker: Checker,
    walk: cache.Walked,
    dependencies: dict[str, str],
    targets_key: str,
    jobs: int,
    progress: ProgressHook,
) -> ValidationResult | None:
    """The result from the last whole run's parts and the changed files' fresh outcomes (the
    cross-file checks run again over every file's stored facts when a changed file's facts
    changed); None when that cannot give exactly a whole run's answer (files added or
    removed, anything missing from the cache)."""
    record, root = walk.record, repository.root
    parts = record.parts
    if parts is None or parts.fingerprint != checker.fingerprint or record.dependencies != dependencies:
        return None
    positions = _changed(record.index, walk.fresh)
    if positions is None:
        return None
    changed = [walk.files[i] for i in positions]
    stats: list[cache.FileStat] = []
    read: set[str] = set()
    fresh = _outcomes(
        repository, checker, changed, use_cache=True, jobs=jobs, stats=stats, read=read, prune=False, progress=progress
    )
    old_digests = [record.index.digest_at(i) for i in positions]
    outcomes = [outcome for _, outcome in fresh]
    updated = _updated(parts, root, changed, old_digests, outcomes)
    if updated is None:
        return None
    kept, differ, rerun = updated
    entries = dict(walk.fresh or {})
    position = dict(zip(changed, positions, strict=True))
    entries.update((position[item.path], (item.size, item.mtime_ns, item.inode, item.digest)) for item in stats)
    index = record.index.patched(entries)
    # Only the facts that changed are stored again, apart from the last whole run's, a few at a time.
    store = cache.RunFacts(
        kept.facts_token,
        {position[path]: (o.facts, o.is_register) for path, o in zip(changed, outcomes, strict=True) if path in differ},
    )
    if not rerun:
        result = _kept_result(root, walk.files, kept)
    else:  # some file's cross-file facts changed: the cross-file checks again, over every file's facts
        every = cache.run_facts(root, targets_key, kept.facts_token, base=True)
        if every is None or len(every.entries) != len(walk.files):
            return None
        every.entries.update(store.entries)
        result = _rechecked(repository, checker, walk.files, every, kept)
        kept = replace(kept, cross=_cross(kept.own, result))
    base = False
    if store.entries:
        changes = cache.run_facts(root, targets_key, kept.facts_token, base=False)
        if changes is None:
            return None
        changes.entries.update(store.entries)
        store = changes
        if not cache.facts_kept_apart(store):
            every = cache.run_facts(root, targets_key, kept.facts_token, base=True)
            if every is None:
                return None
            every.entries.update(store.entries)
            store, base = every, True
    facts = store if store.entries else None
    _remember(repository, dependencies, targets_key, result, stats, read, kept, index, facts=facts, base=base)
    return result


def _kept_result(root: Path, files: list[str], kept: cache.RunParts) -> ValidationResult:
    """A whole run's result from its parts."""
    result = ValidationResult(root)
    # File order first, then the rest, as a whole run lists them before its (stable) sort.
    result.findings = sorted([*(f for path in files if path in kept.own for f in kept.own[path]), *kept.cross])
    result.summary.files = len(files)
    result.summary.registers = kept.registers
    result.summary.risk_points = kept.risk_points
    result.summary.count(result.findings)
    return result


def _rechecked(
    repository: Repository, checker: Checker, files: list[str], every: cache.RunFacts, kept: cache.RunParts
) -> ValidationResult:
    """A whole run's result from every file's own findings and the cross-file checks run again
    over every file's facts, exactly as a whole run makes it (see validate and assemble)."""
    root, config = repository.root, repository.config
    prefix = str(root.resolve()) + os.sep
    facts = [entry[0] for _, entry in sorted(every.entries.items()) if entry[0] is not None]
    unread = [_display(prefix, files[i]) for i, (item, register) in sorted(every.entries.items()) if register and item is None]
    from lianzheng_cli.ledger import load_ledger

    ledger = load_ledger(root, known_ids(facts))
    result = ValidationResult(root)
    result.findings = [*(f for path in files if path in kept.own for f in kept.own[path])]
    result.findings.extend(cross_findings(root, config, facts, unread, ledger, checker.ruleset))
    result.findings.sort()
    result.summary.files = len(files)
    result.summary.registers = kept.registers
    result.summary.risk_points = kept.risk_points
    result.summary.count(result.findings)
    add_findings(result, freshness_findings(root, config), config)
    return result


def _changed(index: cache.FileIndex, fresh: dict[int, cache.Entry] | None) -> list[int] | None:
    """The positions of the files whose content changed since the indexed run; None when files
    were added, removed or renamed, or too many changed for an incremental run to pay."""
    if fresh is None:
        return None
    changed = []
    for i, entry in sorted(fresh.items()):
        before = index.digest_at(i)
        if not before:
            # One that could not be read last time (its outcome is never cached): a whole run.
            return None
        if before != entry[3]:
            changed.append(i)
    return changed if len(changed) <= max(10, len(index.paths) * INCREMENTAL_SHARE) else None


def _updated(
    parts: cache.RunParts, root: Path, changed: list[str], old_digests: list[str], fresh: list[FileOutcome]
) -> tuple[cache.RunParts, set[str], bool] | None:
    """The parts with the changed files' fresh outcomes in place of their old ones, the files
    whose facts changed, and whether the cross-file checks must run again (some file's facts
    did not merely move: the parts' cross-file findings are then stale); None when an old
    outcome is not in the cache."""
    prefix = str(root.resolve()) + os.sep
    keys = [_key(prefix, path, digest, parts.fingerprint) for path, digest in zip(changed, old_digests, strict=True)]
    results = cache.ResultCache(root)
    old_outcomes = results.get_many(keys, FileOutcome)
    results.close()
    own = dict(parts.own)
    cross: tuple[Finding, ...] | None = parts.cross
    differ: set[str] = set()
    registers, risk_points = parts.registers, parts.risk_points
    for path, key, outcome in zip(changed, keys, fresh, strict=True):
        old = old_outcomes.get(key)
        if old is None or old.is_register != outcome.is_register:
            return None
        if old.facts != outcome.facts:
            differ.add(path)
            cross = _moved(cross, old.facts, outcome.facts) if cross is not None else None
        registers += outcome.is_register - old.is_register
        risk_points += outcome.risk_points - old.risk_points
        if outcome.findings:
            own[path] = outcome.findings
        else:
            own.pop(path, None)
    kept = cache.RunParts(parts.fingerprint, own, cross or (), registers, risk_points, parts.facts_token)
    return kept, differ, cross is None


def _moved(cross: tuple[Finding, ...], old: RegisterFacts | None, new: RegisterFacts | None) -> tuple[Finding, ...] | None:
    """The cross-file findings after an edit that only moved old's facts (see
    register_facts.moved_positions), or None when the cross-file checks must run again."""
    if old is None or new is None:
        return None
    moves = moved_positions(old, new)
    if moves is None:
        return None
    path = new.path
    out = []
    for finding in cross:
        if path in finding.message or path in finding.hint:
            return None  # it quotes a place in the edited file (LZ201: "已在 …:12 使用")
        if finding.path == path:
            after = moves.get((finding.line, finding.column))
            if after is None:
                return None
            finding = Finding(path, *after, finding.code, finding.severity, finding.message, finding.hint)
        out.append(finding)
    return tuple(out)


def root_prefix(root: Path) -> str:
    """What result_place takes of the repository's root (resolved once, not per file)."""
    return str(root.resolve()) + os.sep


def result_place(prefix: str, path: Path, data: bytes, checker: Checker) -> tuple[str, str]:
    """The name validate shows the file at path (absolute, as its folder walk lists it) under,
    and the key of its outcome when it holds data: what a writer that already checked data
    (lzfk import) stores that outcome under. prefix: root_prefix of the repository."""
    return _display(prefix, str(path)), _key(prefix, str(path), cache.digest(data), checker.fingerprint)


def keep_outcomes(root: Path, sealed: list[tuple[str, bytes]]) -> None:
    """Store outcomes (key, cache.sealed_value(outcome)) of files just written, each made by
    check_parsed on the exact bytes written, so the next run reads them from the cache.
    The key holds the content's digest: a file changed since is checked again."""
    results = cache.ResultCache(root)
    results.put_sealed(sealed)
    results.close()


def _key(prefix: str, path: str, digest: str, fingerprint: str) -> str:
    display = _display(prefix, path)
    return cache.content_key(digest, os.path.splitext(path)[1].lower(), f"{fingerprint}|{display}")


# Set before the worker pool forks, so workers inherit the compiled rule set (its
# predicates are closures and cannot be pickled).
_WORKER_CHECKER: Checker | None = None


def _check_job(job: _Job) -> tuple[str, FileOutcome]:
    assert _WORKER_CHECKER is not None
    if job.data is None:
        return job.key, FileOutcome((job.refusal or unreadable(job.display),), None, True, 0)
    return job.key, check_bytes(job.data, job.display, job.suffix, _WORKER_CHECKER)


def _outcomes(
    repository: Repository,
    checker: Checker,
    files: list[str],
    *,
    use_cache: bool,
    jobs: int,
    stats: list[cache.FileStat],
    read: set[str],
    prune: bool,
    progress: ProgressHook = no_progress,
) -> list[tuple[str, FileOutcome]]:
    """Outcomes in file order; files are read in batches so memory stays flat at any size."""
    global _WORKER_CHECKER
    _WORKER_CHECKER = checker
    results = cache.ResultCache(repository.root, enabled=use_cache)
    workers = jobs or min(os.cpu_count() or 1, 4)
    pool = None
    if workers > 1 and len(files) >= PARALLEL_THRESHOLD:
        # Imported here: a run over a few files (the pre-commit hook) never pays for them.
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"))
    outcomes: list[tuple[str, FileOutcome]] = []
    keys: set[str] = set()
    root = str(repository.root.resolve()) + os.sep
    fingerprint = checker.fingerprint
    try:
        for start in range(0, len(files), BATCH):
            batch, known = _batch(results, root, files[start : start + BATCH], fingerprint)
            todo = [job for job in batch if job.key not in known]
            chunk = max(len(todo) // (workers * 4), 1)
            fresh: dict[str, FileOutcome] = {}
            for key, outcome in pool.map(_check_job, todo, chunksize=chunk) if pool else map(_check_job, todo):
                fresh[key] = outcome
                if len(fresh) % PROGRESS_STEP == 0:
                    progress("检查登记表", start + len(known) + len(fresh), len(files))
            results.put_many((key, outcome) for key, outcome in fresh.items() if not key.startswith("unreadable:"))
            outcomes.extend((job.display, known.get(job.key) or fresh[job.key]) for job in batch)
            progress("检查登记表", len(outcomes), len(files))
            if use_cache:
                keys.update(job.key for job in batch)
                stats.extend(cache.FileStat(job.path, *(job.stat or (0, 0, 0)), job.digest) for job in batch)
                read.update(job.path for job in batch if job.data is not None)
    finally:
        if pool is not None:
            pool.shutdown()
    if prune:  # only a run over the whole folder knows which results are no longer needed
        results.prune(keys)
    results.close()
    return outcomes


def _batch(
    results: cache.ResultCache, root: str, names: list[str], fingerprint: str
) -> tuple[list[_Job], dict[str, FileOutcome]]:
    """Jobs for names and the outcomes already known. A file the stat index vouches for is
    not read when its outcome is cached; every other file is read (and its digest taken)."""
    trusted = results.trusted_digests(names)
    unread = {name: _job_for_digest(root, name, fingerprint, *trusted[name]) for name in trusted}
    known = results.get_many([job.key for job in unread.values()], FileOutcome)
    batch = [
        job if (job := unread.get(name)) is not None and job.key in known else _job(root, name, fingerprint) for name in names
    ]
    known.update(results.get_many([job.key for job in batch if job.key not in known and job.data is not None], FileOutcome))
    return batch, known


def _job_for_digest(root: str, name: str, fingerprint: str, digest: str, stat: tuple[int, int, int]) -> _Job:
    display, suffix = _display(root, name), os.path.splitext(name)[1].lower()
    return _Job(name, display, suffix, cache.content_key(digest, suffix, f"{fingerprint}|{display}"), None, digest, stat)


def _display(root: str, name: str) -> str:
    return name[len(root) :].replace(os.sep, "/") if name.startswith(root) else Path(name).as_posix()


def _job(root: str, name: str, fingerprint: str) -> _Job:
    display = _display(root, name)
    suffix = os.path.splitext(name)[1].lower()
    if not is_safe(display):
        shown = visible(display)
        return _Job(name, shown, suffix, f"unreadable:{shown}", None, refusal=unsafe_name(display))
    try:
        data, status = read_bytes(name, root)
    except OSError as exc:
        return _Job(name, display, suffix, f"unreadable:{display}", None, refusal=unreadable(display, exc))
    digest = cache.digest(data)
    # The outcome names its file (findings, facts), so the path is part of the key:
    # two files with equal bytes, or a renamed file, must not share a result.
    stat = cache.file_stamp(status)
    return _Job(name, display, suffix, cache.content_key(digest, suffix, f"{fingerprint}|{display}"), data, digest, stat)
