"""Register files at a revision or on disk: read in bulk through gitio, parsed once per blob.

Bytes are decoded and parsed exactly as ``lzfk validate`` parses files; many files are
parsed in two processes. Results are memoised by (blob id, path), so ``log`` and
``audit``, which meet the same blob in many commits, parse it once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

from lianzheng_cli.config import CONFIG_FILE, Config
from lianzheng_cli.findings import Finding
from lianzheng_cli.history.changes import PosKey, RegisterAt
from lianzheng_cli.history.gitio import GitRepo
from lianzheng_cli.loader.decode import DecodeFailure, decode
from lianzheng_cli.loader.files import MARKDOWN_SUFFIX, REGISTER_SUFFIXES, parse_register_text, validate_model
from lianzheng_cli.loader.yamltree import Pos, Tree, parse_tree
from lianzheng_cli.repository import SKIPPED_DIRS, Repository

PARALLEL_THRESHOLD = 300
_DEPARTMENT_LINE = "^类型:[[:space:]]*[\"']?科室"


@dataclass(frozen=True)
class Broken:
    """A changed register file that could not be parsed on one side."""

    path: str
    message: str


Parsed = RegisterAt | Broken | None  # None: not a register (e.g. a handbook chapter)


def is_register_path(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    parts = path.split("/")[:-1]
    if any(part in SKIPPED_DIRS or part.startswith(".") for part in parts) or name.startswith("."):
        return False
    return name.endswith((*REGISTER_SUFFIXES, MARKDOWN_SUFFIX))


def parse_bytes(data: bytes, display: str) -> Parsed:
    """Bytes of one file → the register with its positions, Broken, or None for a non-register."""
    decoded = decode(data)
    if isinstance(decoded, DecodeFailure):
        return Broken(display, decoded.message)
    parsed = parse_register_text(decoded.lstrip("\ufeff"), display, markdown=display.lower().endswith(MARKDOWN_SUFFIX))
    if not parsed.is_register:
        return None
    if parsed.register is None or parsed.tree is None:
        first = min(parsed.findings, default=None)
        return Broken(display, _describe(first))
    return RegisterAt(display, parsed.register, places(parsed.tree))


def _describe(finding: Finding | None) -> str:
    if finding is None:
        return "文件无法解析"
    return f"第 {finding.line} 行：{finding.message}" if finding.line else finding.message


def places(tree: Tree) -> dict[PosKey, Pos]:
    """Positions of the top-level keys and of every risk point's keys."""
    found: dict[PosKey, Pos] = {(): tree.pos(())}
    data = tree.data if isinstance(tree.data, dict) else {}
    for key in data:
        found[(key,)] = tree.pos((key,), key=True)
    risks = data.get("风险点")
    for index, risk in enumerate(risks if isinstance(risks, list) else []):
        found[("风险点", index)] = tree.pos(("风险点", index))
        for key in risk if isinstance(risk, dict) else ():
            found[("风险点", index, key)] = tree.pos(("风险点", index, key))
    return found


def _parse_item(item: tuple[bytes, str]) -> Parsed:
    return parse_bytes(*item)


