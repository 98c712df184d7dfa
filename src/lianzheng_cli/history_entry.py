"""``lzfk log``, ``lzfk diff`` and ``lzfk audit`` without the command-line framework, for output
to a file or a pipe.

Run from ``entry.py`` before typer and rich are imported: the arguments are recognised exactly
or the full path takes over, and any run that stops with an error goes to the full path too,
which reports it (cli/boundary.py). Only what needs no terminal is answered here: ``log`` as
text, Markdown or JSON; ``diff`` and ``audit`` in the machine formats. A ``log`` report made by
either path is kept (``history.replay``), so the next identical run only asks git which commit
the revision is and prints it, without importing the parsers or pydantic.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lianzheng_cli.errors import ExitCode
from lianzheng_cli.light_args import options

if TYPE_CHECKING:
    from lianzheng_cli.history.compare import Comparison
    from lianzheng_cli.history.source import Source

_FORMAT = {"--format": "format", "-f": "format"}
_DIRECTORY = {"--directory": "directory", "-C": "directory"}
_REV = {"--rev": "rev", "-r": "rev"}
_LOG_OPTIONS = {**_REV, **_FORMAT, **_DIRECTORY}
_DIFF_OPTIONS = {"--year": "year", "-y": "year", **_FORMAT, **_DIRECTORY}
_AUDIT_OPTIONS = {**_FORMAT, "--date": "date", "--days": "days", **_REV, **_DIRECTORY}
_FORMATS = ("text", "markdown", "json")  # reporters.log_report.PLAIN_FORMATS, without importing it
_DIFF_FORMATS = ("text", "markdown", "json")  # text off a terminal only (laid out by rich there); docx needs the renderer
_AUDIT_FORMATS = ("json", "markdown", "plain", "gitlab", "junit", "sarif")  # not text, not github (step summary)


@dataclass(frozen=True)
class LogArgs:
    ident: str
    rev: str = "HEAD"
    format: str = "text"
    directory: Path | None = None


def light_history(argv: list[str]) -> int | None:
    """The exit code of a history command answered here, or None to take the full path."""
    run = _COMMANDS.get(argv[0]) if argv else None
    if run is None:
        return None
    try:
        return run(argv[1:])
    except Exception:  # noqa: BLE001 — the full path runs again and reports it (cli/boundary.py)
        return None


def _directory(found: dict[str, list[str]]) -> Path:
    return Path(found["directory"][0]) if "directory" in found else Path.cwd()


# -- log ------------------------------------------------------------------------------


def parse(argv: list[str]) -> LogArgs | None:
    """``log`` arguments, or None for the full path."""
    if not argv or argv[0] != "log":
        return None
    parsed = options(argv[1:], _LOG_OPTIONS)
    if parsed is None or len(parsed[0]) != 1:
        return None
    idents, found = parsed
    name = found.get("format", ["text"])[0]
    if name not in _FORMATS:
        return None
    directory = found["directory"][0] if "directory" in found else None
    return LogArgs(idents[0].strip(), found.get("rev", ["HEAD"])[0], name, Path(directory) if directory else None)


def _log(args: list[str]) -> int | None:
    parsed = parse(["log", *args])
    if parsed is None:
        return None
    from lianzheng_cli.output import stdout_for, stdout_is_terminal

    if parsed.format == "text" and stdout_is_terminal():
        return None
    text = _replayed(parsed)
    if text is None:
        text = _computed(parsed)
    stdout_for(machine=parsed.format != "text").write(text)
    return ExitCode.OK


def _replayed(args: LogArgs) -> str | None:
    from lianzheng_cli.history.gitio import GitRepo
    from lianzheng_cli.history.replay import log_parts, replay
    from lianzheng_cli.paths import locate_root

    root = locate_root(args.directory or Path.cwd())
    if root is None:
        return None
    with GitRepo(root) as repo:
        parts = log_parts(repo, args.rev, args.ident, args.format)
        return replay(root, repo, parts) if parts is not None else None


def _computed(args: LogArgs) -> str:
    from lianzheng_cli.history.compare import ensure_history, open_source
    from lianzheng_cli.repository import require_repository

    source = open_source(require_repository(args.directory or Path.cwd()))
    with source.repo:
        ensure_history(source.repo, deepen=False)
        return report_text(source, args.ident, args.rev, args.format)


def report_text(source: Source, ident: str, rev: str, name: str) -> str:
    """The report of ``lzfk log`` for a file or a pipe, kept for the next identical run."""
    from lianzheng_cli.history.replay import log_parts
    from lianzheng_cli.history.timeline import timeline
    from lianzheng_cli.reporters import log_report

    source.repo.resolve(rev)
    text = log_report.render(timeline(source, ident, rev), name)
    _keep(source, log_parts(source.repo, rev, ident, name), text)
    return text


def _keep(source: Source, parts: list[str] | None, text: str) -> None:
    from lianzheng_cli.history.replay import keep
    from lianzheng_cli.repository import config_paths

    if parts is not None:
        paths = [path for _, path in config_paths(source.repository.config)]
        keep(source.store, source.repository.root, source.repo, parts, text, paths)


# -- diff and audit ------------------------------------------------------------------------


def _diff(args: list[str]) -> int | None:
    parsed = options(args, _DIFF_OPTIONS, frozenset({"year"}))
    if parsed is None:
        return None
    revisions, found = parsed
    name = found.get("format", ["text"])[0]
    years = found.get("year", [])
    if name not in _DIFF_FORMATS or not all(year.strip().isdigit() for year in years):
        return None
    from lianzheng_cli.output import stdout_for, unstyled

    if name == "text" and not unstyled(sys.stdout):
        return None
    report = _diff_report(_directory(found), revisions, [int(year) for year in years], name)
    if isinstance(report, str):
        stdout_for(machine=name != "text").write(report)
    else:
        from lianzheng_cli.reporters import diff_report

        diff_report.write_plain(report, stdout_for(machine=False))
    return ExitCode.OK


def _diff_report(directory: Path, revisions: list[str], years: list[int], name: str) -> str | Comparison:
    """The report of ``lzfk diff`` for a file or a pipe, replayed when an identical run kept it; or
    the comparison, when its text needs rich's console to be written."""
    from lianzheng_cli.history.endpoints import sides
    from lianzheng_cli.history.gitio import GitRepo
    from lianzheng_cli.history.replay import diff_parts, replay
    from lianzheng_cli.paths import locate_root

    root = locate_root(directory)
    if root is not None:
        with GitRepo(root) as repo:
            parts = diff_parts(repo, *sides(repo, revisions, years), name)
            text = replay(root, repo, parts) if parts is not None else None
        if text is not None:
            return text
    return _diff_computed(directory, revisions, years, name)


