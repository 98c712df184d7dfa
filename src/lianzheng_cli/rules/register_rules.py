"""Rules that look at one register at a time."""

from __future__ import annotations

from collections.abc import Iterator

from lianzheng_cli.findings import Finding
from lianzheng_cli.models import DepartmentRegister, PostRegister
from lianzheng_cli.rules.registry import RegisterContext, register_rule


def _choices(values: list[str]) -> str:
    return "、".join(values)


@register_rule("LZ206")
def grade_in_vocabulary(ctx: RegisterContext) -> Iterator[Finding]:
    """PASS: 等级: 一级 (with 等级: [一级, 二级, 三级]).  FAIL: 等级: 高级."""
    config = ctx.config
    for i, risk in enumerate(ctx.register.risks):
        if config.grade(risk.grade) is None:
            yield ctx.finding(
                "LZ206",
                ctx.tree.pos(("风险点", i, "等级")),
                f"风险等级“{risk.grade}”不是本单位的等级名称",
                f"可选：{_choices(config.grades)}（在 lzfk.yaml 的“等级”或“等级别名”中配置）",
            )


@register_rule("LZ207")
def type_in_vocabulary(ctx: RegisterContext) -> Iterator[Finding]:
    """PASS: 类型: 岗位职责风险.  FAIL: 类型: 岗位风险."""
    for i, risk in enumerate(ctx.register.risks):
        if risk.type not in ctx.config.risk_types:
            yield ctx.finding(
                "LZ207",
                ctx.tree.pos(("风险点", i, "类型")),
                f"风险类型“{risk.type}”不是本单位的风险类型",
                f"可选：{_choices(ctx.config.risk_types)}",
            )


@register_rule("LZ208")
def stage_in_vocabulary(ctx: RegisterContext) -> Iterator[Finding]:
    """PASS: 阶段: 中期监控.  FAIL: 阶段: 事中监督."""
    for i, risk in enumerate(ctx.register.risks):
        for j, measure in enumerate(risk.measures):
            if measure.stage is not None and measure.stage not in ctx.config.stages:
                yield ctx.finding(
                    "LZ208",
                    ctx.tree.pos(("风险点", i, "防控措施", j, "阶段")),
                    f"阶段“{measure.stage}”不是三道防线之一",
                    f"可选：{_choices(ctx.config.stages)}",
                )


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
        present = {m.stage for m in risk.measures}
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
