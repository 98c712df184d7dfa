"""Grading one risk point by a rule set, with the explanation of why."""

from __future__ import annotations

from dataclasses import dataclass

from lianzheng_cli.config import Config
from lianzheng_cli.grading.expression_limits import ExpressionLimitError
from lianzheng_cli.grading.risk_facts import FIELDS, RISK_POINT, GradingFacts, risk_facts
from lianzheng_cli.grading.ruleset import Rule, RuleSet
from lianzheng_cli.models import Register, RiskPoint

# Stands in for a missing 等级 while grading (lzfk grade fills it in); never a real grade name.
UNFILLED_GRADE = "\x00"


@dataclass(frozen=True)
class Grade:
    """A computed grade: rank 0 is the most serious; None when the rules cannot decide."""

    rank: int | None
    rule_ids: tuple[str, ...]
    explanation: str
    missing: tuple[str, ...] = ()
    basis: str = ""
    by_register: bool = False  # the unit's rules grade registers only, not single risk points
    cut_off: str = ""  # why an expression was stopped before the rules could decide


def grade_risk(risk: RiskPoint, register: Register, ruleset: RuleSet, config: Config) -> Grade:
    if not ruleset.grades(RISK_POINT):
        return Grade(None, (), "本单位的评级规则按登记表评级，风险点不单独评级", (), "按登记表评级", by_register=True)
    return grade_facts(risk_facts(risk, register, config), ruleset, config)


def grade_facts(facts: GradingFacts, ruleset: RuleSet, config: Config) -> Grade:
    """Grade one subject (a risk point, or a register's aggregated facts) by the rules for it."""
    missing = tuple(name for name in ruleset.inputs if not _present(facts, name))
    try:
        matches = _matches(ruleset.rules_for(facts.subject), facts)
    except ExpressionLimitError as exc:
        return Grade(None, (), f"无法评级：{exc}", missing, "表达式计算超限", cut_off=str(exc))
    if ruleset.combine == "首条":
        matches = matches[:1]
    if not matches:
        return _unmatched(ruleset, config, missing)
    best = min(rank for _, rank, _ in matches)
    chosen = [(rule, reasons) for rule, rank, reasons in matches if rank == best]
    name = config.grades[best]
    explanation = "；".join(_because(rule, reasons, name) for rule, reasons in chosen)
    basis = "；".join(f"{'，'.join(dict.fromkeys(reasons)) or '无条件'}（{rule.id}）" for rule, reasons in chosen)
    return Grade(best, tuple(rule.id for rule, _ in chosen), explanation, missing, basis)


def _present(facts: GradingFacts, name: str) -> bool:
    value = facts.value(FIELDS[name])
    return value not in (None, "", ())


def _matches(rules: tuple[Rule, ...], facts: GradingFacts) -> list[tuple[Rule, int, list[str]]]:
    found: list[tuple[Rule, int, list[str]]] = []
    for rule in rules:
        if rule.predicate is None:
            found.append((rule, rule.rank, []))
            continue
        ok, reasons = rule.predicate(facts)
        if ok:
            found.append((rule, rule.rank, reasons))
    return found


def _because(rule: Rule, reasons: list[str], grade_name: str) -> str:
    facts = "，".join(dict.fromkeys(reasons)) or "无条件"
    return f"{facts} → {grade_name}（规则 {rule.id}：{rule.description}）"


def _unmatched(ruleset: RuleSet, config: Config, missing: tuple[str, ...]) -> Grade:
    if ruleset.unmatched_rank is None:
        return Grade(None, (), "没有适用的规则，无法评级", missing, "无适用规则")
    name = config.grades[ruleset.unmatched_rank]
    explanation = f"没有适用的规则 → {name}（规则集“{ruleset.name}”的默认等级）"
    return Grade(ruleset.unmatched_rank, (), explanation, missing, "无适用规则，取默认等级")