def _diff_computed(directory: Path, revisions: list[str], years: list[int], name: str) -> str | Comparison:
    import io

    from lianzheng_cli.history.compare import compare, open_source
    from lianzheng_cli.history.endpoints import endpoints
    from lianzheng_cli.history.replay import diff_parts
    from lianzheng_cli.reporters import diff_report
    from lianzheng_cli.repository import require_repository

    source = open_source(require_repository(directory))
    with source.repo:
        old, new = endpoints(source.repo, revisions, years)
        comparison = compare(source, old, new, whole_registers=False)
        if name == "text":  # the plain lines the full path's console writes to a file or pipe
            buffer = io.StringIO()
            if not diff_report.write_plain(comparison, buffer):
                return comparison
            text = buffer.getvalue()
        else:
            text = diff_report.markdown(comparison) if name == "markdown" else diff_report.to_json(comparison)
        parts = diff_parts(source.repo, old.side(), new.side(), name) if source.complete else None
        _keep(source, parts, text)
    return text


def _audit(args: list[str]) -> int | None:
    parsed = options(args, _AUDIT_OPTIONS)
    if parsed is None or parsed[0] or os.environ.get("GITHUB_STEP_SUMMARY"):
        return None
    found = parsed[1]
    from lianzheng_cli.reporters import resolve

    name = resolve(found.get("format", ["auto"])[0]) if found.get("format", ["auto"])[0] in ("auto", *_AUDIT_FORMATS) else ""
    days = found.get("days", [""])[0]
    if name not in _AUDIT_FORMATS or (days and (not days.strip().isdigit() or int(days) < 1)):
        return None
    from lianzheng_cli.findings import Severity
    from lianzheng_cli.history.audit import audit, parse_day
    from lianzheng_cli.history.compare import ensure_history, open_source
    from lianzheng_cli.output import stdout_for
    from lianzheng_cli.reporters import audit_report, is_machine
    from lianzheng_cli.repository import require_repository

    day = parse_day(found.get("date", [None])[0])
    source = open_source(require_repository(_directory(found)))
    with source.repo:
        ensure_history(source.repo, deepen=False)
        result = audit(source, as_of=day, period_days=int(days) if days else None, rev=found.get("rev", ["HEAD"])[0])
    audit_report.report(result, source.repository.root, name, stdout_for(is_machine(name)))
    return ExitCode.FINDINGS if any(f.severity >= Severity.WARNING for f in result.findings) else ExitCode.OK


_COMMANDS: dict[str, Callable[[list[str]], int | None]] = {"log": _log, "diff": _diff, "audit": _audit}
