"""Reading produced .docx files back with python-docx, as a clerk's Word would see them."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.table import Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def table_rows(table: Table) -> list[list[str]]:
    """Cell texts row by row; a merged cell counts once (python-docx repeats it)."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if previous is not None and cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(cell.text)
        rows.append(cells)
    return rows


def form_fields(path: Path) -> dict[str, str]:
    """A form's label → value cells, labels without spaces and line breaks (主要\\n职责 → 主要职责).

    A row with an empty label continues the field above it (自我防控措施 is one row per risk point).
    """
    document = Document(str(path))
    fields: dict[str, str] = {}
    last = ""
    for row in table_rows(document.tables[0]):
        for label, value in zip(row[0::2], row[1::2], strict=False):
            name = re.sub(r"[\s　]", "", label)
            if not name and last:
                fields[last] += "\n" + value
                continue
            fields[name] = value
            last = name
    return fields


def document_text(path: Path) -> str:
    """All text of the main document (paragraphs and tables), in order."""
    with zipfile.ZipFile(path) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    xml = re.sub(r"<w:(tab|br)\b[^>]*/>", "\n", xml)
    xml = re.sub(r"</w:p>", "\n", xml)
    text = re.sub(r"<[^>]+>", "", xml)
    return html.unescape(text)


def part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as package:
        return package.read(name).decode("utf-8")
