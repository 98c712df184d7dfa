"""The repository loaded for the public edition: the edition, the names it must not print, the scan."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lianzheng_cli.config import CONFIG_FILE
from lianzheng_cli.findings import Finding, Summary
from lianzheng_cli.loader.files import read_text
from lianzheng_cli.loader.yamltree import Tree, parse_tree
from lianzheng_cli.public_leaks import Locator, Names, Scan, collect_names, scan_texts
from lianzheng_cli.render.assemble import Unit, organise_loaded
from lianzheng_cli.render.public.edition import Edition, build_edition
from lianzheng_cli.repository import load_repository
from lianzheng_cli.results import ValidationResult


@dataclass
class PublicSource:
    root: Path
    unit: Unit
    edition: Edition
    names: Names
    locator: Locator
    load_findings: list[Finding]
    files: int

    def scan(self) -> Scan:
        """The leak check of what the edition would publish, located in the registers."""
        return scan_texts(self.edition.texts, self.names, self.locator)


def load_public(start: Path) -> PublicSource:
    """Read the repository at or above start and build its public edition."""
    loaded = load_repository(start)
    root = loaded.repository.root
    unit = organise_loaded(loaded)
    paths = {parsed.register.id: parsed.path for parsed in loaded.files if parsed.register is not None}
    trees = {parsed.path: parsed.tree for parsed in loaded.files if parsed.tree is not None}
    config_tree = _config_tree(root)
    if config_tree is not None:
        trees[CONFIG_FILE] = config_tree
    names = collect_names(
        ((parsed.path, parsed.register) for parsed in loaded.files if parsed.register is not None),
        loaded.repository.config.public.not_names,
    )
    edition = build_edition(unit, paths)
    return PublicSource(root, unit, edition, names, Locator(trees, root), loaded.findings, len(loaded.files))


def _config_tree(root: Path) -> Tree | None:
    text = read_text(root / CONFIG_FILE, CONFIG_FILE)
    if isinstance(text, Finding):
        return None
    tree = parse_tree(text, CONFIG_FILE)
    return tree if isinstance(tree, Tree) else None


def check_result(source: PublicSource, findings: list[Finding]) -> ValidationResult:
    """Leak findings (and files that could not be read, so not checked) as a validation result."""
    every = sorted([*source.load_findings, *findings])
    summary = Summary(
        files=source.files,
        registers=sum(1 for _ in source.unit.registers),
        risk_points=len(source.edition.view["目录"]),
    )
    summary.count(every)
    return ValidationResult(source.root, every, summary)
