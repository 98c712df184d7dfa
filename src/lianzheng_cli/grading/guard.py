"""Grading findings for ``lzfk validate``: a grade may never be quietly lowered."""

from __future__ import annotations

from collections.abc import Iterator

from lianzheng_cli.config import Config
from lianzheng_cli.findings import Finding
from lianzheng_cli.grading.engine import Grade, grade_risk
from lianzheng_cli.grading.ruleset import RuleSet
from lianzheng_cli.loader.yamltree import Tree
from lianzheng_cli.models import Register, RiskPoint


def grade_findings(
    register: Register, tree: Tree, path: str, ruleset: RuleSet, config: Config
) -> tuple[list[Finding], list[Grade]]:
    """Findings about declared grades, and each risk point's computed grade."""
    findings: list[Finding] = []
    grades: list[Grade] = []
    for index, risk in enumerate(register.risks):
        grade = grade_risk(risk, register, ruleset, config)
        grades.append(grade)
        where = tree.pos(("风险点", index, "等级"))
        findings.extend(_compare(risk, grade, config, path, where))
        if grade.missing:
            findings.append(_missing(risk, grade, path, tree.pos(("风险点", index), key=False)))
    return findings, grades


def _compare(risk: RiskPoint, grade: Grade, config: Config, path: str, where: tuple[int, int]) -> Iterator[Finding]:
    found = config.grade(risk.grade)
    declared = found.rank if found else None
    if declared is None or grade.rank is None or declared == grade.rank:
        return
    computed = config.grades[grade.rank]
    if declared > grade.rank and not risk.downgrade_reason:
        yield Finding.of(
            "LZ301",
            path,
            where,
            f"风险点“{risk.id}”申报等级“{risk.grade}”低于评级结果“{computed}”：{grade.explanation}",
            f"改为 {computed}（或运行 lzfk grade --write）；确需降级的，写明“降级理由”并经审定",
        )
    elif declared > grade.rank:
        yield Finding.of(
            "LZ304",
            path,
            where,
            f"风险点“{risk.id}”申报等级“{risk.grade}”低于评级结果“{computed}”，已说明降级理由：{risk.downgrade_reason}",
            "请确认降级理由已经审定",
        )
    else:
        yield Finding.of(
            "LZ302",
            path,
            where,
            f"风险点“{risk.id}”申报等级“{risk.grade}”高于评级结果“{computed}”（{grade.explanation}）",
            "从严申报是允许的；如属误填，可改为评级结果",
        )


def _missing(risk: RiskPoint, grade: Grade, path: str, where: tuple[int, int]) -> Finding:
    names = "、".join(grade.missing)
    return Finding.of("LZ303", path, where, f"风险点“{risk.id}”缺少评级依据：{names}", f"补上 {names}，评级规则才能核对申报等级")
