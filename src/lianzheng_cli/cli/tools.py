"""``lzfk schema``, ``lzfk init`` and ``lzfk fix-encoding``."""

from __future__ import annotations

import datetime as dt
import enum
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from lianzheng_cli.cli.boundary import command
from lianzheng_cli.errors import ConfigError, ExitCode, UsageError
from lianzheng_cli.printable import visible

# soft_wrap: never break a long path across lines (rich wraps at 80 columns in CI logs and pipes).
console = Console(highlight=False, soft_wrap=True)


@command
def schema_command(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="写入的目录，默认为登记库根目录下的 schemas/")] = None,
    check: Annotated[bool, typer.Option("--check", help="只检查目录中的 JSON Schema 是否最新，过期时以 1 退出")] = False,
) -> int:
    """生成 lzfk.yaml 和各类登记表的 JSON Schema（draft-07），含本单位的等级、风险类型、防控阶段等，供编辑器自动补全和检查。改过 lzfk.yaml 后重新运行。"""
    from lianzheng_cli.fsutil import write_text_atomic
    from lianzheng_cli.paths import locate_root
    from lianzheng_cli.repository import load_config
    from lianzheng_cli.schema import SCHEMA_DIR, all_schemas, render, stale_files

    root = locate_root(Path.cwd())
    config = load_config(root) if root is not None else None
    if isinstance(config, list):
        raise ConfigError(
            "lzfk.yaml 有错误，无法把本单位的等级、风险类型等写入 JSON Schema", hint="先运行 lzfk validate 改正 lzfk.yaml"
        )
    if out is None:
        out = (root / SCHEMA_DIR) if root is not None else Path(SCHEMA_DIR)

    if check:
        stale = stale_files(out, config)
        for name in stale:
            console.print(Text(f"{out / name} 已过期或缺失，请运行 lzfk schema --out {out}", style="yellow"))
        if not stale:
            console.print(Text(f"{out} 中的 JSON Schema 是最新的", style="green"))
        return ExitCode.FINDINGS if stale else ExitCode.OK
    for name, schema in all_schemas(config).items():
        write_text_atomic(out / name, render(schema))
        console.print(f"已写入 {out / name}")
    return ExitCode.OK


@command
def init_command(
    directory: Annotated[Path, typer.Argument(help="新登记库的目录（可以已存在）", metavar="目录", show_default=False)],
    unit: Annotated[str, typer.Option("--unit", "-u", help="单位全称，写入 lzfk.yaml")] = "某某单位",
    year: Annotated[int, typer.Option("--year", "-y", help="登记表所属年度，默认今年", show_default=False)] = 0,
) -> int:
    """新建一个登记库：lzfk.yaml、单位/科室/岗位示例、编辑器设置和 JSON Schema，建好即可通过检查。"""
    from lianzheng_cli.scaffold import scaffold

    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} 已存在且不是目录")
    result = scaffold(directory, unit=unit, year=year or dt.date.today().year)
    for path in result.created:
        console.print(f"已创建 {path}")
    for path in result.skipped:
        console.print(Text(f"已存在，未改动 {path}", style="yellow"))
    console.print(Text(f"下一步：cd {directory} && lzfk validate", style="green"))
    return ExitCode.OK


class FromEncoding(enum.StrEnum):
    gb18030 = "gb18030"
    big5 = "big5"
    shift_jis = "shift_jis"
    euc_kr = "euc_kr"
    utf_16 = "utf-16"


@command
def fix_encoding_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="要转换的文件或目录（目录中的 .yaml、.yml、.md 文件全部检查）", metavar="文件或目录", show_default=False
        ),
    ],
    check: Annotated[bool, typer.Option("--check", help="只报告哪些文件需要转换，不写入")] = False,
    source: Annotated[
        FromEncoding | None,
        typer.Option("--from", help="确认文件的原编码（如 big5、shift_jis）时指定；不指定时只自动转换 GBK/GB18030 和 UTF-16"),
    ] = None,
) -> int:
    """把 GBK/GB18030 或 UTF-16 编码的文件转换为 UTF-8（不带 BOM），内容和换行符保持不变。"""
    from lianzheng_cli import encoding
    from lianzheng_cli.paths import walk_registers

    needing = unknown = 0
    expanded: list[Path] = []
    for path in files:
        if path.is_dir():
            expanded.extend(Path(os.path.relpath(name)) for name in walk_registers(path))
        elif path.is_file():
            expanded.append(path)
        else:
            raise UsageError(f"文件不存在：{path}")
    for path in expanded:
        change = encoding.inspect(path, source.value if source else None)
        shown = visible(str(path))
        if change.source == "unknown":
            stated = f"不能按 {source.value} 解读" if source else "无法识别编码"
            console.print(Text(f"{shown}：{stated}，未改动（请在编辑器中确认后另存为 UTF-8）", style="red"))
            needing += 1
            unknown += 1
        elif change.doubtful:
            console.print(
                Text(
                    f"{shown}：看来是 {change.doubtful} 编码，不像 GBK 编码的简体中文，未改动"
                    f"（确认无误后运行 lzfk fix-encoding --from {change.source} {shown}）",
                    style="red",
                )
            )
            needing += 1
            unknown += 1
        elif change.needs_fix:
            needing += 1
            if check:
                console.print(Text(f"{shown}：{change.source} 编码，需要转换为 UTF-8", style="yellow"))
            else:
                encoding.convert(change)
                console.print(Text(f"{shown}：已从 {change.source} 转换为 UTF-8"))
    if (check and needing) or unknown:  # a file left unconverted must not look like success
        return ExitCode.FINDINGS
    if not needing:
        console.print(Text("所有文件都已是 UTF-8 编码", style="green"))
    return ExitCode.OK
