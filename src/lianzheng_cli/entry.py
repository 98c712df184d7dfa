"""The ``lzfk`` executable: a replay fast path first, then a direct validate, then the full command line.

``lzfk log``, ``diff`` and ``audit`` for a file or a pipe have their own light path (``history_entry``),
tried before the full one.

``lzfk validate`` on an unchanged repository is answered from the run cache without
importing typer, pydantic or the parsers (~0.1 s instead of ~0.3 s), first by
``quick_replay`` (the lightest standard-library modules only), then by ``cache.replay``. Any other
``lzfk validate`` run whose arguments are recognised exactly (the pre-commit hook's
``lzfk validate FILE…``, a run after a few edits) calls the core directly, without typer
or rich (~0.1 s of imports). Anything else, and any run that stops with an error, goes to
the full typer application, which also handles --help, errors and every other command.
"""

from __future__ import annotations

import os
import sys

_VALUE_OPTIONS = {"--format": "format", "-f": "format"}
_FLAGS = {"--strict": "strict"}
# Understood by the direct run only: a replay never answers them.
_DIRECT_VALUE_OPTIONS = {"--jobs": "jobs", "-j": "jobs"}
_DIRECT_FLAGS = {"--no-cache": "no_cache"}


def main() -> None:
    from lianzheng_cli.output import prepare_streams, quiet_broken_pipe

    prepare_streams()
    try:
        code = fast_validate(sys.argv[1:])
        if code is None:
            code = direct_validate(sys.argv[1:])
        if code is None:
            from lianzheng_cli.history_entry import light_history

            code = light_history(sys.argv[1:])
        if code is None:
            from lianzheng_cli.cli import run

            code = run()
        sys.stdout.flush()
    except BrokenPipeError:
        code = quiet_broken_pipe()
    except KeyboardInterrupt:
        code = 130  # as cli/boundary.py answers it
    sys.exit(code)


def fast_validate(argv: list[str]) -> int | None:
    """The exit code of a replayed ``validate`` run, or None to take the full path."""
    parsed = _parse(argv)
    if parsed is None:
        return None
    paths, options = parsed
    from lianzheng_cli import quick_replay

    start = paths[0] if paths else os.getcwd()
    targets = quick_replay.targets_key(paths or None)
    name = options.get("format", "auto")
    hit = quick_replay.replay(start, targets)
    if hit is not None:
        sentence, sealed = hit
        from lianzheng_cli.output import resolve_format, stdout_for, unstyled

        if sentence is not None and resolve_format(name) == "text" and unstyled(sys.stdout):
            # A clean run into a file or pipe: the one line reporters.text writes for it, exit 0.
            stdout_for(machine=False).write(sentence + "\n")
            return 0
    from pathlib import Path

    from lianzheng_cli import cache

    # A quick miss leaves its walk to cache.replay, which can still answer (a file touched but
    # not changed, one changed too recently to tell by its stamp: both read and compared).
    result = cache.replayed_result(sealed) if hit is not None else cache.replay(Path(start), targets)
    if result is None:
        return None
    from lianzheng_cli.output import emit_findings
    from lianzheng_cli.reporters import FORMAT_NAMES
    from lianzheng_cli.results import exit_code

    if name not in FORMAT_NAMES:
        return None
    emit_findings(result, name)
    return exit_code(result, strict="strict" in options)


def direct_validate(argv: list[str]) -> int | None:
    """The exit code of a ``validate`` run made without the command-line framework, or None
    to take the full path (which then reports whatever stopped this one)."""
    parsed = _parse(argv, direct=True)
    if parsed is None:
        return None
    from pathlib import Path

    paths, options = [Path(path) for path in parsed[0]], parsed[1]
    from lianzheng_cli.reporters import FORMAT_NAMES

    name = options.get("format", "auto")
    jobs = options.get("jobs", "0")
    if name not in FORMAT_NAMES or not jobs.isdigit():
        return None
    from lianzheng_cli.output import emit_findings
    from lianzheng_cli.progress_bar import progress_bar
    from lianzheng_cli.results import exit_code
    from lianzheng_cli.validation import validate

    start = paths[0] if paths else Path.cwd()
    try:
        with progress_bar() as hook:
            result = validate(start, paths or None, use_cache="no_cache" not in options, jobs=int(jobs), progress=hook)
    except Exception:  # noqa: BLE001 — the full path runs again and reports it (cli/boundary.py)
        return None
    emit_findings(result, name)
    return exit_code(result, strict="strict" in options)


def _parse(argv: list[str], *, direct: bool = False) -> tuple[list[str], dict[str, str]] | None:
    if not argv or argv[0] != "validate":
        return None
    from lianzheng_cli.light_args import options as read_options

    values = {**_VALUE_OPTIONS, **_DIRECT_VALUE_OPTIONS} if direct else _VALUE_OPTIONS
    flags = {**_FLAGS, **_DIRECT_FLAGS} if direct else _FLAGS
    parsed = read_options(argv[1:], values, flags=flags)
    if parsed is None:
        return None
    positional, found = parsed
    if any(not os.path.exists(arg) for arg in positional):
        return None
    return positional, {name: given[-1] for name, given in found.items()}
