"""The loaded registers organised as the documents need them: unit, departments, posts.

Departments come in the order of their files (a clerk orders them by naming folders
``01-办公室`` …), the leadership team first. A post whose 科室 names no department
register still appears: leaders under a 领导班子 group, others under “未归属科室”.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from lianzheng_cli.config import Config
from lianzheng_cli.history.approval import changed_after_approval
from lianzheng_cli.loader.files import ParsedFile
from lianzheng_cli.loading import LoadedRepository
from lianzheng_cli.models import DepartmentRegister, PostRegister, Register, UnitRegister
from lianzheng_cli.render.context import (
    LEADERSHIP,
    UNASSIGNED,
    RiskIndex,
    View,
    approval_fields,
    chinese_number,
    department_view,
    group_view,
    post_view,
    power_view,
    sort_posts,
    unit_view,
)
from lianzheng_cli.render.sanitize import clean, file_name, marked_file_name

HANDBOOK_FOLDER = "手册"
_CHAPTER_NUMBER = re.compile(r"^第[一二三四五六七八九十百零〇]+章")


@dataclass
class Department:
    name: str
    id: str
    register: DepartmentRegister | None
    posts: list[PostRegister] = field(default_factory=list)
    folder: str = ""

    @property
    def registers(self) -> Iterator[Register]:
        if self.register is not None:
            yield self.register
        yield from self.posts


@dataclass(frozen=True)
class Chapter:
    """A handbook chapter written in Markdown under registers/手册/."""

    path: str
    title: str
    body: str


@dataclass
class Unit:
    config: Config
    unit_registers: list[UnitRegister]
    departments: list[Department]
    chapters: list[Chapter]
    risks: RiskIndex
    grades: dict[str, str] = field(default_factory=dict)  # register 编号 → 风险等级 on its form
    changed_after_approval: frozenset[str] = frozenset()  # register 编号 changed in git after their 审定

    @property
    def name(self) -> str:
        return clean(self.config.unit)

    @property
    def registers(self) -> Iterator[Register]:
        yield from self.unit_registers
        for department in self.departments:
            yield from department.registers

    @property
    def posts(self) -> Iterator[tuple[Department, PostRegister]]:
        for department in self.departments:
            for post in department.posts:
                yield department, post


def organise(loaded: LoadedRepository) -> Unit:
    """The loaded registers as the documents need them (build only from a repository without errors)."""
    config = loaded.repository.config
    registers = loaded.registers
    units = [r for r in registers if isinstance(r, UnitRegister)]
    departments = [Department(clean(r.name), clean(r.id), r) for r in registers if isinstance(r, DepartmentRegister)]
    by_key: dict[str, Department] = {}
    for department in departments:
        if department.register is not None:
            by_key.setdefault(department.register.id, department)
    for department in departments:
        if department.register is not None:
            by_key.setdefault(department.register.name, department)
    extra: dict[str, Department] = {}
    for post in (r for r in registers if isinstance(r, PostRegister)):
        target = by_key.get(post.department)
        if target is None:
            name = LEADERSHIP if post.department == LEADERSHIP or post.level == LEADERSHIP else UNASSIGNED
            target = extra.setdefault(name, Department(name, name, None))
        target.posts.append(post)
    ordered = _leaders_first([*departments, *extra.values()])
    for department in ordered:
        department.posts = sort_posts(department.posts)
    _assign_folders(ordered)
    grades = {register.id: grade for register in registers if (grade := loaded.form_grade(register.id)) is not None}
    changed = changed_after_approval(loaded.repository, dt.date.today())
    return Unit(config, units, ordered, chapters_of(loaded.chapters), risk_index(registers, config), grades, changed)


def _leaders_first(departments: list[Department]) -> list[Department]:
    def is_leadership(department: Department) -> bool:
        return department.name == LEADERSHIP or (
            bool(department.posts) and all(post.level == LEADERSHIP for post in department.posts)
        )

    leaders = [d for d in departments if is_leadership(d)]
    unassigned = [d for d in departments if d.register is None and d.name == UNASSIGNED]
    rest = [d for d in departments if d not in leaders and d not in unassigned]
    return leaders + rest + unassigned


def _assign_folders(departments: list[Department]) -> None:
    taken: set[str] = set()
    for department in departments:
        folder = file_name(department.name)
        if folder.casefold() in taken:
            folder = file_name(f"{department.name}_{department.id}")
        if folder.casefold() in taken:  # the id sanitised into a name already taken too
            folder = marked_file_name(f"{department.name}_{department.id}")
        taken.add(folder.casefold())
        department.folder = folder


def risk_index(registers: list[Register], config: Config) -> RiskIndex:
    index = RiskIndex()
    for register in registers:
        for risk in register.risks:
            found = config.grade(risk.grade)
            index.grades[risk.id] = found.name if found else clean(risk.grade)
            index.names[risk.id] = clean(risk.name)
            index.ranks[risk.id] = found.rank if found else len(config.grades)
    return index


def chapters_of(files: list[ParsedFile]) -> list[Chapter]:
    chapters = []
    for parsed in files:
        if HANDBOOK_FOLDER not in PurePosixPath(parsed.path).parts:
            continue
        front: Any = parsed.tree.data if parsed.tree is not None else None
        title = str(front.get("标题", "")) if isinstance(front, dict) else ""
        body = clean(parsed.body)
        if not title:
            title = next((line[2:].strip() for line in body.splitlines() if line.startswith("# ")), "")
        chapters.append(Chapter(parsed.path, clean(title) or PurePosixPath(parsed.path).stem, body))
    return chapters


def numbered_chapters(chapters: list[Chapter]) -> bool:
    """Whether the clerk's chapters are titled 第一章, 第二章…: generated chapters then continue the count."""
    return bool(chapters) and all(_CHAPTER_NUMBER.match(chapter.title) for chapter in chapters)


