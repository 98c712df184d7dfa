"""The check against the office's 标准风险库: every cited 标准编号 must exist in the catalogue named in lzfk.yaml.

The catalogue is a register repository (lzfk.yaml plus registers/) kept inside the unit's
repository, outside its register folder; its risk points' 编号 are the standard ids.
"""

from __future__ import annotations

from pathlib import Path

from lianzheng_cli.config import Config
from lianzheng_cli.findings import Finding
from lianzheng_cli.loader.files import parse_register_file
from lianzheng_cli.paths import CONFIG_FILE, walk_registers
from lianzheng_cli.register_facts import RegisterFacts, unpack

CONFIG_KEY = "标准风险库"
CATALOGUE_REGISTERS = "registers"


def catalogue_folder(root: Path, config: Config) -> Path | str | None:
    """The configured catalogue folder; a reason (Chinese) when it cannot be used; None when none is configured."""
    if not config.standard_catalogue:
        return None
    folder = (root / config.standard_catalogue).resolve()
    if not folder.is_relative_to(root.resolve()):
        return f"标准风险库“{config.standard_catalogue}”在登记库之外"
    if not (folder / CONFIG_FILE).is_file() or not (folder / CATALOGUE_REGISTERS).is_dir():
        return f"标准风险库“{config.standard_catalogue}”不存在，或其中没有 {CONFIG_FILE} 和 {CATALOGUE_REGISTERS}/"
    return folder


def catalogue_files(root: Path, config: Config) -> list[Path]:
    """The catalogue's files (what the cached result of validate depends on)."""
    folder = catalogue_folder(root, config)
    if not isinstance(folder, Path):
        return []
    return [folder / CONFIG_FILE, *(Path(name) for name in walk_registers(folder / CATALOGUE_REGISTERS))]


def standard_ids(folder: Path) -> set[str]:
    ids: set[str] = set()
    for name in walk_registers(folder / CATALOGUE_REGISTERS):
        parsed = parse_register_file(Path(name), name)
        if parsed.register is not None:
            ids.update(risk.id for risk in parsed.register.risks)
    return ids


def _config_line(root: Path) -> int:
    try:
        lines = (root / CONFIG_FILE).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    return next((number for number, line in enumerate(lines, 1) if line.startswith(CONFIG_KEY)), 0)


def standard_findings(root: Path, config: Config, facts: list[RegisterFacts]) -> list[Finding]:
    """LZ241 when the configured catalogue is unusable, else LZ240 for each cited id it does not hold."""
    folder = catalogue_folder(root, config)
    if folder is None:
        return []
    if isinstance(folder, str):
        hint = f"在 {CONFIG_FILE} 的“{CONFIG_KEY}”中写登记库内的目录（如 标准风险库），其中放上级发布的 {CONFIG_FILE} 和 {CATALOGUE_REGISTERS}/"
        line = _config_line(root)
        return [Finding.of("LZ241", CONFIG_FILE, (line, 1 if line else 0), folder, hint)]
    known = standard_ids(folder)
    found = []
    for item in facts:
        for ident, pos in item.standard_ids:
            if ident not in known:
                found.append(
                    Finding.of(
                        "LZ240",
                        item.path,
                        unpack(pos),
                        f"标准编号“{ident}”在标准风险库中不存在",
                        "核对标准风险库中的编号（风险点的“编号”）；上级更新了标准风险库时，请同步本登记库中的副本",
                    )
                )
    return found
