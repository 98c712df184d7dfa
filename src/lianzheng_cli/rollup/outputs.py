"""The rollup written out: JSON, an xlsx workbook (XlsxWriter) and an HTML page (the project's Jinja environment)."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
from pathlib import Path
from typing import Any

import xlsxwriter

from lianzheng_cli.fsutil import write_atomic
from lianzheng_cli.rollup.result import QueryResult, RollupResult

TITLE = "廉政风险防控多单位汇总"
FORMATS = ("json", "xlsx", "html", "docx")
BASENAME = "汇总"
_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def plain(value: Any) -> Any:
    """A cell value as JSON and spreadsheets take it."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def cell_text(value: Any) -> str:
    value = plain(value)
    return "" if value is None else str(value)


def as_data(result: RollupResult) -> dict[str, Any]:
    return {
        "title": TITLE,
        "as_of": result.as_of.isoformat(),
        "inputs": result.inputs,
        "exports": result.exports,
        "units": result.units,
        "snapshots": result.snapshots,
        "standard": result.standard,
        "problems": [
            {"path": f.path, "code": f.code, "severity": f.severity.key, "message": f.message, "hint": f.hint}
            for f in result.findings
        ],
        "queries": [
            {
                "name": query.name,
                "title": query.title,
                "description": query.description,
                "columns": list(query.columns),
                "rows": [[plain(value) for value in row] for row in query.rows],
            }
            for query in result.queries
        ],
    }


def write_json(result: RollupResult, target: Path) -> None:
    write_atomic(target, (json.dumps(as_data(result), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def sheet_name(query: QueryResult, used: set[str]) -> str:
    """Excel's limits: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = query.title.translate(_SHEET_FORBIDDEN)[:28] or query.name[:28]
    name, number = base, 2
    while name in used:
        name, number = f"{base[:26]}{number}", number + 1
    used.add(name)
    return name


def write_xlsx(result: RollupResult, target: Path) -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    header = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "align": "center", "valign": "vcenter"})
    cell = book.add_format({"border": 1, "valign": "top", "text_wrap": True})
    used: set[str] = set()
    overview = book.add_worksheet(sheet_name(QueryResult("overview", "汇总说明", "", (), ()), used))
    lines = [
        (TITLE, ""),
        ("汇总日期", result.as_of.isoformat()),
        ("纳入汇总的单位", result.units),
        ("导出（版本）数", result.exports),
        ("标准风险库", result.standard or "未对照"),
    ]
    lines += [(f"{f.code} {f.path}", f"{f.message}。{f.hint}") for f in result.findings]
    for row, (label, value) in enumerate(lines):
        overview.write(row, 0, label)
        overview.write(row, 1, value)
    overview.set_column(0, 0, 40)
    overview.set_column(1, 1, 80)
    for query in result.queries:
        sheet = book.add_worksheet(sheet_name(query, used))
        for col, name in enumerate(query.columns):
            sheet.write(0, col, name, header)
            sheet.set_column(col, col, max(10, min(40, 2 * len(name) + 4)))
        for row, values in enumerate(query.rows, 1):
            for col, value in enumerate(values):
                value = plain(value)
                if value is None:
                    sheet.write_blank(row, col, None, cell)
                elif isinstance(value, bool | int | float):
                    sheet.write_number(row, col, value, cell)
                else:
                    sheet.write_string(row, col, str(value), cell)
        sheet.freeze_panes(1, 0)
        if query.columns:
            sheet.autofilter(0, 0, max(len(query.rows), 1), len(query.columns) - 1)
    book.close()
    write_atomic(target, buffer.getvalue())


def _is_number(value: Any) -> bool:
    return isinstance(plain(value), int | float) and not isinstance(value, bool)


def write_html(result: RollupResult, target: Path, template_dirs: list[Path]) -> None:
    from lianzheng_cli.render.jinja_env import environment

    env = environment(template_dirs)
    context = {
        "标题": TITLE,
        "汇总日期": result.as_of.isoformat(),
        "单位数": result.units,
        "导出数": result.exports,
        "标准风险库": bool(result.standard),
        "输入问题": [{"位置": f.path, "编号": f.code, "说明": f.message, "提示": f.hint} for f in result.findings],
        "各表": [
            {
                "名称": query.name,
                "标题": query.title,
                "说明": query.description,
                "列": list(query.columns),
                "行": [[{"文本": cell_text(value), "数": _is_number(value)} for value in row] for row in query.rows],
            }
            for query in result.queries
        ],
    }
    html = env.get_template("多单位汇总.html.j2").render(context)
    write_atomic(target, html.encode("utf-8"))
