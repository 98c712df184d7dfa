"""``lzfk validate``."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lianzheng_cli.cli.boundary import command
from lianzheng_cli.output import emit_findings
from lianzheng_cli.progress_bar import progress_bar
from lianzheng_cli.reporters import choices, help_text
from lianzheng_cli.results import exit_code

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="要检查的文件或目录，默认检查整个登记目录", metavar="文件或目录", show_default=False),
]
if TYPE_CHECKING:
    OutputFormat = enum.StrEnum
else:
    OutputFormat = choices("validate")
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help=help_text("validate"))]
DEFAULT_FORMAT = OutputFormat("auto")
StrictOpt = Annotated[bool, typer.Option("--strict", help="有警告时也以退出码 1 结束")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="不使用也不更新缓存（.lzfk_cache/）")]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=0, help="并行进程数；不写或写 0 时自动决定", show_default=False)]


@command
def validate_command(
    paths: PathsArg = None,
    output_format: FormatOpt = DEFAULT_FORMAT,
    strict: StrictOpt = False,
    no_cache: NoCacheOpt = False,
    jobs: JobsOpt = 0,
) -> int:
    """检查登记表：格式、必填项、编号唯一、引用、等级与类型等，逐条指出文件、行、列和修改建议。"""
    from lianzheng_cli.validation import validate

    start = paths[0] if paths else Path.cwd()
    with progress_bar() as hook:
        result = validate(start, paths or None, use_cache=not no_cache, jobs=jobs, progress=hook)
    emit_findings(result, output_format.value)
    return exit_code(result, strict=strict)
