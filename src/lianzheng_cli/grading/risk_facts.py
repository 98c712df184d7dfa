"""What a grading condition can look at: one risk point and facts of its register."""

from __future__ import annotations

from dataclasses import dataclass

from lianzheng_cli.models import DepartmentRegister, PostRegister, Register, RiskPoint

# Chinese field name in rule files → attribute of RiskFacts (and rule-engine symbol).
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
}
LIST_FIELDS = frozenset(("factors", "power_categories"))
NUMBER_FIELDS = frozenset(("risk_count",))


@dataclass(frozen=True)
class RiskFacts:
    likelihood: str | None
    consequence: str | None
    type: str | None
    name: str | None
    factors: tuple[str, ...]
    risk_count: int
    level: str | None
    power_categories: tuple[str, ...]
    kind: str

    def value(self, attribute: str) -> object:
        return getattr(self, attribute)


def risk_facts(risk: RiskPoint, register: Register) -> RiskFacts:
    return RiskFacts(
        likelihood=risk.likelihood,
        consequence=risk.consequence,
        type=risk.type,
        name=risk.name,
        factors=tuple(risk.factors),
        risk_count=len(register.risks),
        level=register.level if isinstance(register, PostRegister) else None,
        power_categories=_power_categories(register),
        kind=register.kind,
    )


def _power_categories(register: Register) -> tuple[str, ...]:
    if not isinstance(register, DepartmentRegister):
        return ()
    return tuple(sorted({p.category for p in register.powers if p.category}))
