"""What a grading condition can look at: a risk point, or a register's aggregated facts."""

from __future__ import annotations

from dataclasses import dataclass

from lianzheng_cli.config import Config
from lianzheng_cli.models import DepartmentRegister, PostRegister, Register, RiskPoint

RISK_POINT = "风险点"
REGISTER = "登记表"
SUBJECTS = (RISK_POINT, REGISTER)

# Chinese field name in rule files → attribute of GradingFacts (and rule-engine symbol).
FIELDS: dict[str, str] = {
    "发生概率": "likelihood",
    "危害程度": "consequence",
    "类型": "type",
    "名称": "name",
    "风险因素": "factors",
    "风险点数": "risk_count",
    "层级": "level",
    "权力类别": "power_categories",
    "登记表类型": "kind",
    "所辖等级": "overseen",
}
LIST_FIELDS = frozenset(("factors", "power_categories", "overseen"))
NUMBER_FIELDS = frozenset(("risk_count",))


@dataclass(frozen=True)
class GradingFacts:
    """The facts of one subject. For a register: 风险因素 are the distinct tags across its
    risk points (and its own), 权力类别 those of its department, 所辖等级 the grades of the
    registers it oversees (a department its posts, a leader the departments in charge)."""

    likelihood: str | None
    consequence: str | None
    type: str | None
    name: str | None
    factors: tuple[str, ...]
    risk_count: int
    level: str | None
    power_categories: tuple[str, ...]
    kind: str
    overseen: tuple[str, ...] = ()
    subject: str = RISK_POINT

    def value(self, attribute: str) -> object:
        return getattr(self, attribute)


def risk_facts(risk: RiskPoint, register: Register, config: Config) -> GradingFacts:
    """The facts in the unit's own words (an alias or a default tier word becomes the unit's)."""
    return GradingFacts(
        likelihood=_word(config, "发生概率", risk.likelihood),
        consequence=_word(config, "危害程度", risk.consequence),
        type=_word(config, "风险类型", risk.type),
        name=risk.name,
        factors=tuple(risk.factors),
        risk_count=len(register.risks),
        level=_word(config, "层级", register.level) if isinstance(register, PostRegister) else None,
        power_categories=power_categories(register),
        kind=register.kind,
    )


def _word(config: Config, vocabulary: str, spelling: str | None) -> str | None:
    if spelling is None:
        return None
    return config.canonical(vocabulary, spelling) or spelling


def level_word(config: Config, level: str) -> str | None:
    return _word(config, "层级", level) if level else None


def power_categories(register: Register) -> tuple[str, ...]:
    if not isinstance(register, DepartmentRegister):
        return ()
    return tuple(sorted({p.category for p in register.powers if p.category}))


@dataclass(frozen=True, slots=True)
class RegisterInput:
    """What grading a register needs from its file: small and picklable, because validation
    keeps it in the cache and grades registers only after every file has been read."""

    path: str
    id: str
    kind: str
    name: str
    level: str
    department: str
    in_charge: tuple[str, ...]
    factors: tuple[str, ...]
    risk_ranks: tuple[tuple[str, int | None], ...]  # (risk 编号, the rank it stands at)
    power_categories: tuple[str, ...]
    declared: str | None
    downgrade_reason: str | None
    grade_pos: tuple[int, int] = (0, 0)


def register_input(
    register: Register, risk_ranks: list[int | None], path: str = "", grade_pos: tuple[int, int] = (0, 0)
) -> RegisterInput:
    tags = dict.fromkeys(register.factors)
    for risk in register.risks:
        tags.update(dict.fromkeys(risk.factors))
    post = register if isinstance(register, PostRegister) else None
    return RegisterInput(
        path=path,
        id=register.id,
        kind=register.kind,
        name=register.name,
        level=post.level if post else "",
        department=post.department if post else "",
        in_charge=tuple(post.in_charge) if post else (),
        factors=tuple(tags),
        risk_ranks=tuple((risk.id, rank) for risk, rank in zip(register.risks, risk_ranks, strict=True)),
        power_categories=power_categories(register),
        declared=register.grade,
        downgrade_reason=register.downgrade_reason,
        grade_pos=grade_pos,
    )
