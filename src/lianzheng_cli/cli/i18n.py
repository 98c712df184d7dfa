"""Chinese for the few words typer prints itself: the usage line, panel titles, --help,
type labels, and command-line usage errors; help text that wraps instead of being cut.

typer ships its own copy of click (``typer._click``) with English literals and without
click's gettext calls, so neither click's message catalogue nor rich-click (which
restyles the real click) can reach it. The words are therefore patched on typer's
classes once, each patch tested in tests/test_help.py (a typer upgrade that moves a hook
fails there, not in front of a clerk), and usage errors are re-worded in
``usage_error_message`` by the error boundary in ``cli.run``.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import re
import sys
from typing import Any

HELP_TEXT = "显示本帮助并退出"
_USAGE_WORDS = (("COMMAND [ARGS]...", "命令 [参数]…"), ("[OPTIONS]", "[选项]"), ("...", "…"))
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
    from typer import core as typer_core
    from typer._click import core, formatting

    _patch_usage(formatting.HelpFormatter)
    _patch_help_option(core.Command)
    for param_class in (typer_core.TyperOption, typer_core.TyperArgument):
        _patch_type_label(param_class)
    if "typer.rich_utils" in sys.modules:
        _translate_panels(sys.modules["typer.rich_utils"])
    elif not any(isinstance(finder, _PanelHook) for finder in sys.meta_path):
        # typer imports rich_utils (and with it rich.markdown) only to draw a help screen;
        # translating it on import keeps every other run ~0.1 s faster.
        sys.meta_path.insert(0, _PanelHook())


def _translate_panels(module: Any) -> None:
    for name, value in _PANEL_WORDS.items():
        setattr(module, name, value)
    _patch_folding(module)


def _patch_folding(rich_utils: Any) -> None:
    """rich keeps a "word" whole and cuts it with "…" when it does not fit; Chinese has no spaces,
    so a whole sentence is one word. Folding breaks it at the column edge instead."""
    original = rich_utils._make_rich_text
    if getattr(original, "_lzfk", False):
        return

    def make_rich_text(*args: Any, **kwargs: Any) -> Any:
        rendered = original(*args, **kwargs)
        if hasattr(rendered, "overflow"):
            rendered.overflow = "fold"
        return rendered

    make_rich_text._lzfk = True  # type: ignore[attr-defined]
    rich_utils._make_rich_text = make_rich_text


_TYPE_WORDS = {"str": "文本", "text": "文本", "int": "整数", "int range": "整数", "float": "数字", "path": "路径", "Path": "路径"}


def type_label(shown: str | None) -> str | None:
    """A Chinese type label: <文本>, <整数>, <路径>… for a list; none for a flag; choices as they are."""
    if shown is None or not (shown.startswith("<") and shown.endswith(">")):
        return shown
    inner = shown[1:-1]
    if inner == "bool":
        return None
    if inner.startswith("list[") and inner.endswith("]"):
        element = type_label(f"<{inner[5:-1]}>")
        return f"{element}…" if element else None
    return f"<{_TYPE_WORDS[inner]}>" if inner in _TYPE_WORDS else shown


def _patch_type_label(param_class: Any) -> None:
    original = param_class.display_type_rich
    if getattr(original, "_lzfk", False):
        return

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        return type_label(original(self, ctx))

    display_type_rich._lzfk = True  # type: ignore[attr-defined]
    param_class.display_type_rich = display_type_rich


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
        for english, chinese in _USAGE_WORDS:
            args = args.replace(english, chinese)
        args = re.sub(r"\{([^{}|]+)\}", r"\1", args)  # typer's braces around a required argument
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
        param = exc.param
        if getattr(param, "param_type_name", "") == "argument":
            return f"缺少必填的参数：{param.metavar or param.name}"  # type: ignore[union-attr]
        name = "/".join(getattr(param, "opts", ())) or getattr(param, "name", "") or ""
        return f"缺少必填的选项 {name}"
    if isinstance(exc, click_errors.BadParameter):
        name = "/".join(exc.param.opts) if exc.param is not None else ""
        return f"参数 {name} 的值无效：{_choice_message(str(exc.message))}"
    if "Got unexpected extra argument" in str(exc.message):
        return "多余的参数：" + str(exc.message).split("(")[-1].rstrip(")")
    message = str(exc.message)
    unknown = re.match(r"No such command '([^']*)'\.(?: Did you mean '([^']*)'\?)?", message)
    if unknown:
        near = f"（是不是 {unknown.group(2)}？）" if unknown.group(2) else ""
        return f"没有这个命令：{unknown.group(1)}{near}"
    for pattern, chinese in _USAGE_MESSAGES:
        found = re.match(pattern, message)
        if found:
            return chinese.format(*found.groups())
    return str(exc.format_message())


_USAGE_MESSAGES = (
    (r"Option '([^']*)' requires an argument\.?", "选项 {} 后面要写一个值"),
    (r"Option '([^']*)' requires (\d+) arguments\.?", "选项 {} 后面要写 {} 个值"),
    (r"Option '([^']*)' does not take a value\.?", "选项 {} 不带值"),
    (r"Missing command\.?", "缺少命令"),
    (r"Missing argument '([^']*)'\.?", "缺少必填的参数 {}"),
    (r"Missing option '([^']*)'\.?", "缺少必填的选项 {}"),
)
