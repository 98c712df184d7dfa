"""一览表 tables: a header row (or two), then one row per risk point."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lianzheng_cli.importing.content import grade_marker, measures_of, normal_grade, one_line, risk_parts
from lianzheng_cli.importing.items import texts
from lianzheng_cli.importing.records import Collector, ImportedRegister, ImportedRisk, TableReport
from lianzheng_cli.importing.table import Row, SourceTable
from lianzheng_cli.importing.vocabulary import GROUPING_FIELDS, STAGE_FIELDS, Vocabulary, header_key

HEADER_SCAN = 40
_FOOTER = re.compile(r"^(?:第\s*\d+\s*页.*|.*共\s*\d+\s*页|[-—]\s*\d+\s*[-—]|\d+\s*/\s*\d+)$")
_SUM_ROW = re.compile(r"^(?:合计|总计|小计|共计)")
RISK_FIELDS = ("风险点",)


@dataclass
class Header:
    row: int  # index of the (last) header row
    columns: dict[str, int]  # field → column
    texts: dict[int, str]  # column → header as written
    keys: list[str]  # squeezed header text per column, to spot repeats
    first_data: int


def find_header(table: SourceTable, vocabulary: Vocabulary) -> Header | None:
    for index, row in enumerate(table.rows[:HEADER_SCAN]):
        columns, written = _fields(row, vocabulary, range(len(row.cells)))
        if "风险点" not in columns or len(columns) < 2:
            continue
        first_data = index + 1
        if index + 1 < len(table.rows):
            below = table.rows[index + 1]
            spread = [c for c in range(len(row.cells)) if _spread(row, c)]
            children, child_text = _fields(below, vocabulary, spread, own_only=True)
            if children:
                columns = {f: c for f, c in columns.items() if c not in children.values()}
                columns.update(children)
                written.update(child_text)
                first_data = index + 2
        keys = [header_key(text) for text in row.cells]
        return Header(index, columns, written, keys, first_data)
    return None


def _spread(row: Row, column: int) -> bool:
    """Whether the header cell covers more than this column (a parent over children)."""
    origin = row.origins[column]
    return any(row.origins[c] == origin for c in range(len(row.cells)) if c != column)


def _fields(
    row: Row, vocabulary: Vocabulary, columns: Iterable[int], *, own_only: bool = False
) -> tuple[dict[str, int], dict[int, str]]:
    found: dict[str, int] = {}
    written: dict[int, str] = {}
    seen: set[tuple[int, int]] = set()
    for column in columns:
        origin = row.origins[column]
        if origin in seen or (own_only and row.merged_from_above(column)):
            continue
        seen.add(origin)
        fieldname = vocabulary.field_of(row.cells[column])
        if fieldname is not None and fieldname not in found:
            found[fieldname] = column
            written[column] = row.cells[column]
    return found, written


def parse_listing(
    table: SourceTable,
    header: Header,
    vocabulary: Vocabulary,
    collector: Collector,
    report: TableReport,
    source: str,
    *,
    continued: bool = False,
    default_department: str | None = None,
) -> list[ImportedRegister]:
    where = f"{table.label}"
    if not continued:
        _describe(table, header, report)
    registers: dict[tuple[str, str, str], ImportedRegister] = {}
    carried: dict[str, str] = {}
    current: ImportedRisk | None = None
    risk_column = header.columns["风险点"]
    for row in table.rows[header.first_data :]:
        reason = _skip_reason(row, header)
        if reason:
            report.skipped[reason] += 1
            continue
        values = {f: row.cells[c] for f, c in header.columns.items()}
        for fieldname in GROUPING_FIELDS & values.keys():
            if values[fieldname]:
                carried[fieldname] = values[fieldname]
            else:
                values[fieldname] = carried.get(fieldname, "")
        if current is not None and (row.merged_from_above(risk_column) or not values["风险点"]):
            if _extend(current, values, vocabulary):
                report.skipped["同一风险点的续行"] += 1
            else:
                report.skipped["没有风险点"] += 1
            continue
        if not values["风险点"]:
            report.skipped["没有风险点"] += 1
            continue
        if not values.get("科室") and default_department:
            values["科室"] = default_department
        if values.get("岗位") and not values.get("科室"):
            collector.add(
                "LZ612",
                f"岗位“{one_line(values['岗位'])}”没有所属科室（表中没有科室列）",
                "用 lzfk import --department 科室名称 指定，或在表中加“科室”列",
                where=where,
                row=row.number,
            )
            return []
        current = _risk(values, header, row, vocabulary, collector, where)
        report.imported += 1
        report.grades[current.grade or "（未识别）"] += 1
        register = _register_for(values, registers, source)
        register.risks.append(current)
    return list(registers.values())


def _describe(table: SourceTable, header: Header, report: TableReport) -> None:
    mapped = set(header.columns.values())
    report.mapping = [(header.texts.get(c, f), f) for f, c in sorted(header.columns.items(), key=lambda item: item[1])]
    header_row = table.rows[header.row]
    seen: set[tuple[int, int]] = set()
    for column, text in enumerate(header_row.cells):
        origin = header_row.origins[column]
        if column in mapped or origin in seen or not text:
            continue
        seen.add(origin)
        if not any(header_row.origins[c] == origin for c in mapped):
            report.unmapped.append(one_line(text))


def _skip_reason(row: Row, header: Header) -> str:
    cells = [cell for cell in row.cells if cell]
    if not cells:
        return "空行"
    distinct = set(cells)
    if len(distinct) == 1 and _FOOTER.match(one_line(cells[0])):
        return "页码行"
    mapped = list(header.columns.values())
    repeats = sum(1 for c in mapped if row.cells[c] and header_key(row.cells[c]) == header.keys[c])
    if repeats >= max(2, len(mapped) // 2):
        return "重复的表头"
    first = one_line(cells[0])
    if _SUM_ROW.match(first):
        return "合计行"
    if header_key(first) in ("审核意见", "审定意见", "审核", "审定"):
        return "审核审定栏"
    return ""


def _risk(
    values: dict[str, str], header: Header, row: Row, vocabulary: Vocabulary, collector: Collector, where: str
) -> ImportedRisk:
    risk_text, marked = grade_marker(values["风险点"])
    name, manifestations = risk_parts(risk_text, values.get("表现形式", ""))
    spelling = values.get("等级", "") or (marked or "")
    column = header.columns.get("等级", header.columns["风险点"]) + 1
    grade = normal_grade(spelling, vocabulary, collector, where=where, row=row.number, column=column, risk=name)
    risk = ImportedRisk(
        name,
        manifestations,
        grade if grade is not None else (one_line(spelling) or None),
        type=one_line(values.get("类型", "")) or None,
        id=one_line(values.get("编号", "")) or None,
        row=row.number,
        table=where,
        likelihood=one_line(values.get("发生概率", "")) or None,
        consequence=one_line(values.get("危害程度", "")) or None,
    )
    for label in ("分组", "权力事项", "监测指标", "说明"):
        if values.get(label):
            risk.notes.append(f"{label}：{one_line(values[label])}" if label != "说明" else one_line(values[label]))
    _extend(risk, values, vocabulary)
    return risk


def _extend(risk: ImportedRisk, values: dict[str, str], vocabulary: Vocabulary) -> bool:
    """Add a row's measures to a risk point; False when the row adds nothing."""
    before = len(risk.measures)
    if values.get("防控措施"):
        risk.measures.extend(measures_of(values["防控措施"], vocabulary))
    for index, fieldname in enumerate(STAGE_FIELDS):
        if values.get(fieldname):
            risk.measures.extend(measures_of(values[fieldname], vocabulary, stage=index))
    owner = one_line(values.get("责任领导", "")) or None
    deadline = one_line(values.get("期限", "")) or None
    for measure in risk.measures[before:]:
        measure.owner = measure.owner or owner
        measure.deadline = measure.deadline or deadline
    return len(risk.measures) > before


def _register_for(
    values: dict[str, str], registers: dict[tuple[str, str, str], ImportedRegister], source: str
) -> ImportedRegister:
    department = one_line(values.get("科室", "")) or None
    post = one_line(values.get("岗位", "")) or None
    unit = one_line(values.get("单位", "")) or None
    if post:
        key = ("岗位", department or "", post)
    elif department:
        key = ("科室", "", department)
    else:
        key = ("单位", "", unit or "")
    register = registers.get(key)
    if register is None:
        register = ImportedRegister(key[0], key[2], department if post else None, unit=unit, source=source)
        registers[key] = register
    person = one_line(values.get("直接责任人", "")) or one_line(values.get("姓名", ""))
    if post and person:
        for name in re.split(r"[、，,\s]+", person):
            if name and name not in register.holders:
                register.holders.append(name)
    if values.get("主要职责") and not register.duties:
        register.duties = texts(values["主要职责"])
    head = one_line(values.get("部门负责人", ""))
    if department and head:
        department_register = registers.setdefault(
            ("科室", "", department), ImportedRegister("科室", department, unit=unit, source=source)
        )
        department_register.head = department_register.head or head
    return register


__all__ = ["Header", "find_header", "parse_listing"]
