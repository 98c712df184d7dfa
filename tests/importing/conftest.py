"""An empty register repository to import into, and a reader for what the import wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lianzheng_cli.loader.yamltree import Tree, parse_tree
from tests.helpers import build_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = build_repo(tmp_path / "repo", {})
    (root / "registers").mkdir()
    return root


def read_register(path: Path) -> dict[str, Any]:
    tree = parse_tree(path.read_text(encoding="utf-8"), str(path))
    assert isinstance(tree, Tree), tree
    data: dict[str, Any] = tree.data
    return data


def registers_under(root: Path) -> dict[str, dict[str, Any]]:
    return {p.relative_to(root / "registers").as_posix(): read_register(p) for p in sorted((root / "registers").rglob("*.yaml"))}
