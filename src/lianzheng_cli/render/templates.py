"""The unit's own templates: export the built-in ones, list them, check them on real data."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lianzheng_cli.errors import LzfkError, WriteError
from lianzheng_cli.ledger import Ledger
from lianzheng_cli.render.assemble import Unit
from lianzheng_cli.render.build import BuildOptions, build
from lianzheng_cli.render.jinja_env import BUILTIN_DIR, USER_DIR

TEMPLATE_SUFFIXES = (".docx", ".j2", ".css")


@dataclass
class Exported:
    written: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def builtin_names() -> list[str]:
    return sorted(path.name for path in BUILTIN_DIR.iterdir() if path.is_file() and path.name.endswith(TEMPLATE_SUFFIXES))


def export(out: Path, names: list[str] | None, *, force: bool) -> Exported:
    """Copy built-in templates into out; existing files are kept unless force."""
    result = Exported()
    available = builtin_names()
    wanted = names or available
    result.unknown = [name for name in wanted if name not in available]
    for name in wanted:
        if name not in available:
            continue
        target = out / name
        if target.exists() and not force:
            result.skipped.append(target)
            continue
        try:
            out.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(BUILTIN_DIR / name, target)
        except OSError as exc:
            raise WriteError(f"无法写入 {target}：{exc.strerror or exc}") from exc
        result.written.append(target)
    return result


def listing(root: Path) -> list[tuple[str, bool]]:
    """Every template name, and whether the repository's templates/ overrides it."""
    user = root / USER_DIR
    names = set(builtin_names())
    if user.is_dir():
        names |= {path.name for path in user.iterdir() if path.is_file() and path.name.endswith(TEMPLATE_SUFFIXES)}
    return [(name, (user / name).is_file()) for name in sorted(names)]


def check(root: Path, unit: Unit, ledger: Ledger) -> list[str]:
    """Render every document in every format into a scratch folder; the template errors found."""
    problems: list[str] = []
    small = _sample(unit)
    with tempfile.TemporaryDirectory(prefix="lzfk-templates-") as scratch:
        for kind in ("forms", "tables", "handbook"):
            options = BuildOptions(
                out=Path(scratch) / kind,
                as_of=dt.date(unit.config.year, 12, 31),
                documents=frozenset({kind}),
                jobs=1,
                use_cache=False,  # a trial: neither the build record nor the kept form bodies are touched
            )
            try:
                build(small, ledger, root, options)
            except LzfkError as exc:
                if exc.message not in problems:  # an error in a shared macro file stops every kind alike
                    problems.append(exc.message)
        try:
            from lianzheng_cli.render.public.build import render_trial  # the 公示 templates

            render_trial(root, small, Path(scratch) / "public")
        except LzfkError as exc:
            if exc.message not in problems:
                problems.append(exc.message)
    return problems


def _sample(unit: Unit) -> Unit:
    """The unit cut down to one post per department, enough to exercise every template."""
    departments = []
    for department in unit.departments:
        copy = type(department)(department.name, department.id, department.register, department.posts[:1], department.folder)
        departments.append(copy)
    return Unit(unit.config, unit.unit_registers, departments, unit.chapters, unit.risks)
