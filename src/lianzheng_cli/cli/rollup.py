"""``lzfk rollup``: the office's summary over many units' exports (or registers)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from lianzheng_cli.cli.boundary import command, err_console
from lianzheng_cli.errors import ExitCode, UsageError
from lianzheng_cli.findings import Severity

if TYPE_CHECKING:
    from lianzheng_cli.rollup.result import RollupResult

console = Console(highlight=False, soft_wrap=True)


class RollupFormat(enum.StrEnum):
    json = "json"
    xlsx = "xlsx"
    html = "html"
    docx = "docx"


@command
def rollup_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="各单位的导出目录（lzfk export parquet 的输出）、登记库目录，或存放它们的上级目录",
            metavar="导出目录或登记库",
            show_default=False,
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="输出目录")] = Path("out/汇总"),
    formats: Annotated[
        list[RollupFormat] | None, typer.Option("--format", "-f", help="输出格式，可重复：json、xlsx、html、docx；默认全部")
    ] = None,
    standard: Annotated[
        Path | None, typer.Option("--standard", help="标准风险库（登记库格式的目录），与之对照各单位的缺漏、表述和等级差异")
    ] = None,
    queries: Annotated[
        Path | None, typer.Option("--queries", help="用这个目录中的 SQL 文件代替内置的汇总查询（见 docs/rollup.md）")
    ] = None,
    copy_queries: Annotated[
        Path | None, typer.Option("--copy-queries", help="把内置的汇总查询复制到这个目录供修改，然后退出")
    ] = None,
    merge: Annotated[
        Path | None,
        typer.Option("--merge", help="把纳入汇总的全部单位另存为一份合并的导出（同样的数据表），供再上一级汇总"),
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="汇总日期 YYYY-MM-DD（判断审定是否过期），默认今天")] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="不使用也不更新汇总缓存（用户缓存目录中上次读入的数据表）")
    ] = False,
) -> int:
    """汇总多个单位的导出数据：各单位等级分布、风险类型、与上次相比的变化、审定情况、重点科室岗位，以及与标准风险库的差异。"""
    if copy_queries is not None:
        return _copy(copy_queries)
    if not paths:
        raise UsageError("请写出要汇总的导出目录或登记库", hint="例如：lzfk rollup 报送/ --out out/汇总")
    from lianzheng_cli.rollup.engine import run_rollup

    day = _as_of(as_of)
    with _progress() as progress:
        result = run_rollup(
            paths, as_of=day, standard=standard, queries=queries, merge_to=merge, progress=progress, use_cache=not no_cache
        )
    written = _write(result, out, formats or list(RollupFormat))
    if merge is not None:
        written.append(merge)
    from lianzheng_cli.reporters.rollup import print_summary

    print_summary(result, written, console)
    if result.units == 0:
        return ExitCode.FINDINGS
    return ExitCode.FINDINGS if result.worst is Severity.ERROR else ExitCode.OK


def _as_of(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"汇总日期“{text}”无效", hint="写成 YYYY-MM-DD，如 2025-12-31") from None


def _copy(target: Path) -> int:
    from lianzheng_cli.rollup.queryset import copy_shipped

    written = copy_shipped(target)
    console.print(f"已复制 {len(written)} 个 SQL 文件到 {target}/（已有的文件未覆盖）；修改后用 --queries {target} 汇总")
    return ExitCode.OK


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress bar on stderr, only when it is a terminal (CI logs get none)."""
    if not err_console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err_console, transient=True
    ) as bar:
        tasks: dict[str, object] = {}

        def advance(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done, total=total)  # type: ignore[arg-type]

        yield advance


def _write(result: RollupResult, out: Path, formats: list[RollupFormat]) -> list[Path]:
    from lianzheng_cli.render.jinja_env import template_dirs
    from lianzheng_cli.rollup import outputs

    dirs = template_dirs(Path.cwd())
    written = []
    for kind in dict.fromkeys(formats):
        target = out / f"{outputs.BASENAME}.{kind.value}"
        if kind is RollupFormat.json:
            outputs.write_json(result, target)
        elif kind is RollupFormat.xlsx:
            outputs.write_xlsx(result, target)
        elif kind is RollupFormat.html:
            outputs.write_html(result, target, dirs)
        else:
            from lianzheng_cli.rollup.docx_report import write_docx

            write_docx(result, target, dirs)
        written.append(target)
    return written
