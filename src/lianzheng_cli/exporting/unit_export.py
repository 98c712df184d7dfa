"""Exporting one register repository: load, validate, stamp with the commit, and write the data tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from lianzheng_cli.exporting.tables import Stamp, UnitSource, build_tables, unit_code, write_ndjson, write_parquet
from lianzheng_cli.history.gitio import current_revision
from lianzheng_cli.loading import load_repository
from lianzheng_cli.paths import CONFIG_FILE


@dataclass(frozen=True)
class UnitExport:
    root: Path
    stamp: Stamp
    tables: dict[str, pa.Table]
    unit_name: str

    def rows(self, table: str) -> int:
        return int(self.tables[table].num_rows)

    @property
    def errors(self) -> int:
        """Errors lzfk validate reports: registers with errors are not in the tables."""
        return sum(1 for severity in self.tables["findings"].column("severity").to_pylist() if severity == "error")


def export_unit(start: Path, *, now: dt.datetime | None = None) -> UnitExport:
    """The tables of the repository at or above start (raises ConfigError when lzfk.yaml is unusable)."""
    loaded = load_repository(start, parallel=True, cached=True)
    root = loaded.repository.root
    config = loaded.repository.config
    registers = [(item.path, item.register) for item in loaded.graded if item.complete]
    findings = loaded.findings
    revision = current_revision(root, [CONFIG_FILE, config.register_dir])
    stamp = Stamp(
        unit_code=unit_code(config, registers),
        year=config.year,
        commit=revision.sha if revision else "",
        committed_at=revision.committed.astimezone(dt.UTC).replace(microsecond=0) if revision else None,
        dirty=revision.dirty if revision else False,
        exported_at=(now or dt.datetime.now(dt.UTC)).replace(microsecond=0),
    )
    computed = {
        risk.id: grade.rank
        for item in loaded.graded
        if item.complete
        for risk, grade in zip(item.register.risks, item.grades, strict=True)
    }
    tables = build_tables(UnitSource(config, registers, findings, computed), stamp)
    return UnitExport(root, stamp, tables, config.unit)


def write_export(export: UnitExport, out: Path, *, ndjson: bool = False) -> list[Path]:
    return write_ndjson(export.tables, out) if ndjson else write_parquet(export.tables, out)
