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


MAX_PER_FILE = 200


def capped(findings: list[Finding], limit: int = MAX_PER_FILE) -> list[Finding]:
    """At most limit findings of one file, sorted, then one saying how many were left out.

    One file with a million bad keys must not produce hundreds of megabytes of output; the
    first ones are enough to see what is wrong. The summary stands where the first one left
    out does, and says how many errors it hides (the file still fails with the 200 shown).
    """
    ordered = sorted(findings)
    if len(ordered) <= limit:
        return ordered
    kept, rest = ordered[:limit], ordered[limit:]
    errors = sum(f.severity is Severity.ERROR for f in rest)
    first_left_out = rest[0]
    summary = Finding.of(
        "LZ020",
        first_left_out.path,
        (first_left_out.line, first_left_out.column),
        f"本文件还有 {len(rest)} 个问题未列出（其中 {errors} 个错误），只列出前 {limit} 个",
        "先改正上面列出的问题，再运行一次；问题很多时，常是缩进或引号从某一行起出了错",
    )
    return [*kept, summary]


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
