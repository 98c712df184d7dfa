"""Each preset, table-driven from the definition in its source document."""

from __future__ import annotations

from pathlib import Path

import pytest

from lianzheng_cli.config import Config
from lianzheng_cli.grading.engine import grade_risk
from lianzheng_cli.grading.rollup import register_grades
from lianzheng_cli.grading.ruleset import PRESETS, load_ruleset
from lianzheng_cli.models import DepartmentRegister, PostRegister, Register

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


def _config(preset: str, grades: list[str] | None = None) -> Config:
    return Config.model_validate({"单位": "测试", "年度": "2025", "评级规则": preset, **({"等级": grades} if grades else {})})


def _register_grade(preset: str, registers: list[Register], wanted: str, grades: list[str] | None = None) -> str | None:
    """The register grade of `wanted` when the preset grades these registers together."""
    config = _config(preset, grades)
    ruleset = load_ruleset(config, ROOT)
    graded = [(r, [grade_risk(risk, r, ruleset, config) for risk in r.risks]) for r in registers]
    rank = register_grades(graded, config, ruleset)[wanted].rank
    return None if rank is None else config.grades[rank]


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


# 000 items 24/42: a POST with three or more basic risk positions (across all its risk points) → 高; two → 较高; one → 一般.
BASIC_POSITIONS = [
    ([["人财物", "发案频繁"], ["自由裁量"]], "高"),  # the 收费员: three positions over two risk points
    ([["公共资源"], ["自由裁量"], ["谋利机会"]], "高"),
    ([["人财物", "审批权", "自由裁量", "民主决策"]], "高"),  # 人财物 and 审批权 are one position
    ([["人财物"], ["审批权"]], "一般"),  # the same position twice counts once
    ([["自由裁量"], ["发案频繁"]], "较高"),
    ([["发案频繁"]], "一般"),
    ([[]], "一般"),
]


@pytest.mark.parametrize(("tags_per_risk", "expected"), BASIC_POSITIONS)
def test_basic_risk_positions_count_over_the_whole_post(tags_per_risk: list[list[str]], expected: str) -> None:
    post = _post([{"风险因素": tags, "等级": "一般"} for tags in tags_per_risk])
    assert _register_grade("基本风险位置", [post], "P", grades=["高", "较高", "一般"]) == expected


def test_basic_risk_positions_do_not_grade_single_risk_points() -> None:
    assert _grade("基本风险位置", {"风险因素": ["人财物", "自由裁量", "发案频繁"]}) is None


def _department(powers: list[str], factors: list[str] | None = None) -> DepartmentRegister:
    data = {
        "类型": "科室",
        "编号": "K",
        "名称": "科室",
        "主要职责": ["职责"],
        "风险点": [],
        "权力清单": [{"编号": f"Q{i}", "名称": "事项", "类别": c} for i, c in enumerate(powers)],
        **({"风险因素": factors} if factors else {}),
    }
    return DepartmentRegister.model_validate(data)


# 002 例6: departments and posts with approval/enforcement facing the public → 一级; personnel/finance/procurement → 二级; else 三级.
FUNCTION_CATEGORY = [
    ([], ["审批权"], "一级"),
    ([], ["执法权", "人财物"], "一级"),
    ([], ["人财物"], "二级"),
    ([], ["谋利机会"], "三级"),
    (["行政处罚"], [], "一级"),  # a post inside a 一级 department is 一级, whatever its own tags
    (["内部管理权"], [], "二级"),
    (["其他"], [], "三级"),
]


@pytest.mark.parametrize(("powers", "factors", "expected"), FUNCTION_CATEGORY)
def test_function_category_grades_posts_by_their_department(powers: list[str], factors: list[str], expected: str) -> None:
    post = _post([{"风险因素": factors}])
    assert _register_grade("职能类别", [_department(powers), post], "P") == expected


def test_function_category_leader_takes_the_highest_department_in_charge() -> None:
    leader = PostRegister.model_validate(
        {
            "类型": "岗位",
            "编号": "L",
            "名称": "副局长",
            "科室": "领导班子",
            "层级": "领导班子",
            "主要职责": ["分管"],
            "分管": ["K"],
            "风险点": [],
        }
    )
    assert _register_grade("职能类别", [_department(["行政许可"]), leader], "L") == "一级"


# A university's rules: a post with 1–2 risk points 三级, 3–4 二级, 5+ 一级; three aggravating conditions force 一级.
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
def test_risk_count_grades_the_post(count: int, factors: list[str], expected: str) -> None:
    post = _post([{"风险因素": factors}] + [{} for _ in range(count - 1)])
    assert _register_grade("风险点数量", [post], "P") == expected


def test_every_preset_is_tested() -> None:
    tested = {"概率或后果", "可能性后果矩阵", "三重一大", "基本风险位置", "职能类别", "风险点数量"}
    assert set(PRESETS) == tested


def test_grade_names_follow_the_unit_vocabulary() -> None:
    assert _grade("概率或后果", {"发生概率": "较高"}, grades=["A", "B", "C"]) == "B"
