"""Register grades: by the unit's register rules over the register's aggregated facts, and
never below its most serious risk point; a department at least as serious as its most
serious post; a leader at least as serious as the departments in their charge. A declared
register grade (等级 on the register) is checked against the result like a risk point's."""

from __future__ import annotations

from dataclasses import dataclass, field

from lianzheng_cli.config import TIERS, Config
from lianzheng_cli.grading.engine import Grade, grade_facts
from lianzheng_cli.grading.risk_facts import REGISTER, GradingFacts, RegisterInput, level_word, register_input
from lianzheng_cli.grading.ruleset import RuleSet
from lianzheng_cli.models import KIND_DEPARTMENT, KIND_POST, KIND_UNIT, Register, RiskPoint

AGREE, LOW, HIGH, EXPLAINED, UNDECLARED = "一致", "偏低", "偏高", "已说明降级", "未申报"


@dataclass
class RegisterGrade:
    """rank: where the register stands (its declared grade unless that is quietly lower);
    computed: what the rules, its risk points and what it oversees give."""

    rank: int | None
    reasons: list[str] = field(default_factory=list)
    rule_ids: tuple[str, ...] = ()
    computed: int | None = None
    status: str = UNDECLARED
    missing: tuple[str, ...] = ()

    def raise_to(self, rank: int | None, reason: str) -> None:
        if rank is not None and (self.rank is None or rank < self.rank):
            self.rank = rank
            self.reasons.append(reason)


def effective_rank(risk: RiskPoint, grade: Grade, config: Config) -> int | None:
    """The grade a risk point stands at: its declared grade unless that is quietly lower."""
    found = config.grade(risk.grade)
    if found is None:
        return grade.rank
    declared = found.rank
    if grade.rank is None or declared <= grade.rank or risk.downgrade_reason:
        return declared
    return grade.rank


def register_grades(graded: list[tuple[Register, list[Grade]]], config: Config, ruleset: RuleSet) -> dict[str, RegisterGrade]:
    inputs = [
        register_input(register, [effective_rank(r, g, config) for r, g in zip(register.risks, grades, strict=True)])
        for register, grades in graded
    ]
    return grade_registers(inputs, ruleset, config)


def grade_registers(inputs: list[RegisterInput], ruleset: RuleSet, config: Config) -> dict[str, RegisterGrade]:
    """Register 编号 → its grade, computed bottom-up: posts, departments, leaders, then the
    departments again (the leadership's own), then the unit."""
    graph = _Graph(inputs)
    result: dict[str, RegisterGrade] = {}
    for stage in graph.stages():
        for item in stage:
            result[item.id] = _grade_one(item, graph.overseen(item, result), graph.power_categories(item), ruleset, config)
    return result


class _Graph:
    def __init__(self, inputs: list[RegisterInput]) -> None:
        self.inputs = inputs
        departments = [i for i in inputs if i.kind == KIND_DEPARTMENT]
        self.department_id = {d.name: d.id for d in departments} | {d.id: d.id for d in departments}
        self.by_id = {i.id: i for i in inputs}
        # Indexed once: scanning every register for each department is quadratic (20,000
        # posts in 1,000 departments took a minute).
        self.posts_in: dict[str, list[RegisterInput]] = {}
        for i in inputs:
            department = self.department_of(i) if i.kind == KIND_POST else None
            if department is not None:
                self.posts_in.setdefault(department, []).append(i)
        self.departments = departments

    def department_of(self, item: RegisterInput) -> str | None:
        return self.department_id.get(item.department)

    def stages(self) -> list[list[RegisterInput]]:
        posts = [i for i in self.inputs if i.kind == KIND_POST]
        departments = [i for i in self.inputs if i.kind == KIND_DEPARTMENT]
        leaders = [p for p in posts if p.in_charge]
        plain = [p for p in posts if not p.in_charge]
        units = [i for i in self.inputs if i.kind == KIND_UNIT]
        return [plain, departments, leaders, departments, units]

    def overseen(self, item: RegisterInput, done: dict[str, RegisterGrade]) -> list[tuple[RegisterInput, int | None]]:
        """The registers this one oversees whose grades are known, with their ranks."""
        if item.kind == KIND_DEPARTMENT:
            below = self.posts_in.get(item.id, [])
        elif item.kind == KIND_POST:
            own = self.department_of(item)
            charged = {self.department_id.get(name) for name in item.in_charge} - {None, own}
            below = [self.by_id[d] for d in sorted(c for c in charged if c is not None)]
        else:
            below = self.departments
        return [(i, done[i.id].rank) for i in below if i.id in done]

    def power_categories(self, item: RegisterInput) -> tuple[str, ...]:
        department = self.department_of(item) if item.kind == KIND_POST else None
        return self.by_id[department].power_categories if department else item.power_categories


