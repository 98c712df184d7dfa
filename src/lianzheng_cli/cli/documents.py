"""``lzfk build``, ``lzfk report progress`` and ``lzfk templates``.

The Word, Jinja and graphviz code is imported inside the commands, so that ``lzfk
validate`` never loads it.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.text import Text

from lianzheng_cli.cli.boundary import command
from lianzheng_cli.errors import ExitCode, UsageError
from lianzheng_cli.findings import Finding, Severity
from lianzheng_cli.progress_bar import progress_bar, spinner

if TYPE_CHECKING:
    from lianzheng_cli.loading import LoadedRepository
    from lianzheng_cli.render.assemble import Unit

console = Console(highlight=False, soft_wrap=True)
SHOWN_FINDINGS = 20


class OutputFormat(enum.StrEnum):
    docx = "docx"
    md = "md"
    html = "html"


class Edition(enum.StrEnum):
    internal = "internal"
    public = "public"


class DocumentKind(enum.StrEnum):
    handbook = "handbook"
    forms = "forms"
    tables = "tables"


OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="输出目录，默认为登记库根目录（lzfk.yaml 所在处）下的 out/", show_default=False)
]
DEFAULT_OUT = "out"
FormatOpt = Annotated[
    list[OutputFormat] | None,
    typer.Option("--format", "-f", help="输出格式，可重复：docx（Word）、md（Markdown，供合并请求审阅）、html；默认三种都生成"),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="进展情况表的截止日期，写成 YYYY-MM-DD；默认今天，往年的登记表默认该年 12 月 31 日"),
]


def _as_of(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of 的日期“{text}”无效", hint="写成 YYYY-MM-DD，如 2025-06-25") from None


def _show(findings: list[Finding]) -> None:
    for finding in findings[:SHOWN_FINDINGS]:
        style = "red" if finding.severity is Severity.ERROR else "yellow"
        console.print(
            Text(f"{finding.path}:{finding.line}:{finding.column}: ", style="bold")
            + Text(f"{finding.severity.label} {finding.code} {finding.message}", style=style)
        )
    if len(findings) > SHOWN_FINDINGS:
        console.print(Text(f"……另有 {len(findings) - SHOWN_FINDINGS} 条，运行 lzfk validate 查看全部", style="dim"))


def _near(path: Path) -> Path:
    """A default folder at the repository root, written relative to the working folder when it is inside it."""
    try:
        return Path(os.path.relpath(path, Path.cwd()))
    except ValueError:  # another drive on Windows
        return path


def _checked_source(
    start: Path, *, draft: bool = False, parallel: bool = True, use_cache: bool = False
) -> tuple[LoadedRepository, Unit, list[Finding]] | None:
    """Load and check: final documents are built only from registers that pass lzfk validate;
    a draft (征求意见稿) from whatever can be read, with the errors returned for its list."""
    from lianzheng_cli.loading import load_repository
    from lianzheng_cli.render.assemble import organise
    from lianzheng_cli.repository import open_repository

    repository, config_findings, _ = open_repository(start)
    with spinner("正在读取和检查登记表……"):
        loaded = load_repository(repository, parallel=parallel, cached=use_cache) if repository is not None else None
    errors = config_findings if loaded is None else loaded.errors
    config_failed = loaded is None or loaded.result.config_failed
    if loaded is None or config_failed or (errors and not draft):
        console.print(Text(f"登记表检查发现 {len(errors)} 个错误，未生成文档：", style="bold red"))
        _show(errors)
        console.print(Text("请先修正（lzfk validate 会逐条指出文件、行、列和修改建议），再运行本命令。", style="green"))
        if not config_failed:
            console.print(Text("只想先印发征求意见稿的，可运行 lzfk build --draft：出错之处标为【待补充】，问题清单附后。"))
        return None
    if loaded.ledger.findings:
        console.print(Text("工作台账（台账/）：", style="bold"))
        _show(loaded.ledger.findings)
    return loaded, organise(loaded), errors


@command
def build_command(
    out: OutOpt = None,
    formats: FormatOpt = None,
    only: Annotated[
        list[DocumentKind] | None,
        typer.Option(
            "--only",
            help="只生成：handbook（工作手册）、forms（各岗位、科室、单位的防控表和提示书）、tables（目录、权力清单、进展情况表）",
        ),
    ] = None,
    as_of: AsOfOpt = None,
    static_toc: Annotated[
        bool,
        typer.Option("--static-toc", help="手册目录不用 Word 目录域，页码由 LibreOffice/WPS 排版时计算（见 docs/documents.md）"),
    ] = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            help="并行的工作进程数；不写或写 0 时自动决定（最多 2 个），写 1 时全部在一个进程中完成",
            show_default=False,
        ),
    ] = 0,
    edition: Annotated[
        Edition,
        typer.Option(
            "--edition",
            help="internal（默认，内部文档）或 public（公示版：公示网站和公示一览表，写入 输出目录/公示/，不含人名，见 docs/public.md）",
        ),
    ] = Edition.internal,
    require_approved: Annotated[
        bool,
        typer.Option("--require-approved", help="登记表有未审定或审定后又修改的，不生成正式文本"),
    ] = False,
    draft: Annotated[
        bool,
        typer.Option("--draft", help="生成征求意见稿：登记表有错误也生成，每页标“征求意见稿”，缺的内容标【待补充】，附问题清单"),
    ] = False,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="每个 Word 文件旁再生成 PDF（需要 LibreOffice，一次调用转换全部文件）")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="全部文档重新生成（不跳过未变的文档），并更新生成记录")] = False,
    no_cache: Annotated[
        bool,
        typer.Option("--no-cache", help="不使用也不更新缓存（.lzfk_cache/）：全部文档重新生成，流程图也重新绘制"),
    ] = False,
) -> int:
    """从登记表生成正式文档：各岗位、科室、单位的廉政风险防控表，提示书，风险点目录，部门权力清单，进展情况表和工作手册。"""
    from lianzheng_cli.render.assemble import unapproved
    from lianzheng_cli.render.build import DOCUMENT_KINDS, FORMATS, BuildOptions, build

    if edition is Edition.public and (formats or only or static_toc or as_of or draft):
        raise UsageError("--edition public 生成公示网站和公示一览表，不与 --format、--only、--static-toc、--as-of、--draft 同用")
    checked = _checked_source(Path.cwd(), draft=draft, parallel=jobs != 1, use_cache=not no_cache)
    if checked is None:
        return ExitCode.FINDINGS
    loaded, unit, open_findings = checked
    out = out if out is not None else _near(loaded.root / DEFAULT_OUT)
    if edition is Edition.public:  # the 公示 edition has its own pipeline (cli/public.py)
        from lianzheng_cli.cli.public import build_public

        return build_public(loaded, unit, out, pdf=True)
    if require_approved and not draft and (pending := unapproved(unit)):
        console.print(
            Text(f"有 {len(pending)} 份登记表未审定或审定后又修改，未生成正式文本（--require-approved）：", style="bold red")
        )
        for line in pending[:SHOWN_FINDINGS]:
            console.print(f"  {line}")
        console.print(Text("审定后填写“审定”的意见、签字和日期；lzfk audit 列出审定后的每次修改。", style="green"))
        return ExitCode.FINDINGS
    with progress_bar(min_items=20) as hook:
        options = BuildOptions(
            out=out,
            formats=tuple(f.value for f in formats) if formats else FORMATS,
            as_of=_as_of(as_of),
            jobs=jobs,
            documents=frozenset(kind.value for kind in only) if only else frozenset(DOCUMENT_KINDS),
            static_toc=static_toc,
            draft=draft,
            open_problems=tuple(f"{f.path}:{f.line}:{f.column}：{f.message}（{f.hint}）" for f in open_findings),
            pdf=pdf,
            progress=hook,
            use_cache=not no_cache,
            force=force,
        )
        result = build(unit, loaded.ledger, loaded.root, options)
    for problem in result.problems:
        console.print(Text("注意：", style="bold yellow") + Text(problem))
    counts = result.counts
    console.print(
        f"已生成 {len(result.written)} 个文件到 {out}/：{counts['posts']} 个岗位、{counts['departments']} 个科室，"
        f"{counts['risks']} 个风险点、{counts['measures']} 条防控措施，{counts['flowcharts']} 张流程图"
    )
    if result.unchanged:
        console.print(Text(f"其中 {result.unchanged} 个文件的内容来源没有变化，未重新生成（--force 全部重新生成）", style="dim"))
    if result.pdf_fonts:
        console.print(f"PDF 中嵌入的字体：{'、'.join(result.pdf_fonts)}")
    if result.pdf_substitutes:
        replaced = "、".join(f"{family} → {face}" for family, face in result.pdf_substitutes)
        console.print(
            f"本机没有这些字体，PDF 中用替代字体：{replaced}（正式印发前请安装公文字体，见 docs/documents.md 的“字体”）"
        )
    if result.removed:
        console.print(Text(f"已删除上次生成、本次不再生成的 {len(result.removed)} 个文件", style="dim"))
    if draft:
        console.print(
            Text(f"这是征求意见稿：每页已标注，{len(open_findings)} 个待解决问题见 {out}/征求意见稿待解决问题", style="yellow")
        )
    return ExitCode.OK


report_app = typer.Typer(help="报表：进展情况表等", no_args_is_help=True)


@report_app.command("progress")
@command
def progress_command(
    as_of: AsOfOpt = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="同时把进展情况表写入此目录（docx、md、html）")] = None,
    formats: FormatOpt = None,
) -> int:
    """进展情况表（29 项）：能从登记表统计的项目由登记表统计，其余（预警、教育、检查、处理等）取自工作台账。"""
    from lianzheng_cli.render.build import FORMATS, Renderer, write_progress
    from lianzheng_cli.render.progress import progress_view

    checked = _checked_source(Path.cwd())
    if checked is None:
        return ExitCode.FINDINGS
    loaded, unit, _ = checked
    view = progress_view(unit, loaded.ledger, _as_of(as_of))
    console.print(Text(f"廉政风险防控机制建设工作进展情况表（{view['单位']}，截至{view['截止日期文字']}）", style="bold"))
    for item in view["项目"]:
        console.print(f"{item['序号']:>2}. {item['内容']}：{item['值']}" + f"　[{item['来源']}]", markup=False)
    for note in view["说明"]:
        console.print(Text(note, style="dim"))
    if out is not None:
        renderer = Renderer(loaded.root)
        written = list(write_progress(renderer, view, out, tuple(f.value for f in formats) if formats else FORMATS))
        for path in written:
            console.print(f"已写入 {path}")
    return ExitCode.OK


templates_app = typer.Typer(help="模板：导出内置模板供本单位修改，检查模板", no_args_is_help=True)


@templates_app.command("export")
@command
def templates_export_command(
    names: Annotated[list[str] | None, typer.Argument(help="只导出这些模板（文件名），默认全部", show_default=False)] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="导出到的目录，默认为登记库根目录下的 templates/", show_default=False)
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False,
) -> int:
    """把内置模板复制到 templates/ 供本单位修改；templates/ 中的同名文件会替代内置模板。"""
    from lianzheng_cli.paths import locate_root
    from lianzheng_cli.render.jinja_env import USER_DIR
    from lianzheng_cli.render.templates import export

    root = locate_root(Path.cwd())
    exported = export(out if out is not None else _near((root or Path.cwd()) / USER_DIR), names or None, force=force)
    for path in exported.written:
        console.print(f"已导出 {path}")
    for path in exported.skipped:
        console.print(Text(f"已存在，未覆盖 {path}（加 --force 覆盖）", style="yellow"))
    if exported.unknown:
        raise UsageError(f"没有这些内置模板：{'、'.join(exported.unknown)}", hint="运行 lzfk templates list 查看全部模板")
    return ExitCode.OK


@templates_app.command("list")
@command
def templates_list_command() -> int:
    """列出全部模板，并标明哪些已被本单位的 templates/ 替代。"""
    from lianzheng_cli.render.templates import listing
    from lianzheng_cli.repository import find_root

    for name, overridden in listing(find_root(Path.cwd())):
        console.print(f"{name}" + ("　（本单位 templates/ 中的版本）" if overridden else ""), markup=False)
    return ExitCode.OK


@templates_app.command("check")
@command
def templates_check_command() -> int:
    """用本登记库的数据试渲染每个模板，报告模板的语法错误和用错的字段（指出模板名和行）。"""
    from lianzheng_cli.render.templates import check

    checked = _checked_source(Path.cwd())
    if checked is None:
        return ExitCode.FINDINGS
    loaded, unit, _ = checked
    problems = check(loaded.root, unit, loaded.ledger)
    for problem in problems:
        console.print(Text("错误：", style="bold red") + Text(problem))
    if not problems:
        console.print(Text("全部模板都能正常生成", style="green"))
    return ExitCode.FINDINGS if problems else ExitCode.OK
