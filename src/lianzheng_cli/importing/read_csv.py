"""CSV in UTF-8 (with or without BOM) or GBK/GB18030, as Excel on Chinese Windows saves it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from lianzheng_cli.importing.table import ReadFailure, SourceFile, SourceTable, clean, grid_from_values


def read_csv(path: Path) -> SourceFile:
    data = path.read_bytes()
    text, encoding = _decode(data)
    if not text.strip():
        raise ReadFailure("LZ603", "文件是空的", "检查是否选错了文件")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    values = [[clean(cell) for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    rows = grid_from_values(values, [])
    return SourceFile([SourceTable("表格 1", rows, max((len(r.cells) for r in rows), default=0))], encoding=encoding)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GBK"
    except UnicodeDecodeError as exc:
        raise ReadFailure(
            "LZ601", f"文件编码无法识别（第 {exc.start} 字节）", "在 Excel/WPS 中另存为“CSV UTF-8（逗号分隔）”后再导入"
        ) from exc
