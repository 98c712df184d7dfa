"""Units' own rule files: extending presets, expressions, and mistakes found at load time."""

from __future__ import annotations

from pathlib import Path

import pytest

from lianzheng_cli.config import Config
from lianzheng_cli.grading.engine import grade_risk
from lianzheng_cli.grading.ruleset import RuleSetError, load_ruleset
from lianzheng_cli.models import PostRegister


def _config(rules: str) -> Config:
    return Config.model_validate({"单位": "测试", "年度": "2025", "评级规则": rules})


def _register(**fields: object) -> PostRegister:
    risk = {
        "编号": "R1",
        "名称": "风险",
        "类型": "业务流程风险",
        "表现形式": ["表现"],
        "等级": "三级",
        "防控措施": ["措施"],
        **fields,
    }
    data = {"类型": "岗位", "编号": "P", "名称": "岗位", "科室": "K", "主要职责": ["职责"], "风险点": [risk]}
    return PostRegister.model_validate(data)


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "评级规则.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_extend_a_preset_and_override_one_rule(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        "名称: 本院规则\n继承: 概率或后果\n规则:\n"
        "  - 编号: G2\n    说明: 较高概率也算一级\n    条件: {发生概率: 较高}\n    等级: 一级\n"
        '  - 编号: X1\n    说明: 涉及医保基金\n    条件:\n      表达式: \'"医保" in 风险因素 and 类型 == "业务流程风险"\'\n    等级: 一级\n',
    )
    config = _config("评级规则.yaml")
    ruleset = load_ruleset(config, root)
    assert [rule.id for rule in ruleset.rules] == ["G1", "G2", "G3", "X1"]
    register = _register(发生概率="较高")
    grade = grade_risk(register.risks[0], register, ruleset, config)
    assert (grade.rank, grade.rule_ids) == (0, ("G2",))
    assert grade.explanation == "发生概率=较高 → 一级（规则 G2：较高概率也算一级）"
    medical = _register(发生概率="低", 风险因素=["医保"])
    grade = grade_risk(medical.risks[0], medical, ruleset, config)
    assert grade.rule_ids == ("X1",)
    assert grade.explanation.startswith('表达式 "医保" in 风险因素 and 类型 == "业务流程风险" 成立 → 一级')


def test_first_match_combination(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        "名称: 先到先得\n合并方式: 首条\n规则:\n"
        "  - {编号: A, 说明: 低概率, 条件: {发生概率: 低}, 等级: 三级}\n"
        "  - {编号: B, 说明: 犯罪, 条件: {危害程度: 犯罪}, 等级: 一级}\n",
    )
    config = _config("评级规则.yaml")
    register = _register(发生概率="低", 危害程度="犯罪")
    grade = grade_risk(register.risks[0], register, load_ruleset(config, root), config)
    assert grade.rule_ids == ("A",)


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        (
            "名称: x\n规则:\n  - 编号: A\n    说明: s\n    条件: {发生几率: 高}\n    等级: 一级\n",
            5,
            10,
            "规则 A：条件中的“发生几率”无法识别",
        ),
        ("名称: x\n规则:\n  - 编号: A\n    说明: s\n    等级: 特级\n", 5, 9, "等级“特级”不是本单位的等级"),
        (
            "名称: x\n规则:\n  - 编号: A\n    说明: s\n    条件:\n      表达式: 发生概率 ==\n    等级: 一级\n",
            6,
            7,
            "规则 A：表达式有误",
        ),
        (
            '名称: x\n规则:\n  - 编号: A\n    说明: s\n    条件:\n      表达式: 发生率 == "高"\n    等级: 一级\n',
            6,
            7,
            "规则 A：表达式中的名称“发生率”无法识别",
        ),
        ("名称: x\n规则:\n  - 编号: A\n    条件: {发生概率: 高}\n    等级: 一级\n", 3, 5, "缺少必填的键“说明”"),
        ("名称: x\n依据: [发生概率, 可能性]\n规则: []\n", 2, 12, "依据中的“可能性”不是风险点字段"),
        (
            "名称: x\n规则:\n  - 编号: A\n    说明: s\n    条件: {风险点数: {至少: 很多}}\n    等级: 一级\n",
            5,
            10,
            "“至少”“至多”应为整数",
        ),
    ],
)
def test_mistakes_are_reported_with_position_when_loading(
    tmp_path: Path, text: str, line: int, column: int, message: str
) -> None:
    root = _write(tmp_path, text)
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(_config("评级规则.yaml"), root)
    first = caught.value.findings[0]
    assert (first.path, first.line, first.column) == ("评级规则.yaml", line, column)
    assert message in first.message


def test_unknown_preset_or_missing_file(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="既不是内置规则"):
        load_ruleset(_config("不存在的规则"), tmp_path)


def test_extends_cycle_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("名称: a\n继承: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("名称: b\n继承: a.yaml\n", encoding="utf-8")
    with pytest.raises(RuleSetError, match="继承层数过多"):
        load_ruleset(_config("a.yaml"), tmp_path)
