"""The compact facts about one register that cross-file rules need.

Kept small and picklable: validation streams files and holds only these in memory, and
they are what the cache stores. Positions are packed into one int (line << 16 | column)
and repeated words interned: a tuple per position cost ~20 MB at 20,000 registers.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from itertools import pairwise

from lianzheng_cli.grading.risk_facts import RegisterInput
from lianzheng_cli.loader.yamltree import Pos, Tree
from lianzheng_cli.models import DepartmentRegister, PostRegister, Register

Ref = tuple[str, int]  # a name or 编号, and its packed position


def pack(pos: Pos) -> int:
    return pos[0] << 16 | min(pos[1], 0xFFFF)


def unpack(packed: int) -> Pos:
    return (packed >> 16, packed & 0xFFFF)


@dataclass(frozen=True, slots=True)
class RegisterFacts:
    path: str
    kind: str
    id: str
    name: str
    id_pos: int
    level: str = ""
    department: Ref | None = None
    leader: Ref | None = None
    in_charge: tuple[Ref, ...] = ()
    risk_ids: tuple[Ref, ...] = ()
    power_ids: tuple[Ref, ...] = ()
    step_risks: tuple[Ref, ...] = ()
    grading: RegisterInput | None = None  # what register-level grading needs (valid registers only)
    standard_ids: tuple[Ref, ...] = ()  # 标准编号 cited by the risk points

    def __reduce__(self) -> tuple[type[RegisterFacts], tuple[object, ...]]:
        # Cached by the thousand: see checking.FileOutcome.__reduce__.
        return (RegisterFacts, tuple(getattr(self, name) for name in self.__slots__))


def _at(tree: Tree, path: tuple[str | int, ...]) -> int:
    return pack(tree.pos(path))


def facts_of(register: Register, tree: Tree, path: str) -> RegisterFacts:
    risk_ids = tuple((risk.id, _at(tree, ("风险点", i, "编号"))) for i, risk in enumerate(register.risks))
    common = {
        "path": path,
        "kind": sys.intern(register.kind),
        "id": register.id,
        "name": register.name,
        "id_pos": _at(tree, ("编号",)),
        "risk_ids": risk_ids,
        "standard_ids": tuple(
            (risk.standard_id, _at(tree, ("风险点", i, "标准编号"))) for i, risk in enumerate(register.risks) if risk.standard_id
        ),
    }
    if isinstance(register, PostRegister):
        return RegisterFacts(
            **common,  # type: ignore[arg-type]
            level=sys.intern(register.level),
            department=(register.department, _at(tree, ("科室",))),
            in_charge=tuple((name, _at(tree, ("分管", i))) for i, name in enumerate(register.in_charge)),
        )
    if isinstance(register, DepartmentRegister):
        return RegisterFacts(
            **common,  # type: ignore[arg-type]
            leader=(register.leader, _at(tree, ("分管领导",))) if register.leader else None,
            power_ids=tuple((p.id, _at(tree, ("权力清单", i, "编号"))) for i, p in enumerate(register.powers)),
            step_risks=tuple(
                (risk, _at(tree, ("权力清单", i, "流程", j, "风险点", k)))
                for i, power in enumerate(register.powers)
                for j, step in enumerate(power.steps)
                for k, risk in enumerate(step.risks)
            ),
        )
    return RegisterFacts(**common)  # type: ignore[arg-type]


def facts_from_raw(tree: Tree, path: str) -> RegisterFacts | None:
    """Best-effort facts of a register that failed validation, so that its ids and names
    still resolve and one broken file does not cause findings in the others."""
    data = tree.data
    if not isinstance(data, dict) or not isinstance(data.get("编号"), str):
        return None
    risks = _raw_list(data, "风险点")
    powers = _raw_list(data, "权力清单")
    return RegisterFacts(
        path=path,
        kind=str(data.get("类型", "")),
        id=data["编号"],
        name=str(data.get("名称", "")),
        id_pos=_at(tree, ("编号",)),
        level=str(data.get("层级", "")),
        risk_ids=_raw_ids(tree, "风险点", risks),
        power_ids=_raw_ids(tree, "权力清单", powers),
    )


def _raw_list(data: dict[str, object], key: str) -> list[object]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _raw_ids(tree: Tree, key: str, items: list[object]) -> tuple[Ref, ...]:
    return tuple(
        (item["编号"], _at(tree, (key, i, "编号")))
        for i, item in enumerate(items)
        if isinstance(item, dict) and isinstance(item.get("编号"), str)
    )


def moved_positions(old: RegisterFacts, new: RegisterFacts) -> dict[Pos, Pos] | None:
    """Each position of old → the same item's position in new, when new is old with its
    positions moved in order (lines inserted or removed around them); otherwise None.

    Cross-file findings are made from facts only, so findings located at old's positions
    are then those at new's: the run after such an edit need not redo the cross-file checks.
    """
    if _shape(old) != _shape(new):
        return None
    moves: dict[Pos, Pos] = {}
    for before, after in zip(_positions(old), _positions(new), strict=True):
        if moves.setdefault(before, after) != after:
            return None
    pairs = sorted(moves.items())
    if any(a[1] >= b[1] for a, b in pairwise(pairs)):
        return None  # reordered: the order of findings within the file could change
    return moves


def _shape(facts: RegisterFacts) -> tuple[object, ...]:
    names = tuple(tuple(name for name, _ in refs) for refs in _groups(facts))
    grading = replace(facts.grading, grade_pos=(0, 0)) if facts.grading is not None else None
    return (facts.path, facts.kind, facts.id, facts.name, facts.level, names, grading)


def _groups(facts: RegisterFacts) -> tuple[tuple[Ref, ...], ...]:
    single = tuple((ref,) if ref is not None else () for ref in (facts.department, facts.leader))
    return (*single, facts.in_charge, facts.risk_ids, facts.power_ids, facts.step_risks, facts.standard_ids)


def _positions(facts: RegisterFacts) -> list[Pos]:
    found = [unpack(facts.id_pos), *(unpack(pos) for group in _groups(facts) for _, pos in group)]
    if facts.grading is not None:
        found.append(facts.grading.grade_pos)
    return found
