"""The repository loaded for the public edition: the edition, the names it must not print, the scan."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lianzheng_cli.findings import Finding, Summary
from lianzheng_cli.loading import LoadedRepository, load_repository
from lianzheng_cli.public_leaks import Locator, Names, Scan, collect_names, scan_texts
from lianzheng_cli.render.assemble import Unit, organise
from lianzheng_cli.render.public.edition import Edition, build_edition
from lianzheng_cli.results import ValidationResult


@dataclass
class PublicSource:
    root: Path
    unit: Unit
    edition: Edition
    names: Names
    locator: Locator
    errors: list[Finding]  # validation errors: their registers are not in the edition, so not checked
    files: int

    def scan(self) -> Scan:
        """The leak check of what the edition would publish, located in the registers."""
        return scan_texts(self.edition.texts, self.names, self.locator)


def public_source(loaded: LoadedRepository, unit: Unit) -> PublicSource:
    """The public edition of a loaded repository (``unit`` is ``organise(loaded)``)."""
    complete = [(item.path, item.register) for item in loaded.graded if item.complete]
    names = collect_names(complete, loaded.repository.config.public.not_names)
    edition = build_edition(unit, {register.id: path for path, register in complete})
    return PublicSource(loaded.root, unit, edition, names, Locator(loaded.root), loaded.errors, loaded.result.summary.files)


def load_public(start: Path) -> PublicSource:
    """Read the repository at or above start and build its public edition."""
    loaded = load_repository(start)
    return public_source(loaded, organise(loaded))


def check_result(source: PublicSource, findings: list[Finding]) -> ValidationResult:
    """Leak findings (and validation errors of registers that were therefore not checked) as a result."""
    every = sorted([*source.errors, *findings])
    summary = Summary(
        files=source.files,
        registers=sum(1 for _ in source.unit.registers),
        risk_points=len(source.edition.view["目录"]),
    )
    summary.count(every)
    return ValidationResult(source.root, every, summary)
