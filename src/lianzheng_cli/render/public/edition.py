"""The public edition's data: the catalogue about posts, with every person removed.

Built by whitelist: only the fields listed here are copied from the registers (名称, 类型,
等级, 表现形式, 防控措施 内容/期限/制度, 责任人 as 责任岗位, 主要职责, and 降级理由 when
``公示.降级理由: 公开``). Names (在岗人员, 负责人, 签字, 领导小组), 审核/审定 opinions and
说明 are never read. Every text taken is recorded with its origin for the leak check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from lianzheng_cli.config import Config
from lianzheng_cli.models import DepartmentRegister, Measure, Register, RiskPoint
from lianzheng_cli.paths import CONFIG_FILE
from lianzheng_cli.public_leaks import Keys, Located, Origin
from lianzheng_cli.render.assemble import Department, Unit
from lianzheng_cli.render.context import LEADERSHIP, date_cn
from lianzheng_cli.render.sanitize import clean, file_name

View = dict[str, Any]

UNIT_GROUP = "单位层面"
UNIT_POST = "领导班子集体"
DEPARTMENT_POST = "科室集体"
LEADERSHIP_POST = "班子集体"
SITE_DIR = "公示"
DEPARTMENT_PAGES = "科室"
POST_PAGES = "岗位"


@dataclass
class Edition:
    """The public edition as the templates see it (``view``) and every text it prints (``texts``)."""

    view: View
    texts: list[Located] = field(default_factory=list)


class _Taker:
    """Copies register text into the edition and remembers where it came from."""

    def __init__(self, paths: dict[str, str]) -> None:
        self.paths = paths
        self.texts: list[Located] = []

    def take(self, value: object, register: Register | None, keys: Keys, *, contact: bool = False) -> str:
        text = clean(value).strip()
        if text:
            path = self.paths.get(register.id, "") if register is not None else CONFIG_FILE
            self.texts.append(Located(text, Origin(path, keys), contact))
        return text


def build_edition(unit: Unit, paths: dict[str, str]) -> Edition:
    """The public edition of an organised unit; ``paths`` maps register 编号 to its file."""
    config = unit.config
    taker = _Taker(paths)
    public = config.public
    rows: list[View] = []
    departments: list[View] = []
    unit_name = taker.take(config.unit, None, ("单位",))
    if unit.unit_registers:
        block: list[View] = []
        for register in unit.unit_registers:
            block += _risks(taker, register, config, UNIT_GROUP, UNIT_POST, "单位", None)
        rows += _by_grade(block)
        departments.append(_group(UNIT_GROUP, "unit", None, [], block, config))
    for department in unit.departments:
        group = _department(taker, department, unit, config)
        rows += group["风险点"]
        departments.append(group)
    for number, row in enumerate(rows, 1):
        row["序号"] = number
    title = taker.take(public.title, None, ("公示", "标题")) or f"{unit_name}{config.year}年度廉政风险点公示"
    approved = public.approved or _latest_approval(unit)
    view: View = {
        "单位": unit_name,
        "年度": config.year,
        "标题": title,
        "公示期": taker.take(public.period, None, ("公示", "公示期"), contact=True),
        "反馈方式": taker.take(public.feedback, None, ("公示", "反馈方式"), contact=True),
        "监督举报": taker.take(public.contact, None, ("公示", "监督举报"), contact=True),
        "网址": taker.take(public.site_url, None, ("公示", "网址"), contact=True),
        "审定日期": approved.isoformat() if approved else "",
        "审定日期文字": date_cn(approved) if approved else "",
        "列": list(public.columns),
        "等级": list(config.grades),
        "科室": departments,
        "岗位": [post for department in departments for post in department["岗位"]],
        "目录": rows,
        "统计": _counts(rows, config),
        "降级理由公开": public.downgrade_reasons == "公开",
    }
    return Edition(view, taker.texts)


def _department(taker: _Taker, department: Department, unit: Unit, config: Config) -> View:
    register = department.register
    name = taker.take(department.name, register, ("名称",)) if register is not None else department.name
    block: list[View] = []
    if register is not None:
        collective = LEADERSHIP_POST if department.name == LEADERSHIP else DEPARTMENT_POST
        block += _risks(taker, register, config, name, collective, "科室", None)
    posts = []
    for post in department.posts:
        post_name = taker.take(post.name, post, ("名称",))
        page = f"{POST_PAGES}/{file_name(post.id)}.html"
        risks = _risks(taker, post, config, name, post_name, "岗位", page)
        block += risks
        posts.append(
            {
                "编号": clean(post.id),
                "名称": post_name,
                "科室": name,
                "页面": page,
                "主要职责": [taker.take(duty, post, ("主要职责", i)) for i, duty in enumerate(post.duties)],
                "风险点": risks,
            }
        )
    leader = _leader_title(taker, register, unit) if config.public.leader_titles else ""
    return _group(name, department.id, register, posts, _by_grade(block), config, leader)


def _group(
    name: str,
    key: str,
    register: DepartmentRegister | None,
    posts: list[View],
    rows: list[View],
    config: Config,
    leader: str = "",
) -> View:
    page = f"{DEPARTMENT_PAGES}/{file_name(key)}.html"
    for row in rows:
        row["科室页面"] = page
    return {
        "名称": name,
        "编号": key,
        "页面": page,
        "分管领导职务": leader,
        "岗位": posts,
        "风险点": rows,
        "统计": _counts(rows, config),
        "有科室表": register is not None,
    }


def _leader_title(taker: _Taker, register: DepartmentRegister | None, unit: Unit) -> str:
    """The leader in charge by post title (the 名称 of their post register), never by name."""
    if register is None or not register.leader:
        return ""
    for _, post in unit.posts:
        if post.id == register.leader:
            return taker.take(post.name, post, ("名称",))
    return ""


def _risks(taker: _Taker, register: Register, config: Config, group: str, post: str, level: str, page: str | None) -> list[View]:
    return [_risk(taker, register, index, risk, config, group, post, level, page) for index, risk in enumerate(register.risks)]


def _risk(
    taker: _Taker,
    register: Register,
    index: int,
    risk: RiskPoint,
    config: Config,
    group: str,
    post: str,
    level: str,
    page: str | None,
) -> View:
    keys: Keys = ("风险点", index)
    found = config.grade(risk.grade)
    measures = [_measure(taker, register, (*keys, "防控措施", i), measure) for i, measure in enumerate(risk.measures)]
    owners = list(dict.fromkeys(measure["责任岗位"] for measure in measures if measure["责任岗位"]))
    reason = ""
    if config.public.downgrade_reasons == "公开" and risk.downgrade_reason:
        reason = taker.take(risk.downgrade_reason, register, (*keys, "降级理由"))
    return {
        "序号": 0,
        "编号": clean(risk.id),
        "名称": taker.take(risk.name, register, (*keys, "名称")),
        "类别": taker.take(risk.type, register, (*keys, "类型")),
        "等级": found.name if found else clean(risk.grade),
        "等级序": found.rank if found else len(config.grades),
        "表现形式": [taker.take(text, register, (*keys, "表现形式", i)) for i, text in enumerate(risk.manifestations)],
        "防控措施": measures,
        "责任岗位": owners,
        "降级理由": reason,
        "科室": group,
        "岗位": post,
        "层次": level,
        "岗位页面": page or "",
        "科室页面": "",
    }


def _measure(taker: _Taker, register: Register, keys: Keys, measure: Measure) -> View:
    stage = clean(measure.stage or "")
    deadline = taker.take(measure.deadline, register, (*keys, "期限"))
    institutions = [taker.take(text, register, (*keys, "制度", i)) for i, text in enumerate(measure.institutions)]
    notes = ([f"期限：{deadline}"] if deadline else []) + ([f"制度：{'、'.join(institutions)}"] if institutions else [])
    return {
        "阶段": stage,
        "内容": taker.take(measure.content, register, (*keys, "内容")),
        "附注": f"（{'；'.join(notes)}）" if notes else "",
        "责任岗位": taker.take(measure.owner, register, (*keys, "责任人")),
    }


def _by_grade(rows: list[View]) -> list[View]:
    return sorted(rows, key=lambda row: row["等级序"])


def _counts(rows: list[View], config: Config) -> View:
    by_grade = {grade: sum(1 for row in rows if row["等级"] == grade) for grade in config.grades}
    return {"风险点": len(rows), "防控措施": sum(len(row["防控措施"]) for row in rows), "按等级": by_grade}


def _latest_approval(unit: Unit) -> dt.date | None:
    dates = [register.approval.date for register in unit.registers if register.approval is not None]
    return max(dates, default=None)
