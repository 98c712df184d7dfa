"""Bounds on ``表达式``: what is refused when a rule file loads, and the time cut-off after.

rule-engine folds constants while it parses (``1 << 10000000`` hangs the compile), its
evaluator recurses (a 3,000-deep ``not`` chain raises RecursionError) and its regex
operators run Python's backtracking ``re``. Everything recognisable in the source text is
refused before rule-engine sees it; evaluation then runs under a wall-clock budget.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from lianzheng_cli.limits import TimeLimitExceeded, deadline

MAX_LENGTH = 1000
MAX_OPERATORS = 100
MAX_NESTING = 16
MAX_REGEX_LENGTH = 200
MAX_NUMBER_DIGITS = 12
EVALUATION_SECONDS = 0.5

T = TypeVar("T")

_STRINGS = re.compile(r"(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')")
_REFUSED_OPERATORS = re.compile(r"\*\*|<<|>>")
_WORD_OPERATORS = re.compile(r"\b(?:and|or|not|in|for|if|else)\b|==|!=|>=|<=|=~~?|!~~?|[<>+\-*/%&|^?]")
_REGEX_OPERATOR = re.compile(r"(?:=~~?|!~~?)\s*$")
_REGEX_INSIDE = re.compile(r"(?:=~~?|!~~?)\s*[^\s~]")
_NUMBER = re.compile(r"\b\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?|\b0[xXoObB][0-9a-fA-F_]+")
_BUILTIN = re.compile(r"\$[A-Za-z_]\w*")


class ExpressionLimitError(Exception):
    """An expression that is too costly to evaluate; the message is shown to the clerk."""


def refusal(source: str) -> tuple[str, str] | None:
    """Why source is refused (message, hint), or None; source uses rule-engine symbols."""
    if len(source) > MAX_LENGTH:
        return f"表达式过长（{len(source)} 个字符，最多 {MAX_LENGTH} 个）", "拆成几条规则，或改用 任一/全部 组合条件"
    pieces = _STRINGS.split(source)
    code = " ".join(piece for i, piece in enumerate(pieces) if not i % 2)
    for check in (_operators, _builtins, _numbers, _nesting):
        reason = check(code)
        if reason is not None:
            return reason
    return _regexes(pieces)


def _operators(code: str) -> tuple[str, str] | None:
    refused = _REFUSED_OPERATORS.search(code)
    if refused is not None:
        return f"表达式不支持运算符“{refused.group(0)}”（计算量可能无限大）", "评级只需比较和 and/or/not，请改写表达式"
    if len(_WORD_OPERATORS.findall(code)) > MAX_OPERATORS:
        return f"表达式中的运算符超过 {MAX_OPERATORS} 个", "拆成几条规则，或改用 任一/全部 组合条件"
    return None


def _builtins(code: str) -> tuple[str, str] | None:
    builtin = _BUILTIN.search(code)
    if builtin is None:
        return None
    return f"表达式不支持内置函数“{builtin.group(0)}”", "评级只需比较字段的值，请去掉 $ 开头的函数"


def _numbers(code: str) -> tuple[str, str] | None:
    for number in _NUMBER.finditer(code):
        digits = number.group(0)
        if len(digits) > MAX_NUMBER_DIGITS or ("e" in digits.lower() and not digits.lower().startswith("0x")):
            return f"表达式中的数字“{digits[:20]}”过大或写成了指数形式", f"数字最多 {MAX_NUMBER_DIGITS} 位，如 风险点数 >= 3"
    return None


def _nesting(code: str) -> tuple[str, str] | None:
    depth = deepest = 0
    for char in code:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    if deepest > MAX_NESTING:
        return f"表达式的括号嵌套超过 {MAX_NESTING} 层", "去掉多余的括号，或拆成几条规则"
    return None


def _regexes(pieces: list[str]) -> tuple[str, str] | None:
    """pieces alternate code and string literals; a regex operator must be followed by a literal."""
    for index in range(0, len(pieces), 2):
        code = pieces[index]
        at_end = _REGEX_OPERATOR.search(code) is not None
        if _REGEX_INSIDE.search(code) or (at_end and index + 1 >= len(pieces)):
            return "正则运算符（=~ 等）的右边应为带引号的文本", '例如 名称 =~ "采购"'
        if at_end:
            reason = regex_refusal(pieces[index + 1][1:-1])
            if reason is not None:
                return reason
    return None


def regex_refusal(pattern: str) -> tuple[str, str] | None:
    """Refuse patterns that can backtrack for ever: nested or stacked repeats, back-references."""
    if len(pattern) > MAX_REGEX_LENGTH:
        return f"正则表达式过长（最多 {MAX_REGEX_LENGTH} 个字符）", '只写需要匹配的关键字，如 名称 =~ "采购|招标"'
    try:
        import re._parser as sre_parse  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # Python < 3.11
        import sre_parse  # type: ignore[no-redef,unused-ignore]
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return "正则表达式写法有误", "检查括号和特殊字符；只需匹配关键字时直接写文字"
    if _risky(parsed, sre_parse, 0):
        return "正则表达式可能回溯过久（重复套重复、连续的重复或反向引用）", '改成不嵌套的写法，如 名称 =~ "采购|招标"'
    return None


def _risky(items: Any, sre_parse: Any, repeats_above: int) -> bool:
    constants = sre_parse
    repeats_here = 0
    for op, argument in items:
        name = str(op)
        if name in ("GROUPREF", "GROUPREF_EXISTS"):
            return True
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            _low, high, body = argument
            unbounded = high is constants.MAXREPEAT or high > 20
            if unbounded:
                repeats_here += 1
                if repeats_above or repeats_here > 1:
                    return True
            if _risky(body, sre_parse, repeats_above + unbounded):
                return True
        elif name == "SUBPATTERN":
            if _risky(argument[-1], sre_parse, repeats_above):
                return True
        elif name == "BRANCH":
            if repeats_above and not _distinct_starts(argument[1]):
                return True  # (a|aa)* backtracks exponentially
            if any(_risky(branch, sre_parse, repeats_above) for branch in argument[1]):
                return True
        elif name in ("ASSERT", "ASSERT_NOT") and _risky(argument[1], sre_parse, repeats_above):
            return True
    return False


def _distinct_starts(branches: Any) -> bool:
    """Every branch starts with its own literal character, so at most one can match here."""
    starts = []
    for branch in branches:
        items = list(branch)
        if not items or str(items[0][0]) != "LITERAL":
            return False
        starts.append(items[0][1])
    return len(set(starts)) == len(starts)


def bounded(evaluate: Callable[[], T]) -> T:
    """Run evaluate within EVALUATION_SECONDS; raise ExpressionLimitError after that."""
    try:
        with deadline(EVALUATION_SECONDS):
            return evaluate()
    except TimeLimitExceeded:
        raise ExpressionLimitError(f"表达式计算超过 {EVALUATION_SECONDS:g} 秒，已中止") from None
    except RecursionError:
        raise ExpressionLimitError("表达式嵌套过深，无法计算") from None
    except (OverflowError, MemoryError):
        raise ExpressionLimitError("表达式的计算结果过大") from None
