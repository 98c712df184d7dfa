"""The one place where errors become messages and exit codes."""

from __future__ import annotations

import functools
import json
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from lianzheng_cli.errors import ExitCode, LzfkError
from lianzheng_cli.output import quiet_broken_pipe

F = TypeVar("F", bound=Callable[..., int])
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def command(func: F) -> F:
    """Run a command function; map its result or error to an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> int:
        chosen = kwargs.get("output_format")
        wants_json = getattr(chosen, "value", chosen) == "json"
        try:
            code = func(*args, **kwargs)
        except LzfkError as exc:
            show_error(exc)
            if wants_json:
                _json_error(exc.message, exc.hint, exc.exit_code)
            raise typer.Exit(int(exc.exit_code)) from None
        except (typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:  # the reader stopped reading (| head): not a crash
            raise typer.Exit(quiet_broken_pipe()) from None
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        except Exception:  # noqa: BLE001 — the last resort: never a traceback on screen
            log = _write_crash_log()
            message = f"lzfk 内部错误（这不是您的文件的问题）。详细信息已写入 {log}，请把它发给维护者。"
            err_console.print(Text(message, style="bold red"))
            if wants_json:
                _json_error(message, "", ExitCode.INTERNAL)
            raise typer.Exit(int(ExitCode.INTERNAL)) from None
        raise typer.Exit(int(code))

    return wrapper  # type: ignore[return-value]


def _json_error(message: str, hint: str, exit_code: int) -> None:
    """With --format json, stdout always holds one JSON document, also when the run stopped."""
    document = {"error": {"message": message, "hint": hint, "exit_code": int(exit_code)}, "findings": []}
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def show_error(exc: LzfkError) -> None:
    err_console.print(Text("错误：", style="bold red") + Text(exc.message))
    if exc.hint:
        err_console.print(Text("提示：", style="green") + Text(exc.hint))


def _write_crash_log() -> Path:
    with tempfile.NamedTemporaryFile("w", prefix="lzfk-crash-", suffix=".log", delete=False, encoding="utf-8") as handle:
        handle.write(traceback.format_exc())
    return Path(handle.name)
