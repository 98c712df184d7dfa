"""Word .docx: tables read by walking ``w:tc`` with ``gridSpan`` and ``vMerge`` ourselves.

python-docx repeats a merged cell at every grid position it covers and does not expose
vertical merges, so its cell API cannot tell a merged 科室 cell from a typed-again one.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from lianzheng_cli.importing.table import ReadFailure, Row, SourceFile, SourceTable, clean

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_docx(path: Path) -> SourceFile:
    body = _body(path)
    tables: list[SourceTable] = []
    notes: list[str] = []
    pending: list[str] = []
    for element in body:
        if element.tag == f"{_W}tbl":
            table = _table(element, len(tables) + 1)
            table.notes = pending
            pending = []
            tables.append(table)
        elif element.tag == f"{_W}p":
            text = clean(_paragraph_text(element))
            if text:
                notes.append(text)
                pending.append(text)
    return SourceFile(tables, notes)


def _body(path: Path) -> Any:
    head = path.read_bytes()[:8]
    if head == OLE_MAGIC:
        raise ReadFailure(
            "LZ602",
            "文件有密码保护，或是旧版 Word（.doc）文件改了扩展名",
            "在 Word/WPS 中取消密码（文件 → 信息 → 保护文档），或另存为 .docx 后再导入",
        )
    try:
        with zipfile.ZipFile(path) as package:
            xml = package.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ReadFailure(
            "LZ601", f"文件已损坏或不是 Word 文档（{type(exc).__name__}）", "在 Word/WPS 中打开并另存为 .docx 后再导入"
        ) from exc
    from lxml import etree  # type: ignore[import-untyped]

    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise ReadFailure("LZ601", "文件已损坏：Word 文档内容无法解析", "在 Word/WPS 中打开并另存为 .docx 后再导入") from exc
    body = root.find(f"{_W}body")
    if body is None:
        raise ReadFailure("LZ603", "文件中没有内容", "检查是否选错了文件")
    return body


def _table(tbl: Any, number: int) -> SourceTable:
    values: list[list[str]] = []
    origins: list[list[tuple[int, int]]] = []
    for r, tr in enumerate(tbl.findall(f"{_W}tr")):
        row_values: list[str] = []
        row_origins: list[tuple[int, int]] = []
        before = _int_attr(tr.find(f"{_W}trPr/{_W}gridBefore"), 0)
        row_values += [""] * before
        row_origins += [(r, c) for c in range(before)]
        for tc in tr.findall(f"{_W}tc"):
            span = max(_int_attr(tc.find(f"{_W}tcPr/{_W}gridSpan"), 1), 1)
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            column = len(row_values)
            continues = merge is not None and merge.get(f"{_W}val") in (None, "continue") and r > 0
            if continues and column < len(values[r - 1]):
                text, origin = values[r - 1][column], origins[r - 1][column]
            else:
                text, origin = _cell_text(tc), (r, column)
            row_values += [text] * span
            row_origins += [origin] * span
        values.append(row_values)
        origins.append(row_origins)
    width = max((len(row) for row in values), default=0)
    rows = []
    for r, (row_values, row_origins) in enumerate(zip(values, origins, strict=True)):
        pad = width - len(row_values)
        rows.append(Row(r + 1, row_values + [""] * pad, row_origins + [(r, len(row_values) + i) for i in range(pad)], r))
    return SourceTable(f"表格 {number}", rows, width)


def _int_attr(element: Any, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(f"{_W}val", default))
    except ValueError:
        return default


def _cell_text(tc: Any) -> str:
    return clean("\n".join(_paragraph_text(p) for p in tc.iter(f"{_W}p")))


def _paragraph_text(p: Any) -> str:
    parts: list[str] = []
    for node in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag == f"{_W}tab":
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts)
