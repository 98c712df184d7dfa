"""Imported records to register data in the FORMAT.md layout, with stable ids and file paths."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lianzheng_cli.importing.records import ImportedRegister, ImportedReview, ImportedRisk
from lianzheng_cli.models import CONSEQUENCES, LIKELIHOODS

LEADERSHIP_NAMES = frozenset(("领导班子", "院领导", "局领导", "校领导", "班子成员", "领导班子成员"))
LEADERSHIP = "领导班子"
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def file_name(name: str) -> str:
    return _UNSAFE.sub("-", name).strip("-.") or "未命名"


@dataclass
class IdSpace:
    """Ids already taken in the repository and by this import: new ids never collide."""

    taken: set[str] = field(default_factory=set)

    def claim(self, wanted: str) -> str:
        candidate, number = wanted, 2
        while candidate in self.taken:
            candidate = f"{wanted}-{number}"
            number += 1
        self.taken.add(candidate)
        return candidate

    def next_risk(self, register_id: str, start: int = 1) -> str:
        number = start
        while f"{register_id}-{number:02d}" in self.taken:
            number += 1
        ident = f"{register_id}-{number:02d}"
        self.taken.add(ident)
        return ident


def is_leadership(department: str | None) -> bool:
    return department is not None and department in LEADERSHIP_NAMES


def relative_path(register: ImportedRegister) -> Path:
    if register.kind == "单位":
        return Path("单位.yaml")
    if register.kind == "科室":
        return Path(file_name(register.name)) / "科室.yaml"
    folder = LEADERSHIP if is_leadership(register.department) else file_name(register.department or "未分科室")
    return Path(folder) / f"{file_name(register.name)}.yaml"


def register_data(register: ImportedRegister, register_id: str, department_id: str | None, ids: IdSpace) -> dict[str, Any]:
    data: dict[str, Any] = {"类型": register.kind, "编号": register_id, "名称": register.name}
    if register.kind == "岗位":
        leader = is_leadership(register.department)
        data["科室"] = LEADERSHIP if leader else department_id
        if leader:
            data["层级"] = LEADERSHIP
        if register.holders:
            data["在岗人员"] = list(register.holders)
    if register.kind == "科室" and register.head:
        data["负责人"] = register.head
    if register.duties:
        data["主要职责"] = list(register.duties)
    data["风险点"] = [risk_data(risk, risk.id or ids.next_risk(register_id)) for risk in register.risks]
    for key, review in (("审核", register.review), ("审定", register.approval)):
        if review is not None:
            data[key] = review_data(review)
    return data


def risk_data(risk: ImportedRisk, risk_id: str) -> dict[str, Any]:
    data: dict[str, Any] = {"编号": risk_id, "名称": risk.name}
    if risk.type:
        data["类型"] = risk.type
    data["表现形式"] = list(risk.manifestations)
    notes = list(risk.notes)
    if risk.likelihood in LIKELIHOODS:
        data["发生概率"] = risk.likelihood
    elif risk.likelihood:
        notes.append(f"发生概率：{risk.likelihood}")
    if risk.consequence in CONSEQUENCES:
        data["危害程度"] = risk.consequence
    elif risk.consequence:
        notes.append(f"危害程度：{risk.consequence}")
    if risk.grade:
        data["等级"] = risk.grade
    data["防控措施"] = [
        {k: v for k, v in (("阶段", m.stage), ("内容", m.content), ("责任人", m.owner), ("期限", m.deadline)) if v}
        for m in risk.measures
    ]
    if notes:
        data["说明"] = "；".join(notes)
    return data


def review_data(review: ImportedReview) -> dict[str, Any]:
    data: dict[str, Any] = {"意见": review.opinion}
    if review.signer:
        data["签字"] = review.signer
    data["日期"] = review.date
    return data


def combine(registers: list[ImportedRegister]) -> list[ImportedRegister]:
    """One record per register: what several tables or files say about the same post is joined."""
    joined: dict[tuple[str, str, str], ImportedRegister] = {}
    for register in registers:
        known = joined.get(register.key)
        if known is None:
            joined[register.key] = copy.copy(register)
            joined[register.key].risks = list(register.risks)
            joined[register.key].holders = list(register.holders)
            continue
        names = {risk.name for risk in known.risks}
        known.risks.extend(risk for risk in register.risks if risk.name not in names)
        known.holders.extend(h for h in register.holders if h not in known.holders)
        known.duties = known.duties or register.duties
        known.head = known.head or register.head
        known.review = known.review or register.review
        known.approval = known.approval or register.approval
        if register.source not in known.source:
            known.source = f"{known.source}；{register.source}"
    return list(joined.values())
