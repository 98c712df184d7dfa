"""Rules across registers: unique ids and references that must resolve."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from lianzheng_cli.config import Config
from lianzheng_cli.findings import Finding
from lianzheng_cli.models import KIND_DEPARTMENT, KIND_POST
from lianzheng_cli.register_facts import Ref, RegisterFacts, unpack
from lianzheng_cli.rules.registry import repository_rule

LEADERSHIP = "领导班子"
LEADERSHIP_TIER = 2  # 层级 are ordered 一般, 中层, 领导班子 (in the unit's words)


def _all_ids(facts: list[RegisterFacts]) -> Iterator[tuple[str, str, Ref]]:
    for item in facts:
        yield item.path, "登记表", (item.id, item.id_pos)
        for ref in item.risk_ids:
            yield item.path, "风险点", ref
        for ref in item.power_ids:
            yield item.path, "权力事项", ref


@repository_rule("LZ201")
def unique_ids(facts: list[RegisterFacts], config: Config) -> Iterator[Finding]:
    """FAIL: two risk points (or registers, or powers) both numbered YJK-CG-01."""
    first: dict[str, tuple[str, str, Ref]] = {}
    for path, what, ref in sorted(_all_ids(facts), key=lambda row: (row[0], row[2][1])):
        ident, pos = ref
        if ident not in first:
            first[ident] = (path, what, ref)
            continue
        other_path, other_what, (_, other_pos) = first[ident]
        yield Finding.of(
            "LZ201",
            path,
            unpack(pos),
            f"编号“{ident}”重复：{other_what}已在 {other_path}:{unpack(other_pos)[0]} 使用",
            "编号在整个登记库中必须唯一且逐年不变：给其中一个换一个新编号",
        )


@repository_rule("LZ217")
def unique_department_names(facts: list[RegisterFacts], config: Config) -> Iterator[Finding]:
    """FAIL: two 科室 registers both named 药剂科 (or one named as the other's 编号): 科室: 药剂科 is then ambiguous."""
    seen: dict[str, RegisterFacts] = {}
    departments = sorted((item for item in facts if item.kind == KIND_DEPARTMENT), key=lambda item: (item.path, item.id_pos))
    for item in departments:
        seen.setdefault(item.id, item)
    for item in departments:
        other = seen.get(item.name)
        if other is not None and other is not item:
            yield Finding.of(
                "LZ217",
                item.path,
                unpack(item.id_pos),
                f"科室“{item.name}”（{item.id}）与 {other.path} 的科室（{other.id}）名称相同，按名称引用这个科室时无法确定是哪一个",
                "给其中一个科室换一个能区分的名称；岗位登记表的“科室”最好写科室的编号",
            )
            continue
        seen[item.name] = item


def _departments(facts: list[RegisterFacts]) -> dict[str, RegisterFacts]:
    found: dict[str, RegisterFacts] = {}
    for item in facts:
        if item.kind == KIND_DEPARTMENT:
            found.setdefault(item.id, item)
            found.setdefault(item.name, item)
    return found


def _posts(facts: list[RegisterFacts]) -> dict[str, RegisterFacts]:
    found: dict[str, RegisterFacts] = {}
    for item in facts:
        if item.kind == KIND_POST:
            found.setdefault(item.id, item)
    return found


def _suggest(name: str, candidates: dict[str, RegisterFacts]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.5)
    return f"是不是“{close[0]}”？" if close else ""


@repository_rule("LZ202")
def post_department_exists(facts: list[RegisterFacts], config: Config) -> Iterator[Finding]:
    """FAIL: 科室: YJKK where no 科室 register has 编号 or 名称 YJKK."""
    departments = _departments(facts)
    for item in facts:
        if item.department is None:
            continue
        name, pos = item.department
        if name in departments or name == LEADERSHIP:
            continue
        yield Finding.of(
            "LZ202",
            item.path,
            unpack(pos),
            f"所属科室“{name}”不存在",
            _suggest(name, departments) or "填写已有科室登记表的编号或名称；领导班子成员填 领导班子",
        )


@repository_rule("LZ203")
def department_leader_exists(facts: list[RegisterFacts], config: Config) -> Iterator[Finding]:
    """FAIL: 分管领导: LD-FYZ9 where no post register has that 编号."""
    posts = _posts(facts)
    for item in facts:
        if item.leader is None:
            continue
        name, pos = item.leader
        if name not in posts:
            yield Finding.of(
                "LZ203",
                item.path,
                unpack(pos),
                f"分管领导“{name}”没有对应的岗位登记表",
                _suggest(name, posts) or "填写分管领导岗位登记表的编号",
            )


@repository_rule("LZ216")
def leader_is_leadership(facts: list[RegisterFacts], config: Config) -> Iterator[Finding]:
    """WARN: 分管领导 points at a post whose 层级 is not 领导班子."""
    posts = _posts(facts)
    for item in facts:
        if item.leader is None or item.leader[0] not in posts:
            continue
        post = posts[item.leader[0]]
        if config.tier("层级", post.level) != LEADERSHIP_TIER:
            yield Finding.of(
                "LZ216",
                item.path,
                unpack(item.leader[1]),
                f"分管领导“{post.name}”的层级是“{post.level}”，不是{config.levels[LEADERSHIP_TIER]}",
                "核对分管领导编号，或把该岗位的层级改为 领导班子",
            )


@repository_rule("LZ204")
def charge_exists(facts: list[RegisterFacts], config: Config) -> Iterator[Finding]:
    """FAIL: a leader's 分管: [YWK, XXX] where XXX is no department."""
    departments = _departments(facts)
    for item in facts:
        for name, pos in item.in_charge:
            if name not in departments:
                yield Finding.of(
                    "LZ204",
                    item.path,
                    unpack(pos),
                    f"分管的科室“{name}”不存在",
                    _suggest(name, departments) or "填写已有科室登记表的编号或名称",
                )


@repository_rule("LZ205")
def step_risks_exist(facts: list[RegisterFacts], config: Config) -> Iterator[Finding]:
    """FAIL: a process step lists 风险点: [CWK-BX-09] that no register defines."""
    risks = {ident for item in facts for ident, _ in item.risk_ids}
    for item in facts:
        for ident, pos in item.step_risks:
            if ident not in risks:
                yield Finding.of(
                    "LZ205",
                    item.path,
                    unpack(pos),
                    f"流程环节引用的风险点“{ident}”不存在",
                    "填写已登记风险点的编号，或先在对应岗位登记表中登记该风险点",
                )
