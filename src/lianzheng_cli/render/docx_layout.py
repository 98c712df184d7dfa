"""GB/T 9704-2012 page layout and WordprocessingML built as text.

Documents are assembled from XML strings rather than python-docx objects: it is an
order of magnitude faster for handbooks with thousands of tables, and it lets every run
carry its East-Asian font explicitly (python-docx sets only the Latin one). The
built-in templates are generated from the same definitions (tools/make_templates.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from lianzheng_cli.render.sanitize import clean

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# Twips (1/20 pt); 1 mm = 56.692 twips.
A4_WIDTH, A4_HEIGHT = 11906, 16838
MARGIN_TOP = 2098  # 37 mm (天头)
MARGIN_BOTTOM = 1984  # 35 mm
MARGIN_BINDING = 1587  # 28 mm (订口)
MARGIN_OUTSIDE = 1474  # 26 mm
FOOTER_DISTANCE = 1247  # 22 mm: the page number sits about 7 mm below the type area
HEADER_DISTANCE = 851
TYPE_WIDTH = A4_WIDTH - MARGIN_BINDING - MARGIN_OUTSIDE  # 156 mm = 8845
TYPE_HEIGHT = A4_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # 225 mm
LANDSCAPE_WIDTH = A4_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # 225 mm
LINE_PITCH = 579  # 28.95 pt: 22 lines in the 225 mm type area
LINES_PER_PAGE = 22
# 28 characters of 三号 (16 pt) in the 156 mm (442.2 pt) line: each character 0.25 pt narrower
# (15.75 pt; in twentieths of a point). Done with character spacing in the styles rather than a
# character grid: LibreOffice spreads text set on a linesAndChars grid to half as many a line.
CONDENSE_28 = -5


@dataclass(frozen=True)
class Font:
    """A face referenced by name, with the face Word should use when it is missing."""

    name: str
    fallback: str
    panose: str
    family: str  # roman, modern, swiss, script
    css: str


LATIN = "Times New Roman"
FONT_TITLE = Font(
    "方正小标宋简体", "宋体", "02010600030101010101", "roman", '"方正小标宋简体","FZXiaoBiaoSong-B05S","华文中宋","STZhongsong"'
)
FONT_BODY = Font(
    "仿宋_GB2312", "仿宋", "02010609030101010101", "modern", '"仿宋_GB2312","FangSong_GB2312","仿宋","FangSong","STFangsong"'
)
FONT_HEI = Font("黑体", "SimHei", "02010609060101010101", "modern", '"黑体","SimHei","STHeiti","Noto Sans CJK SC"')
FONT_KAI = Font("楷体_GB2312", "楷体", "02010609030101010101", "modern", '"楷体_GB2312","KaiTi_GB2312","楷体","KaiTi","STKaiti"')
FONT_SONG = Font("宋体", "SimSun", "02010600030101010101", "roman", '"宋体","SimSun","STSong","Noto Serif CJK SC"')
FONTS = (FONT_TITLE, FONT_BODY, FONT_HEI, FONT_KAI, FONT_SONG)

# Sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt, 五号 10.5 pt.
SIZE_2, SIZE_3, SIZE_4, SIZE_S4, SIZE_5 = 44, 32, 28, 24, 21


def fonts_xml(east_asia: str) -> str:
    return f'<w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{east_asia}" w:cs="{LATIN}"/>'


def rpr(
    font: Font | None = None, *, size: int | None = None, bold: bool = False, color: str | None = None, spacing: int = 0
) -> str:
    """Run properties; the East-Asian face is always named when a font is given."""
    parts = []
    if font is not None:
        parts.append(fonts_xml(font.name))
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if spacing:
        parts.append(f'<w:spacing w:val="{spacing}"/>')
    if size is not None:
        parts.append(f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def text_xml(text: object) -> str:
    return escape(clean(text))


def run(text: object, props: str = "") -> str:
    """One run; line breaks and tabs in the text become Word breaks and tabs."""
    value = clean(text)
    if "\n" not in value and "\t" not in value:
        return f'<w:r>{props}<w:t xml:space="preserve">{escape(value)}</w:t></w:r>'
    pieces = []
    for index, line in enumerate(value.split("\n")):
        if index:
            pieces.append("<w:br/>")
        for column, cell in enumerate(line.split("\t")):
            if column:
                pieces.append("<w:tab/>")
            if cell:
                pieces.append(f'<w:t xml:space="preserve">{escape(cell)}</w:t>')
    return f"<w:r>{props}{''.join(pieces)}</w:r>"


def ppr(
    style: str | None = None,
    *,
    jc: str | None = None,
    keep_next: bool = False,
    page_break_before: bool = False,
    tabs: Sequence[tuple[str, int]] = (),
    snap: bool = True,
    before: int | None = None,
    after: int | None = None,
    line: int | None = None,
    exact: bool = False,
    first_line_chars: int | None = None,
    left: int | None = None,
    hanging: int | None = None,
    outline: int | None = None,
    sect: str = "",
    mark: str = "",
) -> str:
    """Paragraph properties, children in the order the schema requires."""
    parts = []
    if style:
        parts.append(f'<w:pStyle w:val="{style}"/>')
    if keep_next:
        parts.append("<w:keepNext/>")
    if page_break_before:
        parts.append("<w:pageBreakBefore/>")
    if tabs:
        parts.append("<w:tabs>" + "".join(f'<w:tab w:val="{kind}" w:pos="{pos}"/>' for kind, pos in tabs) + "</w:tabs>")
    if not snap:
        parts.append('<w:snapToGrid w:val="0"/>')
    if before is not None or after is not None or line is not None:
        attrs = "".join(
            f' w:{name}="{value}"' for name, value in (("before", before), ("after", after), ("line", line)) if value is not None
        )
        if line is not None:
            attrs += f' w:lineRule="{"exact" if exact else "auto"}"'
        parts.append(f"<w:spacing{attrs}/>")
    if first_line_chars is not None or left is not None or hanging is not None:
        attrs = ""
        if left is not None:
            attrs += f' w:left="{left}"'
        if hanging is not None:
            attrs += f' w:hanging="{hanging}"'
        if first_line_chars is not None:
            attrs += f' w:firstLineChars="{first_line_chars}"'
        parts.append(f"<w:ind{attrs}/>")
    if jc:
        parts.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        parts.append(f'<w:outlineLvl w:val="{outline}"/>')
    if mark:
        parts.append(mark)
    if sect:
        parts.append(sect)
    return f"<w:pPr>{''.join(parts)}</w:pPr>" if parts else ""


def para(content: str = "", props: str = "") -> str:
    return f"<w:p>{props}{content}</w:p>"


def text_para(text: object, style: str, run_props: str, **kwargs: object) -> str:
    return para(run(text, run_props), ppr(style, **kwargs))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Cell:
    content: str  # paragraphs; a cell must hold at least one
    span: int = 1
    vmerge: str | None = None  # "restart" or "continue"
    valign: str = "center"
    shade: str | None = None
    borders: str = ""  # a <w:tcBorders> element overriding the table's borders


def cell_xml(cell: Cell, width: int) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if cell.span > 1:
        props += f'<w:gridSpan w:val="{cell.span}"/>'
    if cell.vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif cell.vmerge == "continue":
        props += "<w:vMerge/>"
    props += cell.borders
    if cell.shade:
        props += f'<w:shd w:val="clear" w:color="auto" w:fill="{cell.shade}"/>'
    props += f'<w:vAlign w:val="{cell.valign}"/>'
    content = cell.content or "<w:p/>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{content}</w:tc>"


def row_xml(
    cells: Sequence[Cell], widths: Sequence[int], *, header: bool = False, cant_split: bool = True, min_height: int = 0
) -> str:
    props = ""
    if cant_split:
        props += "<w:cantSplit/>"
    if min_height:
        props += f'<w:trHeight w:val="{min_height}"/>'
    if header:
        props += "<w:tblHeader/>"
    column = 0
    parts = []
    for cell in cells:
        width = sum(widths[column : column + cell.span])
        parts.append(cell_xml(cell, width))
        column += cell.span
    return f"<w:tr>{'<w:trPr>' + props + '</w:trPr>' if props else ''}{''.join(parts)}</w:tr>"


def table_xml(widths: Sequence[int], rows: Iterable[str], *, jc: str = "center") -> str:
    return "".join(table_parts(widths, rows, jc=jc))


def table_parts(widths: Sequence[int], rows: Iterable[str], *, jc: str = "center") -> Iterator[str]:
    """table_xml piece by piece (a 10,000-row table need never be one string)."""
    total = sum(widths)
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    props = (
        f'<w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="{jc}"/><w:tblBorders>{borders}</w:tblBorders>'
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
        '</w:tblCellMar><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="1"/></w:tblPr>'
    )
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    yield f"<w:tbl>{props}<w:tblGrid>{grid}</w:tblGrid>"
    yield from rows
    yield TABLE_END


TABLE_END = "</w:tbl>"


def table_start(widths: Sequence[int], *, jc: str = "center") -> str:
    """What table_parts yields before the rows."""
    return next(table_parts(widths, (), jc=jc))


def field_runs(instruction: str, result: str, props: str = "") -> str:
    """A complex field (PAGE, TOC, PAGEREF…) with a cached result Word may update."""
    return (
        f'<w:r>{props}<w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        f'<w:r>{props}<w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'
        f'<w:r>{props}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"{result}"
        f'<w:r>{props}<w:fldChar w:fldCharType="end"/></w:r>'
    )


def page_number_footer(align: str) -> str:
    """A footer with the page number as "— 1 —" in 宋体 四号, one character in from the edge."""
    props = rpr(FONT_SONG, size=SIZE_4)
    indent = '<w:ind w:right="280"/>' if align == "right" else '<w:ind w:left="280"/>'
    number = field_runs("PAGE", run("1", props), props)
    body = (
        f'<w:p><w:pPr><w:pStyle w:val="Footer"/><w:snapToGrid w:val="0"/>{indent}<w:jc w:val="{align}"/></w:pPr>'
        f"{run('— ', props)}{number}{run(' —', props)}</w:p>"
    )
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}">{body}</w:ftr>'


@dataclass(frozen=True)
class FooterRefs:
    """Relationship ids of the odd-page (default) and even-page footers."""

    odd: str
    even: str


# GB/T 9704-2012 on tables set landscape (表格横排): the page number stays where the portrait
# pages have it, and the table's head lies on the binding side of an odd page, on the outer side
# of an even one. A landscape page is bound with its top edge to the portrait page's left edge,
# so the portrait foot is the landscape page's left edge: the number stands there, turned a
# quarter (read from top to bottom), near the bottom on odd pages (portrait: right) and near the
# top on even pages (portrait: left). These two footers come with every document lzfk writes
# from the reference template (docx_package); the template's own footers serve portrait pages.
LANDSCAPE_FOOTERS = FooterRefs("rIdLandscapeOdd", "rIdLandscapeEven")
LANDSCAPE_FOOTER_PARTS = {
    LANDSCAPE_FOOTERS.odd: "word/footer_landscape_odd.xml",
    LANDSCAPE_FOOTERS.even: "word/footer_landscape_even.xml",
}
_PT_PER_MM = 72 / 25.4
# Across the landscape page (the portrait height): the number's line, 23–28 mm from the portrait
# foot, i.e. about 7 mm below the type area like the portrait footers. Along it (the portrait
# width): one character in from the type area's edge on the number's side.
_NUMBER_ACROSS = (22.0, 7.0)  # mm from the landscape left edge, box width
_NUMBER_ALONG = 30.0  # mm, box length
_NUMBER_INSET = 210 - 26 - 5  # odd: 179 mm from the landscape top (portrait x); even: 26 + 5


def landscape_page_number_footer(odd: bool) -> str:
    """A footer for landscape pages: "— 1 —" in 宋体 四号 in a text box on the left edge, turned a quarter."""
    props = rpr(FONT_SONG, size=SIZE_4)
    number = field_runs("PAGE", run("1", props), props)
    left, width = _NUMBER_ACROSS
    top = (_NUMBER_INSET - _NUMBER_ALONG) if odd else (26 + 5)
    style = (
        f"position:absolute;margin-left:{left * _PT_PER_MM:.1f}pt;margin-top:{top * _PT_PER_MM:.1f}pt;"
        f"width:{width * _PT_PER_MM:.1f}pt;height:{_NUMBER_ALONG * _PT_PER_MM:.1f}pt;z-index:251659264;"
        "mso-position-horizontal-relative:page;mso-position-vertical-relative:page"
    )
    inner = (
        f'<w:p><w:pPr><w:pStyle w:val="Footer"/><w:snapToGrid w:val="0"/><w:jc w:val="{"right" if odd else "left"}"/></w:pPr>'
        f"{run('— ', props)}{number}{run(' —', props)}</w:p>"
    )
    shape = (
        f'<w:r><w:pict><v:rect id="PageNumber{"Odd" if odd else "Even"}" style="{style}" filled="f" stroked="f">'
        f'<v:textbox style="layout-flow:vertical" inset="0,0,0,0"><w:txbxContent>{inner}</w:txbxContent></v:textbox>'
        "</v:rect></w:pict></w:r>"
    )
    body = f'<w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>{shape}</w:p>'
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
        f'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">{body}</w:ftr>'
    )


def sect_pr(
    footers: FooterRefs | None = None,
    *,
    landscape: bool = False,
    title_page: bool = False,
    page_start: int | None = None,
    page_format: str | None = None,
    kind: str = "nextPage",
) -> str:
    refs = ""
    if footers is not None and landscape:
        footers = LANDSCAPE_FOOTERS
    if footers is not None:
        refs = (
            f'<w:footerReference w:type="default" r:id="{footers.odd}"/><w:footerReference w:type="even" r:id="{footers.even}"/>'
        )
    start = f'<w:type w:val="{kind}"/>'
    if landscape:
        size = f'<w:pgSz w:w="{A4_HEIGHT}" w:h="{A4_WIDTH}" w:orient="landscape"/>'
        # Turned a quarter: the binding side is at the top, GB/T margins keep their edges.
        margins = (
            f'<w:pgMar w:top="{MARGIN_BINDING}" w:right="{MARGIN_TOP}" w:bottom="{MARGIN_OUTSIDE}" w:left="{MARGIN_BOTTOM}" '
            f'w:header="{HEADER_DISTANCE}" w:footer="{MARGIN_OUTSIDE // 2}" w:gutter="0"/>'
        )
    else:
        size = f'<w:pgSz w:w="{A4_WIDTH}" w:h="{A4_HEIGHT}"/>'
        margins = (
            f'<w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_OUTSIDE}" w:bottom="{MARGIN_BOTTOM}" w:left="{MARGIN_BINDING}" '
            f'w:header="{HEADER_DISTANCE}" w:footer="{FOOTER_DISTANCE}" w:gutter="0"/>'
        )
    numbering = ""
    if page_start is not None or page_format is not None:
        numbering = "<w:pgNumType"
        if page_format:
            numbering += f' w:fmt="{page_format}"'
        if page_start is not None:
            numbering += f' w:start="{page_start}"'
        numbering += "/>"
    title = "<w:titlePg/>" if title_page else ""
    grid = f'<w:docGrid w:type="lines" w:linePitch="{LINE_PITCH}"/>'
    return f'<w:sectPr>{refs}{start}{size}{margins}{numbering}<w:cols w:space="425"/>{title}{grid}</w:sectPr>'


# --- settings.xml -------------------------------------------------------------------

# Child order of w:settings required by the schema (as python-docx's CT_Settings).
SETTINGS_ORDER = (
    "writeProtection",
    "view",
    "zoom",
    "removePersonalInformation",
    "removeDateAndTime",
    "doNotDisplayPageBoundaries",
    "displayBackgroundShape",
    "printPostScriptOverText",
    "printFractionalCharacterWidth",
    "printFormsData",
    "embedTrueTypeFonts",
    "embedSystemFonts",
    "saveSubsetFonts",
    "saveFormsData",
    "mirrorMargins",
    "alignBordersAndEdges",
    "bordersDoNotSurroundHeader",
    "bordersDoNotSurroundFooter",
    "gutterAtTop",
    "hideSpellingErrors",
    "hideGrammaticalErrors",
    "activeWritingStyle",
    "proofState",
    "formsDesign",
    "attachedTemplate",
    "linkStyles",
    "stylePaneFormatFilter",
    "stylePaneSortMethod",
    "documentType",
    "mailMerge",
    "revisionView",
    "trackRevisions",
    "doNotTrackMoves",
    "doNotTrackFormatting",
    "documentProtection",
    "autoFormatOverride",
    "styleLockTheme",
    "styleLockQFSet",
    "defaultTabStop",
    "autoHyphenation",
    "consecutiveHyphenLimit",
    "hyphenationZone",
    "doNotHyphenateCaps",
    "showEnvelope",
    "summaryLength",
    "clickAndTypeStyle",
    "defaultTableStyle",
    "evenAndOddHeaders",
    "bookFoldRevPrinting",
    "bookFoldPrinting",
    "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing",
    "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery",
    "displayVerticalDrawingGridEvery",
    "doNotUseMarginsForDrawingGridOrigin",
    "drawingGridHorizontalOrigin",
    "drawingGridVerticalOrigin",
    "doNotShadeFormData",
    "noPunctuationKerning",
    "characterSpacingControl",
    "printTwoOnOne",
    "strictFirstAndLastChars",
    "noLineBreaksAfter",
    "noLineBreaksBefore",
    "savePreviewPicture",
    "doNotValidateAgainstSchema",
    "saveInvalidXml",
    "ignoreMixedContent",
    "alwaysShowPlaceholderText",
    "doNotDemarcateInvalidXml",
    "saveXmlDataOnly",
    "useXSLTWhenSaving",
    "saveThroughXslt",
    "showXMLTags",
    "alwaysMergeEmptyNamespace",
    "updateFields",
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
)
_SETTINGS_RANK = {name: index for index, name in enumerate(SETTINGS_ORDER)}


def patch_settings(xml: bytes, *, mirror_margins: bool, even_and_odd: bool = True, update_fields: bool = False) -> bytes:
    """settings.xml with the page-number and field switches set, children in schema order."""
    from lxml import etree  # type: ignore[import-untyped]

    root = etree.fromstring(xml)
    switches = {"mirrorMargins": mirror_margins, "evenAndOddHeaders": even_and_odd, "updateFields": update_fields}
    for name, wanted in switches.items():
        for old in root.findall(f"{{{W_NS}}}{name}"):
            root.remove(old)
        if wanted:
            element = etree.SubElement(root, f"{{{W_NS}}}{name}")
            if name == "updateFields":
                element.set(f"{{{W_NS}}}val", "true")
    children = list(root)
    for child in children:
        root.remove(child)
    for child in sorted(children, key=lambda c: _SETTINGS_RANK.get(etree.QName(c).localname, len(SETTINGS_ORDER))):
        root.append(child)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


# --- styles.xml ---------------------------------------------------------------------


@dataclass(frozen=True)
class StyleDef:
    style_id: str
    name: str
    font: Font
    size: int
    ppr: str = ""
    bold: bool = False
    kind: str = "paragraph"
    based_on: str | None = "Normal"
    next_style: str | None = None
    builtin: bool = False


_BODY_SPACING = f'<w:spacing w:line="{LINE_PITCH}" w:lineRule="exact"/>'
_TABLE_SPACING = '<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'

STYLES = (
    StyleDef(
        "Normal",
        "Normal",
        FONT_BODY,
        SIZE_3,
        f'<w:widowControl/>{_BODY_SPACING}<w:jc w:val="both"/>',
        based_on=None,
        builtin=True,
    ),
    StyleDef("BodyText", "正文首行缩进", FONT_BODY, SIZE_3, '<w:ind w:firstLineChars="200" w:firstLine="640"/>'),
    StyleDef(
        "Title",
        "Title",
        FONT_TITLE,
        SIZE_2,
        '<w:keepNext/><w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="240" w:line="360" w:lineRule="auto"/>'
        '<w:jc w:val="center"/><w:outlineLvl w:val="9"/>',
        builtin=True,
    ),
    StyleDef(
        "Heading1",
        "heading 1",
        FONT_TITLE,
        SIZE_2,
        '<w:keepNext/><w:pageBreakBefore/><w:snapToGrid w:val="0"/><w:spacing w:before="240" w:after="480" w:line="360" '
        'w:lineRule="auto"/><w:jc w:val="center"/><w:outlineLvl w:val="0"/>',
        builtin=True,
        next_style="BodyText",
    ),
    StyleDef(
        "Heading2",
        "heading 2",
        FONT_HEI,
        SIZE_3,
        f'<w:keepNext/>{_BODY_SPACING}<w:ind w:firstLineChars="200" w:firstLine="640"/><w:outlineLvl w:val="1"/>',
        builtin=True,
        next_style="BodyText",
    ),
    StyleDef(
        "Heading3",
        "heading 3",
        FONT_KAI,
        SIZE_3,
        f'<w:keepNext/>{_BODY_SPACING}<w:ind w:firstLineChars="200" w:firstLine="640"/><w:outlineLvl w:val="2"/>',
        builtin=True,
        next_style="BodyText",
    ),
    StyleDef(
        "Heading4",
        "heading 4",
        FONT_BODY,
        SIZE_3,
        f'<w:keepNext/>{_BODY_SPACING}<w:ind w:firstLineChars="200" w:firstLine="640"/><w:outlineLvl w:val="3"/>',
        bold=True,
        builtin=True,
        next_style="BodyText",
    ),
    StyleDef(
        "TOCHeading",
        "TOC Heading",
        FONT_TITLE,
        SIZE_2,
        '<w:snapToGrid w:val="0"/><w:spacing w:after="480"/><w:jc w:val="center"/>',
        builtin=True,
    ),
    StyleDef(
        "TOC1",
        "toc 1",
        FONT_HEI,
        SIZE_3,
        f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TYPE_WIDTH}"/></w:tabs>{_BODY_SPACING}',
        builtin=True,
    ),
    StyleDef(
        "TOC2",
        "toc 2",
        FONT_BODY,
        SIZE_3,
        f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TYPE_WIDTH}"/></w:tabs>{_BODY_SPACING}<w:ind w:left="640"/>',
        builtin=True,
    ),
    StyleDef("TableText", "表格文字", FONT_BODY, SIZE_S4, _TABLE_SPACING + '<w:jc w:val="left"/>'),
    StyleDef("TableLabel", "表格标签", FONT_HEI, SIZE_S4, _TABLE_SPACING + '<w:jc w:val="center"/>'),
    StyleDef("TableSmall", "表格小字", FONT_BODY, SIZE_5, _TABLE_SPACING + '<w:jc w:val="left"/>'),
    StyleDef("TableSmallLabel", "表格小字标签", FONT_HEI, SIZE_5, _TABLE_SPACING + '<w:jc w:val="center"/>'),
    StyleDef(
        "FormMeta",
        "表头信息",
        FONT_BODY,
        SIZE_S4,
        '<w:snapToGrid w:val="0"/><w:spacing w:after="120" w:line="240" w:lineRule="auto"/>',
    ),
    StyleDef(
        "Caption",
        "caption",
        FONT_KAI,
        SIZE_4,
        '<w:snapToGrid w:val="0"/><w:spacing w:before="120" w:after="240" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>',
        builtin=True,
    ),
    StyleDef(
        "Figure",
        "图片",
        FONT_BODY,
        SIZE_3,
        '<w:keepNext/><w:snapToGrid w:val="0"/><w:spacing w:before="240" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>',
    ),
    StyleDef(
        "CoverUnit",
        "封面单位",
        FONT_TITLE,
        52,
        '<w:snapToGrid w:val="0"/><w:spacing w:before="2400" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>',
    ),
    StyleDef(
        "CoverTitle",
        "封面标题",
        FONT_TITLE,
        72,
        '<w:snapToGrid w:val="0"/><w:spacing w:before="1200" w:after="1200" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>',
    ),
    StyleDef(
        "CoverDate",
        "封面日期",
        FONT_KAI,
        SIZE_3,
        '<w:snapToGrid w:val="0"/><w:spacing w:before="4800" w:line="480" w:lineRule="auto"/><w:jc w:val="center"/>',
    ),
    StyleDef("Signature", "落款", FONT_BODY, SIZE_3, '<w:ind w:right="640"/><w:jc w:val="right"/>'),
    StyleDef(
        "Footer",
        "footer",
        FONT_SONG,
        SIZE_4,
        '<w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/>',
        builtin=True,
    ),
)


def _style_xml(style: StyleDef) -> str:
    spacing = CONDENSE_28 if style.size == SIZE_3 else 0
    props = rpr(style.font, size=style.size, bold=style.bold, spacing=spacing)
    based = f'<w:basedOn w:val="{style.based_on}"/>' if style.based_on else ""
    following = f'<w:next w:val="{style.next_style}"/>' if style.next_style else ""
    default = ' w:default="1"' if style.style_id == "Normal" else ""
    ppr_xml = f"<w:pPr>{style.ppr}</w:pPr>" if style.ppr else ""
    return (
        f'<w:style w:type="{style.kind}"{default} w:styleId="{style.style_id}"><w:name w:val="{style.name}"/>'
        f"{based}{following}<w:qFormat/>{ppr_xml}{props}</w:style>"
    )


def styles_xml() -> str:
    """styles.xml with no theme fonts: every style names its Latin and East-Asian face."""
    defaults = (
        f"<w:docDefaults><w:rPrDefault><w:rPr>{fonts_xml(FONT_BODY.name)}"
        f'<w:kern w:val="2"/><w:sz w:val="{SIZE_3}"/><w:szCs w:val="{SIZE_3}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        "<w:pPrDefault><w:pPr><w:widowControl/></w:pPr></w:pPrDefault></w:docDefaults>"
    )
    table = (
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/>'
        '<w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
        "</w:tblPr></w:style>"
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/>'
        '<w:uiPriority w:val="1"/><w:semiHidden/></w:style>'
        '<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:basedOn w:val="DefaultParagraphFont"/>'
        '<w:rPr><w:color w:val="000000"/></w:rPr></w:style>'
    )
    body = "".join(_style_xml(style) for style in STYLES)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:styles xmlns:w="{W_NS}" xmlns:r="{R_NS}">{defaults}{table}{body}</w:styles>'
    )


def font_table_xml() -> str:
    """fontTable.xml: each Chinese face with the face Word substitutes when it is missing."""
    entries = [
        f'<w:font w:name="{LATIN}"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/>'
        '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
    ]
    for font in FONTS:
        entries.append(
            f'<w:font w:name="{font.name}"><w:altName w:val="{font.fallback}"/><w:panose1 w:val="{font.panose}"/>'
            f'<w:charset w:val="86"/><w:family w:val="{font.family}"/><w:pitch w:val="variable"/></w:font>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:fonts xmlns:w="{W_NS}" xmlns:r="{R_NS}">{"".join(entries)}</w:fonts>'
    )


# --- Paragraph kinds used by the generated documents ----------------------------------

RPR_BODY = rpr(FONT_BODY)
RPR_TITLE = rpr(FONT_TITLE)
RPR_HEI = rpr(FONT_HEI)
RPR_KAI = rpr(FONT_KAI)
RPR_TABLE = rpr(FONT_BODY)
RPR_TABLE_BOLD = rpr(FONT_BODY, bold=True)
RPR_LABEL = rpr(FONT_HEI)


def body(text: object) -> str:
    return text_para(text, "BodyText", RPR_BODY)


def heading(text: object, level: int, *, bookmark: str = "", bookmark_id: int = 0) -> str:
    font = {1: RPR_TITLE, 2: RPR_HEI, 3: RPR_KAI}.get(level, rpr(FONT_BODY, bold=True))
    content = run(text, font)
    if bookmark:
        content = f'<w:bookmarkStart w:id="{bookmark_id}" w:name="{bookmark}"/>{content}<w:bookmarkEnd w:id="{bookmark_id}"/>'
    return para(content, ppr(f"Heading{level}"))
