"""``lzfk grade`` as data: per register, every risk point's declared and computed grade."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lianzheng_cli.config import Config
from lianzheng_cli.findings import Finding, Severity
from lianzheng_cli.grading.engine import UNFILLED_GRADE, Grade
from lianzheng_cli.grading.rollup import AGREE, EXPLAINED, HIGH, LOW, UNDECLARED, RegisterGrade, grade_name
from lianzheng_cli.grading.ruleset import RuleSet, RuleSetError
from lianzheng_cli.models import RiskPoint

if TYPE_CHECKING:
    from lianzheng_cli.loading import GradedRegister, LoadedRepository

UNKNOWN, MISSING, BY_REGISTER = "无法评级", "未填", "按登记表评级"
__all__ = ["AGREE", "BY_REGISTER", "EXPLAINED", "HIGH", "LOW", "MISSING", "UNDECLARED", "UNKNOWN", "GradeReport", "build_report"]


@dataclass(frozen=True)
class RiskRow:
    index: int
    id: str
    name: str
    declared: str
    computed: str
    rules: str
    explanation: str
    basis: str
    status: str
    missing: tuple[str, ...]
    computed_rank: int | None

    @property
    def disagrees(self) -> bool:
        return self.status in (LOW, HIGH, EXPLAINED, MISSING)

    @property
    def needs_raise(self) -> bool:
        """--write changes only these: a quietly lower grade, or none at all."""
        return self.status in (LOW, MISSING) and self.computed_rank is not None


@dataclass(frozen=True)
class RegisterReport:
    path: str
    id: str
    kind: str
    name: str
    grade: str
    grade_reasons: tuple[str, ...]
    rows: tuple[RiskRow, ...]
    declared: str = ""
    computed: str = "—"
    status: str = UNDECLARED
    rule_ids: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def disagreements(self) -> int:
        return sum(row.disagrees for row in self.rows) + (self.status in (LOW, HIGH, EXPLAINED))

    @property
    def needs_raise(self) -> bool:
        """The register's declared grade is quietly lower than the computed one."""
        return self.status == LOW


@dataclass(frozen=True)
class GradeReport:
    ruleset: str
    rules: tuple[tuple[str, str, str], ...]  # (id, grade name, description)
    registers: tuple[RegisterReport, ...]
    ungraded: tuple[tuple[str, str], ...] = ()  # (file, why): registers that could not be read or checked


def build_report(loaded: LoadedRepository, only: set[str] | None = None) -> GradeReport:
    config = loaded.repository.config
    ruleset = loaded.ruleset
    if ruleset is None:
        raise RuleSetError(loaded.findings)
    rollup = loaded.register_grades
    reports = [_register_report(item, rollup, config) for item in loaded.graded if only is None or item.path in only]
    ungraded = _ungraded(loaded, only)
    reports.sort(key=lambda r: (-r.disagreements, r.path))
    rules = tuple((rule.id, config.grades[rule.rank], rule.description) for rule in ruleset.rules)
    return GradeReport(_ruleset_label(ruleset), rules, tuple(reports), ungraded)


def _ungraded(loaded: LoadedRepository, only: set[str] | None) -> tuple[tuple[str, str], ...]:
    """Register files that could not be read or checked, each with its first reading/schema error."""
    repository = loaded.repository
    folder = repository.display(repository.register_dir.resolve()).rstrip("/") + "/"
    graded = {item.path for item in loaded.graded}
    first: dict[str, Finding] = {}
    for finding in sorted(loaded.findings):
        unreadable = finding.code < "LZ2" and finding.severity is Severity.ERROR
        inside = folder == "./" or finding.path.startswith(folder)
        if unreadable and inside and finding.path not in graded and (only is None or finding.path in only):
            first.setdefault(finding.path, finding)
    return tuple((path, f"{f.line}:{f.column} {f.code} {f.message}") for path, f in sorted(first.items()))


def _ruleset_label(ruleset: RuleSet) -> str:
    return f"{ruleset.name}（{ruleset.source}）"


def _register_report(item: GradedRegister, rollup: dict[str, RegisterGrade], config: Config) -> RegisterReport:
    register = item.register
    rows = [_row(i, risk, grade, config) for i, (risk, grade) in enumerate(zip(register.risks, item.grades, strict=True))]
    rows.sort(key=lambda row: (not row.disagrees, row.index))
    own = rollup[register.id]
    return RegisterReport(
        item.path,
        register.id,
        register.kind,
        register.name,
        grade_name(own.rank, config),
        tuple(own.reasons),
        tuple(rows),
        declared=register.grade or "",
        computed=grade_name(own.computed, config),
        status=own.status,
        rule_ids=own.rule_ids,
        missing=own.missing,
    )


def _row(index: int, risk: RiskPoint, grade: Grade, config: Config) -> RiskRow:
    found = config.grade(risk.grade)
    declared = found.rank if found else None
    if risk.grade == UNFILLED_GRADE:
        status = MISSING
    elif grade.by_register:
        status = BY_REGISTER
    elif grade.rank is None or declared is None:
        status = UNKNOWN
    elif declared == grade.rank:
        status = AGREE
    elif declared < grade.rank:
        status = HIGH
    else:
        status = EXPLAINED if risk.downgrade_reason else LOW
    return RiskRow(
        index=index,
        id=risk.id,
        name=risk.name,
        declared="" if risk.grade == UNFILLED_GRADE else risk.grade,
        computed=grade_name(grade.rank, config),
        rules="、".join(grade.rule_ids) or "—",
        explanation=grade.explanation,
        basis=grade.basis,
        status=status,
        missing=grade.missing,
        computed_rank=grade.rank,
    )


def repository_paths(root: Path, paths: list[Path]) -> set[str]:
    from lianzheng_cli.findings import display_path

    found: set[str] = set()
    for path in paths:
        resolved = path.resolve()
        if resolved.is_dir():
            found.update(display_path(p, root) for p in resolved.rglob("*") if p.is_file())
        else:
            found.add(display_path(resolved, root))
    return found
