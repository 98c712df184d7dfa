"""``lzfk diff``, ``lzfk log``, ``lzfk audit`` and ``lzfk check``: git as the audit trail.

The history modules are imported inside the commands, so ``lzfk validate``
never loads them.
"""

from __future__ import annotations

import enum
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.text import Text

from lianzheng_cli.cli.boundary import command, err_console
from lianzheng_cli.errors import ExitCode, UsageError
from lianzheng_cli.findings import Severity
from lianzheng_cli.fsutil import write_text_atomic
from lianzheng_cli.output import append_step_summary, stdout_for, stdout_is_terminal
from lianzheng_cli.progress_bar import progress_bar, spinner
from lianzheng_cli.reporters import choices, help_text, is_machine, resolve

if TYPE_CHECKING:
    from lianzheng_cli.history.compare import Comparison


if TYPE_CHECKING:
    DiffFormat = enum.StrEnum
    LogFormat = enum.StrEnum
    FindingsFormat = enum.StrEnum
    AuditFormat = enum.StrEnum
else:
    DiffFormat, LogFormat, FindingsFormat, AuditFormat = (choices(c) for c in ("diff", "log", "check", "audit"))
DIFF_TEXT, LOG_TEXT, CHECK_AUTO, AUDIT_AUTO = DiffFormat("text"), LogFormat("text"), FindingsFormat("auto"), AuditFormat("auto")


DirectoryOpt = Annotated[
    Path | None,
    typer.Option("--directory", "-C", help="登记库目录（含 lzfk.yaml 的目录或其下级），默认当前目录", show_default=False),
]
DeepenOpt = Annotated[
    bool, typer.Option("--deepen", help="仓库是浅克隆时自动从远程补全历史（git fetch --unshallow），而不是报错退出")
]


def _notes(notes: list[str]) -> None:
    for text in notes:
        err_console.print(Text(text, style="dim"))


@command
def diff_command(
    revisions: Annotated[
        list[str] | None,
        typer.Argument(
            help="起、止两个版本：标签、分支或提交编号；只给一个时与工作区（当前文件）对照",
            metavar="版本",
            show_default=False,
        ),
    ] = None,
    years: Annotated[
        list[int] | None,
        typer.Option(
            "--year", "-y", help="按年度取版本（可写两次）：有同名标签用标签，否则用该年底前的最后一次提交", show_default=False
        ),
    ] = None,
    output_format: Annotated[DiffFormat, typer.Option("--format", "-f", help=help_text("diff"))] = DIFF_TEXT,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="写入文件；docx 默认写到“年度风险变化对照表-起-止.docx”", show_default=False),
    ] = None,
    directory: DirectoryOpt = None,
    deepen: DeepenOpt = False,
) -> int:
    """按风险点编号对照两个版本：新增、撤销、升级、降级（含降级理由）、移动、内容和措施的修改，按部门汇总。"""
    from lianzheng_cli.history.compare import compare, ensure_history, open_source, proposers
    from lianzheng_cli.history.endpoints import endpoints
    from lianzheng_cli.repository import require_repository

    source = open_source(require_repository(directory or Path.cwd()))
    with source.repo:
        if deepen:
            _notes(ensure_history(source.repo, deepen=True, wanted=revisions or []))
        old, new = endpoints(source.repo, revisions or [], years or [])
        with spinner(f"正在对照 {old.label} 与 {new.label} 的登记表……"):
            # The 对照表 names who reviewed and approved each register: it needs them whole.
            official = output_format.value == "docx"
            comparison = compare(source, old, new, whole_registers=official)
            if official:
                comparison.proposers = proposers(source, old, new)
    _emit_diff(comparison, output_format.value, out, source.repository.root)
    return ExitCode.OK


def _emit_diff(comparison: Comparison, output_format: str, out: Path | None, root: Path) -> None:
    from lianzheng_cli.reporters import diff_report as report

    if output_format == "docx":
        from lianzheng_cli.render.change_table import write_docx

        target = out or Path(f"年度风险变化对照表-{_safe(comparison.old.label)}-{_safe(comparison.new.label)}.docx")
        write_docx(comparison, target, root)
        err_console.print(f"已写入 {target}")
        return
    if output_format == "text" and out is None:
        report.print_text(comparison, report.console_for(stdout_for(machine=False)))
        return
    if output_format == "text":
        buffer = io.StringIO()
        report.print_text(comparison, report.console_for(buffer, width=120, color_system=None))
        text = buffer.getvalue()
    else:
        text = report.markdown(comparison) if output_format == "markdown" else report.to_json(comparison)
    _write_or_print(text, out)


def _safe(label: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in label)


def _write_or_print(text: str, out: Path | None) -> None:
    if out is None:
        stdout_for(machine=True).write(text)
        return
    write_text_atomic(out, text)
    err_console.print(f"已写入 {out}")


@command
def log_command(
    ident: Annotated[str, typer.Argument(help="风险点或登记表的编号，如 YJK-CG-01", metavar="编号", show_default=False)],
    rev: Annotated[str, typer.Option("--rev", "-r", help="查到哪个版本为止")] = "HEAD",
    output_format: Annotated[LogFormat, typer.Option("--format", "-f", help=help_text("log"))] = LOG_TEXT,
    directory: DirectoryOpt = None,
    deepen: DeepenOpt = False,
) -> int:
    """一个风险点或登记表的全部历史：每次修改的日期、作者、提交说明和逐项变化，跨文件、跨改名追踪。"""
    from lianzheng_cli.history.compare import ensure_history, open_source
    from lianzheng_cli.history.timeline import timeline
    from lianzheng_cli.history_entry import report_text
    from lianzheng_cli.reporters import log_report
    from lianzheng_cli.repository import require_repository

    name = output_format.value
    source = open_source(require_repository(directory or Path.cwd()))
    with source.repo:
        _notes(ensure_history(source.repo, deepen=deepen))
        if name == "text" and stdout_is_terminal():
            source.repo.resolve(rev)
            found = timeline(source, ident.strip(), rev)
            log_report.print_text(found, Console(file=stdout_for(machine=False), highlight=False, soft_wrap=True))
            return ExitCode.OK
        text = report_text(source, ident.strip(), rev, name)
    stdout_for(machine=name != "text").write(text)
    return ExitCode.OK


