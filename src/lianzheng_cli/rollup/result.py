"""What a rollup produced: each query's table, and the problems with its inputs, as plain values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from lianzheng_cli.findings import Finding, Severity


@dataclass(frozen=True)
class QueryResult:
    name: str
    title: str
    description: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass
class RollupResult:
    as_of: dt.date
    queries: list[QueryResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    inputs: int = 0
    exports: int = 0  # export folders rolled up
    units: int = 0
    snapshots: int = 0
    standard: str | None = None

    @property
    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)
