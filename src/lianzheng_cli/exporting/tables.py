"""The normalised data tables of one unit (units … findings): their schema, and Parquet / NDJSON writers.

The schema below is the contract that offices' rollups, Spark and Trino jobs read
(docs/rollup.md documents every column). Column names are ASCII so that any SQL engine
takes them unquoted; additions are allowed, renames and drops are not. Every row carries
the unit code, the 年度 and the commit it was exported from; a file's metadata carries
``lzfk.schema_version``.

Beside the tables, a Parquet export has ``digest.parquet``: copies of the rows and columns the
shipped rollup queries read (units, posts, risk points, approvals, findings), all in one file,
so that a rollup of thousands of units opens one file a unit instead of five (opening a small
file, not reading its rows, is what costs). Its columns are generic slots (``text_1``, …) because
each column costs every file it is in, whatever its rows hold; DIGEST_COLUMNS maps them back.
The digest is derived from the tables alone (build_digest), so it never says anything they don't.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from lianzheng_cli import __version__
from lianzheng_cli.config import Config
from lianzheng_cli.findings import Finding
from lianzheng_cli.fsutil import write_atomic
from lianzheng_cli.models import DepartmentRegister, PostRegister, Register, Review, UnitRegister

SCHEMA_VERSION = "1.1"  # 1.1: digest.parquet added; readers of 1 ignore it
SCHEMA_MAJOR = SCHEMA_VERSION.split(".")[0]  # what a reader requires: additions raise only the minor
META_SCHEMA_VERSION = b"lzfk.schema_version"
META_TABLE = b"lzfk.table"
META_LZFK_VERSION = b"lzfk.version"
LEADERSHIP = "领导班子"


def _field(name: str, kind: pa.DataType, description: str, *, nullable: bool = True) -> pa.Field:
    return pa.field(name, kind, nullable=nullable, metadata={"description": description})


_TEXT = pa.string()
_TEXTS = pa.list_(pa.field("element", pa.string()))  # the Parquet list element name, so schemas round-trip
_COMMON = (
    _field("unit_code", _TEXT, "单位编号", nullable=False),
    _field("year", pa.int16(), "年度", nullable=False),
    _field("commit_id", _TEXT, "导出时的 git 提交编号；不在 git 中时为空文本", nullable=False),
)


def _schema(*fields: pa.Field) -> pa.Schema:
    return pa.schema([*_COMMON, *fields])


SCHEMAS: dict[str, pa.Schema] = {
    "units": _schema(
        _field("name", _TEXT, "单位名称", nullable=False),
        _field("parent_code", _TEXT, "上级单位编号"),
        _field("unit_register_id", _TEXT, "单位登记表编号"),
        _field("grade_names", _TEXTS, "本单位的三个等级名称，最严重的在前"),
        _field("review_period_days", pa.int32(), "审定有效期（天）"),
        _field("committed_at", pa.timestamp("us", tz="UTC"), "提交时间"),
        _field("dirty", pa.bool_(), "导出时登记库有未提交的改动"),
        _field("exported_at", pa.timestamp("us", tz="UTC"), "导出时间", nullable=False),
        _field("lzfk_version", _TEXT, "导出所用 lzfk 版本"),
    ),
    "departments": _schema(
        _field("department_id", _TEXT, "科室登记表编号", nullable=False),
        _field("name", _TEXT, "科室名称", nullable=False),
        _field("head", _TEXT, "负责人"),
        _field("leader_post_id", _TEXT, "分管领导岗位编号"),
        _field("institutions", _TEXTS, "相关制度"),
        _field("path", _TEXT, "登记表文件", nullable=False),
    ),
    "posts": _schema(
        _field("post_id", _TEXT, "岗位登记表编号", nullable=False),
        _field("name", _TEXT, "岗位（职务）名称", nullable=False),
        _field("department_id", _TEXT, "所属科室编号；领导班子成员为“领导班子”"),
        _field("department_name", _TEXT, "所属科室名称"),
        _field("level", _TEXT, "层级：一般、中层、领导班子"),
        _field("holder_count", pa.int32(), "在岗人数（不导出姓名）"),
        _field("in_charge", _TEXTS, "分管科室编号"),
        _field("path", _TEXT, "登记表文件", nullable=False),
    ),
    "risk_points": _schema(
        _field("risk_id", _TEXT, "风险点编号", nullable=False),
        _field("owner_kind", _TEXT, "所属登记表类型：单位、科室、岗位", nullable=False),
        _field("owner_id", _TEXT, "所属登记表编号", nullable=False),
        _field("department_id", _TEXT, "所属科室编号（单位风险点为空）"),
        _field("name", _TEXT, "风险点名称", nullable=False),
        _field("risk_type", _TEXT, "风险类型"),
        _field("grade", _TEXT, "申报等级（本单位的名称）"),
        _field("grade_rank", pa.int8(), "等级序号：1 最严重（一级），2，3；等级名称无法识别时为空"),
        _field("computed_grade_rank", pa.int8(), "按本单位评级规则算出的等级序号（1 最严重）；规则无法判断时为空"),
        _field("likelihood", _TEXT, "发生概率"),
        _field("consequence", _TEXT, "危害程度"),
        _field("factors", _TEXTS, "风险因素"),
        _field("manifestations", _TEXTS, "表现形式"),
        _field("standard_id", _TEXT, "引用的标准风险库编号"),
        _field("downgrade_reason", _TEXT, "降级理由"),
        _field("measure_count", pa.int32(), "防控措施条数", nullable=False),
    ),
    "measures": _schema(
        _field("risk_id", _TEXT, "风险点编号", nullable=False),
        _field("seq", pa.int32(), "在该风险点中的序号，从 1 起", nullable=False),
        _field("stage", _TEXT, "阶段（三道防线）"),
        _field("content", _TEXT, "措施内容", nullable=False),
        _field("owner", _TEXT, "责任人"),
        _field("deadline", _TEXT, "期限"),
        _field("institutions", _TEXTS, "制度"),
    ),
    "powers": _schema(
        _field("power_id", _TEXT, "权力事项编号", nullable=False),
        _field("department_id", _TEXT, "所属科室编号", nullable=False),
        _field("name", _TEXT, "权力事项名称", nullable=False),
        _field("category", _TEXT, "权力类别"),
        _field("content", _TEXT, "权力内容"),
        _field("basis", _TEXTS, "实施依据"),
        _field("responsible", _TEXT, "责任主体"),
        _field("time_limit", _TEXT, "时限"),
        _field("step_count", pa.int32(), "流程环节数", nullable=False),
    ),
    "approvals": _schema(
        _field("register_id", _TEXT, "登记表编号", nullable=False),
        _field("register_kind", _TEXT, "登记表类型：单位、科室、岗位", nullable=False),
        _field("register_name", _TEXT, "登记表名称", nullable=False),
        _field("reviewed_on", pa.date32(), "审核日期"),
        _field("review_opinion", _TEXT, "审核意见"),
        _field("review_signer", _TEXT, "审核签字"),
        _field("approved_on", pa.date32(), "审定日期"),
        _field("approval_opinion", _TEXT, "审定意见"),
        _field("approval_signer", _TEXT, "审定签字"),
        _field("approval_due", pa.date32(), "须重新审定的日期（审定日期加审定有效期）"),
        _field("path", _TEXT, "登记表文件", nullable=False),
    ),
    "findings": _schema(
        _field("path", _TEXT, "文件", nullable=False),
        _field("line", pa.int32(), "行（未知时为 0）", nullable=False),
        _field("col", pa.int32(), "列（未知时为 0）", nullable=False),
        _field("code", _TEXT, "检查编号，如 LZ201", nullable=False),
        _field("severity", _TEXT, "error、warning 或 info", nullable=False),
        _field("message", _TEXT, "说明", nullable=False),
        _field("hint", _TEXT, "修改建议"),
    ),
}
TABLE_NAMES = tuple(SCHEMAS)

DIGEST = "digest"
DIGEST_SCHEMA = pa.schema(
    [
        *_COMMON,
        _field("schema_version", _TEXT, "数据表版本（同文件元数据中的 lzfk.schema_version）", nullable=False),
        _field("table_name", _TEXT, "该行抄自哪张表", nullable=False),
        _field("id", _TEXT, "编号"),
        _field("name", _TEXT, "名称"),
        *(_field(f"text_{n}", _TEXT, "文本（含义随 table_name）") for n in range(1, 6)),
        _field("number", pa.int32(), "数值（含义随 table_name）"),
        *(_field(f"time_{n}", pa.timestamp("us", tz="UTC"), "时间（含义随 table_name）") for n in (1, 2)),
        *(_field(f"date_{n}", pa.date32(), "日期（含义随 table_name）") for n in (1, 2)),
    ]
)
# table → {its column: the digest column holding it}. Exactly what the shipped queries read
# (tests/rollup checks it), so a shipped rollup reads the digest alone.
DIGEST_COLUMNS: dict[str, dict[str, str]] = {
    "units": {
        "name": "name",
        "parent_code": "text_1",
        "review_period_days": "number",
        "committed_at": "time_1",
        "exported_at": "time_2",
    },
    "posts": {"post_id": "id", "name": "name", "department_name": "text_1", "path": "text_2"},
    "risk_points": {
        "risk_id": "id",
        "name": "name",
        "owner_kind": "text_1",
        "owner_id": "text_2",
        "risk_type": "text_3",
        "grade": "text_4",
        "standard_id": "text_5",
        "grade_rank": "number",
    },
    "approvals": {"register_id": "id", "path": "text_2", "approved_on": "date_1", "approval_due": "date_2"},
    "findings": {"severity": "text_1", "path": "text_2"},
}


def build_digest(tables: dict[str, pa.Table]) -> pa.Table:
    """The digest of tables (one unit's, or a merged export's): their rows, in table order, in the digest's slots."""
    parts = []
    for name, slots in DIGEST_COLUMNS.items():
        table = tables[name]
        rows = table.num_rows
        columns: dict[str, pa.Array | pa.ChunkedArray] = {c: table.column(c) for c in ("unit_code", "year", "commit_id")}
        columns["schema_version"] = pa.array([SCHEMA_VERSION] * rows, _TEXT)
        columns["table_name"] = pa.array([name] * rows, _TEXT)
        for column, slot in slots.items():
            columns[slot] = table.column(column).cast(DIGEST_SCHEMA.field(slot).type)
        parts.append(
            pa.table(
                [columns.get(f.name, pa.nulls(rows, f.type)) for f in DIGEST_SCHEMA],
                schema=DIGEST_SCHEMA,
            )
        )
    return pa.concat_tables(parts).replace_schema_metadata(file_metadata(DIGEST))


