"""Each preset, table-driven from the definition in its source document."""

from __future__ import annotations

from pathlib import Path

import pytest

from lianzheng_cli.config import Config
from lianzheng_cli.grading.engine import grade_risk
from lianzheng_cli.grading.ruleset import PRESETS, load_ruleset
from lianzheng_cli.models import PostRegister

ROOT = Path(__file__).parent


def _post(risks: list[dict[str, object]], level: str = "一般") -> PostRegister:
    items = []
    for i, fields in enumerate(risks):
        items.append(
            {
                "编号": f"R{i}",
                "名称": "风险",
                "类型": "岗位职责风险",
                "表现形式": ["表现"],
                "等级": "三级",
                "防控措施": ["措施"],
                **fields,
            }
        )
    data = {"类型": "岗位", "编号": "P", "名称": "岗位", "科室": "K", "层级": level, "主要职责": ["职责"], "风险点": items}
    return PostRegister.model_validate(data)


def _grade(preset: str, fields: dict[str, object], *, others: int = 0, grades: list[str] | None = None) -> str | None:
    config = Config.model_validate({"单位": "测试", "年度": "2025", "评级规则": preset, **({"等级": grades} if grades else {})})
    ruleset = load_ruleset(config, ROOT)
    register = _post([fields] + [{} for _ in range(others)])
    grade = grade_risk(register.risks[0], register, ruleset, config)
    return None if grade.rank is None else config.grades[grade.rank]


# 001/004: 一级 if likely OR a crime; 二级 if fairly likely OR a disciplinary breach; 三级 otherwise — the worse wins.
PROBABILITY_OR_CONSEQUENCE = [
    ("高", "犯罪", "一级"),
    ("高", "违纪", "一级"),
    ("高", "不良影响", "一级"),
    ("较高", "犯罪", "一级"),
    ("较高", "违纪", "二级"),
    ("较高", "不良影响", "二级"),
    ("低", "犯罪", "一级"),
    ("低", "违纪", "二级"),
    ("低", "不良影响", "三级"),
    ("高", None, "一级"),
    (None, "违纪", "二级"),
    (None, None, None),
]


@pytest.mark.parametrize(("likelihood", "consequence", "expected"), PROBABILITY_OR_CONSEQUENCE)
def test_probability_or_consequence(likelihood: str | None, consequence: str | None, expected: str | None) -> None:
    fields = {k: v for k, v in (("发生概率", likelihood), ("危害程度", consequence)) if v}
    assert _grade("概率或后果", fields) == expected


# 002 例3: likely AND severe → 一级; fairly likely / fairly severe → 二级; unlikely and minor → 三级.
MATRIX = [
    ("高", "犯罪", "一级"),
    ("高", "违纪", "一级"),
    ("高", "不良影响", "二级"),
    ("较高", "犯罪", "一级"),
    ("较高", "违纪", "二级"),
    ("较高", "不良影响", "三级"),
    ("低", "犯罪", "二级"),
    ("低", "违纪", "三级"),
    ("低", "不良影响", "三级"),
]


@pytest.mark.parametrize(("likelihood", "consequence", "expected"), MATRIX)
def test_likelihood_consequence_matrix(likelihood: str, consequence: str, expected: str) -> None:
    assert _grade("可能性后果矩阵", {"发生概率": likelihood, "危害程度": consequence}) == expected


# 003: 三重一大 with power over people/money/goods → 一级; no direct power but a chance of gain → 二级; else 三级.
MAJOR_MATTERS = [
    (["三重一大", "人财物"], "一级"),
    (["三重一大"], "二级"),
    (["人财物"], "二级"),
    (["谋利机会"], "二级"),
    ([], "三级"),
    (["自由裁量"], "三级"),
]


@pytest.mark.parametrize(("factors", "expected"), MAJOR_MATTERS)
def test_major_matters(factors: list[str], expected: str) -> None:
    assert _grade("三重一大", {"风险因素": factors}) == expected


# 000 items 24/42: three or more basic risk positions → 高 (一级); two → 较高; one → 一般.
BASIC_POSITIONS = [
    (["公共资源", "自由裁量", "谋利机会"], "一级"),
    (["人财物", "审批权", "自由裁量", "民主决策"], "一级"),  # 人财物 and 审批权 are one position
    (["人财物", "审批权"], "三级"),
    (["自由裁量", "发案频繁"], "二级"),
    (["发案频繁"], "三级"),
    ([], "三级"),
]


@pytest.mark.parametrize(("factors", "expected"), BASIC_POSITIONS)
def test_basic_risk_positions(factors: list[str], expected: str) -> None:
    assert (
        _grade("基本风险位置", {"风险因素": factors}, grades=["高", "较高", "一般"])
        == {
            "一级": "高",
            "二级": "较高",
            "三级": "一般",
        }[expected]
    )


# 002 例6: approval/enforcement facing the public → 一级; personnel/finance/procurement → 二级; else 三级.
FUNCTION_CATEGORY = [
    (["审批权"], "一级"),
    (["执法权", "人财物"], "一级"),
    (["人财物"], "二级"),
    (["谋利机会"], "三级"),
]


@pytest.mark.parametrize(("factors", "expected"), FUNCTION_CATEGORY)
def test_function_category(factors: list[str], expected: str) -> None:
    assert _grade("职能类别", {"风险因素": factors}) == expected


# A university's rules: 1–2 risk points 三级, 3–4 二级, 5+ 一级; three aggravating conditions force 一级.
RISK_COUNT = [
    (1, [], "三级"),
    (2, [], "三级"),
    (3, [], "二级"),
    (4, [], "二级"),
    (5, [], "一级"),
    (1, ["重大影响"], "一级"),
    (2, ["裁量无边界"], "一级"),
    (1, ["曾出问题"], "一级"),
]


@pytest.mark.parametrize(("count", "factors", "expected"), RISK_COUNT)
def test_risk_count(count: int, factors: list[str], expected: str) -> None:
    assert _grade("风险点数量", {"风险因素": factors}, others=count - 1) == expected


def test_every_preset_is_tested() -> None:
    tested = {"概率或后果", "可能性后果矩阵", "三重一大", "基本风险位置", "职能类别", "风险点数量"}
    assert set(PRESETS) == tested


def test_grade_names_follow_the_unit_vocabulary() -> None:
    assert _grade("概率或后果", {"发生概率": "较高"}, grades=["A", "B", "C"]) == "B"
