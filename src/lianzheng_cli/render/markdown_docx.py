"""The handbook's Markdown chapters as Word paragraphs (and as HTML for the web version).

Raw HTML in a chapter is shown as text, never passed through. Line breaks inside a
Chinese paragraph join without a space, as a reader expects.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from lianzheng_cli.render import docx_layout as layout
from lianzheng_cli.render.sanitize import clean

_CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]")
HeadingHook = Callable[[str, int], str]


def parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def to_html(markdown: str) -> Markup:
    """Chapter Markdown as HTML; raw HTML is escaped, not rendered."""
    return Markup(parser().render(clean(markdown)))


def _join(left: str, right: str) -> str:
    """What a soft line break becomes: nothing between Chinese characters, a space otherwise."""
    if left and right and _CJK.match(left[-1]) and _CJK.match(right[0]):
        return ""
    return " "


def _inline(token: Token, font: layout.Font) -> str:
    """Runs for an inline token; bold stays in the paragraph's face, italic becomes 楷体."""
    runs: list[str] = []
    bold = italic = False
    pending: list[str] = []

    def flush() -> None:
        text = "".join(pending)
        pending.clear()
        if text:
            runs.append(layout.run(text, layout.rpr(layout.FONT_KAI if italic else font, bold=bold)))

    children = token.children or []
    for index, child in enumerate(children):
        if child.type in ("text", "code_inline", "html_inline"):
            pending.append(child.content)
        elif child.type == "softbreak":
            before = "".join(pending)[-1:]
            after = next((c.content[:1] for c in children[index + 1 :] if c.content), "")
            pending.append(_join(before, after))
        elif child.type == "hardbreak":
            pending.append("\n")
        elif child.type in ("strong_open", "strong_close"):
            flush()
            bold = child.type == "strong_open"
        elif child.type in ("em_open", "em_close"):
            flush()
            italic = child.type == "em_open"
        elif child.type == "image":
            pending.append(child.content or "")
    flush()
    return "".join(runs)


def to_docx(markdown: str, heading: HeadingHook) -> Iterator[str]:
    """Word paragraphs for a chapter; ``heading(text, level)`` writes headings (for the TOC)."""
    tokens = parser().parse(clean(markdown))
    yield from _blocks(tokens, heading)


def _blocks(tokens: Sequence[Token], heading: HeadingHook) -> Iterator[str]:
    lists: list[list[int]] = []  # per open list: [ordered?, counter]
    quote = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            level = int(token.tag[1])
            text = "".join(child.content for child in (tokens[index + 1].children or []) if child.type != "softbreak")
            yield heading(text, min(level, 4))
            index += 3
            continue
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrGet("start") or 1) if kind == "ordered_list_open" else 0
            lists.append([1 if kind == "ordered_list_open" else 0, start])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind == "inline":
            yield _paragraph(token, lists, quote, in_item=_in_item(tokens, index))
        elif kind in ("fence", "code_block"):
            for line in token.content.rstrip("\n").split("\n"):
                yield layout.para(layout.run(line, layout.RPR_BODY), layout.ppr("Normal"))
        elif kind == "table_open":
            end = next(i for i in range(index, len(tokens)) if tokens[i].type == "table_close")
            yield _table(tokens[index : end + 1])
            index = end
        index += 1


def _in_item(tokens: Sequence[Token], index: int) -> bool:
    return index >= 2 and tokens[index - 1].type == "paragraph_open" and tokens[index - 2].type == "list_item_open"


def _paragraph(token: Token, lists: list[list[int]], quote: int, *, in_item: bool) -> str:
    font = layout.FONT_KAI if quote else layout.FONT_BODY
    base = layout.rpr(font)
    runs = _inline(token, font)
    if in_item and lists:
        ordered, counter = lists[-1]
        marker = f"{counter}. " if ordered else "● "
        if ordered:
            lists[-1][1] += 1
        runs = layout.run(marker, base) + runs
    return layout.para(runs, layout.ppr("BodyText"))


def _table(tokens: Sequence[Token]) -> str:
    rows: list[list[str]] = []
    header_rows = 0
    current: list[str] | None = None
    in_head = False
    for token in tokens:
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            current = []
        elif token.type == "tr_close" and current is not None:
            rows.append(current)
            header_rows += in_head
        elif token.type == "inline" and current is not None:
            font = layout.FONT_HEI if in_head else layout.FONT_BODY
            style = "TableLabel" if in_head else "TableText"
            current.append(layout.para(_inline(token, font), layout.ppr(style)))
    columns = max((len(row) for row in rows), default=1)
    width = layout.TYPE_WIDTH // columns
    widths = [width] * columns
    xml_rows = [
        layout.row_xml(
            [layout.Cell(cell) for cell in row + ["<w:p/>"] * (columns - len(row))], widths, header=number < header_rows
        )
        for number, row in enumerate(rows)
    ]
    return layout.table_xml(widths, xml_rows) + layout.para("", layout.ppr("Normal", snap=False, line=120))