def _grade_one(
    item: RegisterInput,
    overseen: list[tuple[RegisterInput, int | None]],
    categories: tuple[str, ...],
    ruleset: RuleSet,
    config: Config,
) -> RegisterGrade:
    computed = RegisterGrade(None)
    risks = [(risk, rank) for risk, rank in item.risk_ranks if rank is not None]
    if risks:
        worst = min(risks, key=lambda pair: pair[1])
        computed.raise_to(worst[1], f"取本表风险点的最高等级（风险点 {worst[0]}）")
    if ruleset.grades(REGISTER):
        grade = grade_facts(_facts(item, overseen, categories, config), ruleset, config)
        computed.rule_ids = grade.rule_ids
        computed.missing = grade.missing
        explanation = _post_words(item, grade.explanation)
        if grade.rank is not None and (computed.rank is None or grade.rank <= computed.rank):
            computed.rank = grade.rank
            computed.reasons = [explanation]
        elif grade.rank is not None:
            computed.reasons.append(f"评级规则给出{config.grades[grade.rank]}（{explanation}），低于本表风险点，取较严重者")
    for below, rank in overseen:
        if item.kind != KIND_UNIT:
            relation = "所属岗位" if item.kind == KIND_DEPARTMENT else "分管科室"
            computed.raise_to(rank, f"不低于{relation}“{below.name}”的等级")
    return _with_declared(item, computed, config)


def _post_words(item: RegisterInput, explanation: str) -> str:
    """A post's 权力类别 are its department's: say so where the explanation names them."""
    return explanation.replace("权力类别含", "所属科室的权力类别含") if item.kind == KIND_POST else explanation


def _facts(
    item: RegisterInput, overseen: list[tuple[RegisterInput, int | None]], categories: tuple[str, ...], config: Config
) -> GradingFacts:
    ranks = sorted({rank for _, rank in overseen if rank is not None})
    names = tuple(name for rank in ranks for name in dict.fromkeys((config.grades[rank], TIERS[rank])))
    return GradingFacts(
        likelihood=None,
        consequence=None,
        type=None,
        name=item.name,
        factors=item.factors,
        risk_count=len(item.risk_ranks),
        level=level_word(config, item.level),
        power_categories=categories,
        kind=item.kind,
        overseen=names,
        subject=REGISTER,
    )


def _with_declared(item: RegisterInput, computed: RegisterGrade, config: Config) -> RegisterGrade:
    computed.computed = computed.rank
    found = config.grade(item.declared) if item.declared else None
    declared = found.rank if found else None
    if declared is None or computed.rank is None:
        computed.status = UNDECLARED if item.declared is None else AGREE
        if declared is not None:
            computed.rank = declared
        return computed
    if declared == computed.rank:
        computed.status = AGREE
    elif declared < computed.rank:
        computed.status = HIGH
        computed.reasons.append(f"申报等级“{item.declared}”从严")
        computed.rank = declared
    elif item.downgrade_reason:
        computed.status = EXPLAINED
        computed.reasons.append(f"申报等级“{item.declared}”低于评级结果，降级理由：{item.downgrade_reason}")
        computed.rank = declared
    else:
        computed.status = LOW
    return computed


def grade_name(rank: int | None, config: Config) -> str:
    return "—" if rank is None else config.grades[rank]
