"""Chinese for the few words typer prints itself: the usage line, panel titles, --help,
and command-line usage errors.

typer ships its own copy of click (``typer._click``) with English literals, so the
help-screen words are patched on its classes once, and usage errors are re-worded in
``usage_error_message`` by the error boundary in ``cli.main``.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import re
import sys
from typing import Any

HELP_TEXT = "显示本帮助并退出"
USAGE_PREFIX = "用法："


_PANEL_WORDS = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "DEFAULT_STRING": "[默认：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "ENVVAR_STRING": "[环境变量：{}]",
}


def install() -> None:
    from typer._click import core, formatting

    _patch_usage(formatting.HelpFormatter)
    _patch_help_option(core.Command)
    if "typer.rich_utils" in sys.modules:
        _translate_panels(sys.modules["typer.rich_utils"])
    elif not any(isinstance(finder, _PanelHook) for finder in sys.meta_path):
        # typer imports rich_utils (and with it rich.markdown) only to draw a help screen;
        # translating it on import keeps every other run ~0.1 s faster.
        sys.meta_path.insert(0, _PanelHook())


def _translate_panels(module: Any) -> None:
    for name, value in _PANEL_WORDS.items():
        setattr(module, name, value)


class _PanelHook(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != "typer.rich_utils":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        original = loader.exec_module

        def exec_module(module: Any) -> None:
            original(module)
            _translate_panels(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _patch_usage(formatter: Any) -> None:
    original = formatter.write_usage
    if getattr(original, "_lzfk", False):
        return

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        original(self, prog, args, USAGE_PREFIX if prefix is None else prefix)

    write_usage._lzfk = True  # type: ignore[attr-defined]
    formatter.write_usage = write_usage


def _patch_help_option(command: Any) -> None:
    original = command.get_help_option
    if getattr(original, "_lzfk", False):
        return

    def get_help_option(self: Any, ctx: Any) -> Any:
        option = original(self, ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option

    get_help_option._lzfk = True  # type: ignore[attr-defined]
    command.get_help_option = get_help_option


def _choice_message(message: str) -> str:
    match = re.search(r"'([^']*)' is not one of (.+?)\.?$", message)
    if match is None:
        return message.removeprefix("Value error, ")
    choices = "、".join(part.strip(" '") for part in match.group(2).split(","))
    return f"“{match.group(1)}”不是可选值：{choices}"


def usage_error_message(exc: Any) -> str:
    """A Chinese sentence for a typer/click usage error."""
    from typer._click import exceptions as click_errors

    if isinstance(exc, click_errors.NoSuchOption):
        near = f"（是不是 {'、'.join(sorted(exc.possibilities))}？）" if exc.possibilities else ""
        return f"没有这个选项：{exc.option_name}{near}"
    if isinstance(exc, click_errors.MissingParameter):
        name = "/".join(getattr(exc.param, "opts", ())) or getattr(exc.param, "name", "") or ""
        return f"缺少必填的参数 {name}"
    if isinstance(exc, click_errors.BadParameter):
        name = "/".join(exc.param.opts) if exc.param is not None else ""
        return f"参数 {name} 的值无效：{_choice_message(str(exc.message))}"
    if "Got unexpected extra argument" in str(exc.message):
        return "多余的参数：" + str(exc.message).split("(")[-1].rstrip(")")
    if str(exc.message).startswith("No such command"):
        return "没有这个命令：" + str(exc.message).removeprefix("No such command").strip(" .'")
    return str(exc.format_message())
