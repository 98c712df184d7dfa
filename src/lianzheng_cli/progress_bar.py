"""Progress bars for long commands, on a terminal only: nothing in CI logs, files or pipes.

Usage, for any command whose core takes a ``ProgressHook``::

    with progress_bar() as hook:
        result = long_work(..., progress=hook)

The bar goes to stderr and disappears when the work is done, so the output proper (stdout)
stays what it would be without it. ``spinner(text)`` is the same for work that cannot
count its steps.

Part of the CLI layer, but outside ``cli/`` and importing rich only when a bar is really
shown: ``entry.py`` runs ``lzfk validate`` with it without loading typer or rich.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from lianzheng_cli.work_progress import ProgressHook, no_progress

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

# Below this many items the work is over before a bar would help.
MIN_ITEMS = 200


def showing() -> bool:
    """A person is watching: stderr is a terminal and this is not a CI job (CI=true is set by them all)."""
    if os.environ.get("CI") or os.environ.get("LZFK_NO_PROGRESS"):
        return False
    try:
        return sys.stderr.isatty()
    except (ValueError, OSError):
        return False


@contextmanager
def progress_bar(*, min_items: int = MIN_ITEMS) -> Iterator[ProgressHook]:
    if not showing():
        yield no_progress
        return
    bars: list[Progress] = []
    tasks: dict[str, TaskID] = {}

    def hook(stage: str, done: int, total: int) -> None:
        if total < min_items:
            return
        if not bars:
            bars.append(_started_bar())
        if stage not in tasks:
            tasks[stage] = bars[0].add_task(stage, total=total)
        bars[0].update(tasks[stage], completed=done, total=total)

    try:
        yield hook
    finally:
        if bars:
            bars[0].stop()


def _started_bar() -> Progress:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    bar.start()
    return bar


@contextmanager
def spinner(text: str) -> Iterator[None]:
    if not showing():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(text):
        yield