@dataclass(frozen=True)
class Stamp:
    """Where and when the rows come from: put on every row and in units."""

    unit_code: str
    year: int
    commit: str
    committed_at: dt.datetime | None
    dirty: bool
    exported_at: dt.datetime


@dataclass(frozen=True)
class UnitSource:
    """One unit's parsed registers, its configuration and its validation findings."""

    config: Config
    registers: list[tuple[str, Register]]  # (display path, register), in path order
    findings: list[Finding]
    computed_ranks: dict[str, int | None] = field(default_factory=dict)  # risk 编号 → computed rank, 0 most serious


def unit_code(config: Config, registers: Iterable[tuple[str, Register]]) -> str:
    """单位编号 from lzfk.yaml, else the unit register's 编号, else the unit's name."""
    if config.unit_code:
        return config.unit_code
    for _, register in registers:
        if isinstance(register, UnitRegister):
            return register.id
    return config.unit


def build_tables(source: UnitSource, stamp: Stamp) -> dict[str, pa.Table]:
    """Every table of one unit, as Arrow tables with the schemas above."""
    rows = _Rows(source, stamp)
    columns = {
        "units": [rows.unit()],
        "departments": list(rows.departments()),
        "posts": list(rows.posts()),
        "risk_points": list(rows.risk_points()),
        "measures": list(rows.measures()),
        "powers": list(rows.powers()),
        "approvals": list(rows.approvals()),
        "findings": list(rows.findings()),
    }
    common = {"unit_code": stamp.unit_code, "year": stamp.year, "commit_id": stamp.commit}
    return {name: _table(name, [{**common, **row} for row in table_rows]) for name, table_rows in columns.items()}


