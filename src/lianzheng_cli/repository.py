"""Finding the register repository: its root, its configuration and its files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lianzheng_cli.config import Config
from lianzheng_cli.errors import ConfigError, UsageError
from lianzheng_cli.findings import Finding, display_path
from lianzheng_cli.loader.files import config_from_bytes, unreadable
from lianzheng_cli.loader.raw import read_bytes
from lianzheng_cli.paths import CONFIG_FILE, SKIPPED_DIRS, inside_root, is_candidate_name, locate_root, walk_registers
from lianzheng_cli.printable import visible
from lianzheng_cli.rules import unknown_rule_settings


@dataclass(frozen=True)
class Repository:
    root: Path
    config: Config

    @property
    def register_dir(self) -> Path:
        return self.root / self.config.register_dir

    def display(self, path: Path) -> str:
        return display_path(path, self.root)


__all__ = [
    "SKIPPED_DIRS",
    "Repository",
    "find_root",
    "list_files",
    "load_config",
    "open_repository",
]


def find_root(start: Path) -> Path:
    """The nearest folder at or above start that holds lzfk.yaml."""
    root = locate_root(start)
    if root is not None:
        return root
    raise ConfigError(
        f"在 {start} 及其上级目录中找不到 {CONFIG_FILE}",
        hint="请在登记库根目录运行，或用 lzfk init 目录名 新建一个登记库",
    )


def load_config(root: Path) -> Config | list[Finding]:
    try:
        data, _ = read_bytes(root / CONFIG_FILE, root)
    except OSError as exc:
        return [unreadable(CONFIG_FILE, exc)]
    config, tree, findings = config_from_bytes(data, CONFIG_FILE)
    if config is None or tree is None:
        return findings
    unknown = [
        Finding.of(
            "LZ104",
            CONFIG_FILE,
            tree.pos(("检查规则", key), key=True),
            f"检查规则中的“{key}”不是可配置的规则",
            "填写可以调整的检查编号（如 LZ212）或规则名称，见 docs/findings.md",
        )
        for key in unknown_rule_settings(config)
    ]
    outside = [
        Finding.of(
            "LZ018",
            CONFIG_FILE,
            tree.pos((key,)),
            f"“{key}”的路径 {visible(value)} 指向登记库之外",
            "路径要写成相对于 lzfk.yaml 的位置，且不能用 ../ 或绝对路径离开登记库",
        )
        for key, value in config_paths(config)
        if not inside_root(root, value)
    ]
    return unknown + outside or config


def config_paths(config: Config) -> list[tuple[str, str]]:
    """The paths in lzfk.yaml that must stay inside the repository, by key."""
    from lianzheng_cli.grading.ruleset import PRESETS

    paths = [("登记目录", config.register_dir)]
    if config.rules not in PRESETS:
        paths.append(("评级规则", config.rules))
    return paths


def open_repository(start: Path) -> tuple[Repository | None, list[Finding], Path]:
    root = find_root(start)
    loaded = load_config(root)
    if isinstance(loaded, list):
        return None, loaded, root
    return Repository(root, loaded), [], root


def require_repository(start: Path) -> Repository:
    """open_repository for commands that cannot go on without a valid lzfk.yaml."""
    repository, config_findings, _ = open_repository(start)
    if repository is None:
        first = config_findings[0]
        raise ConfigError(
            f"{first.path}:{first.line}:{first.column}: {first.message}", hint=first.hint or "运行 lzfk validate 查看详情"
        )
    return repository


def is_register_candidate(path: Path) -> bool:
    return is_candidate_name(path.name)


def require_register_dir(repository: Repository) -> Path:
    base = repository.register_dir
    if not base.is_dir():
        raise ConfigError(f"登记目录 {repository.display(base)} 不存在", hint="新建该目录，或在 lzfk.yaml 的“登记目录”中写明位置")
    return base


def list_files(repository: Repository, targets: list[Path] | None = None) -> tuple[list[Path], bool]:
    """Files to check, sorted; and whether they are the whole register folder."""
    base = require_register_dir(repository)
    if not targets:
        return _walk(base), True
    files: list[Path] = []
    whole = False
    for target in targets:
        resolved = target.resolve()
        if not resolved.exists():
            raise UsageError(f"路径不存在：{target}")
        if resolved.is_dir() and base.resolve().is_relative_to(resolved):
            whole = True
            files.extend(_walk(base))
        elif not resolved.is_relative_to(base.resolve()):
            raise UsageError(f"{target} 不在登记目录 {repository.display(base)} 中")
        elif resolved.is_dir():
            files.extend(_walk(resolved))
        elif is_register_candidate(resolved):
            files.append(resolved)
    return sorted(set(files)), whole


def _walk(folder: Path) -> list[Path]:
    return [Path(name) for name in walk_registers(folder)]