def _mark_changed(unit: Unit, unit_forms: list[View], departments: list[View]) -> None:
    """Forms of registers changed after their 审定 say so (the dates alone cannot tell)."""
    by_id = {register.id: register for register in unit.registers}
    forms = [*unit_forms, *(d["科室表"] for d in departments if d["科室表"]), *(p for d in departments for p in d["岗位"])]
    for form in forms:
        register = by_id.get(form["编号"])
        if register is not None and register.id in unit.changed_after_approval:
            form.update(approval_fields(register, unit.config, changed_after_approval=True))


def post_summary(posts: list[View]) -> list[View]:
    """The department form's rule: it lists its own risk points and, below them, a summary of
    its posts' — because its 风险等级 is at least its most serious post's, the rows it prints
    must show where that grade comes from (annex 3: the department's form covers its posts)."""
    return [
        {"岗位": post["职务"], "个数": len(post["风险点"]), "等级": post["风险等级"], "文字": _summary_text(post)}
        for post in posts
        if post["风险点"]
    ]


def _summary_text(post: View) -> str:
    grade = f"，岗位风险等级{post['风险等级']}" if post["风险等级"] else ""
    return f"{post['职务']}：风险点 {len(post['风险点'])} 个{grade}（见该岗位的防控表）"


def unapproved(unit: Unit) -> list[str]:
    """The registers a final build with --require-approved refuses: not approved, or changed since."""
    return [
        f"{register.kind}“{register.name}”（{register.id}）"
        + ("尚未审定" if register.approval is None else "审定后有修改，未重新审定")
        for register in unit.registers
        if register.approval is None or register.id in unit.changed_after_approval
    ]


def unit_context(unit: Unit) -> View:
    """The whole-unit view that the catalogue, power list and handbook templates see."""
    config = unit.config
    departments: list[View] = []
    for number, department in enumerate(unit.departments, 1):
        register = department.register
        powers = [power_view(power, i, unit.risks) for i, power in enumerate(register.powers if register else [], 1)]
        departments.append(
            {
                "序号": number,
                "中文序号": chinese_number(number),
                "名称": department.name,
                "编号": department.id,
                "目录": department.folder,
                "科室表": department_view(register, config, unit.grades.get(register.id)) if register is not None else None,
                "主要职责": [clean(text) for text in register.duties] if register else [],
                "制度": [clean(text) for text in register.institutions] if register else [],
                "岗位": [post_view(post, department.name, config, unit.grades.get(post.id)) for post in department.posts],
                "权力清单": powers,
            }
        )
    unit_forms = [unit_view(register, config, unit.grades.get(register.id)) for register in unit.unit_registers]
    _mark_changed(unit, unit_forms, departments)
    for block in departments:
        if block["科室表"] is not None:
            block["科室表"]["岗位风险"] = post_summary(block["岗位"])
    return {
        "单位": unit.name,
        "年度": config.year,
        "等级": list(config.grades),
        "阶段": list(config.stages),
        "单位表": unit_forms,
        "领导小组": group_view(unit.unit_registers[0] if unit.unit_registers else None),
        "科室": departments,
        "目录": (rows := catalogue_rows(unit_forms, departments)),
        "目录分组": catalogue_groups(rows),
        "已撤销": withdrawn_rows(unit_forms, departments),
    }


def catalogue_rows(unit_forms: list[View], departments: list[View]) -> list[View]:
    """Every risk point once, in department order, most serious first within each."""
    rows: list[View] = []

    def add(group: str, owner: str, level: str, form: View) -> None:
        for risk in form["风险点"]:
            rows.append({**risk, "科室": group, "所属": owner, "层次": level})

    for form in unit_forms:
        add("单位", form["名称"], "单位", form)
    for department in departments:
        block_start = len(rows)
        if department["科室表"] is not None:
            add(department["名称"], department["名称"], "科室", department["科室表"])
        for post in department["岗位"]:
            add(department["名称"], post["职务"], "岗位", post)
        rows[block_start:] = sorted(rows[block_start:], key=lambda row: row["等级序"])
    for number, row in enumerate(rows, 1):
        row["目录序号"] = number
    return rows


def withdrawn_rows(unit_forms: list[View], departments: list[View]) -> list[View]:
    """The risk points withdrawn this year, with their reasons, for the catalogue."""
    owned = [("单位", form) for form in unit_forms]
    for department in departments:
        owned += [(department["名称"], form) for form in [department["科室表"], *department["岗位"]] if form is not None]
    return [{"科室": group, "所属": form["名称"], "说明": text} for group, form in owned for text in form["撤销说明"]]


def catalogue_groups(rows: list[View]) -> list[View]:
    """The catalogue by department, in the order of the rows (the unit first, then 领导班子 …):
    the one order the Word, Markdown and HTML catalogues all follow."""
    groups: dict[str, list[View]] = {}
    for row in rows:
        groups.setdefault(row["科室"], []).append(row)
    return [{"科室": name, "风险点": members} for name, members in groups.items()]


def rows_by_grade(rows: list[View], grades: list[str]) -> list[View]:
    """The catalogue grouped by grade (most serious first), departments in order within each."""
    groups = [{"等级": grade, "风险点": [row for row in rows if row["等级"] == grade]} for grade in grades]
    others = [row for row in rows if row["等级"] not in grades]
    if others:
        groups.append({"等级": "其他", "风险点": others})
    return groups
