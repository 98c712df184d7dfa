"""Conditions of a rule, compiled from their YAML form into small predicates.

A condition is a mapping; all its keys must hold. Keys: a field (发生概率, 危害程度, 类型,
层级, 登记表类型 … = a value or a list of values), 风险因素 / 权力类别 / 所辖等级 (any of), 风险因素全部
(all of), 风险因素计数 {各项, 至少, 至多}, 风险点数 {至少, 至多}, 任一 / 全部 (lists of
conditions), 非 (a condition), 表达式 (a rule-engine expression). Each predicate returns
whether it holds and the facts that made it hold, for the explanation.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lianzheng_cli.grading.risk_facts import FIELDS, LIST_FIELDS, NUMBER_FIELDS, GradingFacts

Outcome = tuple[bool, list[str]]
Predicate = Callable[[GradingFacts], Outcome]
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class ConditionError(Exception):
    """A mistake in a rule file; path locates it within the rule's 条件."""

    path: Path
    message: str
    hint: str = ""


def compile_condition(spec: Any, path: Path) -> Predicate:
    if not isinstance(spec, dict) or not spec:
        raise ConditionError(path, "条件应为“键: 值”结构", "例如 {发生概率: 高}")
    parts = [_compile_key(key, value, (*path, key)) for key, value in spec.items()]
    if len(parts) == 1:
        return parts[0]
    return _all_of(parts)


def _compile_key(key: str, value: Any, path: Path) -> Predicate:
    if key in ("任一", "全部"):
        items = _condition_list(value, path)
        return (_any_of if key == "任一" else _all_of)(items)
    if key == "非":
        return _negate(compile_condition(value, path))
    if key == "表达式":
        from lianzheng_cli.grading.expression import compile_expression

        return compile_expression(value, path)
    if key == "风险因素全部":
        return _contains_all("factors", "风险因素", _texts(value, path))
    if key == "风险因素计数":
        return _count_factors(value, path)
    if key == "风险点数":
        return _number_range("risk_count", "风险点数", value, path)
    attribute = FIELDS.get(key)
    if attribute is None:
        known = [*FIELDS, "风险因素全部", "风险因素计数", "任一", "全部", "非", "表达式"]
        near = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
        hint = f"是不是“{near[0]}”？" if near else f"可用：{'、'.join(known)}"
        raise ConditionError(path, f"条件中的“{key}”无法识别", hint)
    if attribute in NUMBER_FIELDS:
        return _number_range(attribute, key, value, path)
    if attribute in LIST_FIELDS:
        return _contains_any(attribute, key, _texts(value, path))
    return _equals(attribute, key, _texts(value, path))


def _condition_list(value: Any, path: Path) -> list[Predicate]:
    if not isinstance(value, list) or not value:
        raise ConditionError(path, "应为条件的列表", "每项以“- ”开头，例如 - {发生概率: 高}")
    return [compile_condition(item, (*path, i)) for i, item in enumerate(value)]


def _texts(value: Any, path: Path) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) and v for v in values):
        raise ConditionError(path, "应为一个或多个文本值", "例如 高 或 [高, 较高]")
    return tuple(values)


def _equals(attribute: str, label: str, allowed: tuple[str, ...]) -> Predicate:
    def holds(facts: GradingFacts) -> Outcome:
        actual = facts.value(attribute)
        return (True, [f"{label}={actual}"]) if actual in allowed else (False, [])

    return holds


def _contains_any(attribute: str, label: str, wanted: tuple[str, ...]) -> Predicate:
    def holds(facts: GradingFacts) -> Outcome:
        present = [w for w in wanted if w in facts.value(attribute)]  # type: ignore[operator]
        return (True, [f"{label}含{'、'.join(present)}"]) if present else (False, [])

    return holds


def _contains_all(attribute: str, label: str, wanted: tuple[str, ...]) -> Predicate:
    def holds(facts: GradingFacts) -> Outcome:
        have = facts.value(attribute)
        ok = all(w in have for w in wanted)  # type: ignore[operator]
        return (True, [f"{label}含{'、'.join(wanted)}"]) if ok else (False, [])

    return holds


def _bounds(value: Any, path: Path) -> tuple[int | None, int | None]:
    if not isinstance(value, dict) or not set(value) <= {"至少", "至多", "各项"} or not ({"至少", "至多"} & set(value)):
        raise ConditionError(path, "应写明“至少”和/或“至多”", "例如 {至少: 3} 或 {至少: 3, 至多: 4}")
    try:
        low = int(value["至少"]) if "至少" in value else None
        high = int(value["至多"]) if "至多" in value else None
    except (TypeError, ValueError):
        raise ConditionError(path, "“至少”“至多”应为整数", "例如 {至少: 3}") from None
    return low, high


def _within(number: int, low: int | None, high: int | None) -> bool:
    return (low is None or number >= low) and (high is None or number <= high)


def _number_range(attribute: str, label: str, value: Any, path: Path) -> Predicate:
    low, high = _bounds(value, path)

    def holds(facts: GradingFacts) -> Outcome:
        number = facts.value(attribute)
        assert isinstance(number, int)
        return (True, [f"{label}={number}"]) if _within(number, low, high) else (False, [])

    return holds


def _count_factors(value: Any, path: Path) -> Predicate:
    low, high = _bounds(value, path)
    items = value.get("各项") if isinstance(value, dict) else None
    if not isinstance(items, list) or not items:
        raise ConditionError(path, "风险因素计数需要“各项”列表", "例如 {各项: [自由裁量, 谋利机会, 发案频繁], 至少: 2}")
    groups = [_texts(item, (*path, "各项", i)) for i, item in enumerate(items)]

    def holds(facts: GradingFacts) -> Outcome:
        hits = [next(t for t in group if t in facts.factors) for group in groups if any(t in facts.factors for t in group)]
        if _within(len(hits), low, high):
            return True, [f"风险因素计数={len(hits)}（{'、'.join(hits) or '无'}）"]
        return False, []

    return holds


def _any_of(parts: list[Predicate]) -> Predicate:
    def holds(facts: GradingFacts) -> Outcome:
        reasons: list[str] = []
        for part in parts:
            ok, why = part(facts)
            if ok:
                reasons.extend(why)
        return bool(reasons), reasons

    return holds


def _all_of(parts: list[Predicate]) -> Predicate:
    def holds(facts: GradingFacts) -> Outcome:
        reasons: list[str] = []
        for part in parts:
            ok, why = part(facts)
            if not ok:
                return False, []
            reasons.extend(why)
        return True, reasons

    return holds


def _negate(part: Predicate) -> Predicate:
    def holds(facts: GradingFacts) -> Outcome:
        ok, _ = part(facts)
        return (not ok), ([] if ok else ["不满足排除条件"])

    return holds