def _table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    schema = SCHEMAS[name]
    table = pa.Table.from_pylist(rows, schema=schema)
    return table.replace_schema_metadata(file_metadata(name))


def file_metadata(name: str) -> dict[bytes, bytes]:
    return {META_SCHEMA_VERSION: SCHEMA_VERSION.encode(), META_TABLE: name.encode(), META_LZFK_VERSION: __version__.encode()}


class _Rows:
    """The rows of each table, without the common columns."""

    def __init__(self, source: UnitSource, stamp: Stamp) -> None:
        self.config = source.config
        self.registers = source.registers
        self.findings_found = source.findings
        self.computed = source.computed_ranks
        self.stamp = stamp
        self.department_ids: dict[str, str] = {}
        self.department_names: dict[str, str] = {}
        for _, register in self.registers:
            if isinstance(register, DepartmentRegister):
                self.department_ids.setdefault(register.id, register.id)
                self.department_ids.setdefault(register.name, register.id)
                self.department_names.setdefault(register.id, register.name)

    def unit(self) -> dict[str, Any]:
        unit_register = next((r for _, r in self.registers if isinstance(r, UnitRegister)), None)
        return {
            "name": self.config.unit,
            "parent_code": self.config.parent_code,
            "unit_register_id": unit_register.id if unit_register else None,
            "grade_names": list(self.config.grades),
            "review_period_days": self.config.review_period_days,
            "committed_at": self.stamp.committed_at,
            "dirty": self.stamp.dirty,
            "exported_at": self.stamp.exported_at,
            "lzfk_version": __version__,
        }

    def departments(self) -> Iterator[dict[str, Any]]:
        for path, register in self.registers:
            if isinstance(register, DepartmentRegister):
                yield {
                    "department_id": register.id,
                    "name": register.name,
                    "head": register.head,
                    "leader_post_id": register.leader,
                    "institutions": list(register.institutions),
                    "path": path,
                }

    def _department_of(self, register: Register) -> str | None:
        if isinstance(register, DepartmentRegister):
            return register.id
        if isinstance(register, PostRegister):
            if register.department == LEADERSHIP:
                return LEADERSHIP
            return self.department_ids.get(register.department, register.department)
        return None

    def posts(self) -> Iterator[dict[str, Any]]:
        for path, register in self.registers:
            if isinstance(register, PostRegister):
                department = self._department_of(register)
                yield {
                    "post_id": register.id,
                    "name": register.name,
                    "department_id": department,
                    "department_name": LEADERSHIP if department == LEADERSHIP else self.department_names.get(department or ""),
                    "level": register.level,
                    "holder_count": len(register.holders),
                    "in_charge": [self.department_ids.get(name, name) for name in register.in_charge],
                    "path": path,
                }

    def risk_points(self) -> Iterator[dict[str, Any]]:
        for _, register in self.registers:
            department = self._department_of(register)
            for risk in register.risks:
                grade = self.config.grade(risk.grade)
                yield {
                    "risk_id": risk.id,
                    "owner_kind": register.kind,
                    "owner_id": register.id,
                    "department_id": department,
                    "name": risk.name,
                    "risk_type": risk.type,
                    "grade": grade.name if grade else risk.grade,
                    "grade_rank": grade.rank + 1 if grade else None,
                    "computed_grade_rank": None if (computed := self.computed.get(risk.id)) is None else computed + 1,
                    "likelihood": risk.likelihood,
                    "consequence": risk.consequence,
                    "factors": list(risk.factors),
                    "manifestations": list(risk.manifestations),
                    "standard_id": risk.standard_id,
                    "downgrade_reason": risk.downgrade_reason,
                    "measure_count": len(risk.measures),
                }

    def measures(self) -> Iterator[dict[str, Any]]:
        for _, register in self.registers:
            for risk in register.risks:
                for seq, measure in enumerate(risk.measures, 1):
                    yield {
                        "risk_id": risk.id,
                        "seq": seq,
                        "stage": measure.stage,
                        "content": measure.content,
                        "owner": measure.owner,
                        "deadline": measure.deadline,
                        "institutions": list(measure.institutions),
                    }

    def powers(self) -> Iterator[dict[str, Any]]:
        for _, register in self.registers:
            if isinstance(register, DepartmentRegister):
                for power in register.powers:
                    yield {
                        "power_id": power.id,
                        "department_id": register.id,
                        "name": power.name,
                        "category": power.category,
                        "content": power.content,
                        "basis": list(power.basis),
                        "responsible": power.responsible,
                        "time_limit": power.time_limit,
                        "step_count": len(power.steps),
                    }

    def approvals(self) -> Iterator[dict[str, Any]]:
        period = dt.timedelta(days=self.config.review_period_days)
        for path, register in self.registers:
            approved = _date(register.approval)
            yield {
                "register_id": register.id,
                "register_kind": register.kind,
                "register_name": register.name,
                "reviewed_on": _date(register.review),
                "review_opinion": register.review.opinion if register.review else None,
                "review_signer": register.review.signer if register.review else None,
                "approved_on": approved,
                "approval_opinion": register.approval.opinion if register.approval else None,
                "approval_signer": register.approval.signer if register.approval else None,
                "approval_due": approved + period if approved else None,
                "path": path,
            }

    def findings(self) -> Iterator[dict[str, Any]]:
        for finding in self.findings_found:
            yield {
                "path": finding.path,
                "line": finding.line,
                "col": finding.column,
                "code": finding.code,
                "severity": finding.severity.key,
                "message": finding.message,
                "hint": finding.hint or None,
            }


