"""Grading findings for ``lzfk validate``: a grade may never be quietly lowered."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from lianzheng_cli.config import Config
from lianzheng_cli.findings import Finding
from lianzheng_cli.grading.engine import Grade, grade_risk
from lianzheng_cli.grading.risk_facts import RegisterInput, register_input
from lianzheng_cli.grading.rollup import EXPLAINED, HIGH, LOW, RegisterGrade, grade_registers
from lianzheng_cli.grading.ruleset import RuleSet
from lianzheng_cli.loader.yamltree import Tree
from lianzheng_cli.models import Register, RiskPoint

if TYPE_CHECKING:
    from lianzheng_cli.loader.files import ParsedFile
    from lianzheng_cli.register_facts import RegisterFacts


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
        if grade.cut_off:
            findings.append(_cut_off(risk, grade, path, where))
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


def grading_input(parsed: ParsedFile, ranks: Sequence[int | None], config: Config) -> RegisterInput:
    """The register's part in register-level grading, with where its 等级 (or 编号) is."""
    register, tree = parsed.register, parsed.tree
    assert register is not None and tree is not None
    where = tree.pos(("等级",)) if register.grade is not None else tree.pos(("编号",))
    return register_input(register, list(ranks), parsed.path, where)


def register_grade_findings(facts: Sequence[RegisterFacts], ruleset: RuleSet, config: Config) -> list[Finding]:
    """Cross-file: a declared register grade may not be quietly below the computed one."""
    inputs = [item.grading for item in facts if item.grading is not None]
    grades = grade_registers(inputs, ruleset, config)
    findings: list[Finding] = []
    for item in inputs:
        grade = grades[item.id]
        findings.extend(_compare_register(item, grade, config))
        if grade.missing and item.risk_ranks:
            names = "、".join(grade.missing)
            message = f"{item.kind}“{item.name}”（{item.id}）缺少评级依据：{names}（本表各风险点都没有写）"
            findings.append(Finding.of("LZ308", item.path, item.grade_pos, message, f"在风险点或登记表上补写 {names}"))
    return findings


def _compare_register(item: RegisterInput, grade: RegisterGrade, config: Config) -> Iterator[Finding]:
    computed = config.grades[grade.computed] if grade.computed is not None else ""
    why = "；".join(r for r in grade.reasons if not r.startswith("申报等级"))
    label = f"{item.kind}“{item.name}”申报的登记表等级“{item.declared}”"
    if grade.status == LOW:
        yield Finding.of(
            "LZ305",
            item.path,
            item.grade_pos,
            f"{label}低于评级结果“{computed}”：{why}",
            f"改为 {computed}；确需降级的，在登记表上写明“降级理由”并经审定",
        )
    elif grade.status == EXPLAINED:
        message = f"{label}低于评级结果“{computed}”，已说明降级理由：{item.downgrade_reason}"
        yield Finding.of("LZ307", item.path, item.grade_pos, message, "请确认降级理由已经审定")
    elif grade.status == HIGH:
        yield Finding.of("LZ306", item.path, item.grade_pos, f"{label}高于评级结果“{computed}”（{why}）", "从严申报是允许的")


def _cut_off(risk: RiskPoint, grade: Grade, path: str, where: tuple[int, int]) -> Finding:
    return Finding.of(
        "LZ021",
        path,
        where,
        f"风险点“{risk.id}”无法评级：{grade.cut_off}",
        "评级规则中的表达式计算量过大；请简化规则文件中的“表达式”（见 docs/grading.md）",
    )
