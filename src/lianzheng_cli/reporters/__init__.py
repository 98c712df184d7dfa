"""Every output format, in one registry: the commands' ``--format`` choices and help derive from it.

A findings reporter writes one ValidationResult to a stream; ``validate``, ``check`` and
``audit`` share them. The history reports (diff, log, audit, check) live beside them in
``*_report.py``. Reporter modules are imported on first use, so a replayed
``lzfk validate`` loads only the one it prints with.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Callable
from dataclasses import dataclass

from lianzheng_cli.output import resolve_format
from lianzheng_cli.results import ValidationResult

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: the replay fast path runs before it
if TYPE_CHECKING:
    from typing import TextIO

Reporter = Callable[[ValidationResult, "TextIO"], None]

_FINDINGS_COMMANDS = frozenset({"validate", "check", "audit"})
_HISTORY_COMMANDS = frozenset({"diff", "log", "check", "audit"})


@dataclass(frozen=True)
class Format:
    name: str
    help: str
    commands: frozenset[str]
    machine: bool  # read by programs: UTF-8 whenever redirected, paths with "/"


FORMATS: tuple[Format, ...] = (
    Format("auto", "默认，在 GitHub Actions 中用 github，否则用 text", _FINDINGS_COMMANDS, machine=False),
    Format("text", "给人看", _FINDINGS_COMMANDS | _HISTORY_COMMANDS | {"grade"}, machine=False),
    Format("json", "给程序读", _FINDINGS_COMMANDS | _HISTORY_COMMANDS | {"grade"}, machine=True),
    Format("github", "GitHub Actions 注解", _FINDINGS_COMMANDS, machine=True),
    Format("plain", "一行一条 文件:行:列", _FINDINGS_COMMANDS, machine=True),
    Format("gitlab", "GitLab 代码质量报告", _FINDINGS_COMMANDS, machine=True),
    Format("junit", "JUnit XML，Jenkins、Gitea 等读取", _FINDINGS_COMMANDS, machine=True),
    Format("sarif", "SARIF 2.1.0，代码扫描", _FINDINGS_COMMANDS, machine=True),
    Format("markdown", "合并请求评论", _HISTORY_COMMANDS, machine=True),
    Format("docx", "Word 对照表", frozenset({"diff"}), machine=True),
)
_BY_NAME = {f.name: f for f in FORMATS}
# name → module of the findings reporter (each module has ``report(result, out)``)
_FINDINGS_MODULES = {
    "text": "text",
    "json": "json_format",
    "github": "github",
    "plain": "plain",
    "gitlab": "gitlab",
    "junit": "junit",
    "sarif": "sarif",
}
FINDINGS_FORMATS = tuple(_FINDINGS_MODULES)
FORMAT_NAMES = tuple(f.name for f in FORMATS if "validate" in f.commands)


def names(command: str) -> tuple[str, ...]:
    return tuple(f.name for f in FORMATS if command in f.commands)


def choices(command: str) -> type[enum.StrEnum]:
    """The ``--format`` enum of one command."""
    return enum.StrEnum(f"{command.title()}Format", {name: name for name in names(command)})  # type: ignore[return-value]


def help_text(command: str) -> str:
    return "输出格式：" + "；".join(f"{f.name}（{f.help}）" for f in FORMATS if command in f.commands)


def is_machine(name: str) -> bool:
    return _BY_NAME[name].machine


def resolve(name: str) -> str:
    """``auto`` means github annotations inside GitHub Actions, else the text report."""
    return resolve_format(name)


def choose(name: str) -> Reporter:
    module = importlib.import_module(f"lianzheng_cli.reporters.{_FINDINGS_MODULES[resolve(name)]}")
    reporter: Reporter = module.report
    return reporter
