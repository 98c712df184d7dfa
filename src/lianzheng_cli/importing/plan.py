"""What an import would write (the dry-run report) and writing it: new files, merges, validation."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from lianzheng_cli.cache import ready_to_seal, sealed_value
from lianzheng_cli.checking import Checker, check_parsed
from lianzheng_cli.errors import ConfigError, UsageError
from lianzheng_cli.findings import Finding, Severity
from lianzheng_cli.fsutil import AtomicWrites
from lianzheng_cli.gcpause import quiet_gc
from lianzheng_cli.importing.build import IdSpace, combine, is_leadership, register_data, relative_path, risk_data
from lianzheng_cli.importing.emit import appended_text, confirm, new_file_text, unchecked_new_file_text
from lianzheng_cli.importing.read_doc import convert_docs
from lianzheng_cli.importing.records import ImportedRegister, ImportedRisk
from lianzheng_cli.importing.roundtrip import RoundTrip, apply_roundtrip, is_editable_workbook, plan_roundtrip
from lianzheng_cli.importing.sources import SUFFIXES, SourceResult, read_source
from lianzheng_cli.importing.vocabulary import FIELDS, Vocabulary
from lianzheng_cli.loader.files import ParsedFile, parse_register_file, parse_register_text
from lianzheng_cli.paths import MARKDOWN_SUFFIX
from lianzheng_cli.repository import Repository, list_files, require_repository
from lianzheng_cli.validation import result_place, root_prefix


@dataclass
class Write:
    """One register file the import creates or changes."""

    path: Path
    display: str
    action: str  # 新建 / 合并 / 覆盖 / 无变化 / 未写入
    risks: int
    sources: str
    text: str | None = None
    data: dict[str, Any] | None = None  # a new file's content, emitted only when written
    header: str = ""


@dataclass
class ImportReport:
    sources: list[SourceResult] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # about merging with the repository
    validation: list[Finding] = field(default_factory=list)  # of the files written
    roundtrips: list[RoundTrip] = field(default_factory=list)  # edited 汇总表 workbooks
    dry_run: bool = True

    @property
    def all_findings(self) -> list[Finding]:
        trips = [f for r in self.roundtrips for f in r.findings]
        return [f for s in self.sources for f in s.findings] + trips + self.findings + self.validation

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.all_findings)


def source_files(paths: list[Path]) -> list[Path]:
    """The files named, and the importable files inside the folders named, in order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith("~$")
            )
        elif path.exists():
            found.append(path)
        else:
            raise UsageError(f"文件不存在：{path}")
    return found


def plan_import(
    start: Path,
    paths: list[Path],
    *,
    into: Path | None = None,
    force: bool = False,
    default_department: str | None = None,
    existing: RegisterFiles | None = None,
) -> ImportReport:
    """The import report (nothing written yet); ``existing`` spares reading the registers again."""
    loaded = existing or read_registers(require_repository(start))
    repository = loaded.repository
    vocabulary = _vocabulary(repository)
    target = (into if into is not None else repository.register_dir).resolve()
    if not target.is_relative_to(repository.register_dir.resolve()):
        raise UsageError(f"--into {into} 不在登记目录 {repository.display(repository.register_dir)} 中")
    files = source_files(paths)
    report = ImportReport()
    editable = [p for p in files if is_editable_workbook(p)]
    report.roundtrips = [plan_roundtrip(p, _display(p, repository), loaded) for p in editable]
    files = [p for p in files if p not in editable]
    # What is read lives until the import ends: the collector pauses, then leaves it frozen
    # (also for the worker processes that emit the files, see _emit_all).
    with tempfile.TemporaryDirectory(prefix="lzfk-import-") as work, quiet_gc():
        docs = [p for p in files if p.suffix.lower() == ".doc"]
        converted = convert_docs(docs, Path(work)) if docs else {}
        for path in files:
            display = _display(path, repository)
            report.sources.append(
                read_source(path, display, vocabulary, default_department=default_department, converted=converted.get(path))
            )
        registers = combine([r for s in report.sources for r in s.registers])
        _resolve(report, registers, loaded, target, force=force)
    return report


@dataclass(frozen=True)
class RegisterFiles:
    """The repository's register files as parsed: models where valid, plain trees for all
    (an import merges into files that do not pass validation yet, too)."""

    repository: Repository
    files: list[ParsedFile]


def read_registers(repository: Repository) -> RegisterFiles:
    files, _ = list_files(repository)
    return RegisterFiles(repository, [parse_register_file(path, repository.display(path)) for path in files])


