"""Helpers for grading tests: a tiny repository with one post register."""

from __future__ import annotations

from pathlib import Path

import pytest

CONFIG = "单位: 测试医院\n年度: 2025\n"


def risk_yaml(
    risk_id: str,
    grade: str,
    *,
    likelihood: str | None = None,
    consequence: str | None = None,
    factors: list[str] | None = None,
    extra: str = "",
) -> str:
    lines = [
        f"  - 编号: {risk_id}",
        f"    名称: 风险{risk_id}",
        "    类型: 岗位职责风险",
        "    表现形式: [某种表现]",
    ]
    if likelihood:
        lines.append(f"    发生概率: {likelihood}")
    if consequence:
        lines.append(f"    危害程度: {consequence}")
    if factors is not None:
        lines.append(f"    风险因素: [{', '.join(factors)}]")
    lines.append(f"    等级: {grade}")
    if extra:
        lines.append(extra)
    lines += [
        "    防控措施:",
        "      - {阶段: 前期预防, 内容: 教育}",
        "      - {阶段: 中期监控, 内容: 抽查}",
        "      - {阶段: 后期处置, 内容: 问责}",
    ]
    return "\n".join(lines) + "\n"


def post_yaml(post_id: str, risks: str, *, department: str = "KS", level: str = "一般", in_charge: str = "") -> str:
    head = f"类型: 岗位\n编号: {post_id}\n名称: 岗位{post_id}\n科室: {department}\n层级: {level}\n主要职责: [职责]\n"
    return head + (f"分管: [{in_charge}]\n" if in_charge else "") + "风险点:\n" + risks


def department_yaml(dept_id: str, risks: str, *, leader: str = "") -> str:
    head = f"类型: 科室\n编号: {dept_id}\n名称: 科室{dept_id}\n主要职责: [职责]\n"
    return head + (f"分管领导: {leader}\n" if leader else "") + "风险点:\n" + risks


@pytest.fixture
def make_repo(tmp_path: Path):  # type: ignore[no-untyped-def]
    def build(files: dict[str, str], config: str = CONFIG) -> Path:
        (tmp_path / "lzfk.yaml").write_text(config, encoding="utf-8")
        for relative, text in files.items():
            path = tmp_path / "registers" / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
        (tmp_path / "registers").mkdir(exist_ok=True)
        return tmp_path

    return build
