"""Output of ``lzfk grade``: a table per register (rich) or JSON (documented in docs/grading.md)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from lianzheng_cli.grading.report import AGREE, HIGH, LOW, MISSING, GradeReport, RegisterReport
from lianzheng_cli.reporters.common import native_path

_STATUS_STYLE = {LOW: "bold red", MISSING: "bold red", HIGH: "cyan", AGREE: "green"}


def text(report: GradeReport, out: TextIO, *, written: dict[str, list[str]] | None = None) -> None:
    console = Console(file=out, highlight=False, soft_wrap=False)
    console.print(Text(f"评级规则：{report.ruleset}", style="bold"))
    for rule_id, grade, description in report.rules:
        console.print(Text(f"  {rule_id} → {grade}：{description}", style="dim"))
    for register in report.registers:
        console.print(_table(register))
        console.print(_register_line(register))
        for risk_id in (written or {}).get(register.path, []):
            console.print(Text(f"  已写入：{risk_id} 的等级", style="green"))
    for path, why in report.ungraded:
        console.print(Text(f"未能评级：{path}（{why}）", style="bold red"))
    done = {(path, risk) for path, risks in (written or {}).items() for risk in risks}
    low = sum(row.needs_raise and (r.path, row.id) not in done for r in report.registers for row in r.rows)
    low += sum(r.needs_raise for r in report.registers)
    rows = sum(len(r.rows) for r in report.registers)
    unread = f"；{len(report.ungraded)} 份登记表有错误、未能评级（先运行 lzfk validate 改正）" if report.ungraded else ""
    console.print(
        Text(
            f"共 {len(report.registers)} 份登记表、{rows} 个风险点；申报等级偏低或未填 {low} 个{unread}",
            style="bold red" if low or unread else "green",
        )
    )


def _register_line(register: RegisterReport) -> Text:
    declared = f"申报 {register.declared}，{register.status}；" if register.declared else ""
    line = f"  登记表等级 {register.grade}（评级结果 {register.computed}；{declared}依据：{'；'.join(register.grade_reasons) or '无'}）"
    return Text(line, style=_STATUS_STYLE.get(register.status, "dim") if register.declared else "dim")


def _table(register: RegisterReport) -> Table:
    title = f"{native_path(register.path)}  {register.kind}“{register.name}”  登记表等级：{register.grade}"
    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    for column in ("风险点", "名称", "申报", "评级", "状态", "依据（规则）"):
        table.add_column(column, overflow="fold")
    for row in register.rows:
        status = Text(row.status, style=_STATUS_STYLE.get(row.status, "yellow"))
        table.add_row(row.id, row.name, row.declared or "（未填）", row.computed, status, row.basis)
    return table


def as_json(report: GradeReport, out: TextIO, *, written: dict[str, list[str]] | None = None) -> None:
    document: dict[str, Any] = {
        "ruleset": report.ruleset,
        "rules": [{"id": i, "grade": g, "description": d} for i, g, d in report.rules],
        "registers": [_register(r, written or {}) for r in report.registers],
        "ungraded": [{"file": path, "reason": why} for path, why in report.ungraded],
    }
    out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def _register(register: RegisterReport, written: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "file": register.path,
        "id": register.id,
        "kind": register.kind,
        "name": register.name,
        "grade": register.grade,
        "grade_reasons": list(register.grade_reasons),
        "declared": register.declared or None,
        "computed": None if register.computed == "—" else register.computed,
        "status": register.status,
        "rules": list(register.rule_ids),
        "missing_inputs": list(register.missing),
        "written": written.get(register.path, []),
        "risk_points": [
            {
                "id": row.id,
                "name": row.name,
                "declared": row.declared or None,
                "computed": row.computed if row.computed_rank is not None else None,
                "rules": [] if row.rules == "—" else row.rules.split("、"),
                "status": row.status,
                "explanation": row.explanation,
                "missing_inputs": list(row.missing),
            }
            for row in register.rows
        ],
    }
