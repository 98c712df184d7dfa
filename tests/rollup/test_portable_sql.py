"""The shipped rollup SQL is portable: it parses as Trino SQL, transpiles to Spark SQL with SQLGlot, and the
Spark text (translated back) gives DuckDB the same tables. A local Spark is used when one is installed."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import duckdb
import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from lianzheng_cli.rollup import engine
from lianzheng_cli.rollup.queryset import SHIPPED, QuerySet, load_query_set
from tests.rollup.conftest import ExportUnit
from tests.rollup.test_standard import catalogue, unit_with_citations
from tests.rollup.units import Unit

SQL_FILES = sorted(SHIPPED.rglob("*.sql"))


def to_spark(sql: str) -> list[str]:
    return sqlglot.transpile(sql, read="trino", write="spark", unsupported_level=ErrorLevel.RAISE, pretty=True)


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: p.relative_to(SHIPPED).as_posix())
def test_every_shipped_file_is_trino_sql_and_transpiles_to_spark(path: Path) -> None:
    sql = path.read_text(encoding="utf-8")
    spark = to_spark(sql)
    assert spark and all(statement.strip() for statement in spark)
    assert not any('"' in statement for statement in spark)  # Spark quotes identifiers with backticks


def _spark_set(query_set: QuerySet) -> QuerySet:
    """The same set after a trip through Spark SQL and back (what a Spark job would run)."""

    def back(sql: str) -> str:
        return ";\n".join(sqlglot.transpile(";\n".join(to_spark(sql)), read="spark", write="duckdb"))

    queries = tuple(type(q)(q.name, q.title, q.description, back(q.sql)) for q in query_set.queries)
    return QuerySet(tuple(back(sql) for sql in query_set.setup), queries)


def test_spark_text_gives_the_same_tables(
    tmp_path: Path, export_to: ExportUnit, three_units: list[Unit], monkeypatch: pytest.MonkeyPatch
) -> None:
    for unit in three_units:
        export_to(unit)
    export_to(unit_with_citations())
    standard = catalogue(tmp_path / "标准风险库")
    day = dt.date(2025, 12, 1)
    native = engine.run_rollup([tmp_path / "exports"], as_of=day, standard=standard)
    main, drift = load_query_set(SHIPPED), load_query_set(SHIPPED / "standard")
    monkeypatch.setattr(engine, "query_sets", lambda folder, standard: (_spark_set(main), _spark_set(drift)))
    tripped = engine.run_rollup([tmp_path / "exports"], as_of=day, standard=standard)
    assert tripped.findings == native.findings == []
    assert [q.rows for q in tripped.queries] == [q.rows for q in native.queries]
    assert len(native.queries) == len(main.queries) + len(drift.queries)


def test_on_a_local_spark_when_installed(tmp_path: Path, export_to: ExportUnit, three_units: list[Unit]) -> None:
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("没有安装 pyspark（本机没有 Spark）：只做了 SQLGlot 转写检查，未在 Spark 上实际运行")
    from pyspark.sql import SparkSession  # pragma: no cover - only where Spark is installed

    for unit in three_units:
        export_to(unit)
    spark = SparkSession.builder.master("local[1]").getOrCreate()
    try:
        for table in ("units", "risk_points", "posts", "approvals"):
            spark.read.parquet(*[str(p) for p in (tmp_path / "exports").glob(f"*/{table}.parquet")]).createOrReplaceTempView(
                table
            )
        spark.sql("SELECT DATE'2025-12-01' AS as_of, 2025 AS as_of_year").createOrReplaceTempView("rollup_params")
        for sql in load_query_set(SHIPPED).setup:
            for statement in to_spark(sql):
                spark.sql(statement.replace("CREATE VIEW", "CREATE OR REPLACE TEMPORARY VIEW"))
        grades = spark.sql(to_spark((SHIPPED / "10-unit_grades.sql").read_text(encoding="utf-8"))[0]).collect()
        assert grades[-1][0] == "合计" and grades[-1][-1] == sum(len(u.risks) for u in three_units)
    finally:
        spark.stop()


def test_duckdb_reads_the_transpiled_views(tmp_path: Path) -> None:
    """The views created through Spark's dialect still bind in DuckDB (guards the round trip itself)."""
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE units (unit_code VARCHAR, year SMALLINT, commit_id VARCHAR, name VARCHAR, parent_code VARCHAR,"
        " review_period_days INTEGER, committed_at TIMESTAMP, exported_at TIMESTAMP)"
    )
    connection.execute("CREATE TABLE risk_points (unit_code VARCHAR, year SMALLINT, commit_id VARCHAR, risk_id VARCHAR)")
    for sql in _spark_set(load_query_set(SHIPPED)).setup:
        connection.execute(sql)
    assert connection.execute("SELECT COUNT(*) FROM latest_risks").fetchall() == [(0,)]
