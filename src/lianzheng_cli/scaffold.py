"""``lzfk init``: a new register repository that validates clean at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from string import Template

from lianzheng_cli.config import Config
from lianzheng_cli.fsutil import write_text_atomic
from lianzheng_cli.repository import load_config
from lianzheng_cli.schema import all_schemas, render

_TEXT_SUFFIXES = (".yaml", ".yml", ".md", ".json", ".gitattributes", ".gitignore")


@dataclass
class ScaffoldResult:
    created: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


def scaffold(target: Path, *, unit: str, year: int) -> ScaffoldResult:
    """Write the starter files; an existing file is never overwritten, only reported."""
    result = ScaffoldResult()
    values = {"unit": unit, "year": str(year)}
    for relative, text in _starter_files():
        _place(target / relative, Template(text).safe_substitute(values), result)
    config = load_config(target)  # the starter one, or the unit's own when it was already there
    for name, schema in all_schemas(config if isinstance(config, Config) else None).items():
        _place(target / "schemas" / name, render(schema), result)
    return result


def _place(path: Path, text: str, result: ScaffoldResult) -> None:
    if path.exists():
        result.skipped.append(path)
        return
    write_text_atomic(path, text)
    result.created.append(path)


def _starter_files() -> list[tuple[str, str]]:
    root = resources.files("lianzheng_cli") / "scaffold_files"
    return sorted(_walk(root, ""))


def _walk(node: Traversable, prefix: str) -> list[tuple[str, str]]:
    found = []
    for child in node.iterdir():
        relative = f"{prefix}{child.name}"
        if child.is_dir():
            found.extend(_walk(child, relative + "/"))
        elif child.name.endswith(_TEXT_SUFFIXES):
            found.append((relative, child.read_text(encoding="utf-8")))
    return found
