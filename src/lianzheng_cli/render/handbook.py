"""The 《廉政风险防控机制工作手册》 and the other generated Word documents.

The handbook: cover; a real TOC field (Word updates it on opening) whose cached entries
link to every chapter and department, so it is useful even before an update; the
Markdown chapters; the leadership group; the unit's form; per department its duties,
power list, flowcharts and forms (the same docxtpl templates as the separate forms); the
catalogue by grade on landscape pages; the statistics. The cover has no page number
and a blank back; the contents are numbered I, II… and padded to an even number of pages, so
that in duplex printing the contents and page 1 of the body are right-hand pages (binding
margin and page number on the correct side); the body is numbered from 1.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from lianzheng_cli.render import docx_layout as layout
from lianzheng_cli.render import markdown_docx, tables
from lianzheng_cli.render.assemble import Chapter, numbered_chapters, rows_by_grade
from lianzheng_cli.render.context import View, chinese_number
from lianzheng_cli.render.docx_package import Images, ReferenceDocument, Segment, compress_segment, segments
from lianzheng_cli.render.flowchart import Chart
from lianzheng_cli.render.forms import FormTemplate
from lianzheng_cli.render.jinja_env import MacroMemo

HANDBOOK_TITLE = "廉政风险防控机制工作手册"
CATALOGUE_TITLE = "廉政风险点目录"
CATALOGUE_NAME = "风险点目录"
POWERS_TITLE = "部门权力清单"
_BOOKMARKS = re.compile(r"<w:bookmark(?:Start|End)\b[^>]*/>")
BREAK = layout.para("", layout.ppr(page_break_before=True, snap=False, before=0, after=0, line=20, exact=True))
GAP = layout.para("", layout.ppr("Normal", snap=False, before=0, after=0, line=200, exact=True))
TOC_LEVELS = 2


@dataclass
class Forms:
    """The compiled form templates whose bodies the handbook embeds."""

    post: FormTemplate
    department: FormTemplate
    unit: FormTemplate

    @property
    def namespaces(self) -> dict[str, str]:
        return {**self.unit.namespaces, **self.department.namespaces, **self.post.namespaces}


def form_context(view: View) -> View:
    """A form's view as its template sees it: every field by name, and the whole as ``表``."""
    return {**view, "表": view}


def fragment(template: FormTemplate, view: View) -> str:
    return strip_bookmarks(template.fragment(form_context(view)))


def strip_bookmarks(inner: str) -> str:
    """A form's body as the handbook embeds it: its own bookmarks would clash with the contents'."""
    return _BOOKMARKS.sub("", inner)


@dataclass
class Headings:
    """Headings written so far, with the bookmarks the TOC entries link to."""

    entries: list[tuple[int, str, str]] = field(default_factory=list)
    counter: int = 0

    def __call__(self, text: str, level: int) -> str:
        if level > TOC_LEVELS:
            return layout.heading(text, level)
        self.counter += 1
        name = f"_Toc_ch_{self.counter}"
        self.entries.append((level, text, name))
        return layout.heading(text, level, bookmark=name, bookmark_id=self.counter)