def _date(review: Review | None) -> dt.date | None:
    if review is None:
        return None
    value: Any = review.date
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def write_parquet(tables: dict[str, pa.Table], out: Path) -> list[Path]:
    """One <table>.parquet per table in out (each written atomically), in TABLE_NAMES order, then
    digest.parquet (last, so a digest is never older than the tables beside it)."""
    written = []
    for name in TABLE_NAMES:
        written.append(_write(tables[name], out / f"{name}.parquet", compression="zstd"))
    written.append(_write(build_digest(tables), out / f"{DIGEST}.parquet", **DIGEST_WRITE_OPTIONS))
    return written


# Plain encoding, no statistics: a reader of thousands of digests pays for every page it
# decompresses and every statistic it parses, and a digest is small anyway.
DIGEST_WRITE_OPTIONS: dict[str, Any] = {"compression": "none", "use_dictionary": False, "write_statistics": False}


def _write(table: pa.Table, target: Path, **options: Any) -> Path:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, **options)
    write_atomic(target, buffer.getvalue())
    return target


def write_ndjson(tables: dict[str, pa.Table], out: Path) -> list[Path]:
    """One <table>.ndjson per table (one JSON object a line), and schema.json naming the schema version."""
    written = []
    for name in TABLE_NAMES:
        lines = [json.dumps(row, ensure_ascii=False, default=_json_value) for row in tables[name].to_pylist()]
        target = out / f"{name}.ndjson"
        write_atomic(target, "".join(line + "\n" for line in lines).encode("utf-8"))
        written.append(target)
    manifest = out / "schema.json"
    write_atomic(manifest, (json.dumps(schema_document(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    written.append(manifest)
    return written


def _json_value(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def schema_document() -> dict[str, Any]:
    """The schema as plain data: version, and each table's columns with type, nullability and meaning."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tables": {
            name: [
                {
                    "name": field.name,
                    "type": str(field.type),
                    "nullable": field.nullable,
                    "description": (field.metadata or {}).get(b"description", b"").decode("utf-8"),
                }
                for field in schema
            ]
            for name, schema in SCHEMAS.items()
        },
    }
