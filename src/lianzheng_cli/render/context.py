"""Plain-dict view models of the registers: what every template sees.

Keys are Chinese, the words on the forms, so a clerk editing a template in Word writes
``{{ 职务 }}`` or ``{%p for 风险 in 风险点 %}``. Every key is always present (templates
are strict about undefined names); a missing value is "" or an empty list. All text has
passed through ``sanitize.clean``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lianzheng_cli.config import Config
from lianzheng_cli.models import (
    LEVEL_LEADERSHIP,
    DepartmentRegister,
    Measure,
    PostRegister,
    Power,
    Register,
    Review,
    RiskPoint,
    UnitRegister,
)
from lianzheng_cli.render.sanitize import clean

View = dict[str, Any]

LEADERSHIP = LEVEL_LEADERSHIP
UNASSIGNED = "（未归属科室）"
LEVEL_ORDER = {"领导班子": 0, "中层": 1, "一般": 2}
OTHER_STAGE = "其他措施"
TO_BE_ADDED = "【待补充】"
BLANK_DATE = "　　年　　月　　日"
BLANK_SIGNATURE = "　" * 6
_DIGITS = "〇一二三四五六七八九"


def chinese_number(number: int) -> str:
    """1 → 一, 12 → 十二, 105 → 一百零五 (enough for section and item numbers)."""
    if number <= 0:
        return str(number)
    if number < 10:
        return _DIGITS[number]
    if number < 20:
        return "十" + (_DIGITS[number % 10] if number % 10 else "")
    if number < 100:
        return _DIGITS[number // 10] + "十" + (_DIGITS[number % 10] if number % 10 else "")
    if number < 1000:
        rest = number % 100
        tail = "" if rest == 0 else ("零" + _DIGITS[rest] if rest < 10 else ("一" if rest < 20 else "") + chinese_number(rest))
        return _DIGITS[number // 100] + "百" + tail
    return str(number)


def date_cn(date: dt.date | None) -> str:
    return f"{date.year}年{date.month}月{date.day}日" if date else BLANK_DATE


def _texts(values: Iterable[object]) -> list[str]:
    return [clean(value) for value in values]


def review_view(review: Review | None) -> View:
    if review is None:
        return {"已填写": False, "意见": "", "签字": "", "签字文字": BLANK_SIGNATURE, "日期": "", "日期文字": BLANK_DATE}
    return {
        "已填写": True,
        "意见": clean(review.opinion),
        "签字": clean(review.signer or ""),
        "签字文字": clean(review.signer or "") or BLANK_SIGNATURE,
        "日期": review.date.isoformat(),
        "日期文字": date_cn(review.date),
    }


def measure_view(measure: Measure, index: int, config: Config) -> View:
    stage = clean((config.canonical("防控阶段", measure.stage) if measure.stage else None) or measure.stage or "")
    institutions = _texts(measure.institutions)
    notes = []
    if measure.owner:
        notes.append(f"责任人：{clean(measure.owner)}")
    if measure.deadline:
        notes.append(f"期限：{clean(measure.deadline)}")
    if institutions:
        notes.append(f"制度：{'、'.join(institutions)}")
    return {
        "序号": index,
        "阶段": stage,
        "阶段标签": f"【{stage}】" if stage else "",
        "分栏": stage if stage in config.stages else OTHER_STAGE,
        "内容": clean(measure.content),
        "责任人": clean(measure.owner or ""),
        "期限": clean(measure.deadline or ""),
        "制度": institutions,
        "附注": f"（{'；'.join(notes)}）" if notes else "",
    }


def _responsibility(risk: RiskPoint, config: Config) -> View:
    """责任领导 and 监督 of a risk point's grade, from the unit's 分级负责 (empty when not configured)."""
    entry = config.responsibility_for(risk.grade)
    if entry is None:
        return {"责任领导": "", "监督": "", "分级负责说明": ""}
    lead, watch = "、".join(_texts(entry.responsible)), "、".join(_texts(entry.supervising))
    note = f"（责任领导：{lead}" + (f"；监督：{watch}" if watch else "") + "）"
    return {"责任领导": lead, "监督": watch, "分级负责说明": note}


def _missing_measure() -> View:
    """Where a risk point has no measure yet (only a 征求意见稿 is built from such a register)."""
    return {
        "序号": 1,
        "阶段": "",
        "阶段标签": "",
        "分栏": OTHER_STAGE,
        "内容": TO_BE_ADDED,
        "责任人": "",
        "期限": "",
        "制度": [],
        "附注": "",
    }


def risk_view(risk: RiskPoint, index: int, config: Config) -> View:
    found = config.grade(risk.grade)
    measures = [measure_view(measure, i, config) for i, measure in enumerate(risk.measures, 1)] or [_missing_measure()]
    by_stage: dict[str, list[View]] = {stage: [] for stage in config.stages}
    for measure in measures:
        by_stage.setdefault(measure["分栏"], []).append(measure)
    return {
        "序号": index,
        "中文序号": chinese_number(index),
        "编号": clean(risk.id),
        "名称": clean(risk.name),
        "类型": clean(risk.type),
        "等级": found.name if found else clean(risk.grade),
        "等级序": found.rank if found else len(config.grades),
        "表现形式": _texts(risk.manifestations) or [TO_BE_ADDED],
        "发生概率": clean(risk.likelihood or ""),
        "危害程度": clean(risk.consequence or ""),
        "风险因素": _texts(risk.factors),
        "降级理由": clean(risk.downgrade_reason or ""),
        "降级说明": f"（降级理由：{clean(risk.downgrade_reason)}）" if risk.downgrade_reason else "",
        "监测指标": _texts(risk.indicators),
        **_responsibility(risk, config),
        "说明": clean(risk.note or ""),
        "防控措施": measures,
        "分阶段措施": [{"阶段": stage, "措施": items} for stage, items in by_stage.items()],
    }


def _common(register: Register, config: Config, title: str, grade: str | None = None) -> View:
    # grade: the computed, rolled-up grade from the loaded repository (see lzfk grade).
    return {
        "表名": title,
        "单位": clean(config.unit),
        "年度": config.year,
        "类型": register.kind,
        "编号": clean(register.id),
        "名称": clean(register.name),
        "风险等级": grade or "",
        "主要职责": _texts(register.duties),
        "风险点": [risk_view(risk, i, config) for i, risk in enumerate(register.risks, 1)],
        "审核": review_view(register.review),
        "审定": review_view(register.approval),
        "说明": clean(register.note or ""),
        **approval_fields(register, config, changed_after_approval=False),
        "岗位风险": [],
        "评估结果": clean(register.assessment or ""),  # department forms: the summary of their posts' risk points (see assemble)
        "撤销说明": [f"{clean(w.id)}{' ' + clean(w.name) if w.name else ''}：{clean(w.reason)}" for w in register.withdrawn],
    }


APPROVED, UNAPPROVED, CHANGED = "已审定", "未审定", "审定后有修改"


def approval_fields(register: Register, config: Config, *, changed_after_approval: bool) -> View:
    """The approval mark printed on a form, and the date a 提示书 may carry.

    The notice is dated with the 审定 only when that approval still holds and falls in the
    registers' year; otherwise the date is left blank to be written by hand, so that a
    2025 notice never carries a 2024 date."""
    approval = register.approval
    if approval is None:
        return {"审定状态": UNAPPROVED, "审定标注": UNAPPROVED, "落款日期文字": BLANK_DATE}
    if changed_after_approval:
        mark = f"{CHANGED}（审定于{date_cn(approval.date)}，之后有修改）"
        return {"审定状态": CHANGED, "审定标注": mark, "落款日期文字": BLANK_DATE}
    dated = date_cn(approval.date) if approval.date.year == config.year else BLANK_DATE
    return {"审定状态": APPROVED, "审定标注": f"{APPROVED}（{date_cn(approval.date)}）", "落款日期文字": dated}


POST_FORM = "个人岗位廉政风险防控表"
DEPARTMENT_FORM = "科室廉政风险防控表"
UNIT_FORM = "单位廉政风险防控表"
NOTICE = "廉政风险提示书"


def post_view(register: PostRegister, department: str, config: Config, grade: str | None = None) -> View:
    view = _common(register, config, POST_FORM, grade)
    holders = _texts(register.holders)
    who = "、".join(holders)
    view.update(
        {
            "职务": view["名称"],
            "科室": department,
            "层级": register.level,
            "在岗人员": holders,
            "姓名": who,
            "称呼": f"{who}同志" if who else f"{view['名称']}岗位工作人员",
            "岗位全称": f"{department}{view['名称']}岗位",
            "落款": signature_view(config),
            "分管": _texts(register.in_charge),
        }
    )
    return view


ISSUING_OFFICE = "廉政风险防控工作领导小组办公室"


def signature_view(config: Config) -> View:
    """The end of a letter: the issuing office (one line each: unit, office) and the blanks to sign;
    its date is ``落款日期文字`` (see approval_fields)."""
    return {
        "署名": [clean(config.unit), ISSUING_OFFICE],
        "签收空白": BLANK_SIGNATURE,
        "空白日期": BLANK_DATE,
    }


def department_view(register: DepartmentRegister, config: Config, grade: str | None = None) -> View:
    view = _common(register, config, DEPARTMENT_FORM, grade)
    view.update(
        {
            "处科室名称": view["名称"],
            "负责人": clean(register.head or ""),
            "分管领导": clean(register.leader or ""),
            "制度": _texts(register.institutions),
        }
    )
    return view


def unit_view(register: UnitRegister, config: Config, grade: str | None = None) -> View:
    view = _common(register, config, UNIT_FORM, grade)
    view["单位名称"] = view["名称"]
    return view


def group_view(register: UnitRegister | None) -> View:
    group = register.group if register is not None else None
    if group is None:
        return {"已填写": False, "组长": "", "副组长": [], "成员": [], "办公室": ""}
    return {
        "已填写": True,
        "组长": clean(group.head),
        "副组长": _texts(group.deputies),
        "成员": _texts(group.members),
        "办公室": clean(group.office or ""),
    }


@dataclass
class RiskIndex:
    """Every risk point by 编号, with where it belongs (for flowcharts and the catalogue)."""

    grades: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    ranks: dict[str, int] = field(default_factory=dict)


def power_view(power: Power, index: int, risks: RiskIndex) -> View:
    steps = []
    for number, step in enumerate(power.steps, 1):
        step_risks = [
            {
                "编号": clean(risk_id),
                "名称": risks.names.get(risk_id, "（未找到该风险点）"),
                "等级": risks.grades.get(risk_id, ""),
                "等级序": risks.ranks.get(risk_id, 3),
            }
            for risk_id in step.risks
        ]
        steps.append(
            {
                "序号": number,
                "步骤": clean(step.name),
                "岗位": clean(step.post or ""),
                "说明": clean(step.note or ""),
                "风险点": step_risks,
            }
        )
    return {
        "序号": index,
        "编号": clean(power.id),
        "名称": clean(power.name),
        "类别": clean(power.category or ""),
        "内容": clean(power.content or ""),
        "依据": _texts(power.basis),
        "责任主体": clean(power.responsible or ""),
        "时限": clean(power.time_limit or ""),
        "公开": clean(power.publicity or ""),
        "流程": steps,
        "流程图": None,  # filled in by the build with {"png": path, "svg": text} when graphviz ran
    }


def sort_posts(posts: Sequence[PostRegister]) -> list[PostRegister]:
    """Leaders first, then middle managers, then staff; otherwise the order of the files."""
    return sorted(posts, key=lambda post: LEVEL_ORDER.get(post.level, 3))
