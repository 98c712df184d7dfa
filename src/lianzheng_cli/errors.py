"""The few exceptions that stop a run, and the exit codes they map to."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2
    INTERNAL = 3


class LzfkError(Exception):
    """Base of every error that stops a run; its message is shown to the user (Chinese)."""

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(LzfkError):
    """The command was called wrongly (bad path, bad option)."""


class ConfigError(LzfkError):
    """lzfk.yaml is missing or invalid."""


class WriteError(LzfkError):
    """A file could not be written."""
