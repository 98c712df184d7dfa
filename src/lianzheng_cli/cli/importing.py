"""``lzfk import``: legacy Word/Excel/CSV registers into register files (or a 汇总表's edits back)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from lianzheng_cli.cli.boundary import command
from lianzheng_cli.errors import ExitCode


@command
def import_command(
    files: Annotated[list[Path], typer.Argument(help="要导入的 Word（.docx/.doc）、Excel（.xlsx/.xls）、CSV 文件或其所在目录")],
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="只显示导入报告，不写入任何文件")] = False,
    into: Annotated[Path | None, typer.Option("--into", help="写入登记目录下的这个目录（默认：登记目录）")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已有的登记表文件（默认只新增、不覆盖）")] = False,
    department: Annotated[str | None, typer.Option("--department", "-d", help="岗位表中没有写科室时，岗位所属的科室名称")] = None,
) -> int:
    """导入已有的登记表和一览表（Word、Excel、CSV），生成登记表文件；导入 lzfk export xlsx --editable 的汇总表时，把其中的修改写回登记表。"""
    from lianzheng_cli.importing.plan import apply_import, plan_import
    from lianzheng_cli.reporters import importing as report_output

    start = Path.cwd()
    report = plan_import(start, files, into=into, force=force, default_department=department)
    if not dry_run:
        from lianzheng_cli.repository import find_root

        apply_import(report, find_root(start))
    report_output.text(report, sys.stdout)
    return ExitCode.FINDINGS if report.has_errors else ExitCode.OK
