"""Register grades: a register is as serious as its most serious risk point; a department
at least as serious as its most serious post; a leader at least as serious as the
departments in their charge."""

from __future__ import annotations

from dataclasses import dataclass, field

from lianzheng_cli.config import Config
from lianzheng_cli.grading.engine import Grade
from lianzheng_cli.models import DepartmentRegister, PostRegister, Register, RiskPoint


@dataclass
class RegisterGrade:
    rank: int | None
    reasons: list[str] = field(default_factory=list)

    def raise_to(self, rank: int | None, reason: str) -> None:
        if rank is not None and (self.rank is None or rank < self.rank):
            self.rank = rank
            self.reasons.append(reason)


def effective_rank(risk: RiskPoint, grade: Grade, config: Config) -> int | None:
    """The grade a risk point stands at: its declared grade unless that is quietly lower."""
    found = config.grade(risk.grade)
    if found is None:
        return grade.rank
    declared = found.rank
    if grade.rank is None or declared <= grade.rank or risk.downgrade_reason:
        return declared
    return grade.rank


def register_grades(graded: list[tuple[Register, list[Grade]]], config: Config) -> dict[str, RegisterGrade]:
    result = {register.id: _own(register, grades, config) for register, grades in graded}
    registers = [register for register, _ in graded]
    departments = {r.id: r for r in registers if isinstance(r, DepartmentRegister)}
    by_name = {r.name: r.id for r in departments.values()}
    posts = [r for r in registers if isinstance(r, PostRegister)]
    _departments_from_posts(posts, departments, by_name, result, config)
    for post in posts:
        for name in post.in_charge:
            dept = by_name.get(name, name)
            if dept in result and dept != _dept_of(post, by_name):
                result[post.id].raise_to(result[dept].rank, f"不低于分管科室“{departments[dept].name}”的等级")
    _departments_from_posts(posts, departments, by_name, result, config)
    return result


def _own(register: Register, grades: list[Grade], config: Config) -> RegisterGrade:
    own = RegisterGrade(None)
    for risk, grade in zip(register.risks, grades, strict=True):
        own.raise_to(effective_rank(risk, grade, config), f"风险点 {risk.id}")
    if own.rank is not None:
        own.reasons = [f"取本表风险点的最高等级（{own.reasons[-1]}）"]
    return own


def _dept_of(post: PostRegister, by_name: dict[str, str]) -> str:
    return by_name.get(post.department, post.department)


def _departments_from_posts(
    posts: list[PostRegister],
    departments: dict[str, DepartmentRegister],
    by_name: dict[str, str],
    result: dict[str, RegisterGrade],
    config: Config,
) -> None:
    for post in posts:
        dept = _dept_of(post, by_name)
        if dept in departments:
            result[dept].raise_to(result[post.id].rank, f"不低于所属岗位“{post.name}”的等级")


def grade_name(rank: int | None, config: Config) -> str:
    return "—" if rank is None else config.grades[rank]
