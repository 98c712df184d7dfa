"""Rules that look at one register at a time."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from lianzheng_cli.config import Config, alias_key
from lianzheng_cli.findings import Finding
from lianzheng_cli.models import DepartmentRegister, PostRegister
from lianzheng_cli.rules.registry import RegisterContext, register_rule

Path = tuple[str | int, ...]


def _choices(values: list[str]) -> str:
    return "、".join(values)


def _vocabulary_hint(config: Config, vocabulary: str, spelling: str) -> str:
    """可选：… and, when a spelling is close to one the unit accepts, 是不是“…”？"""
    near = difflib.get_close_matches(spelling, config.spellings(vocabulary), n=1, cutoff=0.4)
    guess = f"是不是“{near[0]}”？" if near else ""
    where = f"在 lzfk.yaml 的“{vocabulary}”或“{alias_key(vocabulary)}”中配置"
    return f"{guess}可选：{_choices(config.vocabulary(vocabulary))}（{where}）"


def _unknown(ctx: RegisterContext, code: str, vocabulary: str, spelling: str | None, path: Path, label: str) -> Iterator[Finding]:
    if spelling is not None and ctx.config.canonical(vocabulary, spelling) is None:
        yield ctx.finding(
            code, ctx.tree.pos(path), f"{label}“{spelling}”{_NOT_UNITS[code]}", _vocabulary_hint(ctx.config, vocabulary, spelling)
        )


_NOT_UNITS = {
    "LZ206": "不是本单位的等级名称",
    "LZ207": "不是本单位的风险类型",
    "LZ208": "不是三道防线之一",
    "LZ220": "不是本单位的发生概率取值",
    "LZ221": "不是本单位的危害程度取值",
    "LZ222": "不是本单位的层级",
}


@register_rule("LZ206")
def grade_in_vocabulary(ctx: RegisterContext) -> Iterator[Finding]:
    """PASS: 等级: 一级 (with 等级: [一级, 二级, 三级]).  FAIL: 等级: 高级."""
    for i, risk in enumerate(ctx.register.risks):
        yield from _unknown(ctx, "LZ206", "等级", risk.grade, ("风险点", i, "等级"), "风险等级")
    yield from _unknown(ctx, "LZ206", "等级", ctx.register.grade, ("等级",), "登记表等级")


@register_rule("LZ207")
def type_in_vocabulary(ctx: RegisterContext) -> Iterator[Finding]:
    """PASS: 类型: 岗位职责风险 (or a 风险类型别名).  FAIL: 类型: 岗位风险."""
    for i, risk in enumerate(ctx.register.risks):
        yield from _unknown(ctx, "LZ207", "风险类型", risk.type, ("风险点", i, "类型"), "风险类型")


@register_rule("LZ208")
def stage_in_vocabulary(ctx: RegisterContext) -> Iterator[Finding]:
    """PASS: 阶段: 中期监控 (or a 阶段别名).  FAIL: 阶段: 事中监督."""
    for i, risk in enumerate(ctx.register.risks):
        for j, measure in enumerate(risk.measures):
            yield from _unknown(ctx, "LZ208", "防控阶段", measure.stage, ("风险点", i, "防控措施", j, "阶段"), "阶段")


@register_rule("LZ220")
def likelihood_in_vocabulary(ctx: RegisterContext) -> Iterator[Finding]:
    """PASS: 发生概率: 较高 (or a 发生概率别名 such as 发生机率较小).  FAIL: 发生概率: 很高."""
    for i, risk in enumerate(ctx.register.risks):
        yield from _unknown(ctx, "LZ220", "发生概率", risk.likelihood, ("风险点", i, "发生概率"), "发生概率")


@register_rule("LZ221")
def consequence_in_vocabulary(ctx: RegisterContext) -> Iterator[Finding]:
    """PASS: 危害程度: 违纪.  FAIL: 危害程度: 严重."""
    for i, risk in enumerate(ctx.register.risks):
        yield from _unknown(ctx, "LZ221", "危害程度", risk.consequence, ("风险点", i, "危害程度"), "危害程度")


@register_rule("LZ222")
def level_in_vocabulary(ctx: RegisterContext) -> Iterator[Finding]:
    """PASS: 层级: 中层.  FAIL: 层级: 高层."""
    register = ctx.register
    if isinstance(register, PostRegister):
        yield from _unknown(ctx, "LZ222", "层级", register.level, ("层级",), "层级")


@register_rule("LZ209")
def has_manifestation(ctx: RegisterContext) -> Iterator[Finding]:
    """FAIL: 表现形式: []."""
    for i, risk in enumerate(ctx.register.risks):
        if not risk.manifestations:
            yield ctx.finding(
                "LZ209",
                ctx.tree.pos(("风险点", i, "表现形式")),
                f"风险点“{risk.id}”没有写表现形式",
                "至少写一条具体表现，如“收受供应商回扣”",
            )


@register_rule("LZ210")
def has_measure(ctx: RegisterContext) -> Iterator[Finding]:
    """FAIL: 防控措施: [] — every risk point needs at least one measure (一对一)."""
    for i, risk in enumerate(ctx.register.risks):
        if not risk.measures:
            yield ctx.finding(
                "LZ210",
                ctx.tree.pos(("风险点", i, "防控措施")),
                f"风险点“{risk.id}”没有防控措施",
                "每个风险点至少有一条防控措施（一对一）",
            )


@register_rule("LZ211")
def all_stages_present(ctx: RegisterContext) -> Iterator[Finding]:
    """WARN: measures only for 前期预防; 中期监控 and 后期处置 missing."""
    for i, risk in enumerate(ctx.register.risks):
        if not risk.measures:
            continue
        present = {ctx.config.canonical("防控阶段", m.stage) for m in risk.measures if m.stage}
        missing = [stage for stage in ctx.config.stages if stage not in present]
        if missing:
            yield ctx.finding(
                "LZ211",
                ctx.tree.pos(("风险点", i, "防控措施")),
                f"风险点“{risk.id}”的防控措施缺少：{_choices(missing)}",
                "三道防线各写至少一条措施，并在每条措施上写明“阶段”",
            )


@register_rule("LZ212")
def risk_count_in_range(ctx: RegisterContext) -> Iterator[Finding]:
    """WARN: a post with 0 or more than 3 risk points (range set by 每岗风险点)."""
    if not isinstance(ctx.register, PostRegister):
        return
    limits = ctx.config.risks_per_post
    count = len(ctx.register.risks)
    if limits.minimum <= count <= limits.maximum:
        return
    yield ctx.finding(
        "LZ212",
        ctx.tree.pos(("风险点",), key=True),
        f"岗位“{ctx.register.name}”有 {count} 个风险点，建议 {limits.minimum}–{limits.maximum} 个",
        "合并相近的风险点或补充遗漏的；范围可在 lzfk.yaml 的“每岗风险点”中调整",
    )


@register_rule("LZ213")
def approval_after_review(ctx: RegisterContext) -> Iterator[Finding]:
    """FAIL: 审核 日期 2025-03-10, 审定 日期 2025-03-01."""
    review, approval = ctx.register.review, ctx.register.approval
    if review is None or approval is None or approval.date >= review.date:
        return
    yield ctx.finding(
        "LZ213",
        ctx.tree.pos(("审定", "日期")),
        f"审定日期 {approval.date} 早于审核日期 {review.date}",
        "先审核、后审定：请核对两个日期",
    )


@register_rule("LZ214")
def power_category_known(ctx: RegisterContext) -> Iterator[Finding]:
    """WARN: 类别: 行政审核 (not one of the unit's 权力类别)."""
    if not isinstance(ctx.register, DepartmentRegister):
        return
    for i, power in enumerate(ctx.register.powers):
        if power.category is not None and power.category not in ctx.config.power_categories:
            yield ctx.finding(
                "LZ214",
                ctx.tree.pos(("权力清单", i, "类别")),
                f"权力类别“{power.category}”不在本单位的权力类别中",
                f"可选：{_choices(ctx.config.power_categories)}（可在 lzfk.yaml 的“权力类别”中调整）",
            )


@register_rule("LZ215")
def department_has_risks(ctx: RegisterContext) -> Iterator[Finding]:
    """WARN: a 科室 or 单位 register with 风险点: []."""
    if isinstance(ctx.register, PostRegister) or ctx.register.risks:
        return
    yield ctx.finding(
        "LZ215",
        ctx.tree.pos(("风险点",), key=True),
        f"“{ctx.register.name}”没有登记任何风险点",
        "科室、单位至少查找 1–2 个风险点",
    )


@register_rule("LZ224")
def shared_measure_ids_unique(ctx: RegisterContext) -> Iterator[Finding]:
    """FAIL: two entries of 共用措施 both numbered RS-M1 (a 引用 could not tell them apart)."""
    seen: set[str] = set()
    for i, measure in enumerate(ctx.register.shared_measures):
        if measure.id in seen:
            yield ctx.finding(
                "LZ224",
                ctx.tree.pos(("共用措施", i, "编号")),
                f"共用措施编号“{measure.id}”重复",
                "每条共用措施的编号在本登记表中唯一：给其中一条换一个编号",
            )
        seen.add(measure.id)


@register_rule("LZ225")
def responsible_by_grade(ctx: RegisterContext) -> Iterator[Finding]:
    """WARN (with 分级负责 in lzfk.yaml): a 一级 risk point none of whose measures names a
    responsible post configured for 一级, e.g. 院长."""
    for i, risk in enumerate(ctx.register.risks):
        entry = ctx.config.responsibility_for(risk.grade)
        if entry is None or not risk.measures:
            continue
        owners = [measure.owner or "" for measure in risk.measures]
        if not any(name in owner for owner in owners for name in entry.responsible):
            wanted = "、".join(entry.responsible)
            yield ctx.finding(
                "LZ225",
                ctx.tree.pos(("风险点", i, "防控措施")),
                f"风险点“{risk.id}”为{risk.grade}，按分级负责应由{wanted}负责，但没有一条防控措施的责任人是{wanted}",
                f"在相应措施上写 责任人: {entry.responsible[0]}；或在 lzfk.yaml 的“分级负责”中调整",
            )


@register_rule("LZ226")
def assessed_accurately(ctx: RegisterContext) -> Iterator[Finding]:
    """WARN: 评估结果: 基本准确 or 不准确 — the post must revise its register within a set time (002 例10)."""
    if ctx.register.assessment in ("基本准确", "不准确"):
        yield ctx.finding(
            "LZ226",
            ctx.tree.pos(("评估结果",)),
            f"{ctx.register.kind}“{ctx.register.name}”的评估结果为“{ctx.register.assessment}”，须限期整改",
            "补查风险点、修改等级和措施后重新评估，并更新“评估结果”",
        )
