"""Generated units for the rollup tests: register files written from a small spec, and the counts the spec implies."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

RISK_TYPES = ("岗位职责风险", "业务流程风险", "外部环境风险")


@dataclass(frozen=True)
class Risk:
    id: str
    name: str
    grade: int  # 0 most serious
    type: str = RISK_TYPES[0]
    standard_id: str | None = None


@dataclass(frozen=True)
class Post:
    id: str
    name: str
    risks: tuple[Risk, ...]


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    posts: tuple[Post, ...]


@dataclass
class Unit:
    code: str
    name: str
    year: int = 2025
    parent: str | None = "SWJW"
    grades: tuple[str, str, str] = ("一级", "二级", "三级")
    departments: list[Department] = field(default_factory=list)
    approved: bool = True

    @property
    def risks(self) -> list[Risk]:
        return [risk for d in self.departments for p in d.posts for risk in p.risks]

    @property
    def posts(self) -> list[Post]:
        return [post for d in self.departments for post in d.posts]

    def grade_counts(self) -> tuple[int, int, int]:
        counts = [0, 0, 0]
        for risk in self.risks:
            counts[risk.grade] += 1
        return (counts[0], counts[1], counts[2])


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _approval(unit: Unit) -> str:
    if not unit.approved:
        return ""
    return (
        f"审核: {{意见: 同意, 签字: 李某, 日期: {unit.year}-03-10}}\n审定: {{意见: 同意, 签字: 王某, 日期: {unit.year}-03-20}}\n"
    )


def _risk_yaml(risk: Risk, unit: Unit) -> str:
    cite = f"    标准编号: {_q(risk.standard_id)}\n" if risk.standard_id else ""
    return (
        f"  - 编号: {_q(risk.id)}\n    名称: {_q(risk.name)}\n    类型: {risk.type}\n"
        f"    表现形式: [表现一]\n    等级: {unit.grades[risk.grade]}\n{cite}"
        "    降级理由: 测试数据\n"
        "    防控措施:\n      - {阶段: 前期预防, 内容: 签订承诺书}\n      - {阶段: 中期监控, 内容: 定期抽查}\n"
        "      - {阶段: 后期处置, 内容: 发现问题即约谈}\n"
    )


def register_files(unit: Unit) -> dict[str, str]:
    grades = ", ".join(unit.grades)
    parent = f"上级单位: {unit.parent}\n" if unit.parent else ""
    files = {
        "lzfk.yaml": f"单位: {unit.name}\n年度: {unit.year}\n单位编号: {unit.code}\n{parent}等级: [{grades}]\n"
        "检查规则: {LZ212: 关闭}\n",
        "registers/单位.yaml": f"类型: 单位\n编号: {unit.code}-DW\n名称: {unit.name}\n主要职责: [全面工作]\n风险点: []\n{_approval(unit)}",
    }
    for department in unit.departments:
        files[f"registers/{department.id}/科室.yaml"] = (
            f"类型: 科室\n编号: {department.id}\n名称: {department.name}\n主要职责: [科室工作]\n风险点: []\n{_approval(unit)}"
        )
        for post in department.posts:
            risks = "".join(_risk_yaml(risk, unit) for risk in post.risks)
            files[f"registers/{department.id}/{post.id}.yaml"] = (
                f"类型: 岗位\n编号: {post.id}\n名称: {post.name}\n科室: {department.name}\n主要职责: [本岗位工作]\n"
                f"风险点:{' []' if not risks else ''}\n{risks}{_approval(unit)}"
            )
    return files


def write_unit(root: Path, unit: Unit) -> Path:
    for path in sorted(root.glob("registers/**/*.yaml"), reverse=True):
        path.unlink()
    for relative, text in register_files(unit).items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def git(root: Path, *args: str, date: str = "2025-03-01T10:00:00+08:00") -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME="张三",
        GIT_AUTHOR_EMAIL="z@example.cn",
        GIT_COMMITTER_NAME="张三",
        GIT_COMMITTER_EMAIL="z@example.cn",
        GIT_AUTHOR_DATE=date,
        GIT_COMMITTER_DATE=date,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
    )
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def commit_unit(root: Path, unit: Unit, *, date: str = "2025-03-01T10:00:00+08:00") -> str:
    """Write the unit's files into the git repository at root (created when new) and commit them."""
    if not (root / ".git").exists():
        root.mkdir(parents=True, exist_ok=True)
        git(root, "init", "-q", "-b", "main")
    write_unit(root, unit)
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", f"{unit.name} {unit.year}", date=date)
    return git(root, "rev-parse", "HEAD")


def sample_unit(code: str, name: str, seed: int, *, posts_per_department: int = 3) -> Unit:
    """A unit with a 财务科, a 采购中心 and a 医务科; risk counts and grades vary with seed."""
    names = (("CWK", "财务科"), ("CGZX", "采购中心"), ("YWK", "医务科"))
    departments = []
    for d_index, (d_id, d_name) in enumerate(names):
        posts = []
        for p_index in range(posts_per_department):
            post_id = f"{d_id}-{p_index + 1:02d}"
            count = 1 + (seed + d_index + p_index) % 3
            risks = tuple(
                Risk(
                    f"{post_id}-{r + 1:02d}",
                    f"{d_name}风险{p_index + 1}-{r + 1}",
                    (seed * 7 + d_index * 3 + p_index + r) % 3,
                    RISK_TYPES[(seed + r + p_index) % 3],
                )
                for r in range(count)
            )
            posts.append(Post(post_id, f"{d_name}岗位{p_index + 1}", risks))
        departments.append(Department(d_id, d_name, tuple(posts)))
    return Unit(code, name, departments=departments)


def units_total(units: Sequence[Unit]) -> tuple[int, int, int]:
    totals = [0, 0, 0]
    for unit in units:
        for index, count in enumerate(unit.grade_counts()):
            totals[index] += count
    return (totals[0], totals[1], totals[2])
