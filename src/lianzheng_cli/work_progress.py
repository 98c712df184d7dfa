"""The hook long work reports its progress to; the core calls it and never prints (cli/progress_bar.py shows it)."""

from __future__ import annotations

from collections.abc import Callable

# (what is being done, in Chinese; items done; items in all)
ProgressHook = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """The default hook: nobody is watching."""
