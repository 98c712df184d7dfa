"""The rollup's SQL files: the shipped set in queries/, or an office's edited copy."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from lianzheng_cli.errors import UsageError

SHIPPED = Path(__file__).resolve().parent / "queries"
STANDARD_FOLDER = "standard"
_HEADER = re.compile(r"^--\s*(标题|说明)\s*[:：]\s*(.*?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Query:
    name: str  # the file name without .sql
    title: str
    description: str
    sql: str


@dataclass(frozen=True)
class QuerySet:
    """Setup statements (views, from files named _*.sql) and the queries whose results are reported."""

    setup: tuple[str, ...]
    queries: tuple[Query, ...]

    @property
    def text(self) -> str:
        return "\n".join([*self.setup, *(query.sql for query in self.queries)])


def load_query_set(folder: Path) -> QuerySet:
    """The *.sql files directly in folder, in name order."""
    if not folder.is_dir():
        raise UsageError(f"查询目录不存在：{folder}", hint="用 lzfk rollup --copy-queries 目录 取得内置查询的副本再修改")
    setup: list[str] = []
    queries: list[Query] = []
    for path in sorted(folder.glob("*.sql")):
        try:
            sql = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"无法读取查询文件 {path}：{exc}", hint="查询文件须是 UTF-8 编码的文本") from exc
        if path.name.startswith("_"):
            setup.append(sql)
        else:
            queries.append(_query(path.stem, sql))
    return QuerySet(tuple(setup), tuple(queries))


def _query(name: str, sql: str) -> Query:
    header = dict(_HEADER.findall(sql))
    return Query(name, header.get("标题") or name, header.get("说明", ""), sql)


def query_sets(folder: Path | None, *, standard: bool) -> tuple[QuerySet, QuerySet | None]:
    """The main set and, when a standard catalogue is compared, the drift set (folder/standard)."""
    base = folder or SHIPPED
    main = load_query_set(base)
    drift = None
    if standard:
        drift_folder = base / STANDARD_FOLDER
        drift = load_query_set(drift_folder if drift_folder.is_dir() else SHIPPED / STANDARD_FOLDER)
    return main, drift


def copy_shipped(target: Path) -> list[Path]:
    """Copy the shipped SQL files to target (for an office to edit); existing files are kept."""
    written = []
    for source in sorted(SHIPPED.rglob("*.sql")):
        destination = target / source.relative_to(SHIPPED)
        if destination.exists():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        written.append(destination)
    return written
