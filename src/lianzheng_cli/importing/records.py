"""What tables yield: registers, risk points and measures as read, before ids and files."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from lianzheng_cli.findings import Finding, Severity


@dataclass
class ImportedMeasure:
    content: str
    stage: str | None = None
    owner: str | None = None
    deadline: str | None = None


@dataclass
class ImportedRisk:
    name: str
    manifestations: list[str]
    grade: str | None
    type: str | None = None
    id: str | None = None
    measures: list[ImportedMeasure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    likelihood: str | None = None
    consequence: str | None = None
    row: int = 0
    table: str = ""  # 表格 2 / 工作表“汇总”: where the row is


@dataclass
class ImportedReview:
    opinion: str
    date: str
    signer: str | None = None


@dataclass
class ImportedRegister:
    kind: str  # 单位 / 科室 / 岗位
    name: str
    department: str | None = None  # a post's 科室 (name), None for 科室/单位
    unit: str | None = None
    id: str | None = None
    holders: list[str] = field(default_factory=list)
    head: str | None = None
    duties: list[str] = field(default_factory=list)
    risks: list[ImportedRisk] = field(default_factory=list)
    review: ImportedReview | None = None
    approval: ImportedReview | None = None
    source: str = ""  # "文件（表格 1）"

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.department or "", self.name)


@dataclass
class TableReport:
    """How one table was read: for the import report."""

    label: str
    shape: str  # 一览表 / 登记表 / 续表 / 未识别
    mapping: list[tuple[str, str]] = field(default_factory=list)  # (header as written, field)
    unmapped: list[str] = field(default_factory=list)
    imported: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    grades: Counter[str] = field(default_factory=Counter)


@dataclass
class Collector:
    """Findings about one source file, located at file, table and row."""

    source: str
    findings: list[Finding] = field(default_factory=list)

    def add(self, code: str, message: str, hint: str, *, where: str = "", row: int = 0, column: int = 0) -> None:
        place = where + (f"第 {row} 行" if row else "")
        text = f"{place}：{message}" if place else message
        self.findings.append(Finding.of(code, self.source, (row, column), text, hint))

    @property
    def failed(self) -> bool:
        return any(f.severity is Severity.ERROR and f.code in FATAL_CODES for f in self.findings)


# Findings after which nothing of the file is written.
FATAL_CODES = frozenset(("LZ601", "LZ602", "LZ603", "LZ604", "LZ609", "LZ610", "LZ612"))
