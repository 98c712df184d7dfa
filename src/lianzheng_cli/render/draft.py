"""The 征求意见稿 (draft for comment): every page marked, and the list of what is still open.

A draft is built even when validation found errors, so that a unit can circulate its
registers long before they are complete. What is missing shows as 【待补充】 where it
belongs (see context.TO_BE_ADDED); the errors themselves are listed in one appended
document, 征求意见稿待解决问题, for whoever completes the registers.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph

DRAFT_MARK = "征求意见稿"
PROBLEMS = "征求意见稿待解决问题"
NOTE = "以下问题解决后，才能生成正式文本。"
_MD_BANNER = f"> **{DRAFT_MARK}**（未经审定，仅供征求意见）\n\n"
_HTML_BANNER = f'<p class="draft-mark" style="text-align:right;font-weight:bold;color:#b00">{DRAFT_MARK}</p>'


def finish_draft(
    written: Sequence[Path], problems: Sequence[str], out: Path, formats: Sequence[str], root: Path | None = None
) -> list[Path]:
    """Mark every written document as a draft, then write the list of open problems (the Word
    one in the unit's document style, like the catalogue)."""
    from lianzheng_cli.render.build import write_atomic, write_text_atomic

    for path in written:
        suffix = path.suffix.lower()
        if suffix == ".docx":
            write_atomic(path, _marked_docx(path))
        elif suffix == ".md":
            write_text_atomic(path, _MD_BANNER + path.read_text(encoding="utf-8"))
        elif suffix == ".html":
            write_text_atomic(path, _marked_html(path.read_text(encoding="utf-8")))
    lines = list(problems) or ["（登记表检查没有发现错误）"]
    extra: list[Path] = []
    if "md" in formats:
        extra.append(out / f"{PROBLEMS}.md")
        write_text_atomic(extra[-1], _problems_md(lines))
    if "html" in formats:
        extra.append(out / f"{PROBLEMS}.html")
        write_text_atomic(extra[-1], _problems_html(lines))
    if "docx" in formats:
        extra.append(out / f"{PROBLEMS}.docx")
        _write_problems_docx(extra[-1], lines, root)
    return extra


def _marked_html(text: str) -> str:
    at = text.find(">", text.find("<body")) + 1 if "<body" in text else 0
    return text[:at] + _HTML_BANNER + text[at:]


def _marked_docx(path: Path) -> bytes:
    import io

    import docx

    document = docx.Document(str(path))
    for section in document.sections:
        for header in (section.header, section.even_page_header, section.first_page_header):
            header.is_linked_to_previous = False
            paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            _mark(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _mark(paragraph: Paragraph) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    target = paragraph.insert_paragraph_before() if paragraph.text.strip() else paragraph
    target.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = target.add_run(DRAFT_MARK)
    run.bold = True
    run.font.size = Pt(14)
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")


def _problems_md(lines: Sequence[str]) -> str:
    body = "\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1))
    return f"# {PROBLEMS}\n\n{NOTE}\n\n{body}\n"


def _problems_html(lines: Sequence[str]) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{PROBLEMS}</title></head>'
        f"<body><h1>{PROBLEMS}</h1><p>{NOTE}</p><ol>{items}</ol></body></html>\n"
    )


def _write_problems_docx(target: Path, lines: Sequence[str], root: Path | None) -> None:
    """A4 with the GB/T 9704 margins, page numbers and fonts of the other documents (文档样式.docx)."""
    from lianzheng_cli.render import docx_layout as lay
    from lianzheng_cli.render.docx_package import ReferenceDocument
    from lianzheng_cli.render.jinja_env import find_template, template_dirs

    reference = ReferenceDocument(find_template("文档样式.docx", template_dirs(root)))
    body = [
        lay.para(lay.run(PROBLEMS, lay.RPR_TITLE), lay.ppr("Title")),
        lay.body(NOTE),
        *(lay.body(f"{number}. {line}") for number, line in enumerate(lines, 1)),
        lay.sect_pr(reference.footers),
    ]
    reference.write(target, body, title=PROBLEMS)
