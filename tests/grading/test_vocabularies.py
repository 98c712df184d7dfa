"""The unit's own words for 发生概率, 危害程度, 阶段, 层级 and 风险类型 (lzfk.yaml), with aliases."""

from __future__ import annotations

from pathlib import Path

import pytest

from lianzheng_cli.config import Config
from lianzheng_cli.grading.engine import grade_risk
from lianzheng_cli.grading.ruleset import load_ruleset
from lianzheng_cli.models import PostRegister
from tests.grading.conftest import post_yaml, risk_yaml
from tests.helpers import run_validate

BASE = "单位: 测试\n年度: 2025\n"


def _grade(config_text: str, fields: dict[str, object], tmp_path: Path) -> str | None:
    import yaml

    config = Config.model_validate(yaml.safe_load(BASE + config_text))
    register = PostRegister.model_validate(
        {
            "类型": "岗位",
            "编号": "P",
            "名称": "岗位",
            "科室": "K",
            "主要职责": ["职责"],
            "风险点": [
                {
                    "编号": "R",
                    "名称": "风险",
                    "类型": "岗位职责风险",
                    "表现形式": ["表现"],
                    "等级": "三级",
                    "防控措施": ["措施"],
                    **fields,
                }
            ],
        }
    )
    grade = grade_risk(register.risks[0], register, load_ruleset(config, tmp_path), config)
    return None if grade.rank is None else config.grades[grade.rank]


def test_a_units_own_likelihood_words_grade_by_the_preset(tmp_path: Path) -> None:
    words = "发生概率: [大, 较大, 较小]\n"
    assert _grade(words, {"发生概率": "大"}, tmp_path) == "一级"
    assert _grade(words, {"发生概率": "较大", "危害程度": "不良影响"}, tmp_path) == "二级"
    assert _grade(words, {"发生概率": "较小", "危害程度": "不良影响"}, tmp_path) == "三级"


def test_an_alias_grades_like_its_word(tmp_path: Path) -> None:
    aliases = "发生概率别名: {发生机率较小: 低}\n危害程度别名: {构成犯罪: 犯罪}\n"
    assert _grade(aliases, {"发生概率": "发生机率较小", "危害程度": "不良影响"}, tmp_path) == "三级"
    assert _grade(aliases, {"发生概率": "低", "危害程度": "构成犯罪"}, tmp_path) == "一级"


def test_a_units_rule_file_may_use_its_own_words(tmp_path: Path) -> None:
    (tmp_path / "规则.yaml").write_text(
        "名称: 本局规则\n规则:\n  - {编号: X, 说明: 可能性大, 条件: {发生概率: 大}, 等级: 一级}\n", encoding="utf-8"
    )
    assert _grade("发生概率: [大, 较大, 较小]\n评级规则: 规则.yaml\n", {"发生概率": "大"}, tmp_path) == "一级"


def test_aliases_for_types_stages_and_levels_validate(make_repo) -> None:  # type: ignore[no-untyped-def]
    config = BASE + "风险类型别名: {职责履行风险: 岗位职责风险}\n阶段别名: {事前预防: 前期预防}\n层级别名: {科级: 中层}\n"
    risk = risk_yaml("P-01", "二级", likelihood="较高", consequence="违纪").replace("岗位职责风险", "职责履行风险")
    risk = risk.replace("阶段: 前期预防", "阶段: 事前预防")
    root = make_repo({"p.yaml": post_yaml("P", risk, department="领导班子", level="科级")}, config)
    assert [f.code for f in run_validate(root).findings] == []


def test_unknown_words_say_what_they_may_have_meant(make_repo) -> None:  # type: ignore[no-untyped-def]
    risk = risk_yaml("P-01", "二级", likelihood="较高", consequence="违纪").replace("阶段: 中期监控", "阶段: 中期监督")
    root = make_repo({"p.yaml": post_yaml("P", risk, department="领导班子")})
    (finding,) = [f for f in run_validate(root).findings if f.code == "LZ208"]
    assert finding.code == "LZ208" and "是不是“中期监控”？" in finding.hint


@pytest.mark.parametrize(
    ("config_text", "message"),
    [
        ("发生概率别名: {较小: 很小}\n", "发生概率别名“较小”指向的“很小”"),
        ("阶段别名: {事前: 事前预防}\n", "阶段别名“事前”指向的“事前预防”"),
        ("层级: [一般, 领导班子]\n", "三个互不相同的取值"),
        ("分级负责: {特级: {负责: [院长]}}\n", "分级负责中的“特级”不是本单位的等级"),
    ],
)
def test_a_broken_vocabulary_in_lzfk_yaml_is_a_config_error(config_text: str, message: str, make_repo) -> None:  # type: ignore[no-untyped-def]
    root = make_repo({}, BASE + config_text)
    result = run_validate(root)
    assert result.config_failed
    assert any(message in f.message for f in result.findings), [f.message for f in result.findings]
