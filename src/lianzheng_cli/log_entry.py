"""``lzfk log`` without the command-line framework, for output to a file or a pipe.

Run from ``entry.py`` before typer, rich and (when the report is replayed) pydantic are
imported: the arguments are recognised exactly or the full path takes over, and any run that
stops with an error goes to the full path too, which reports it (cli/boundary.py). A report
made by either path is kept (``history.replay``), so the next identical run only asks git
which commit the revision is and prints it. On a terminal the full path prints in colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lianzheng_cli.history.source import Source

_VALUE_OPTIONS = {
    "--rev": "rev",
    "-r": "rev",
    "--format": "format",
    "-f": "format",
    "--directory": "directory",
    "-C": "directory",
}
_FORMATS = ("text", "markdown", "json")  # reporters.log_report.PLAIN_FORMATS, without importing it


@dataclass(frozen=True)
class LogArgs:
    ident: str
    rev: str = "HEAD"
    format: str = "text"
    directory: Path | None = None


def light_log(argv: list[str]) -> int | None:
    """The exit code of a ``log`` run answered here, or None to take the full path."""
    args = parse(argv)
    if args is None:
        return None
    from lianzheng_cli.output import stdout_for, stdout_is_terminal

    if args.format == "text" and stdout_is_terminal():
        return None
    try:
        text = _replayed(args)
        if text is None:
            text = _computed(args)
    except Exception:  # noqa: BLE001 — the full path runs again and reports it (cli/boundary.py)
        return None
    stdout_for(machine=args.format != "text").write(text)
    return 0


def parse(argv: list[str]) -> LogArgs | None:
    if not argv or argv[0] != "log":
        return None
    idents: list[str] = []
    options: dict[str, str] = {}
    rest = iter(argv[1:])
    for arg in rest:
        if arg.startswith("--") and "=" in arg:
            name, value = arg.split("=", 1)
        elif arg in _VALUE_OPTIONS:
            name, value = arg, next(rest, None)  # type: ignore[assignment]
        elif arg.startswith("-"):
            return None  # --help, --deepen, -- …: the full path decides
        else:
            idents.append(arg)
            continue
        if name not in _VALUE_OPTIONS or value is None or _VALUE_OPTIONS[name] in options:
            return None
        options[_VALUE_OPTIONS[name]] = value
    if len(idents) != 1 or options.get("format", "text") not in _FORMATS:
        return None
    directory = options.get("directory")
    return LogArgs(
        idents[0].strip(), options.get("rev", "HEAD"), options.get("format", "text"), Path(directory) if directory else None
    )


def _replayed(args: LogArgs) -> str | None:
    from lianzheng_cli.history.gitio import GitRepo
    from lianzheng_cli.history.replay import replay_log
    from lianzheng_cli.paths import locate_root

    root = locate_root(args.directory or Path.cwd())
    if root is None:
        return None
    with GitRepo(root) as repo:
        return replay_log(root, repo, args.rev, args.ident, args.format)


def _computed(args: LogArgs) -> str:
    from lianzheng_cli.history.compare import ensure_history, open_source
    from lianzheng_cli.repository import require_repository

    source = open_source(require_repository(args.directory or Path.cwd()))
    with source.repo:
        ensure_history(source.repo, deepen=False)
        return report_text(source, args.ident, args.rev, args.format)


def report_text(source: Source, ident: str, rev: str, name: str) -> str:
    """The report of ``lzfk log`` for a file or a pipe, kept for the next identical run."""
    from lianzheng_cli.history.replay import keep_log
    from lianzheng_cli.history.timeline import timeline
    from lianzheng_cli.reporters import log_report
    from lianzheng_cli.repository import config_paths

    source.repo.resolve(rev)
    text = log_report.render(timeline(source, ident, rev), name)
    paths = [path for _, path in config_paths(source.repository.config)]
    keep_log(source.store, source.repository.root, source.repo, rev, ident, name, text, paths)
    return text
