"""The semantic diff: two register sets in, typed changes out, keyed by 编号 — a pure function.

Either side may hold only the registers of changed files: a register or risk point that
is missing from both sides did not change, and one that moved between files sits in
changed files on both sides, so partial sets give the same answer as full ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Any

from lianzheng_cli.history.changes import Change, Kind, RegisterAt, RegisterSet
from lianzheng_cli.models import Measure, Review, RiskPoint, Withdrawal

# The risk point fields reported as text changes, in form order.
RISK_TEXT_FIELDS = (
    ("name", "名称"),
    ("type", "类型"),
    ("manifestations", "表现形式"),
    ("likelihood", "发生概率"),
    ("consequence", "危害程度"),
    ("factors", "风险因素"),
)
_MEASURE_SIMILARITY = 0.5


@dataclass(frozen=True)
class _Held:
    """A risk point with the register that holds it."""

    risk: RiskPoint
    index: int
    owner: RegisterAt


def diff(old: RegisterSet, new: RegisterSet, *, register_fields: bool = False) -> list[Change]:
    """Every change from old to new, sorted by department, register and 编号.

    With register_fields, edits to a register's own fields (主要职责, 审核, 审定 …) are
    reported too, as ``register_changed``; the yearly comparison leaves them out.
    """
    old_regs = {at.register.id: at for at in old.registers}
    new_regs = {at.register.id: at for at in new.registers}
    changes = list(_register_changes(old_regs, new_regs, old, new, register_fields=register_fields))
    old_risks = _risks(old.registers)
    new_risks = _risks(new.registers)
    explained = _withdrawals(new)
    for risk_id in old_risks.keys() | new_risks.keys():
        before, after = old_risks.get(risk_id), new_risks.get(risk_id)
        if before is None and after is not None:
            changes.append(_risk_change(Kind.ADDED, after, new, field="等级", after=after.risk.grade))
        elif after is None and before is not None:
            reason = explained.get(risk_id) or explained.get(before.owner.register.id, "")
            changes.append(_risk_change(Kind.REMOVED, before, old, field="等级", before=before.risk.grade, reason=reason))
        elif before is not None and after is not None:
            changes.extend(_compare_risk(before, after, old, new))
    return sorted(changes, key=lambda change: change.sort_key)


def _risks(registers: tuple[RegisterAt, ...]) -> dict[str, _Held]:
    return {risk.id: _Held(risk, i, at) for at in registers for i, risk in enumerate(at.register.risks)}


def _withdrawals(side: RegisterSet) -> dict[str, str]:
    return {entry.id: entry.reason for at in side.registers for entry in at.register.withdrawn}


def _register_change(kind: Kind, at: RegisterAt, side: RegisterSet, **extra: Any) -> Change:
    line, column = at.where("编号")
    register = at.register
    return Change(
        kind, register.id, register.name, register.id, register.name, side.department_of(register), at.path, line, column, **extra
    )


def _register_changes(
    old_regs: dict[str, RegisterAt], new_regs: dict[str, RegisterAt], old: RegisterSet, new: RegisterSet, *, register_fields: bool
) -> Iterator[Change]:
    explained = _withdrawals(new)
    for register_id in old_regs.keys() | new_regs.keys():
        before, after = old_regs.get(register_id), new_regs.get(register_id)
        if before is None and after is not None:
            yield _register_change(Kind.REGISTER_ADDED, after, new, after=after.path)
        elif after is None and before is not None:
            reason = explained.get(register_id, "")
            yield _register_change(Kind.REGISTER_REMOVED, before, old, before=before.path, reason=reason)
        elif before is not None and after is not None:
            yield from _register_moves(before, after, old, new)
            if register_fields:
                yield from _register_field_changes(before, after, new)


def _register_moves(before: RegisterAt, after: RegisterAt, old: RegisterSet, new: RegisterSet) -> Iterator[Change]:
    if before.path != after.path:
        yield _register_change(Kind.REGISTER_MOVED, after, new, field="文件", before=before.path, after=after.path)
    old_ref, new_ref = getattr(before.register, "department", ""), getattr(after.register, "department", "")
    old_group, new_group = old.department_of(before.register), new.department_of(after.register)
    if old_ref != new_ref and old_group != new_group:
        yield _register_change(Kind.REGISTER_MOVED, after, new, field="科室", before=old_group, after=new_group)


def _register_field_changes(before: RegisterAt, after: RegisterAt, new: RegisterSet) -> Iterator[Change]:
    for name, info in type(after.register).model_fields.items():
        if name in ("risks", "kind", "id"):
            continue
        old_value, new_value = getattr(before.register, name, None), getattr(after.register, name)
        if old_value != new_value:
            alias = info.alias or name
            line, column = after.where(alias)
            yield Change(
                Kind.REGISTER_CHANGED,
                after.register.id,
                after.register.name,
                after.register.id,
                after.register.name,
                new.department_of(after.register),
                after.path,
                line,
                column,
                field=alias,
                before=show(old_value),
                after=show(new_value),
            )


def _risk_change(kind: Kind, held: _Held, side: RegisterSet, **extra: Any) -> Change:
    owner = held.owner
    line, column = owner.where("风险点", held.index, "编号")
    return Change(
        kind,
        held.risk.id,
        held.risk.name,
        owner.register.id,
        owner.register.name,
        side.department_of(owner.register),
        owner.path,
        line,
        column,
        **extra,
    )


def _compare_risk(before: _Held, after: _Held, old: RegisterSet, new: RegisterSet) -> Iterator[Change]:
    if before.owner.register.id != after.owner.register.id:
        yield _risk_change(
            Kind.MOVED,
            after,
            new,
            field="所属登记表",
            before=f"{before.owner.register.name}（{before.owner.path}）",
            after=f"{after.owner.register.name}（{after.owner.path}）",
        )
    grade = _grade_change(before.risk.grade, after.risk.grade, old, new)
    if grade is not None:
        reason = {Kind.LOWERED: after.risk.downgrade_reason, Kind.RAISED: after.risk.upgrade_reason}.get(grade) or ""
        line, column = after.owner.where("风险点", after.index, "等级")
        change = _risk_change(grade, after, new, field="等级", before=before.risk.grade, after=after.risk.grade, reason=reason)
        yield _at(change, line, column)
    for attribute, label in RISK_TEXT_FIELDS:
        old_value, new_value = getattr(before.risk, attribute), getattr(after.risk, attribute)
        if old_value != new_value:
            line, column = after.owner.where("风险点", after.index, label)
            yield _at(
                _risk_change(Kind.TEXT, after, new, field=label, before=show(old_value), after=show(new_value)), line, column
            )
    for kind, old_measure, new_measure in diff_measures(before.risk.measures, after.risk.measures):
        line, column = after.owner.where("风险点", after.index, "防控措施")
        yield _at(
            _risk_change(kind, after, new, field="防控措施", before=show_measure(old_measure), after=show_measure(new_measure)),
            line,
            column,
        )


def _at(change: Change, line: int, column: int) -> Change:
    return replace(change, line=line, column=column)


def _grade_change(before: str, after: str, old: RegisterSet, new: RegisterSet) -> Kind | None:
    """Raised or lowered by rank (0 = most serious), each side ranked by its own lzfk.yaml."""
    old_grade, new_grade = old.config.grade(before), new.config.grade(after)
    if old_grade is None or new_grade is None:
        return None if before == after else Kind.REGRADED
    if new_grade.rank == old_grade.rank:
        return None
    return Kind.LOWERED if new_grade.rank > old_grade.rank else Kind.RAISED


def diff_measures(before: list[Measure], after: list[Measure]) -> list[tuple[Kind, Measure | None, Measure | None]]:
    """Pair measures: identical ones drop out, then same 内容, then similar 内容; the rest are added or removed."""
    old_left = list(before)
    new_left = []
    for measure in after:
        if measure in old_left:
            old_left.remove(measure)
        else:
            new_left.append(measure)
    pairs: list[tuple[Kind, Measure | None, Measure | None]] = []
    for measure in list(new_left):
        match = next((m for m in old_left if m.content == measure.content), None) or _similar(measure, old_left)
        if match is not None:
            old_left.remove(match)
            new_left.remove(measure)
            pairs.append((Kind.MEASURE_CHANGED, match, measure))
    pairs += [(Kind.MEASURE_REMOVED, m, None) for m in old_left]
    pairs += [(Kind.MEASURE_ADDED, None, m) for m in new_left]
    return pairs


def _similar(measure: Measure, candidates: list[Measure]) -> Measure | None:
    best, best_ratio = None, _MEASURE_SIMILARITY
    for candidate in candidates:
        ratio = SequenceMatcher(None, candidate.content, measure.content).ratio()
        if ratio >= best_ratio:
            best, best_ratio = candidate, ratio
    return best


def show_measure(measure: Measure | None) -> str:
    if measure is None:
        return ""
    extra = "，".join(
        part for part in (measure.owner and f"责任人：{measure.owner}", measure.deadline and f"期限：{measure.deadline}") if part
    )
    stage = f"[{measure.stage}] " if measure.stage else ""
    shared = f"（共用措施 {measure.reference}）" if measure.reference else ""
    return f"{stage}{measure.content}" + (f"（{extra}）" if extra else "") + shared


def show(value: object) -> str:
    """A field value as one line of text for reports."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Review):
        signer = f"，{value.signer}" if value.signer else ""
        return f"{value.opinion}（{value.date.isoformat()}{signer}）"
    if isinstance(value, list):
        return "；".join(_item(item) for item in value)
    return _item(value)


def _item(item: object) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, Withdrawal):
        return f"{item.id} {item.name or ''}".rstrip() + f"：{item.reason}"
    name = getattr(item, "name", None) or getattr(item, "content", None) or getattr(item, "head", None)
    ident = getattr(item, "id", None)
    if ident and name:
        return f"{ident} {name}"
    return str(name or ident or "（已修改）")
