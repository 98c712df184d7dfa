"""Fixtures for the document tests: the bundled sample unit built once, and helpers to read .docx back."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from lianzheng_cli.ledger import Ledger
from lianzheng_cli.loading import load_repository
from lianzheng_cli.render.assemble import Unit, organise
from lianzheng_cli.render.build import BuildOptions, BuildResult, build

REPO_ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2025, 6, 25)


@dataclass
class Built:
    root: Path
    out: Path
    unit: Unit
    ledger: Ledger
    result: BuildResult


def copy_sample(target: Path) -> Path:
    """A copy of the bundled sample unit (lzfk.yaml, registers/, 台账/) in target."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "lzfk.yaml", target / "lzfk.yaml")
    shutil.copytree(REPO_ROOT / "registers", target / "registers")
    shutil.copytree(REPO_ROOT / "台账", target / "台账")
    return target


def build_sample(root: Path, out: Path, **options: object) -> Built:
    loaded = load_repository(root)
    unit = organise(loaded)
    ledger = loaded.ledger
    result = build(unit, ledger, root, BuildOptions(out=out, as_of=AS_OF, **options))  # type: ignore[arg-type]
    return Built(root, out, unit, ledger, result)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The bundled sample unit built once: every document in every format."""
    root = copy_sample(tmp_path_factory.mktemp("sample") / "unit")
    return build_sample(root, root / "out")


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A fresh copy of the sample unit to change."""
    return copy_sample(tmp_path / "unit")
