"""Findings: located problems, as plain values."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path


class Severity(enum.IntEnum):
    """How serious a finding is; higher is worse."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return _SEVERITY_LABELS[self]

    @property
    def key(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity | None:
        return _SEVERITY_BY_WORD.get(text.strip().lower())


_SEVERITY_LABELS = {Severity.INFO: "提示", Severity.WARNING: "警告", Severity.ERROR: "错误"}
_SEVERITY_BY_WORD = {
    "error": Severity.ERROR,
    "错误": Severity.ERROR,
    "warning": Severity.WARNING,
    "警告": Severity.WARNING,
    "info": Severity.INFO,
    "提示": Severity.INFO,
}


@dataclass(frozen=True, order=True, slots=True)
class Finding:
    """One problem at one place; line and column are 1-based (0 when unknown)."""

    path: str
    line: int
    column: int
    code: str
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    hint: str = field(default="", compare=False)

    @classmethod
    def of(cls, code: str, path: str, pos: tuple[int, int], message: str, hint: str = "") -> Finding:
        """The one way to make a finding: its severity is the code's default from the catalogue."""
        return cls(path, pos[0], pos[1], code, _default_severity(code), message, hint)

    def __reduce__(self) -> tuple[type[Finding], tuple[object, ...]]:
        # Cached by the thousand: see FileOutcome.__reduce__.
        return (Finding, (self.path, self.line, self.column, self.code, self.severity, self.message, self.hint))

    def with_severity(self, severity: Severity) -> Finding:
        return Finding(self.path, self.line, self.column, self.code, severity, self.message, self.hint)


def _default_severity(code: str) -> Severity:
    from lianzheng_cli.codes import CODES  # the catalogue imports Severity from here

    return CODES[code].severity


def display_path(path: Path, root: Path) -> str:
    """A path as users see it: relative to the repository root, with forward slashes."""
    if path.is_absolute() and root.is_absolute():
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass
class Summary:
    """Counts shown at the end of a run."""

    files: int = 0
    registers: int = 0
    risk_points: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    cached_files: int = 0
    cross_file_checked: bool = True

    def count(self, findings: list[Finding]) -> None:
        for finding in findings:
            if finding.severity is Severity.ERROR:
                self.errors += 1
            elif finding.severity is Severity.WARNING:
                self.warnings += 1
            else:
                self.infos += 1
