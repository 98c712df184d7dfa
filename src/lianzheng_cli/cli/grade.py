"""``lzfk grade``."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lianzheng_cli.cli.boundary import command
from lianzheng_cli.errors import ExitCode
from lianzheng_cli.output import stdout_for
from lianzheng_cli.reporters import choices, help_text, is_machine

if TYPE_CHECKING:
    from lianzheng_cli.grading.report import GradeReport


if TYPE_CHECKING:
    GradeFormat = enum.StrEnum
else:
    GradeFormat = choices("grade")
GRADE_TEXT = GradeFormat("text")


@command
def grade_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="只显示这些文件或目录中的登记表（评级仍按整个登记库汇总）", metavar="文件或目录", show_default=False),
    ] = None,
    output_format: Annotated[GradeFormat, typer.Option("--format", "-f", help=help_text("grade"))] = GRADE_TEXT,
    write: Annotated[
        bool, typer.Option("--write", "-w", help="把偏低或未填的等级改为评级结果（只提高、不降低，其余内容不变）")
    ] = False,
) -> int:
    """按本单位的评级规则为每个风险点评级，说明依据，并与申报等级核对；偏低的排在前面。"""
    from lianzheng_cli.grading.report import build_report, repository_paths
    from lianzheng_cli.loading import load_repository
    from lianzheng_cli.reporters import grades as grade_output

    start = paths[0] if paths else Path.cwd()
    loaded = load_repository(start)
    only = repository_paths(loaded.repository.root, paths) if paths else None
    report = build_report(loaded, only)
    written = _write(report, loaded.repository.root) if write else {}
    emit = grade_output.as_json if output_format.value == "json" else grade_output.text
    emit(report, stdout_for(is_machine(output_format.value)), written=written)
    pending = any(row.needs_raise for r in report.registers for row in r.rows if r.path not in written)
    pending = pending or any(r.needs_raise for r in report.registers)
    return ExitCode.FINDINGS if pending or report.ungraded else ExitCode.OK


def _write(report: GradeReport, root: Path) -> dict[str, list[str]]:
    from lianzheng_cli.grading.write import GradeEdit, apply_edits

    written: dict[str, list[str]] = {}
    for register in report.registers:
        edits = [GradeEdit(row.index, row.id, row.declared or None, row.computed) for row in register.rows if row.needs_raise]
        if edits:
            apply_edits(root / register.path, edits)
            written[register.path] = [edit.risk_id for edit in edits]
    return written