FindingsFormatOpt = Annotated[FindingsFormat, typer.Option("--format", "-f", help=help_text("check"))]
AuditFormatOpt = Annotated[AuditFormat, typer.Option("--format", "-f", help=help_text("audit"))]
SummaryOpt = Annotated[
    Path | None,
    typer.Option(
        "--summary",
        help="把 Markdown 摘要写入此文件（用作合并请求评论）；设有 $GITHUB_STEP_SUMMARY 时还会追加到作业摘要",
        show_default=False,
    ),
]


def _write_summary(summary: Path | None, markdown: Callable[[], str], step: Callable[[], str]) -> None:
    """--summary FILE gets the whole Markdown summary; the job summary of Actions, when set, gets ``step``.

    Both are made only when wanted: for thousands of findings they cost a tenth of a second each.
    """
    if summary is not None:
        write_text_atomic(summary, markdown())
        err_console.print(f"已写入 {summary}")
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        append_step_summary(step())


@command
def audit_command(
    output_format: AuditFormatOpt = AUDIT_AUTO,
    as_of: Annotated[str | None, typer.Option("--date", help="审计日期 YYYY-MM-DD，默认今天", show_default=False)] = None,
    days: Annotated[
        int | None,
        typer.Option(
            "--days", min=1, help="审定有效期和审计期的天数，默认取 lzfk.yaml 的“审定有效期”（365）", show_default=False
        ),
    ] = None,
    rev: Annotated[str, typer.Option("--rev", "-r", help="审计哪个版本")] = "HEAD",
    summary: SummaryOpt = None,
    directory: DirectoryOpt = None,
    deepen: DeepenOpt = False,
) -> int:
    """审计每份登记表：审定后是否又被修改（列出提交）、审定是否过期，以及审计期内谁调整了风险等级。有警告或错误时以 1 退出。"""
    from lianzheng_cli.history.audit import audit, parse_day
    from lianzheng_cli.history.compare import ensure_history, open_source
    from lianzheng_cli.reporters import audit_report
    from lianzheng_cli.repository import require_repository

    day = parse_day(as_of)
    source = open_source(require_repository(directory or Path.cwd()))
    with source.repo:
        _notes(ensure_history(source.repo, deepen=deepen))
        with progress_bar() as hook:
            result = audit(source, as_of=day, period_days=days, rev=rev, progress=hook)
    root = source.repository.root
    name = resolve(output_format.value)
    audit_report.report(result, root, name, stdout_for(is_machine(name)))
    _write_summary(
        summary, lambda: audit_report.audit_markdown(result, root), lambda: audit_report.step_summary(result, root, name)
    )
    return ExitCode.FINDINGS if any(f.severity >= Severity.WARNING for f in result.findings) else ExitCode.OK


@command
def check_command(
    base: Annotated[
        str | None,
        typer.Option("--base", "-b", help="与哪个版本对照，通常是合并请求的目标分支，如 origin/main", show_default=False),
    ] = None,
    output_format: FindingsFormatOpt = CHECK_AUTO,
    summary: SummaryOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="有警告时也以退出码 1 结束")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="检查时不使用也不更新缓存")] = False,
    directory: DirectoryOpt = None,
    deepen: DeepenOpt = False,
    public: Annotated[
        bool,
        typer.Option(
            "--public", help="不生成文档，只检查公示版会不会公开人名和其他个人信息（见 docs/public.md）；不与 --base 同用"
        ),
    ] = False,
) -> int:
    """合并请求检查：lzfk validate 的全部检查，加上与 --base 对照——降级须有降级理由、删除风险点须写明撤销理由、改动过的登记表应更新审核和审定。加 --public 时只检查公示内容。"""
    if public:
        if base is not None:
            raise UsageError(
                "--public 和 --base 不能同时使用", hint="分两步运行：lzfk check --base origin/main，再 lzfk check --public"
            )
        from lianzheng_cli.cli.public import check_public

        return check_public(directory or Path.cwd(), resolve(output_format.value), summary)
    if base is None:
        raise UsageError(
            "请用 --base 指定对照的版本", hint="如 lzfk check --base origin/main；只检查公示内容时用 lzfk check --public"
        )
    from lianzheng_cli.history.compare import ensure_history, open_source
    from lianzheng_cli.merge_check import run_check
    from lianzheng_cli.reporters import check_report
    from lianzheng_cli.repository import require_repository
    from lianzheng_cli.results import exit_code

    source = open_source(require_repository(directory or Path.cwd()))
    with source.repo:
        if deepen:
            _notes(ensure_history(source.repo, deepen=True, wanted=[base]))
        result = run_check(source, base, use_cache=not no_cache)
    name = resolve(output_format.value)
    check_report.report(result, name, stdout_for(is_machine(name)))
    _write_summary(summary, lambda: check_report.check_markdown(result), lambda: check_report.step_summary(result, name))
    view = check_report.check_view(result)
    return exit_code(view, strict=strict)
