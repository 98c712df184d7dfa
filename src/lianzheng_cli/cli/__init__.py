"""The command-line shell: parse options, call the core, report, return an exit code."""

from __future__ import annotations

import sys
from typing import Annotated

from lianzheng_cli.cli import i18n

i18n.install()

import typer  # noqa: E402  (after the translation hook, so typer's constants are Chinese)
from rich.text import Text  # noqa: E402

from lianzheng_cli import __version__  # noqa: E402
from lianzheng_cli.cli import export_tables, export_xlsx  # noqa: E402, F401  (they register their export commands)
from lianzheng_cli.cli.boundary import err_console  # noqa: E402
from lianzheng_cli.cli.documents import build_command, report_app, templates_app  # noqa: E402
from lianzheng_cli.cli.export import export_app  # noqa: E402
from lianzheng_cli.cli.grade import grade_command  # noqa: E402
from lianzheng_cli.cli.history import audit_command, check_command, diff_command, log_command  # noqa: E402
from lianzheng_cli.cli.i18n import usage_error_message  # noqa: E402
from lianzheng_cli.cli.importing import import_command  # noqa: E402
from lianzheng_cli.cli.rollup import rollup_command  # noqa: E402
from lianzheng_cli.cli.tools import fix_encoding_command, init_command, schema_command  # noqa: E402
from lianzheng_cli.cli.validate import validate_command  # noqa: E402
from lianzheng_cli.errors import ExitCode  # noqa: E402

app = typer.Typer(
    name="lzfk",
    help="lzfk：廉政风险防控登记库工具。把岗位、科室、单位的廉政风险登记表作为文本保存在 git 中，检查、评级并生成正式文档。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"lzfk {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_show_version, is_eager=True, help="显示版本并退出")
    ] = False,
) -> None:
    """lzfk：廉政风险防控登记库工具。"""


app.command("validate")(validate_command)
app.command("schema")(schema_command)
app.command("init")(init_command)
app.command("fix-encoding")(fix_encoding_command)
app.command("grade")(grade_command)
app.command("diff")(diff_command)
app.command("log")(log_command)
app.command("audit")(audit_command)
app.command("check")(check_command)
app.command("build")(build_command)
app.command("rollup")(rollup_command)
app.command("import")(import_command)
app.add_typer(report_app, name="report")
app.add_typer(templates_app, name="templates")
app.add_typer(export_app, name="export")


def main() -> None:
    sys.exit(run())


def run(args: list[str] | None = None) -> int:
    """Run the app; usage errors are reported here, in Chinese, with exit code 2."""
    from typer._click import exceptions as click_errors

    try:
        code = app(args=args, prog_name="lzfk", standalone_mode=False)
    except click_errors.NoArgsIsHelpError:
        return int(ExitCode.USAGE)  # the help screen was shown; nothing more to say
    except click_errors.UsageError as exc:
        err_console.print(Text("错误：", style="bold red") + Text(usage_error_message(exc)))
        command = exc.ctx.command_path if exc.ctx is not None else "lzfk"
        err_console.print(Text(f"运行 {command} --help 查看用法", style="dim"))
        return int(ExitCode.USAGE)
    except (typer.Abort, KeyboardInterrupt):
        return 130
    return int(code or 0)
