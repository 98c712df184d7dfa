"""The values the history commands pass around: registers at a place, and typed changes."""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lianzheng_cli.config import Config
from lianzheng_cli.loader.yamltree import Pos
from lianzheng_cli.models import LEVEL_LEADERSHIP, Register, Review

UNIT_GROUP = "单位层面"
LEADERSHIP = LEVEL_LEADERSHIP

PosKey = tuple[str | int, ...]


@dataclass(frozen=True)
class RegisterAt:
    """A register as found in one file; ``places`` holds the positions the history reports need."""

    path: str
    register: Register
    places: Mapping[PosKey, Pos] = field(default_factory=dict, compare=False)

    def where(self, *key: str | int) -> Pos:
        """The position of key, or of the nearest enclosing entry that is known."""
        return locate(self.places, key)


def locate(places: Mapping[PosKey, Pos], key: PosKey) -> Pos:
    """The position of key in places, or of the nearest enclosing entry that is known."""
    for end in range(len(key), -1, -1):
        place = places.get(key[:end])
        if place is not None:
            return place
    return (1, 1)


def content(register: Register) -> dict[str, object]:
    """What a register says, without its 审核 and 审定 (the part an approval covers)."""
    return register.model_dump(exclude={"review", "approval"})


# The places lzfk audit reports at: the register, its 编号 and 审定, its risk points and their 等级.
_AUDIT_PLACES = frozenset(((), ("编号",), ("审定",), ("风险点",)))


@dataclass(frozen=True)
class Audited:
    """What ``lzfk audit`` needs of a register at one version, small enough to keep thousands of:
    who it is, its 审定, the 编号 it withdrew, its risk points (编号, and whether each has a 降级理由),
    a digest of everything its 审定 covers ("" when not computed), and the places findings point at."""

    path: str
    id: str
    name: str
    kind: str
    department: str
    approval: Review | None
    withdrawn: frozenset[str]
    risks: tuple[tuple[str, bool], ...]
    content: str
    places: Mapping[PosKey, Pos] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, at: RegisterAt, *, with_content: bool = True) -> Audited:
        """With with_content=False, ``content`` is left "" (the digest costs a tenth of a parse; most are never compared)."""
        register = at.register
        kept = {
            key: pos
            for key, pos in at.places.items()
            if key in _AUDIT_PLACES or (key[:1] == ("风险点",) and (len(key) == 2 or key[2:] == ("等级",)))
        }
        # repr, not pickle: equal values always give equal text (pickle also records which objects are shared).
        text = repr(content(register)) if with_content else ""
        digest = hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=20).hexdigest() if text else ""
        return cls(
            at.path,
            register.id,
            register.name,
            register.kind,
            getattr(register, "department", "") or "",
            register.approval,
            frozenset(entry.id for entry in register.withdrawn),
            tuple((risk.id, bool(risk.downgrade_reason)) for risk in register.risks),
            digest,
            kept,
        )

    def where(self, *key: str | int) -> Pos:
        return locate(self.places, key)


@dataclass(frozen=True)
class RegisterSet:
    """The registers of one side of a comparison (often only those in changed files)."""

    registers: tuple[RegisterAt, ...]
    config: Config
    departments: Mapping[str, str] = field(default_factory=dict)

    def department_of(self, register: Register) -> str:
        """The group a register is summarised under: the unit, 领导班子 or a department's name."""
        if register.kind == "单位":
            return UNIT_GROUP
        if register.kind == "科室":
            return register.name
        ref: str = getattr(register, "department", "") or ""
        return LEADERSHIP if ref == LEADERSHIP else self.departments.get(ref, ref)


def department_index(registers: Iterable[RegisterAt | Audited]) -> dict[str, str]:
    """科室 编号 and 名称 → 名称, for the department registers among registers."""
    names: dict[str, str] = {}
    for at in registers:
        kind, ident, name = (
            (at.kind, at.id, at.name) if isinstance(at, Audited) else (at.register.kind, at.register.id, at.register.name)
        )
        if kind == "科室":
            names[ident] = names[name] = name
    return names


class Kind(enum.StrEnum):
    """A category of change; the value is the stable key used in JSON."""

    REGISTER_ADDED = "register_added"
    REGISTER_REMOVED = "register_removed"
    REGISTER_MOVED = "register_moved"
    REGISTER_CHANGED = "register_changed"
    ADDED = "added"
    REMOVED = "removed"
    MOVED = "moved"
    RAISED = "raised"
    LOWERED = "lowered"
    REGRADED = "regraded"
    TEXT = "text"
    MEASURE_ADDED = "measure_added"
    MEASURE_REMOVED = "measure_removed"
    MEASURE_CHANGED = "measure_changed"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def is_register_level(self) -> bool:
        return self.value.startswith("register_")


KIND_LABELS = {
    Kind.REGISTER_ADDED: "新增登记表",
    Kind.REGISTER_REMOVED: "撤销登记表",
    Kind.REGISTER_MOVED: "登记表移动",
    Kind.REGISTER_CHANGED: "登记表修改",
    Kind.ADDED: "新增",
    Kind.REMOVED: "撤销",
    Kind.MOVED: "移动",
    Kind.RAISED: "升级",
    Kind.LOWERED: "降级",
    Kind.REGRADED: "等级改写",
    Kind.TEXT: "内容修改",
    Kind.MEASURE_ADDED: "新增措施",
    Kind.MEASURE_REMOVED: "删除措施",
    Kind.MEASURE_CHANGED: "修改措施",
}
KIND_ORDER = {kind: index for index, kind in enumerate(Kind)}
GRADE_KINDS = frozenset((Kind.RAISED, Kind.LOWERED, Kind.REGRADED))


@dataclass(frozen=True)
class Change:
    """One change between two sides, keyed by 编号 (never by file).

    ``id``/``name`` are the risk point's (or, for register-level kinds, the register's);
    ``register``/``path``/``line`` refer to the new side, or to the old side when the
    thing is gone. ``reason`` is the 降级理由 of a lowered grade, the 升级理由 of a raised one, or the 撤销理由 of a removal.
    """

    kind: Kind
    id: str
    name: str
    register: str
    register_name: str
    department: str
    path: str
    line: int = 0
    column: int = 0
    field: str = ""
    before: str = ""
    after: str = ""
    reason: str = ""

    @property
    def sort_key(self) -> tuple[int, str, str, int, str, int]:
        """Unit first, then 领导班子, then departments; within a register, its own changes first.

        Changes of one kind to one risk point keep the order they were found in (form order).
        """
        group = 0 if self.department == UNIT_GROUP else 1 if self.department == LEADERSHIP else 2
        level = 0 if self.kind.is_register_level else 1
        return (group, self.department, self.register, level, self.id, KIND_ORDER[self.kind])
