"""``lzfk grade`` as data: per register, every risk point's declared and computed grade."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from lianzheng_cli.config import Config
from lianzheng_cli.grading.engine import Grade, grade_risk
from lianzheng_cli.grading.rollup import RegisterGrade, grade_name, register_grades
from lianzheng_cli.grading.ruleset import RuleSet, load_ruleset
from lianzheng_cli.loader.files import ParsedFile, validate_register_tree
from lianzheng_cli.loader.yamltree import Tree
from lianzheng_cli.models import RiskPoint
from lianzheng_cli.repository import LoadedRepository

AGREE, LOW, HIGH, EXPLAINED, UNKNOWN, MISSING = "一致", "偏低", "偏高", "已说明降级", "无法评级", "未填"
_UNFILLED = "\x00"  # stands in for a missing 等级 while grading; never a real grade name


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

    @property
    def disagreements(self) -> int:
        return sum(row.disagrees for row in self.rows)


@dataclass(frozen=True)
class GradeReport:
    ruleset: str
    rules: tuple[tuple[str, str, str], ...]  # (id, grade name, description)
    registers: tuple[RegisterReport, ...]


def build_report(loaded: LoadedRepository, only: set[str] | None = None) -> GradeReport:
    config = loaded.repository.config
    ruleset = load_ruleset(config, loaded.repository.root)
    parsed = [_with_unfilled_grades(p) for p in loaded.files]
    parsed = [p for p in parsed if p.register is not None]
    graded = [(p, [grade_risk(r, p.register, ruleset, config) for r in p.register.risks]) for p in parsed if p.register]
    rollup = register_grades([(p.register, grades) for p, grades in graded if p.register], config)
    reports = [_register_report(p, grades, rollup, config) for p, grades in graded if only is None or p.path in only]
    reports.sort(key=lambda r: (-r.disagreements, r.path))
    rules = tuple((rule.id, config.grades[rule.rank], rule.description) for rule in ruleset.rules)
    return GradeReport(_ruleset_label(ruleset), rules, tuple(reports))


def _ruleset_label(ruleset: RuleSet) -> str:
    return f"{ruleset.name}（{ruleset.source}）"


def _register_report(parsed: ParsedFile, grades: list[Grade], rollup: dict[str, RegisterGrade], config: Config) -> RegisterReport:
    register = parsed.register
    assert register is not None
    rows = [_row(i, risk, grade, config) for i, (risk, grade) in enumerate(zip(register.risks, grades, strict=True))]
    rows.sort(key=lambda row: (not row.disagrees, row.index))
    own = rollup[register.id]
    return RegisterReport(
        parsed.path, register.id, register.kind, register.name, grade_name(own.rank, config), tuple(own.reasons), tuple(rows)
    )


def _with_unfilled_grades(parsed: ParsedFile) -> ParsedFile:
    """A register whose only problem is risk points without 等级 is graded all the same."""
    tree = parsed.tree
    if parsed.register is not None or tree is None or not parsed.findings:
        return parsed
    if not all(f.code == "LZ102" and "“等级”" in f.message for f in parsed.findings):
        return parsed
    data = copy.deepcopy(tree.data)
    for risk in data.get("风险点") or []:
        if isinstance(risk, dict) and "等级" not in risk:
            risk["等级"] = _UNFILLED
    refilled = validate_register_tree(Tree(data, tree.marks), parsed.path)
    return refilled if refilled.register is not None else parsed


def _row(index: int, risk: RiskPoint, grade: Grade, config: Config) -> RiskRow:
    declared = config.grade_rank(risk.grade)
    if risk.grade == _UNFILLED:
        status = MISSING
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
        declared="" if risk.grade == _UNFILLED else risk.grade,
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
