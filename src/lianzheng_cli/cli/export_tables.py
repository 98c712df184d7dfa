"""``lzfk export parquet`` and ``lzfk export ndjson``: the unit's data tables for an office's rollup."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from lianzheng_cli.cli.boundary import command
from lianzheng_cli.cli.export import export_app
from lianzheng_cli.errors import ExitCode

console = Console(highlight=False, soft_wrap=True)
DEFAULT_OUT = Path("out/数据表")
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="输出目录（每张表一个文件）")]
StartArg = Annotated[Path | None, typer.Argument(help="登记库目录，默认当前目录", metavar="登记库", show_default=False)]


def _export(start: Path | None, out: Path, *, ndjson: bool) -> int:
    from lianzheng_cli.exporting.unit_export import export_unit, write_export

    export = export_unit(start or Path.cwd())
    written = write_export(export, out, ndjson=ndjson)
    commit = export.stamp.commit[:8] or "（不在 git 中）"
    console.print(
        f"已导出 {export.unit_name}（单位编号 {export.stamp.unit_code}，{export.stamp.year} 年度，提交 {commit}）"
        f"的 {len(written)} 个文件到 {out}/：{export.rows('posts')} 个岗位、{export.rows('risk_points')} 个风险点、"
        f"{export.rows('measures')} 条防控措施"
    )
    if export.stamp.dirty:
        console.print("注意：登记库有未提交的改动，导出的内容与所记的提交不完全一致。", style="yellow")
    if export.errors:
        console.print(
            f"注意：检查发现 {export.errors} 个错误，有错误的登记表没有导出（问题记在 findings 表中）；运行 lzfk validate 查看。",
            style="bold yellow",
        )
        return ExitCode.FINDINGS
    return ExitCode.OK


@export_app.command("parquet")
@command
def parquet_command(start: StartArg = None, out: OutOpt = DEFAULT_OUT) -> int:
    """导出数据表（Parquet）：单位、科室、岗位、风险点、防控措施、权力事项、审定情况、检查发现，供上级汇总（lzfk rollup）。"""
    return _export(start, out, ndjson=False)


@export_app.command("ndjson")
@command
def ndjson_command(start: StartArg = None, out: OutOpt = DEFAULT_OUT) -> int:
    """导出数据表（NDJSON，每行一条 JSON），列与 Parquet 相同，另附 schema.json 说明各列。"""
    return _export(start, out, ndjson=True)