def apply_import(report: ImportReport, repository_root: Path) -> None:
    """Write the planned files, then validate the repository and keep what concerns them.

    Each new file is parsed once, before it is written: that parse both confirms the text
    says what was meant and gives validate's outcome for it, which goes into validate's
    cache, so the validation after writing reads it from there instead of checking again.
    """
    from lianzheng_cli.validation import keep_outcomes, validate

    written = [w for w in report.writes if (w.text is not None or w.data is not None) and w.action in ("新建", "合并", "覆盖")]
    fresh = [w for w in written if w.text is None and w.data is not None]
    checker = _checker(repository_root) if fresh else None
    emitted: list[_Emitted] = []
    # Each file goes to disk (unpublished) as it is emitted: its sync waits on the disk
    # while the workers emit the next ones. An emission that fails leaves no file written.
    with ExitStack() as stack:
        made = _emit_all([(w.data or {}, w.header, w.path) for w in fresh], repository_root, checker, stack)
        writes = stack.enter_context(AtomicWrites())  # its threads start after the workers fork
        for write in written:
            if write.text is None:
                emitted.append(next(made))
                write.text = emitted[-1][0]
            writes.add(write.path, write.text.encode("utf-8"))
        writes.publish()
    outcomes = [outcome for _, outcome in emitted if outcome is not None]
    if outcomes:
        keep_outcomes(repository_root, outcomes)
    edited = [display for trip in report.roundtrips for display in apply_roundtrip(trip)]
    report.dry_run = False
    if not written and not edited:
        return
    result = validate(repository_root)
    displays = {w.display for w in written} | set(edited)
    report.validation = [f for f in result.findings if f.path in displays]


def _vocabulary(repository: Repository) -> Vocabulary:
    unknown = sorted(set(repository.config.import_headers) - set(FIELDS))
    if unknown:
        raise UsageError(
            f"lzfk.yaml 的“导入表头”中有未知的字段：{'、'.join(unknown)}",
            hint=f"可写的字段：{'、'.join(FIELDS)}",
        )
    return Vocabulary.for_config(repository.config)


def _display(path: Path, repository: Repository) -> str:
    resolved = path.resolve()
    if resolved.is_relative_to(repository.root.resolve()):
        return resolved.relative_to(repository.root.resolve()).as_posix()
    return path.name


@dataclass(frozen=True)
class _Found:
    """An existing register file, read as plain data (it may not pass validation yet)."""

    path: str
    data: dict[str, Any]

    @property
    def risks(self) -> list[dict[str, Any]]:
        risks = self.data.get("风险点")
        return [r for r in risks if isinstance(r, dict)] if isinstance(risks, list) else []


@dataclass
class _Existing:
    """The repository's registers, found by kind, department and name."""

    by_key: dict[tuple[str, str, str], _Found]
    department_ids: dict[str, str]  # name or id → id
    ids: IdSpace

    @classmethod
    def of(cls, loaded: RegisterFiles) -> _Existing:
        found = [_Found(p.path, p.tree.data) for p in loaded.files if p.tree is not None and isinstance(p.tree.data, dict)]
        departments: dict[str, str] = {}
        ids = IdSpace()
        for item in found:
            ids.taken.add(str(item.data.get("编号", "")))
            ids.taken.update(str(risk.get("编号", "")) for risk in item.risks)
            if item.data.get("类型") == "科室":
                ident = str(item.data.get("编号") or item.data.get("名称"))
                departments[str(item.data.get("名称"))] = ident
                departments[ident] = ident
        by_key: dict[tuple[str, str, str], _Found] = {}
        for item in found:
            kind = str(item.data.get("类型", ""))
            department = str(item.data.get("科室", "")) if kind == "岗位" else ""
            by_key[(kind, departments.get(department, department), str(item.data.get("名称", "")))] = item
        return cls(by_key, departments, ids)


def _resolve(
    report: ImportReport, registers: list[ImportedRegister], loaded: RegisterFiles, target: Path, *, force: bool
) -> None:
    existing = _Existing.of(loaded)
    repository = loaded.repository
    departments = {r.name for r in registers if r.kind == "科室"}
    for register in list(registers):
        wanted = register.department
        if register.kind == "岗位" and wanted and not is_leadership(wanted) and wanted not in departments:
            if wanted not in existing.department_ids:
                registers.append(ImportedRegister("科室", wanted, source=register.source))
            departments.add(wanted)
    order = {"科室": 0, "岗位": 1, "单位": 2}
    for register in sorted(registers, key=lambda r: order[r.kind]):
        department_id = None
        if register.kind == "岗位" and register.department and not is_leadership(register.department):
            department_id = existing.department_ids.get(register.department)
        key = (register.kind, department_id or ("领导班子" if is_leadership(register.department) else ""), register.name)
        match = existing.by_key.get(key)
        if match is not None:
            report.writes.append(_merge(report, register, match, existing, repository, force=force))
            continue
        path = target / relative_path(register)
        display = repository.display(path)
        register_id = _new_id(register, department_id, existing)
        if register.kind == "科室":
            existing.department_ids[register.name] = register_id
        data = register_data(register, register_id, department_id, existing.ids)
        if path.exists() and not force:
            report.findings.append(
                Finding.of("LZ611", display, (0, 0), "文件已存在，未覆盖", "改用 --into 写到别的目录，或加 --force 覆盖")
            )
            report.writes.append(Write(path, display, "未写入", len(register.risks), register.source))
            continue
        action = "覆盖" if path.exists() else "新建"
        report.writes.append(
            Write(path, display, action, len(register.risks), register.source, data=data, header=_header(register))
        )


