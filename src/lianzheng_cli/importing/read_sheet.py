"""Excel .xlsx/.xls/.ods through python-calamine: fast, and it reports merged ranges."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from lianzheng_cli.importing.read_docx import OLE_MAGIC
from lianzheng_cli.importing.table import ReadFailure, SourceFile, SourceTable, clean, grid_from_values


def read_sheets(path: Path) -> SourceFile:
    import python_calamine as calamine

    if path.suffix.lower() in (".xlsx", ".xlsm") and path.read_bytes()[:8] == OLE_MAGIC:
        # An encrypted .xlsx is an OLE container, not a zip: Excel's "encrypt with password".
        raise ReadFailure("LZ602", "工作簿有密码保护", "在 Excel/WPS 中取消打开密码（文件 → 信息 → 保护工作簿）后再导入")
    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError as exc:
        raise ReadFailure("LZ602", "工作簿有密码保护", "在 Excel/WPS 中取消打开密码（文件 → 信息 → 保护工作簿）后再导入") from exc
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError, OSError, ValueError) as exc:
        raise ReadFailure(
            "LZ601", f"文件已损坏或不是 Excel 工作簿（{exc}）", "在 Excel/WPS 中打开并另存为 .xlsx 后再导入"
        ) from exc
    tables = []
    try:
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            values = [[cell_text(value) for value in row] for row in sheet.to_python(skip_empty_area=False)]
            merges = [(top, left, bottom, right) for (top, left), (bottom, right) in sheet.merged_cell_ranges or []]
            rows = grid_from_values(values, merges)
            tables.append(SourceTable(f"工作表“{name}”", rows, max((len(r.cells) for r in rows), default=0)))
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError, ValueError) as exc:
        raise ReadFailure("LZ601", f"工作簿内容无法读取（{exc}）", "在 Excel/WPS 中打开并另存为 .xlsx 后再导入") from exc
    finally:
        workbook.close()
    return SourceFile(tables)


def cell_value_text(value: Any) -> str:
    """A cell exactly as typed, for applying edits back: spaces and line breaks kept."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("_x000D_", "")
    return cell_text(value)


def cell_text(value: Any) -> str:
    """A cell value as the text the clerk typed: 3.0 is "3", a date is YYYY-MM-DD."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return clean(str(value))
