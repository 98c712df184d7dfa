"""Finding the rollup's inputs: export folders, register repositories (exported on the fly), and what is wrong with them."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from lianzheng_cli.errors import LzfkError
from lianzheng_cli.exporting.tables import (
    DIGEST,
    DIGEST_COLUMNS,
    DIGEST_SCHEMA,
    META_SCHEMA_VERSION,
    SCHEMA_MAJOR,
    SCHEMA_VERSION,
    SCHEMAS,
)
from lianzheng_cli.findings import Finding
from lianzheng_cli.paths import CONFIG_FILE

MAX_DEPTH = 4
Progress = Callable[[str, int, int], None]


COMMON = ("unit_code", "year", "commit_id")
DIGEST_KEYS = ("schema_version", "table_name")


@dataclass(frozen=True)
class ExportFolder:
    path: Path
    display: str
    by_digest: bool = False  # read through its digest.parquet (exports of schema 1.1 on, of a few units)


def served(columns: dict[str, list[str]]) -> list[str]:
    """The tables whose wanted columns the digest holds: read from it, for the exports that have one."""
    return [
        table
        for table, wanted in columns.items()
        if table in DIGEST_COLUMNS and all(name in COMMON or name in DIGEST_COLUMNS[table] for name in wanted)
    ]


def digest_slots(columns: dict[str, list[str]]) -> list[str]:
    """The digest's columns to read for the served tables, in the digest's order."""
    wanted = {*COMMON, *DIGEST_KEYS}
    for table in served(columns):
        wanted.update(DIGEST_COLUMNS[table][name] for name in columns[table] if name not in COMMON)
    return [name for name in DIGEST_SCHEMA.names if name in wanted]


def reads(folder: ExportFolder, columns: dict[str, list[str]]) -> dict[str, list[str]]:
    """What a rollup reads of folder: file stem → its columns. An export with a digest is read
    from it for the tables it serves; the others (and older exports) table by table."""
    if not folder.by_digest:
        return columns
    return _with_digest(tuple((table, tuple(wanted)) for table, wanted in columns.items()))


@functools.lru_cache(maxsize=8)  # asked once an export, for the same columns
def _with_digest(key: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, list[str]]:
    columns = {table: list(wanted) for table, wanted in key}
    from_digest = served(columns)
    if not from_digest:
        return columns
    rest = {table: wanted for table, wanted in columns.items() if table not in from_digest}
    return {DIGEST: digest_slots(columns), **rest}


@dataclass
class Inputs:
    exports: list[ExportFolder]
    findings: list[Finding]
    count: int  # arguments given
    exported: int = 0  # of the exports, those made on the fly from repositories


def display(path: Path, cwd: str | None = None) -> str:
    """path as the user sees it: relative to the working folder when inside it (no resolving: thousands are shown)."""
    here = cwd or os.getcwd()
    absolute = os.path.abspath(path)
    if absolute == here:
        return "."
    if absolute.startswith(here + os.sep):
        return Path(absolute[len(here) + 1 :]).as_posix()
    return path.as_posix()


def input_finding(code: str, where: str, message: str, hint: str) -> Finding:
    return Finding.of(code, where, (0, 0), message, hint)


_TABLE_FILES = frozenset(f"{name}.parquet" for name in SCHEMAS)
_DIGEST_FILE = f"{DIGEST}.parquet"
# A digest saves opening four files but its rows are wider than the tables' (every slot in every
# row): above about a thousand rows the width costs more than the files. Bench: a 100-unit merged
# export reads in 1.7 s CPU by its tables, 2.7 s by its digest; single units' digests are far smaller.
DIGEST_MAX_BYTES = 256 * 1024


def _scan(folder: Path) -> tuple[list[tuple[Path, list[str], bool]], list[Path]]:
    """Export folders (with the table files missing from each, and whether to read it by its
    digest) and repositories at or below folder.

    The walk's own listings decide, so ten thousand export folders cost no extra system calls
    but one stat of each digest.
    """
    exports: list[tuple[Path, list[str], bool]] = []
    repositories: list[Path] = []
    for current, dirs, names in os.walk(folder):
        here = Path(current)
        present = set(names)
        if CONFIG_FILE in present:
            repositories.append(here)
            dirs.clear()
        elif present & _TABLE_FILES:
            exports.append((here, sorted(_TABLE_FILES - present, key=_table_order), _small_digest(here, present)))
            dirs.clear()
        elif len(here.relative_to(folder).parts) >= MAX_DEPTH:
            dirs.clear()
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
    return exports, repositories


def _small_digest(folder: Path, present: set[str]) -> bool:
    if _DIGEST_FILE not in present:
        return False
    try:
        return os.stat(os.path.join(folder, _DIGEST_FILE)).st_size <= DIGEST_MAX_BYTES
    except OSError:
        return False  # gone since the listing: read the tables (whose absence is reported)


def _table_order(name: str) -> int:
    return list(SCHEMAS).index(name.removesuffix(".parquet"))


def collect(paths: Iterable[Path], workdir: Path, progress: Progress | None = None) -> Inputs:
    """Every export folder among paths; repositories are exported into workdir first."""
    given = list(paths)
    cwd = os.getcwd()
    exports: list[ExportFolder] = []
    incomplete: list[tuple[ExportFolder, list[str]]] = []
    findings: list[Finding] = []
    repositories: list[Path] = []
    for path in given:
        if not path.is_dir():
            findings.append(
                input_finding(
                    "LZ801",
                    display(path, cwd),
                    "汇总的输入不存在或不是目录",
                    "写各单位导出目录（lzfk export parquet 的输出）或登记库目录，或存放它们的上级目录",
                )
            )
            continue
        found_exports, found_repositories = _scan(path)
        if not found_exports and not found_repositories:
            findings.append(
                input_finding(
                    "LZ803",
                    display(path, cwd),
                    "目录中没有找到导出数据（units.parquet 等）或登记库（lzfk.yaml）",
                    "确认单位已运行 lzfk export parquet，并把输出目录放到这里",
                )
            )
        for found, missing, by_digest in found_exports:
            export = ExportFolder(found, display(found, cwd), by_digest)
            if missing:
                incomplete.append((export, missing))
            else:
                exports.append(export)
        repositories += found_repositories
    for number, repository in enumerate(repositories, 1):
        if progress:
            progress("导出登记库", number - 1, len(repositories))
        exported = _export_repository(repository, workdir / f"repository-{number}")
        if isinstance(exported, Finding):
            findings.append(exported)
        else:
            exports.append(ExportFolder(exported, display(repository, cwd), _small_digest(exported, {_DIGEST_FILE})))
    if progress and repositories:
        progress("导出登记库", len(repositories), len(repositories))
    for export, missing in incomplete:
        findings.append(
            input_finding(
                "LZ802",
                export.display,
                f"导出不完整，缺少：{'、'.join(missing)}；该单位未纳入汇总",
                "请该单位用 lzfk export parquet 重新导出全部数据表",
            )
        )
    return Inputs(exports, findings, len(given), len(repositories))


def missing_tables(folder: Path) -> list[str]:
    return [f"{name}.parquet" for name in SCHEMAS if not (folder / f"{name}.parquet").is_file()]


def _export_repository(repository: Path, out: Path) -> Path | Finding:
    from lianzheng_cli.exporting.unit_export import export_unit, write_export

    try:
        write_export(export_unit(repository), out)
    except LzfkError as exc:
        return input_finding(
            "LZ804", display(repository), f"登记库无法导出：{exc.message}", exc.hint or "在该登记库中运行 lzfk validate 查看详情"
        )
    return out


_MAGIC = b"PAR1"


def looks_whole(folder: ExportFolder, columns: dict[str, list[str]]) -> bool:
    """Whether each file read of folder starts and ends with Parquet's magic bytes: the cheap
    check (two small reads a file, nothing parsed) that finds a cut-short copy or a wrong file."""
    for table in reads(folder, columns):
        try:
            with (folder.path / f"{table}.parquet").open("rb") as file:
                head = file.read(len(_MAGIC))
                size = file.seek(0, os.SEEK_END)
                file.seek(max(size - len(_MAGIC), 0))
                tail = file.read(len(_MAGIC))
        except OSError:
            return False
        if size < 3 * len(_MAGIC) or head != _MAGIC or tail != _MAGIC:
            return False
    return True


def _damaged(folder: ExportFolder, table: str, reason: str) -> Finding:
    return input_finding(
        "LZ805",
        f"{folder.display}/{table}.parquet",
        f"文件已损坏或不是 Parquet 文件（{reason}）；该单位未纳入汇总",
        "请该单位用 lzfk export parquet 重新导出，复制时确认文件完整",
    )


def probe(folder: ExportFolder, columns: dict[str, list[str]]) -> Finding | None:
    """Why this export cannot be read (damaged file, other schema version, missing columns), or None."""
    for table, wanted in reads(folder, columns).items():
        path = folder.path / f"{table}.parquet"
        try:
            metadata = pq.read_metadata(path)
            names = metadata.schema.to_arrow_schema().names  # top-level columns: a list's leaf is "element"
            absent = [name for name in wanted if name not in names]
            if absent:
                return input_finding(
                    "LZ805",
                    f"{folder.display}/{table}.parquet",
                    f"数据表缺少列：{'、'.join(absent)}；该单位未纳入汇总",
                    "请该单位用 lzfk export parquet 重新导出，不要自行修改导出的文件",
                )
            pq.read_table(path, columns=wanted)
        except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
            return _damaged(folder, table, type(exc).__name__)
        version = (metadata.metadata or {}).get(META_SCHEMA_VERSION, b"").decode("utf-8", "replace")
        if version.split(".")[0] != SCHEMA_MAJOR:
            return version_finding(f"{folder.display}/{table}.parquet", version)
    return None


def version_finding(where: str, version: str) -> Finding:
    return input_finding(
        "LZ806",
        where,
        f"数据表版本“{version or '未标明'}”与本程序（版本 {SCHEMA_VERSION}）不符；该单位未纳入汇总",
        "请该单位用与上级相同版本的 lzfk 重新导出",
    )
