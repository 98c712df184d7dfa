"""``lzfk init``: a new register repository that validates clean at once."""

from __future__ import annotations

import json
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
    unit = " ".join(unit.split())  # a line break in a unit's name is a typing slip, not part of it
    for relative, text in _starter_files():
        # In YAML the name is one double-quoted scalar, so 某某公司: 总部, "某院"分院 or a
        # name starting with [ or * stay the unit's name instead of breaking the file.
        name = yaml_quoted(unit) if relative.endswith((".yaml", ".yml")) else unit
        _place(target / relative, Template(text).safe_substitute({"unit": name, "year": str(year)}), result)
    config = load_config(target)  # the starter one, or the unit's own when it was already there
    for name, schema in all_schemas(config if isinstance(config, Config) else None).items():
        _place(target / "schemas" / name, render(schema), result)
    return result


def yaml_quoted(text: str) -> str:
    """text as a YAML scalar that reads back as exactly text: plain when it can be, else double-quoted."""
    import yaml

    try:
        plain = yaml.safe_load(f"k: {text}\n") == {"k": text} and "#" not in text
    except yaml.YAMLError:
        plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)  # JSON strings are YAML double-quoted scalars


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