PARALLEL_EMIT = 200
_CHUNKS = 16  # per worker
_Emitted = tuple[str, tuple[str, bytes] | None]  # a new file's text; its cache key and sealed outcome
# Set before the worker processes fork (a rule set's predicates cannot be pickled).
_EMIT_CONTEXT: list[tuple[str, Checker | None]] = []  # root_prefix of the repository, its checker


def _checker(root: Path) -> Checker | None:
    """The checker validate will use, or None when the rules do not load (validate reports that)."""
    try:
        checker = Checker.for_repository(require_repository(root))
        checker.fingerprint  # noqa: B018 - computed once here, inherited by the workers
    except ConfigError:  # a RuleSetError too
        return None
    return checker


def _emit_all(
    items: list[tuple[dict[str, Any], str, Path]], root: Path, checker: Checker | None, stack: ExitStack
) -> Iterator[_Emitted]:
    """New files' text, each checked by parsing it back, and validate's outcome of it, in
    order as they are made; many of them in two processes, forked before this returns and
    shut down when stack closes."""
    _EMIT_CONTEXT[:] = [(root_prefix(root), checker)]
    workers = min(os.cpu_count() or 1, 2)
    if workers < 2 or len(items) < PARALLEL_EMIT:
        return map(_emit, items)
    ready_to_seal()
    pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")))
    # Small chunks: the first files reach the disk early, and few are left after the last.
    return pool.map(_emit, items, chunksize=max(len(items) // (workers * _CHUNKS), 1))


def _emit(item: tuple[dict[str, Any], str, Path]) -> _Emitted:
    data, header, path = item
    prefix, checker = _EMIT_CONTEXT[0]
    if checker is None or path.suffix.lower() == MARKDOWN_SUFFIX:  # new files are YAML; validate reads .md otherwise
        return new_file_text(data, header), None
    text = unchecked_new_file_text(data, header)
    encoded = text.encode("utf-8")
    display, key = result_place(prefix, path, encoded, checker)
    # What validate does with these bytes (check_bytes; the text has no BOM to decode).
    parsed = parse_register_text(text, display, markdown=False)
    confirm(parsed.tree, data, "新文件")
    outcome, _ = check_parsed(parsed, checker)
    return text, (key, sealed_value(outcome))


def _new_id(register: ImportedRegister, department_id: str | None, existing: _Existing) -> str:
    if register.id:
        return existing.ids.claim(register.id)
    if register.kind == "单位":
        return existing.ids.claim("单位")
    if register.kind == "科室":
        return existing.ids.claim(register.name)
    prefix = "领导班子" if is_leadership(register.department) else department_id or register.department or "岗位"
    return existing.ids.claim(f"{prefix}-{register.name}")


def _header(register: ImportedRegister) -> str:
    return f"由 lzfk import 导入，来源：{register.source}\n导入后请核对，并补全缺少的内容（lzfk validate 会逐项指出）"


def _merge(
    report: ImportReport, register: ImportedRegister, match: _Found, existing: _Existing, repository: Repository, *, force: bool
) -> Write:
    path = repository.root / match.path
    current_id = str(match.data.get("编号") or register.name)
    if force and path.suffix.lower() != ".md":
        department = match.data.get("科室") if register.kind == "岗位" else None
        data = register_data(register, current_id, str(department) if department else None, existing.ids)
        return Write(path, match.path, "覆盖", len(register.risks), register.source, new_file_text(data, _header(register)))
    known_ids = {str(risk.get("编号")): risk for risk in match.risks}
    known_names = {str(risk.get("名称")): risk for risk in match.risks}
    new: list[ImportedRisk] = []
    for risk in register.risks:
        old = known_ids.get(risk.id or "") or known_names.get(risk.name)
        if old is None:
            new.append(risk)
        elif _differs(risk, old):
            report.findings.append(
                Finding.of(
                    "LZ617",
                    match.path,
                    (0, 0),
                    f"风险点 {old.get('编号')}“{old.get('名称')}”与 {register.source} 中的内容不同，未修改",
                    "核对后手动修改；或加 --force 以导入的内容重写整个文件",
                )
            )
    if not new:
        return Write(path, match.path, "无变化", 0, register.source)
    if path.suffix.lower() == ".md":
        report.findings.append(
            Finding.of(
                "LZ618",
                match.path,
                (0, 0),
                f"有 {len(new)} 个新风险点，Markdown 登记表不自动合并",
                "把它们手动加到文件头的“风险点”中",
            )
        )
        return Write(path, match.path, "未写入", len(new), register.source)
    risks: list[dict[str, Any]] = [risk_data(risk, risk.id or existing.ids.next_risk(current_id)) for risk in new]
    text = appended_text(path.read_text(encoding="utf-8-sig"), risks, match.path)
    return Write(path, match.path, "合并", len(new), register.source, text)


def _differs(risk: ImportedRisk, old: dict[str, Any]) -> bool:
    manifestations = old.get("表现形式")
    if isinstance(manifestations, str):
        manifestations = [manifestations]
    return (risk.grade is not None and risk.grade != old.get("等级")) or list(risk.manifestations) != manifestations
