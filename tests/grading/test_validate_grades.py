"""lzfk validate enforces grades: LZ301 (error), LZ302 / LZ304 (info), LZ303 (warning)."""

from __future__ import annotations

from lianzheng_cli.validation import validate
from tests.grading.conftest import post_yaml, risk_yaml


def _codes(root) -> list[tuple[str, int, int, str]]:  # type: ignore[no-untyped-def]
    result = validate(root, use_cache=False)
    return [(f.path, f.line, f.column, f.code) for f in result.findings]


def test_lowered_grade_without_reason_is_an_error_at_the_grade_line(make_repo) -> None:  # type: ignore[no-untyped-def]
    risks = risk_yaml("R1", "三级", likelihood="高", consequence="违纪")
    root = make_repo(
        {"k.yaml": "类型: 科室\n编号: KS\n名称: 科室\n主要职责: [x]\n风险点: []\n", "p.yaml": post_yaml("P1", risks)}
    )
    result = validate(root, use_cache=False)
    graded = [f for f in result.findings if f.code.startswith("LZ3")]
    assert [(f.path, f.line, f.column, f.code) for f in graded] == [("registers/p.yaml", 14, 9, "LZ301")]
    assert graded[0].message == (
        "风险点“R1”申报等级“三级”低于评级结果“一级”：发生概率=高 → 一级（规则 G1：发生概率高，或可能触犯法律、构成犯罪）"
    )


def test_reason_turns_the_error_into_info_and_higher_is_fine(make_repo) -> None:  # type: ignore[no-untyped-def]
    risks = risk_yaml("R1", "二级", likelihood="高", extra="    降级理由: 已调岗轮换，经党委会审定") + risk_yaml(
        "R2", "一级", likelihood="低", consequence="不良影响"
    )
    root = make_repo(
        {"k.yaml": "类型: 科室\n编号: KS\n名称: 科室\n主要职责: [x]\n风险点: []\n", "p.yaml": post_yaml("P1", risks)}
    )
    findings = [f for f in validate(root, use_cache=False).findings if f.code.startswith("LZ3")]
    assert [(f.code, f.severity.key) for f in findings] == [("LZ303", "warning"), ("LZ304", "info"), ("LZ302", "info")]
    assert "缺少评级依据：危害程度" in findings[0].message


def test_validate_exit_is_clean_when_only_info(make_repo) -> None:  # type: ignore[no-untyped-def]
    risks = risk_yaml("R1", "一级", likelihood="低", consequence="不良影响")
    root = make_repo(
        {"k.yaml": "类型: 科室\n编号: KS\n名称: 科室\n主要职责: [x]\n风险点: []\n", "p.yaml": post_yaml("P1", risks)}
    )
    result = validate(root, use_cache=False)
    assert result.summary.errors == 0
    assert result.summary.infos == 1


def test_bad_rule_file_is_a_configuration_error(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = make_repo({}, config="单位: 测试\n年度: 2025\n评级规则: rules.yaml\n")
    (root / "rules.yaml").write_text("名称: x\n规则:\n  - {编号: A, 说明: s, 条件: {发生概: 高}, 等级: 一级}\n", encoding="utf-8")
    result = validate(root, use_cache=False)
    assert result.config_failed
    assert [(f.path, f.line, f.code) for f in result.findings] == [("rules.yaml", 3, "LZ310")]
