"""Per-post, department and unit forms (annex 2–4): label cells beside merged value cells."""

from __future__ import annotations

import re

from lianzheng_cli.importing.content import grade_marker, group_parts, measures_of, normal_grade, one_line, review_of
from lianzheng_cli.importing.items import Group, grouped, texts
from lianzheng_cli.importing.records import Collector, ImportedMeasure, ImportedRegister, ImportedRisk, TableReport
from lianzheng_cli.importing.table import SourceTable
from lianzheng_cli.importing.vocabulary import Vocabulary

FORM_FIELDS = frozenset(
    ("单位", "岗位", "科室", "等级", "姓名", "部门负责人", "主要职责", "风险点", "防控措施", "审核意见", "审定意见", "类型")
)


def form_values(table: SourceTable, vocabulary: Vocabulary) -> dict[str, list[tuple[str, int]]]:
    """Label field → the value texts beside (or under) it, with their row numbers."""
    found: dict[str, list[tuple[str, int]]] = {}
    column_labels: dict[int, str] = {}
    beside = 0
    for row in table.rows:
        seen: set[tuple[int, int]] = set()
        cells: list[tuple[int, str, str | None]] = []
        for column, text in enumerate(row.cells):
            origin = row.origins[column]
            if origin in seen:
                continue
            seen.add(origin)
            fieldname = vocabulary.field_of(text) if len(text) <= 12 else None
            cells.append((column, text, fieldname if fieldname in FORM_FIELDS else None))
        labels = [c for c in cells if c[2] is not None]
        values = [c for c in cells if c[2] is None]
        label_row = labels and not any(text for _, text, _ in values)
        if label_row and (len(labels) >= 2 or labels[0][2] in ("风险点", "防控措施")):
            # A row of labels with nothing beside them: the values stand in the rows below.
            column_labels = {column: fieldname for column, _, fieldname in labels if fieldname}
            continue
        if labels:
            column_labels = {}
            for position, (column, _, fieldname) in enumerate(cells):
                if fieldname is None:
                    continue
                neighbour = cells[position + 1] if position + 1 < len(cells) else None
                is_value = neighbour is not None and neighbour[2] is None and bool(neighbour[1])
                if neighbour is not None and is_value and _header_word(neighbour[1], vocabulary):
                    continue  # a header row of a 一览表: 风险名称 | 风险描述 | …
                if neighbour is not None and is_value:
                    found.setdefault(fieldname, []).append((neighbour[1], row.number))
                    beside += 1
                elif row.merged_from_above(column) and fieldname in found:
                    continue
            continue
        for column, text, _ in cells:
            fieldname = column_labels.get(column)
            if fieldname and text:
                found.setdefault(fieldname, []).append((text, row.number))
    found[BESIDE] = [("", beside)]
    return found


BESIDE = "（标签旁的值）"


def _header_word(text: str, vocabulary: Vocabulary) -> bool:
    return len(text) <= 12 and vocabulary.field_of(text) is not None


def is_form(values: dict[str, list[tuple[str, int]]]) -> bool:
    """A form: several labels with their value beside them (a 一览表 has a header row instead)."""
    beside = values.get(BESIDE, [("", 0)])[0][1]
    fields = set(values) - {BESIDE}
    return beside >= 2 and len(fields) >= 3 and bool({"风险点", "防控措施"} & fields)


def parse_form(
    table: SourceTable,
    values: dict[str, list[tuple[str, int]]],
    vocabulary: Vocabulary,
    collector: Collector,
    report: TableReport,
    source: str,
    *,
    default_department: str | None,
) -> list[ImportedRegister]:
    where = table.label
    values = {k: v for k, v in values.items() if k != BESIDE}
    report.mapping = [(fieldname, fieldname) for fieldname in values]

    def first(fieldname: str) -> str:
        return one_line(values[fieldname][0][0]) if fieldname in values else ""

    kind = "岗位" if "岗位" in values else "科室" if "科室" in values else "单位"
    name = first("岗位") if kind == "岗位" else first("科室") if kind == "科室" else first("单位")
    department = (first("科室") or default_department) if kind == "岗位" else None
    if kind == "岗位" and not department:
        collector.add(
            "LZ612",
            f"岗位“{name}”的表中没有写所属科室",
            "用 lzfk import --department 科室名称 指定，或在表中加一行“科室”",
            where=where,
        )
        return []
    register = ImportedRegister(kind, name, department, unit=first("单位") or None, source=source)
    if "姓名" in values:
        register.holders = [n for n in re.split(r"[、，,\s]+", first("姓名")) if n]
    register.head = first("部门负责人") or None
    register.duties = [t for text, _ in values.get("主要职责", []) for t in texts(text)]
    register.review = review_of(values["审核意见"][0][0]) if "审核意见" in values else None
    register.approval = review_of(values["审定意见"][0][0]) if "审定意见" in values else None
    form_grade = first("等级")
    register.risks = _risks(values, form_grade, vocabulary, collector, where)
    report.imported = len(register.risks)
    for risk in register.risks:
        report.grades[risk.grade or "（未识别）"] += 1
    return [register]


def _risks(
    values: dict[str, list[tuple[str, int]]], form_grade: str, vocabulary: Vocabulary, collector: Collector, where: str
) -> list[ImportedRisk]:
    risk_cells = values.get("风险点", [])
    measure_cells = values.get("防控措施", [])
    if len(risk_cells) > 1 and len(risk_cells) == len(measure_cells):
        pairs = [(grouped(r)[:1] or [Group(r, [])], [m], row) for (r, row), (m, _) in zip(risk_cells, measure_cells, strict=True)]
        return [
            _risk(groups[0], measures_of(m[0], vocabulary), form_grade, vocabulary, collector, where, row)
            for groups, m, row in pairs
        ]
    risk_text = "\n".join(text for text, _ in risk_cells)
    measure_text = "\n".join(text for text, _ in measure_cells)
    row = risk_cells[0][1] if risk_cells else 0
    risk_groups = grouped(risk_text)
    measure_groups = grouped(measure_text)
    risks: list[ImportedRisk] = []
    paired = len(risk_groups) > 1 and len(measure_groups) == len(risk_groups)
    shared = measures_of(measure_text, vocabulary)
    for index, group in enumerate(risk_groups):
        if paired:
            chunk = measure_groups[index]
            measures = [m for text in (chunk.subs or [chunk.text]) for m in measures_of(text, vocabulary)]
        else:
            measures = [ImportedMeasure(m.content, m.stage) for m in shared]
        risks.append(_risk(group, measures, form_grade, vocabulary, collector, where, row))
    if len(risk_groups) > 1 and not paired and shared:
        collector.add(
            "LZ613",
            f"有 {len(risk_groups)} 个风险点、{len(measure_groups)} 条防控措施，无法一一对应，每条措施已用于每个风险点",
            "导入后删去与风险点无关的措施；或在源表中按 1.1、1.2 给措施编号（1.x 对应第 1 个风险点）",
            where=where,
            row=row,
        )
    return risks


def _risk(
    group: Group,
    measures: list[ImportedMeasure],
    form_grade: str,
    vocabulary: Vocabulary,
    collector: Collector,
    where: str,
    row: int,
) -> ImportedRisk:
    text, marked = grade_marker(group.text)
    name, manifestations = group_parts(Group(text, group.subs))
    spelling = marked or form_grade
    grade = normal_grade(spelling, vocabulary, collector, where=where, row=row, column=0, risk=name)
    return ImportedRisk(
        name,
        manifestations,
        grade if grade is not None else (one_line(spelling) or None),
        measures=measures,
        row=row,
        table=where,
    )
