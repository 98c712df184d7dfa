"""``表达式`` conditions: rule-engine's own grammar (never Python eval), Chinese names allowed.

rule-engine accepts only ASCII symbols, so the Chinese field names are rewritten to their
symbols outside string literals before compiling. Types are checked at compile time, so
a mistake is reported when the rule file is loaded.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from lianzheng_cli.grading.conditions import ConditionError, Outcome, Path, Predicate
from lianzheng_cli.grading.expression_limits import bounded, refusal
from lianzheng_cli.grading.risk_facts import FIELDS, LIST_FIELDS, NUMBER_FIELDS, GradingFacts

_STRINGS = re.compile(r"(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')")
_NAMES = re.compile("|".join(sorted(map(re.escape, FIELDS), key=len, reverse=True)))


def to_symbols(source: str) -> str:
    pieces = _STRINGS.split(source)
    return "".join(p if i % 2 else _NAMES.sub(lambda m: FIELDS[m.group(0)], p) for i, p in enumerate(pieces))


_UNKNOWN_NAME = re.compile(r"[^\x00-\x7f]+")


def _check_names(source: str, path: Path) -> None:
    outside = "".join(p for i, p in enumerate(_STRINGS.split(to_symbols(source))) if not i % 2)
    unknown = _UNKNOWN_NAME.search(outside)
    if unknown is None:
        return
    name = unknown.group(0)
    near = difflib.get_close_matches(name, list(FIELDS), n=1, cutoff=0.3)
    hint = f"是不是“{near[0]}”？" if near else f"可用：{'、'.join(FIELDS)}"
    raise ConditionError(path, f"表达式中的名称“{name}”无法识别", hint + '；文字值要加引号，如 "高"')


def _context() -> Any:
    import rule_engine

    def kind(attribute: str) -> Any:
        if attribute in LIST_FIELDS:
            return rule_engine.DataType.ARRAY(rule_engine.DataType.STRING)
        if attribute in NUMBER_FIELDS:
            return rule_engine.DataType.FLOAT
        return rule_engine.DataType.STRING

    types = {attribute: kind(attribute) for attribute in FIELDS.values()}
    return rule_engine.Context(type_resolver=rule_engine.type_resolver_from_dict(types), default_value=None)


def compile_expression(source: Any, path: Path) -> Predicate:
    if not isinstance(source, str) or not source.strip():
        raise ConditionError(path, "表达式应为一段文本", '例如 发生概率 == "高" and "人财物" in 风险因素')
    _check_names(source, path)
    symbols = to_symbols(source)
    refused = refusal(symbols)
    if refused is not None:
        raise ConditionError(path, refused[0], refused[1])
    import rule_engine  # after the checks: rule-engine folds constants while it parses

    try:
        rule = rule_engine.Rule(symbols, context=_context())
    except rule_engine.SymbolResolutionError as exc:
        chinese = {v: k for k, v in FIELDS.items()}
        near = f"；是不是“{chinese.get(exc.suggestion, exc.suggestion)}”？" if exc.suggestion else ""
        raise ConditionError(path, f"表达式中的名称“{exc.symbol_name}”无法识别", f"可用：{'、'.join(FIELDS)}{near}") from None
    except rule_engine.EngineError as exc:
        raise ConditionError(path, f"表达式有误：{exc.message}", '检查引号、括号和运算符，例如 发生概率 == "高"') from None
    except (RecursionError, OverflowError, MemoryError):
        raise ConditionError(path, "表达式过于复杂，无法加载", "拆成几条规则，或改用 任一/全部 组合条件") from None

    def holds(facts: GradingFacts) -> Outcome:
        values = {attribute: facts.value(attribute) for attribute in FIELDS.values()}
        try:
            ok = bool(bounded(lambda: rule.matches(values)))
        except rule_engine.EngineError:
            return False, []
        return (True, [f"表达式 {source.strip()} 成立"]) if ok else (False, [])

    return holds
