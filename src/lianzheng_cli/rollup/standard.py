"""The office's 标准风险库 in a rollup: a register repository (or its export) loaded as std_posts and std_risk_points."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from lianzheng_cli.errors import LzfkError
from lianzheng_cli.findings import Finding
from lianzheng_cli.paths import CONFIG_FILE
from lianzheng_cli.rollup.inputs import display, input_finding, missing_tables

STANDARD_TABLES = ("posts", "risk_points")


def load_standard(connection: duckdb.DuckDBPyConnection, folder: Path) -> str | Finding:
    """Create std_posts and std_risk_points from folder; its name for the report, or why it cannot be used."""
    tables = _tables(folder)
    if isinstance(tables, Finding):
        return tables
    for name, table in tables.items():
        connection.register("_standard", table)
        connection.execute(f'CREATE TABLE "std_{name}" AS SELECT * FROM _standard')
        connection.unregister("_standard")
    return display(folder)


def _tables(folder: Path) -> dict[str, pa.Table] | Finding:
    where = display(folder)
    if (folder / CONFIG_FILE).is_file():
        from lianzheng_cli.exporting.unit_export import export_unit

        try:
            export = export_unit(folder)
        except LzfkError as exc:
            return _unusable(where, exc.message)
        return {name: export.tables[name] for name in STANDARD_TABLES}
    if folder.is_dir() and not [name for name in missing_tables(folder) if name.removesuffix(".parquet") in STANDARD_TABLES]:
        try:
            return {name: pq.read_table(folder / f"{name}.parquet") for name in STANDARD_TABLES}
        except (OSError, ValueError) as exc:
            return _unusable(where, f"文件已损坏（{type(exc).__name__}）")
    return _unusable(where, "不是登记库（没有 lzfk.yaml），也不是导出目录")


def _unusable(where: str, reason: str) -> Finding:
    return input_finding(
        "LZ808",
        where,
        f"标准风险库无法读取：{reason}；未与标准对照",
        "标准风险库是一个登记库：lzfk.yaml 加 registers/，每个标准岗位一张岗位登记表，风险点编号即标准编号",
    )
