"""The result of a validation run: a plain value that reporters render and the cache stores."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lianzheng_cli.findings import Finding, Severity, Summary


@dataclass
class ValidationResult:
    root: Path
    findings: list[Finding] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)
    config_failed: bool = False

    @property
    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)


def exit_code(result: ValidationResult, *, strict: bool) -> int:
    """0 clean (warnings allowed unless strict), 1 findings, 2 configuration error."""
    if result.config_failed:
        return 2
    worst = result.worst
    if worst is Severity.ERROR or (strict and worst is Severity.WARNING):
        return 1
    return 0