def toc(entries: Sequence[tuple[int, str, str]], numbers: Mapping[str, str] | None = None) -> str:
    """A TOC field whose cached result lists every entry with a link and a PAGEREF field.

    numbers (bookmark → printed page number, from a LibreOffice render: see toc_numbers) are
    the fields' cached results, so the contents show page numbers wherever the document is
    opened or printed; Word still updates the field.
    """
    numbers = numbers or {}
    title = layout.para(layout.run("目　录", layout.RPR_TITLE), layout.ppr("TOCHeading"))
    instruction = f'TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u'
    begin = (
        '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )
    end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    if not entries:
        return title + layout.para(begin + layout.run("（无目录项）", layout.RPR_BODY) + end, layout.ppr("TOC1"))
    paragraphs = []
    for index, (level, text, name) in enumerate(entries):
        props = layout.RPR_HEI if level == 1 else layout.RPR_BODY
        cached = layout.run(numbers[name], props) if name in numbers else ""
        page = layout.field_runs(f"PAGEREF {name} \\h", cached, props)
        link = f'<w:hyperlink w:anchor="{name}" w:history="1">{layout.run(text, props)}<w:r>{props}<w:tab/></w:r>{page}</w:hyperlink>'
        prefix = begin if index == 0 else ""
        suffix = end if index == len(entries) - 1 else ""
        paragraphs.append(layout.para(prefix + link + suffix, layout.ppr(f"TOC{level}")))
    return title + "".join(paragraphs)


def toc_pages(entries: int) -> int:
    """Pages the contents take: one line each (exact 28.95 pt, 22 a page), the title two."""
    return -(-(entries + 2) // layout.LINES_PER_PAGE)


def static_toc(entries: Sequence[tuple[int, str, str]]) -> str:
    """Contents without a TOC field: linked entries whose page numbers are PAGEREF fields.

    LibreOffice and WPS compute PAGEREF when they lay the document out, but keep a TOC
    field's cached text as it is; this variant (``lzfk build --static-toc``) prints with
    page numbers there. Word refreshes the numbers on opening (updateFields).
    """
    title = layout.para(layout.run("目　录", layout.RPR_TITLE), layout.ppr("TOCHeading"))
    paragraphs = []
    for level, text, name in entries:
        props = layout.RPR_HEI if level == 1 else layout.RPR_BODY
        page = layout.field_runs(f"PAGEREF {name} \\h", layout.run("", props), props)
        link = f'<w:hyperlink w:anchor="{name}" w:history="1">{layout.run(text, props)}<w:r>{props}<w:tab/></w:r>{page}</w:hyperlink>'
        paragraphs.append(layout.para(link, layout.ppr(f"TOC{level}")))
    return title + ("".join(paragraphs) or layout.para(layout.run("（无目录项）", layout.RPR_BODY), layout.ppr("TOC1")))


def section_break(sect: str) -> str:
    return layout.para("", layout.ppr(snap=False, before=0, after=0, line=20, exact=True, sect=sect))


class ChapterNames:
    """Titles of the generated chapters: 第N章 … when the clerk's chapters are numbered that way."""

    def __init__(self, chapters: Sequence[Chapter]) -> None:
        self.numbered = numbered_chapters(list(chapters))
        self.count = len(chapters)

    def __call__(self, name: str) -> str:
        if not self.numbered:
            return name
        self.count += 1
        return f"第{chinese_number(self.count)}章　{name}"


@dataclass
class HandbookInput:
    unit: View
    chapters: Sequence[Chapter]
    statistics: View
    charts: dict[str, Chart]
    forms: Forms
    static_toc: bool = False
    toc_numbers: Mapping[str, str] = field(default_factory=dict)  # bookmark → page, see toc_numbers
    # Where each form's body comes from: rendered here by default; the build hands its cached ones.
    form_body: Callable[[FormTemplate, View], str] = fragment
    pieces: MacroMemo | None = None  # where the catalogue's rows are kept between builds (none: rendered)
    sections: SectionMemo | None = None  # where departments' pages and catalogue rows are kept deflated


@dataclass(frozen=True)
class KeptSection:
    """A stretch of the handbook as the last one had it: deflated, with its contents entries."""

    segment: Segment
    entries: list[tuple[int, str, str]]


class SectionMemo(Protocol):
    """Stretches of the Word handbook kept between builds (see build._Sections)."""

    def department_key(self, department: View, index: int, headings: int, images: int) -> str: ...

    def rows_key(self, start: int, rows: Sequence[View]) -> str: ...

    def reuse(self, key: str, forms: Sequence[View]) -> KeptSection | None:
        """What was kept under key; forms: those whose bodies it embeds (kept for the next build too)."""

    def add(self, key: str, kept: KeptSection) -> None: ...


CATALOGUE_BLOCK = 128  # catalogue rows deflated (and kept) together in the handbook


def write_handbook(target: Path, data: HandbookInput, reference: ReferenceDocument) -> list[tuple[int, str, str]]:
    """Write the handbook; the contents entries (level, text, bookmark) are returned."""
    headings = Headings()
    images = Images()
    footers = reference.footers
    with tempfile.TemporaryFile() as spool:
        # The main matter goes first (the contents need its headings), deflated as it comes.
        sizes: list[tuple[int, int, int]] = []
        for segment in segments(_main_matter(data, headings, images, footers)):
            spool.write(segment.data)
            sizes.append((len(segment.data), segment.crc, segment.size))
        spool.seek(0)

        def body() -> Iterator[str | bytes | Segment]:
            yield from _cover(data.unit)
            yield BREAK  # the blank back of the cover: the contents start on a right-hand page
            yield section_break(layout.sect_pr(None))
            yield static_toc(headings.entries) if data.static_toc else toc(headings.entries, data.toc_numbers)
            if toc_pages(len(headings.entries)) % 2:
                yield BREAK  # a blank even page, so that page 1 of the body is a right-hand page
            yield section_break(layout.sect_pr(footers, page_start=1, page_format="upperRoman", kind="oddPage"))
            for length, crc, size in sizes:
                yield Segment(spool.read(length), crc, size)
            yield layout.sect_pr(footers)

        reference.write(
            target,
            body(),
            title=HANDBOOK_TITLE,
            images=images,
            namespaces=data.forms.namespaces,
            update_fields=True,
            mirror_margins=True,
            segmented=True,
        )
    return headings.entries


_FOLIO = re.compile(r"^\s*—\s*([0-9]+|[IVXLC]+)\s*—\s*$")


def toc_numbers(entries: Sequence[tuple[int, str, str]], page_texts: Sequence[str]) -> dict[str, str]:
    """Printed page numbers of the contents entries, read from the handbook's pages as text.

    Each entry is looked up as a line of its own, in order, from the page of the entry before
    it, after the contents pages; the number is the page's "— N —". Entries not found are left
    out (their field stays empty until Word updates it).
    """

    def squeeze(text: str) -> str:
        return re.sub(r"[\s　]+", "", text)

    folios = []
    lines = []
    for text in page_texts:
        page_lines = text.splitlines()
        folio = next((m.group(1) for line in reversed(page_lines) if (m := _FOLIO.match(line))), "")
        folios.append(folio)
        lines.append({squeeze(line) for line in page_lines})
    start = next((index for index, folio in enumerate(folios) if folio == "1"), 0)
    numbers: dict[str, str] = {}
    page = start
    for _, text, name in entries:
        wanted = squeeze(text)
        found = next((index for index in range(page, len(lines)) if wanted in lines[index]), None)
        if found is None or not folios[found]:
            continue
        numbers[name] = folios[found]
        page = found
    return numbers


def _cover(unit: View) -> Iterator[str]:
    yield layout.para(layout.run(unit["单位"], layout.rpr(layout.FONT_TITLE)), layout.ppr("CoverUnit"))
    yield layout.para(layout.run("廉政风险防控机制\n工作手册", layout.rpr(layout.FONT_TITLE)), layout.ppr("CoverTitle"))
    yield layout.para(layout.run(f"{unit['年度']}年度", layout.RPR_KAI), layout.ppr("CoverDate"))
    yield layout.para(
        layout.run(f"{unit['单位']}廉政风险防控工作领导小组办公室　编印", layout.RPR_KAI), layout.ppr("CoverDate", before=0)
    )


def _main_matter(
    data: HandbookInput, heading: Headings, images: Images, footers: layout.FooterRefs | None
) -> Iterator[str | Segment]:
    names = ChapterNames(data.chapters)
    unit = data.unit
    for chapter in data.chapters:
        has_title = any(line.startswith("# ") for line in chapter.body.splitlines())
        if not has_title:
            yield heading(chapter.title, 1)
        yield from markdown_docx.to_docx(chapter.body, heading)
    yield from _group(unit["领导小组"], heading(names("廉政风险防控工作领导小组"), 1))
    if unit["单位表"]:
        yield heading(names("单位层面廉政风险防控"), 1)
        for number, form in enumerate(unit["单位表"]):
            yield (BREAK if number else "") + data.form_body(data.forms.unit, form)
    yield heading(names("科室和岗位廉政风险防控"), 1)
    for index, department in enumerate(unit["科室"]):
        yield _department_segment(department, index, data, heading, images)
    yield section_break(layout.sect_pr(footers, page_start=1, kind="oddPage"))
    yield heading(names(f"{CATALOGUE_TITLE}（按风险等级）"), 1)
    for number, group in enumerate(rows_by_grade(unit["目录"], unit["等级"]), 1):
        yield heading(f"{chinese_number(number)}、{group['等级']}风险（{len(group['风险点'])}个）", 2)
        if group["风险点"]:
            yield from _catalogue(group["风险点"], data)
        else:
            yield layout.body("（无）")
    yield section_break(layout.sect_pr(footers, landscape=True))
    yield from _statistics(data.statistics, heading(names("统计"), 1))


def _group(group: View, title: str) -> Iterator[str]:
    yield title
    if not group["已填写"]:
        yield layout.body("（单位登记表中未填写“领导小组”。）")
        return
    lines = [("组　长", group["组长"]), ("副组长", "、".join(group["副组长"])), ("成　员", "、".join(group["成员"]))]
    for label, names in lines:
        if names:
            yield layout.para(
                layout.run(f"{label}：", layout.RPR_HEI) + layout.run(names, layout.RPR_BODY), layout.ppr("BodyText")
            )
    if group["办公室"]:
        yield layout.para(
            layout.run("办公室：", layout.RPR_HEI) + layout.run(group["办公室"], layout.RPR_BODY), layout.ppr("BodyText")
        )


def _catalogue(rows: Sequence[View], data: HandbookInput) -> Iterator[str | Segment]:
    """The catalogue table of one grade, its rows deflated CATALOGUE_BLOCK at a time (kept when unchanged)."""
    yield layout.table_start(tables.CATALOGUE_WIDTHS) + tables.catalogue_header()
    memo = data.sections
    for first in range(0, len(rows), CATALOGUE_BLOCK):
        block = rows[first : first + CATALOGUE_BLOCK]
        key = memo.rows_key(first + 1, block) if memo is not None else None
        kept = memo.reuse(key, ()) if memo is not None and key is not None else None
        if kept is not None:
            yield kept.segment
            continue
        segment = compress_segment("".join(tables.catalogue_rows(block, data.pieces, first + 1)).encode("utf-8"))
        if memo is not None and key is not None:
            memo.add(key, KeptSection(segment, []))
        yield segment
    yield layout.TABLE_END


def _department_segment(department: View, index: int, data: HandbookInput, heading: Headings, images: Images) -> Segment:
    """A department's pages, deflated on their own: kept from the last build when nothing they
    show has changed (nor where they stand: their contents entries and pictures are numbered)."""
    memo = data.sections
    key = memo.department_key(department, index, heading.counter, len(images.entries)) if memo is not None else None
    forms = [form for form in (department["科室表"], *department["岗位"]) if form is not None]
    kept = memo.reuse(key, forms) if memo is not None and key is not None else None
    if kept is not None:
        heading.entries.extend(kept.entries)
        heading.counter += len(kept.entries)
        for png in _pictures(department, data.charts):
            images.add(png, *_PICTURE_BOX)
        return kept.segment
    first = len(heading.entries)
    segment = compress_segment("".join(_department(department, index, data, heading, images)).encode("utf-8"))
    if memo is not None and key is not None:
        memo.add(key, KeptSection(segment, heading.entries[first:]))
    return segment


def _department(department: View, index: int, data: HandbookInput, heading: Headings, images: Images) -> Iterator[str]:
    if index:
        yield BREAK
    yield heading(f"{department['中文序号']}、{department['名称']}", 2)
    sections: list[tuple[str, Callable[[], Iterator[str]]]] = []
    if department["主要职责"] or department["科室表"] is not None:
        sections.append(("主要职责", lambda: _duties(department)))
    if department["权力清单"]:
        sections.append(("权力清单", lambda: iter([tables.power_table(department["权力清单"], landscape=False)])))
    if any(power["流程"] for power in department["权力清单"]):
        sections.append(("权力运行流程图", lambda: _charts(department, data.charts, images)))
    for number, (title, content) in enumerate(sections, 1):
        yield heading(f"（{chinese_number(number)}）{title}", 3)
        yield from content()
    if department["科室表"] is not None:
        yield BREAK + data.form_body(data.forms.department, department["科室表"])
    for post in department["岗位"]:
        yield BREAK + data.form_body(data.forms.post, post)


def _duties(department: View) -> Iterator[str]:
    if not department["主要职责"]:
        yield layout.body("（无）")
    for number, duty in enumerate(department["主要职责"], 1):
        yield layout.body(f"{number}. {duty}")
    if department["制度"]:
        yield layout.para(
            layout.run("相关制度：", layout.RPR_HEI) + layout.run("、".join(department["制度"]), layout.RPR_BODY),
            layout.ppr("BodyText"),
        )


_PICTURE_BOX = (layout.TYPE_WIDTH, layout.TYPE_HEIGHT - 2 * layout.LINE_PITCH)


def _pictures(department: View, charts: dict[str, Chart]) -> list[Path]:
    """The charts a department's pages show, in order (as _charts adds them)."""
    if not any(power["流程"] for power in department["权力清单"]):
        return []
    found = (charts.get(power["编号"]) for power in department["权力清单"] if power["流程"])
    return [chart.png for chart in found if chart is not None]


def _charts(department: View, charts: dict[str, Chart], images: Images) -> Iterator[str]:
    for power in department["权力清单"]:
        if not power["流程"]:
            continue
        caption = f"{power['名称']}权力运行流程图（{power['编号']}）"
        chart = charts.get(power["编号"])
        if chart is not None:
            picture = images.add(chart.png, *_PICTURE_BOX)
            yield layout.para(picture, layout.ppr("Figure"))
            yield layout.text_para(caption, "Caption", layout.RPR_KAI)
        else:
            yield layout.text_para(caption, "Caption", layout.RPR_KAI, keep_next=True)
            yield tables.steps_table(power)
            yield GAP


def _statistics(statistics: View, title: str) -> Iterator[str]:
    yield title
    yield layout.heading("一、风险点按层次和等级", 2)
    yield tables.count_table("层次", statistics["等级"], statistics["按层次"])
    yield layout.heading("二、风险点按类型和等级", 2)
    yield tables.count_table("风险类型", statistics["等级"], statistics["按类型"])
    yield layout.heading("三、总体情况", 2)
    yield tables.totals_table(statistics["总数"])


# --- The separate catalogue and power-list documents (landscape) ----------------------


def _document_title(title: str, unit: View) -> str:
    return layout.para(layout.run(title, layout.RPR_TITLE), layout.ppr("Title")) + layout.para(
        layout.run(f"{unit['单位']}　{unit['年度']}年度", layout.RPR_KAI), layout.ppr("Normal", jc="center")
    )


def write_catalogue(target: Path, unit: View, reference: ReferenceDocument, pieces: MacroMemo | None = None) -> None:
    """Every risk point by department and grade; pieces keeps the rows between builds."""

    def body() -> Iterator[str]:
        yield _document_title(CATALOGUE_TITLE, unit)
        groups = unit["目录分组"]
        for number, group in enumerate(groups, 1):
            yield layout.heading(f"{chinese_number(number)}、{group['科室']}（{len(group['风险点'])}个）", 2)
            yield from tables.catalogue_parts(group["风险点"], pieces)
        if not groups:
            yield layout.body("（登记表中没有风险点。）")
        yield layout.sect_pr(reference.footers, landscape=True)

    reference.write(target, body(), title=CATALOGUE_TITLE)


def write_powers(target: Path, unit: View, reference: ReferenceDocument, pieces: MacroMemo | None = None) -> None:
    """Every department's power list (pieces is not used: a department's few powers are quick to lay out)."""

    def body() -> Iterator[str]:
        yield _document_title(POWERS_TITLE, unit)
        listed = [department for department in unit["科室"] if department["权力清单"]]
        for number, department in enumerate(listed, 1):
            yield layout.heading(f"{chinese_number(number)}、{department['名称']}（{len(department['权力清单'])}项）", 2)
            yield tables.power_table(department["权力清单"], landscape=True)
        if not listed:
            yield layout.body("（登记表中没有权力清单。）")
        yield layout.sect_pr(reference.footers, landscape=True)

    reference.write(target, body(), title=POWERS_TITLE)
