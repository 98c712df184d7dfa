"""``lzfk export xlsx``: the 汇总表 workbook (and, with --editable, one that can be imported back)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lianzheng_cli.cli.boundary import command
from lianzheng_cli.cli.export import export_app
from lianzheng_cli.errors import ExitCode


@export_app.command("xlsx")
@command
def export_xlsx_command(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="输出文件（默认：单位名称+廉政风险汇总表.xlsx）")] = None,
    editable: Annotated[
        bool, typer.Option("--editable", help="可编辑的汇总表：在 Excel/WPS 中修改后用 lzfk import 写回登记表")
    ] = False,
) -> int:
    """导出廉政风险汇总表（Excel）：汇总、科室、明细、校验四张工作表，A3 横向打印。"""
    from rich.console import Console

    from lianzheng_cli.exporting.xlsx import last_change_dates, write_workbook
    from lianzheng_cli.loading import load_repository

    loaded = load_repository(Path.cwd(), parallel=True, cached=True)
    root, config = loaded.root, loaded.repository.config
    target = out or root / f"{config.unit}廉政风险汇总表.xlsx"
    registers = [(item.path, item.register) for item in loaded.graded if item.complete]
    changes = last_change_dates(root, config.register_dir)
    count = write_workbook(config, root, registers, loaded.findings, target, editable=editable, last_changes=changes)
    Console(highlight=False).print(
        f"已导出 {count} 个风险点到 {target}" + ("（可编辑，修改后用 lzfk import 写回）" if editable else "")
    )
    return ExitCode.OK
