"""Bounded work: costly rule expressions and templates are refused or stopped, never hang."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from lianzheng_cli.config import Config
from lianzheng_cli.findings import MAX_PER_FILE
from lianzheng_cli.grading import expression_limits
from lianzheng_cli.grading.guard import grade_findings
from lianzheng_cli.grading.ruleset import RuleSetError, load_ruleset
from lianzheng_cli.loader.files import parse_register_text
from lianzheng_cli.render import jinja_env
from lianzheng_cli.render.jinja_env import TemplateError, environment, render_bounded
from tests.helpers import LEADER, check

RULES = "名称: 本院\n规则:\n  - 编号: A\n    说明: s\n    条件:\n      表达式: '{expression}'\n    等级: 一级\n"


def _load(tmp_path: Path, expression: str) -> Config:
    (tmp_path / "rules.yaml").write_text(RULES.format(expression=expression), encoding="utf-8")
    config = Config.model_validate({"单位": "测试", "年度": "2025", "评级规则": "rules.yaml"})
    load_ruleset(config, tmp_path)
    return config


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("风险点数 << 10000000 > 1", "不支持运算符“<<”"),
        ("风险点数 ** 99999999 > 1", "不支持运算符“**”"),
        ("not " * 3000 + "true", "表达式过长"),
        (" or ".join(["1"] * 150), "运算符超过"),
        ("(" * 40 + "true" + ")" * 40, "括号嵌套超过"),
        ('名称 =~ "(x+x+)+y"', "可能回溯过久"),
        ('名称 =~ "(a|aa)*$"', "可能回溯过久"),
        ('名称 =~ "(a)\\1"', "可能回溯过久"),
        ("名称 =~ 类型", "右边应为带引号的文本"),
        ("$range(100000000).length > 1", "内置函数“$range”"),
        ("风险点数 > 1e99999999", "过大或写成了指数形式"),
    ],
)
def test_costly_expressions_are_refused_when_the_rule_file_loads(tmp_path: Path, expression: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(RuleSetError) as caught:
        _load(tmp_path, expression)
    assert time.monotonic() - started < 5
    finding = caught.value.findings[0]
    assert (finding.path, finding.line, finding.code) == ("rules.yaml", 6, "LZ310")
    assert message in finding.message


def test_a_harmless_regex_still_loads(tmp_path: Path) -> None:
    _load(tmp_path, '名称 =~ "采购|招标" and 风险点数 >= 3')


def test_an_expression_that_runs_too_long_is_cut_off_with_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _load(tmp_path, '名称 =~ "决策" or 风险点数 >= 1')
    ruleset = load_ruleset(config, tmp_path)
    parsed = parse_register_text(LEADER, "registers/院长.yaml", markdown=False)
    assert parsed.register is not None and parsed.tree is not None
    # No expression that passes the load-time checks is slow, so the budget is made tiny.
    monkeypatch.setattr(expression_limits, "EVALUATION_SECONDS", 1e-6)
    findings, grades = grade_findings(parsed.register, parsed.tree, parsed.path, ruleset, config)
    cut = [f for f in findings if f.code == "LZ021"]
    assert [grade.rank for grade in grades] == [None]
    assert cut and cut[0].line == 16 and "无法评级" in cut[0].message


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ (10 ** 1000) ** 1000 }}", "结果过大"),
        ('{{ "a" * 10**9 }}', "重复的次数过大"),
        ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}", "无限递归"),
        ("{{ 1 / 0 }}", "除数为零"),
        ('{{ "x"|center(10**9) }}', "参数过大"),
        ('{{ "x".ljust(10**9) }}', "参数过大"),
        ('{{ "%999999999d" % 1 }}', "宽度过大"),
        ("{% for i in range(100000) %}{% for j in range(100000) %}{{ '一' * 100 }}{% endfor %}{% endfor %}", "输出超过"),
    ],
)
def test_templates_that_explode_become_located_template_errors(source: str, message: str) -> None:
    with pytest.raises(TemplateError) as caught:
        render_bounded(environment().from_string(source), {}, "登记表.md.j2")
    assert caught.value.message.startswith("模板 登记表.md.j2")
    assert message in caught.value.message


def test_a_template_that_loops_for_ever_is_stopped_by_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jinja_env, "RENDER_SECONDS", 0.5)
    source = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    started = time.monotonic()
    with pytest.raises(TemplateError, match=r"渲染超过 0\.5 秒"):
        render_bounded(environment().from_string(source), {}, "t.html.j2")
    assert time.monotonic() - started < 3


def test_findings_per_file_are_capped_with_one_summary() -> None:
    text = "类型: 岗位\n" + "".join(f"未知键{i}: 1\n" for i in range(5000))
    outcome = check(text)
    assert len(outcome.findings) == MAX_PER_FILE + 1
    summary = outcome.findings[-1]
    assert summary.code == "LZ020"
    assert "还有" in summary.message and "未列出" in summary.message
