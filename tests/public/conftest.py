"""Fixtures for the public edition: the bundled sample built once as 公示, and fresh copies to break."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from lianzheng_cli.render.public.build import PublicBuild, build_public_edition
from lianzheng_cli.render.public.source import PublicSource, load_public
from tests.documents.conftest import copy_sample

SITE_URL = "https://www.example.cn/gongshi/"


@dataclass
class Published:
    root: Path
    source: PublicSource
    build: PublicBuild

    @property
    def site(self) -> Path:
        return self.build.folder


def with_public_settings(root: Path, *lines: str) -> None:
    """Set keys of the sample's 公示: block (the last block of its lzfk.yaml), replacing those it has."""
    config = root / "lzfk.yaml"
    kept = config.read_text(encoding="utf-8").rstrip("\n").splitlines()
    assert kept[-1].startswith("  "), "the sample's lzfk.yaml should end with its 公示: block"
    keys = {line.split(":", 1)[0] for line in lines}
    kept = [line for line in kept if not (line.startswith("  ") and line[2:].split(":", 1)[0] in keys)]
    config.write_text("\n".join([*kept, *(f"  {line}" for line in lines)]) + "\n", encoding="utf-8")


def publish(root: Path, *, pdf: bool = False) -> Published:
    source = load_public(root)
    return Published(root, source, build_public_edition(source, root / "out", pdf=pdf))


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    """The sample unit's public edition, with QR codes, built once (no PDF)."""
    root = copy_sample(tmp_path_factory.mktemp("public") / "unit")
    with_public_settings(root, f"网址: {SITE_URL}", "二维码: 是")
    built = publish(root)
    assert not built.build.findings, built.build.findings
    return built


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "unit")