def parse_all(items: Sequence[tuple[bytes, str]]) -> list[Parsed]:
    """Parse many files; in two processes when there are enough to repay the start-up."""
    workers = min(os.cpu_count() or 1, 4)
    if workers <= 1 or len(items) < PARALLEL_THRESHOLD:
        return [parse_bytes(data, display) for data, display in items]
    chunk = max(len(items) // (workers * 4), 1)
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
        return list(pool.map(_parse_item, items, chunksize=chunk))


class Source:
    """The register files of one lzfk repository, as git (or the disk) holds them at any revision."""

    def __init__(self, repo: GitRepo, repository: Repository) -> None:
        self.repo = repo
        self.repository = repository
        self.spec = repo.path_in_repo(repository.config.register_dir)
        self._memo: dict[tuple[str, str], Parsed] = {}
        self._configs: dict[str | None, Config] = {None: repository.config}
        self._listings: dict[str, dict[str, str]] = {}

    def display(self, git_path: str) -> str:
        """A repository path as users see it: relative to the folder with lzfk.yaml."""
        return self.repo.relative_to_prefix(git_path)

    def parse_blobs(self, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Parsed]:
        """(blob id, repository path) → parsed; blobs are read in one batch, each parsed once."""
        keys = [key for key in dict.fromkeys(wanted) if is_register_path(key[1])]
        todo = [key for key in keys if key not in self._memo]
        if todo:
            contents = self.repo.read_blobs(blob for blob, _ in todo)
            items = [(contents.get(blob) or b"", self.display(path)) for blob, path in todo]
            for key, result in zip(todo, parse_all(items), strict=True):
                self._memo[key] = result
        return {key: self._memo[key] for key in keys}

    def parse_disk(self, paths: Iterable[str]) -> dict[str, Parsed]:
        """Repository paths → parsed from the working tree (a missing file is Broken)."""
        found: dict[str, Parsed] = {}
        items: list[tuple[bytes, str]] = []
        read: list[str] = []
        for path in dict.fromkeys(paths):
            if not is_register_path(path):
                continue
            try:
                items.append(((self.repo.toplevel / path).read_bytes(), self.display(path)))
                read.append(path)
            except OSError as exc:
                found[path] = Broken(self.display(path), f"无法读取文件：{exc.strerror or exc}")
        found.update(zip(read, parse_all(items), strict=True))
        return found

    def parse_at(self, rev: str | None, paths: Iterable[str]) -> dict[str, Parsed]:
        """Repository paths at rev (None: the working tree) → parsed."""
        paths = list(paths)
        if rev is None:
            return self.parse_disk(paths)
        listing = self.listing(rev)
        blobs = {path: listing[path] for path in paths if path in listing}
        parsed = self.parse_blobs((blob, path) for path, blob in blobs.items())
        return {path: parsed.get((blob, path)) for path, blob in blobs.items()}

    def listing(self, rev: str) -> dict[str, str]:
        """Repository path → blob id of every file under the register folder at rev."""
        if rev not in self._listings:
            self._listings[rev] = self.repo.list_files(rev, self.spec)
        return self._listings[rev]

    def all_registers(self, rev: str) -> tuple[list[RegisterAt], list[Broken]]:
        """Every register at rev (used by audit, which looks at every register)."""
        listing = self.listing(rev)
        parsed = self.parse_blobs((blob, path) for path, blob in listing.items())
        return _split(parsed.values())

    def registers_with_text(self, rev: str | None, texts: Sequence[str]) -> list[RegisterAt]:
        """Registers at rev (None: on disk) whose file contains any of texts — found by git grep, not by parsing all."""
        if not texts:
            return []
        paths = self.repo.grep_files(rev, texts, self.spec)
        return _split(self.parse_at(rev, paths).values())[0]

    def department_names(self, rev: str | None, known: Iterable[RegisterAt] = ()) -> dict[str, str]:
        """科室 编号 and 名称 → 名称, from the department registers at rev (found by git grep)."""
        paths = self.repo.grep_files(rev, [_DEPARTMENT_LINE], self.spec, regex=True)
        registers = _split(self.parse_at(rev, paths).values())[0] + list(known)
        names: dict[str, str] = {}
        for at in registers:
            if at.register.kind == "科室":
                names[at.register.id] = at.register.name
                names[at.register.name] = at.register.name
        return names

    def config_at(self, rev: str | None) -> Config:
        """lzfk.yaml at rev; the current one when it is missing or invalid there."""
        if rev not in self._configs:
            loaded = _config_from(self.repo.read_at(rev, self.repo.path_in_repo(CONFIG_FILE))) if rev else None
            self._configs[rev] = loaded or self.repository.config
        return self._configs[rev]


def _config_from(data: bytes | None) -> Config | None:
    if data is None:
        return None
    text = decode(data)
    if isinstance(text, DecodeFailure):
        return None
    tree = parse_tree(text.lstrip("\ufeff"), CONFIG_FILE)
    if isinstance(tree, Finding):
        return None
    config = validate_model(tree, CONFIG_FILE, Config)
    return config if isinstance(config, Config) else None


def _split(results: Iterable[Parsed]) -> tuple[list[RegisterAt], list[Broken]]:
    results = list(results)
    registers = [r for r in results if isinstance(r, RegisterAt)]
    broken = [r for r in results if isinstance(r, Broken)]
    return registers, broken
