"""Output formats for findings. Each reporter writes one ValidationResult to a stream."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TextIO

from lianzheng_cli.reporters import github, json_format, plain, text
from lianzheng_cli.results import ValidationResult

Reporter = Callable[[ValidationResult, TextIO], None]

REPORTERS: dict[str, Reporter] = {
    "text": text.report,
    "json": json_format.report,
    "github": github.report,
    "plain": plain.report,
}
FORMAT_NAMES = ("auto", *REPORTERS)


def choose(name: str) -> Reporter:
    """``auto`` means github annotations inside GitHub Actions, else the text report."""
    if name == "auto":
        in_actions = bool(os.environ.get("GITHUB_ACTIONS")) and bool(os.environ.get("GITHUB_WORKFLOW"))
        name = "github" if in_actions else "text"
    return REPORTERS[name]
