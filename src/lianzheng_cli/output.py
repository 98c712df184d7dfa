"""Where the CLI's output goes: the process streams and the GitHub step-summary file.

Part of the CLI layer, but outside ``cli/`` so that the replay fast path in ``entry.py``
uses it without importing typer. The policy, for every console a clerk may have
(a Chinese Windows console runs code page 936, GBK):

- output for programs (json, github, plain, gitlab, junit, sarif, markdown) is UTF-8
  whenever it is redirected or piped, whatever the console code page;
- output for people keeps the console's encoding and never fails on a character the
  console cannot show: that character becomes ``?``;
- a reader that goes away early (``lzfk validate -f plain | head -1``) ends the run
  quietly, without a traceback (exit code 141, as a shell reports SIGPIPE).
"""

from __future__ import annotations

import io
import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: the replay fast path runs before it
if TYPE_CHECKING:
    from typing import TextIO

    from lianzheng_cli.results import ValidationResult

BROKEN_PIPE_EXIT = 141


def prepare_streams() -> None:
    """Text on stdout and stderr never raises UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="replace")


def stdout_for(machine: bool) -> TextIO:
    """sys.stdout, switched to UTF-8 when a program will read it from a file or pipe."""
    stream = sys.stdout
    utf8 = isinstance(stream, io.TextIOWrapper) and stream.encoding.replace("-", "").lower() == "utf8"
    if machine and isinstance(stream, io.TextIOWrapper) and not utf8 and not _is_terminal(stream):
        stream.reconfigure(encoding="utf-8", errors="replace")
    return stream


def stdout_is_terminal() -> bool:
    return _is_terminal(sys.stdout)


# What makes rich style its output even where it is not a terminal.
_STYLE_VARIABLES = ("FORCE_COLOR", "TTY_COMPATIBLE")


def unstyled(stream: TextIO) -> bool:
    """Whether rich would write to stream without styles or layout for a terminal: a file or a
    pipe, and none of the variables that make rich treat one as a terminal."""
    if any(name in os.environ for name in _STYLE_VARIABLES):
        return False
    try:
        return not stream.isatty()
    except (ValueError, OSError):
        return False  # a stream that cannot tell is left to rich


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (ValueError, OSError):
        return False


def quiet_broken_pipe() -> int:
    """After a reader closed our stdout: silence the final flush at exit, return the exit code."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    return BROKEN_PIPE_EXIT


def append_step_summary(markdown: str) -> None:
    """Append to the job summary of GitHub (and Gitea) Actions, when the runner asks for one."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(markdown)


def resolve_format(name: str) -> str:
    """``auto`` means github annotations inside GitHub Actions, else the text report."""
    if name != "auto":
        return name
    in_actions = bool(os.environ.get("GITHUB_ACTIONS")) and bool(os.environ.get("GITHUB_WORKFLOW"))
    return "github" if in_actions else "text"


def emit_findings(result: ValidationResult, format_name: str) -> None:
    """Print a validation result in a findings format; with github, the whole table goes to the step summary."""
    from lianzheng_cli.reporters import choose, is_machine, resolve

    name = resolve(format_name)
    choose(name)(result, stdout_for(is_machine(name)))
    if name == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        from lianzheng_cli.reporters.markdown import findings_summary

        append_step_summary(findings_summary(result))
