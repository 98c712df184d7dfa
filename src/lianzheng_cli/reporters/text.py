"""The default report for people: findings grouped by file, each with its source line."""

from __future__ import annotations

from itertools import groupby

from lianzheng_cli.findings import Finding, Severity
from lianzheng_cli.loader.raw import read_bytes
from lianzheng_cli.output import unstyled
from lianzheng_cli.printable import visible
from lianzheng_cli.reporters.common import native_path, summary_sentence
from lianzheng_cli.results import ValidationResult

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: the replay fast path prints with this module
if TYPE_CHECKING:
    from typing import TextIO

    from rich.console import Console

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def report(result: ValidationResult, out: TextIO) -> None:
    if not result.findings and unstyled(out):
        # A clean run into a file or pipe is one plain line: what rich would write, without
        # its ~25 ms import (the pre-commit hook and the cached runs print just this).
        out.write(summary_sentence(result.summary) + "\n")
        return
    _report(result, out)


def _report(result: ValidationResult, out: TextIO) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=out, highlight=False, soft_wrap=True)
    for path, group in groupby(result.findings, key=lambda f: f.path):
        console.print(Text(visible(native_path(path)), style="bold underline"))
        lines = _source_lines(result, path)
        for finding in group:
            _print_finding(console, finding, lines)
        console.print()
    style = "bold red" if result.summary.errors else "yellow" if result.summary.warnings else "green"
    console.print(Text(summary_sentence(result.summary), style=style))


def _source_lines(result: ValidationResult, path: str) -> list[str]:
    from lianzheng_cli.loader.decode import SourceText, decode_source
    from lianzheng_cli.loader.markdown import split_lines

    try:
        data, _ = read_bytes(result.root / path, result.root)
    except OSError:
        return []
    source = decode_source(data, path)
    return split_lines(source.text) if isinstance(source, SourceText) else []


def _print_finding(console: Console, finding: Finding, lines: list[str]) -> None:
    from rich.cells import cell_len
    from rich.text import Text

    head = Text("  ")
    head.append(f"{finding.line}:{finding.column}".ljust(8))
    head.append(finding.severity.label, style=_STYLE[finding.severity])
    head.append(f"  {finding.code}  ", style="dim")
    head.append(visible(finding.message))
    console.print(head)
    if 0 < finding.line <= len(lines):
        source = lines[finding.line - 1].rstrip("\r\n")
        gutter = f"{finding.line:>6} │ "
        console.print(Text(gutter, style="dim") + Text(visible(source)))
        caret_at = cell_len(visible(source[: max(finding.column - 1, 0)]))
        console.print(
            Text(" " * (len(gutter) - 2) + "│ " + " " * caret_at, style="dim") + Text("^", style=_STYLE[finding.severity])
        )
    if finding.hint:
        console.print(Text("          提示：", style="green") + Text(visible(finding.hint)))
