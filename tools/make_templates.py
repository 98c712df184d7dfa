"""Generate the built-in Word templates in src/lianzheng_cli/templates/.

Run once after changing the layout (``.venv/bin/python tools/make_templates.py``) and
commit the .docx files: they are what a clerk opens in Word and edits. Every style and
every run names its East-Asian face; the page follows GB/T 9704-2012.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from lianzheng_cli.render import docx_layout as L  # noqa: E402

OUT = ROOT / "src" / "lianzheng_cli" / "templates"
NS = f'xmlns:w="{L.W_NS}" xmlns:r="{L.R_NS}"'
LABEL_WIDTH = 1417  # 25 mm: room for 处科室名称 on one line
TABLE = L.RPR_TABLE
BOLD = L.RPR_TABLE_BOLD


def tag(text: str) -> str:
    """A paragraph holding only a docxtpl tag such as {%p for … %}."""
    return L.para(L.run(text, TABLE), L.ppr("TableText"))


def cell_text(
    text: str,
    *,
    jc: str | None = None,
    left: int | None = None,
    hanging: int | None = None,
    props: str = TABLE,
    keep: bool = False,
) -> str:
    return L.para(L.run(text, props), L.ppr("TableText", jc=jc, left=left, hanging=hanging, keep_next=keep))


def label(text: str, *, keep: bool = False) -> L.Cell:
    return L.Cell(L.para(L.run(text, L.RPR_LABEL), L.ppr("TableLabel", keep_next=keep)))


def value(text: str) -> L.Cell:
    return L.Cell(cell_text(text))


def duties_cell() -> L.Cell:
    content = (
        tag("{%p for 条 in 主要职责 %}")
        + cell_text("{{ loop.index }}. {{ 条 }}", left=360, hanging=360)
        + tag("{%p endfor %}")
        + tag("{%p if not 主要职责 %}")
        + cell_text("（无）")
        + tag("{%p endif %}")
    )
    return L.Cell(content, span=3, valign="top")


def risks_cell(span: int) -> L.Cell:
    title = L.para(
        L.run("{{ 风险.序号 }}. {{ 风险.名称 }}", BOLD) + L.run("（{{ 风险.等级 }}，{{ 风险.类型 }}）{{ 风险.分级负责说明 }}{{ 风险.降级说明 }}", TABLE),
        L.ppr("TableText", keep_next=True),
    )
    content = (
        tag("{%p for 风险 in 风险点 %}")
        + title
        + tag("{%p for 表现 in 风险.表现形式 %}")
        + cell_text("（{{ loop.index }}）{{ 表现 }}", left=840, hanging=600)
        + tag("{%p endfor %}")
        + tag("{%p if 风险.监测指标 %}")
        + cell_text("监测指标：{{ 风险.监测指标|join('；') }}", left=840, hanging=600)
        + tag("{%p endif %}")
        + tag("{%p endfor %}")
        + tag("{%p if 岗位风险 %}")
        + L.para(L.run("所属岗位的风险点：", BOLD), L.ppr("TableText", keep_next=True))
        + tag("{%p for 项 in 岗位风险 %}")
        + cell_text("{{ 项.文字 }}", left=840, hanging=600)
        + tag("{%p endfor %}")
        + tag("{%p endif %}")
        + tag("{%p if not 风险点 and not 岗位风险 %}")
        + cell_text("（无）")
        + tag("{%p endif %}")
    )
    return L.Cell(content, span=span, valign="top")


def measures_content(keep: bool) -> str:
    """One risk point's measures (inside a {%tr for 风险 %} loop)."""
    return (
        L.para(L.run("{{ 风险.序号 }}. {{ 风险.名称 }}", BOLD), L.ppr("TableText", keep_next=True))
        + tag("{%p for 措施 in 风险.防控措施 %}")
        + cell_text("（{{ loop.index }}）{{ 措施.阶段标签 }}{{ 措施.内容 }}{{ 措施.附注 }}", left=840, hanging=600, keep=keep)
        + tag("{%p endfor %}")
    )


_NO_TOP = '<w:tcBorders><w:top w:val="nil"/></w:tcBorders>'
_NO_BOTTOM = '<w:tcBorders><w:bottom w:val="nil"/></w:tcBorders>'
_NO_TOP_BOTTOM = '<w:tcBorders><w:top w:val="nil"/><w:bottom w:val="nil"/></w:tcBorders>'


def measures_rows(widths: list[int], span: int) -> list[str]:
    """自我防控措施 as one table row per risk point, drawn as one cell (no rules between the rows).

    Only the last risk point's row keeps with the review rows (all its paragraphs keepNext: Word
    and LibreOffice then move or split it onto the page of 审核/审定), so a page break before the
    review rows carries the last measures with them instead of the whole column or nothing.
    """

    def row(first: bool, last: bool) -> str:
        # No vMerge for the label: LibreOffice decides a row's keep-with-next from the row's own
        # first cell, which a merged continuation cell does not have. The label column's cells
        # lose the rules between them instead, like the content column.
        borders = {(True, True): "", (True, False): _NO_BOTTOM, (False, True): _NO_TOP, (False, False): _NO_TOP_BOTTOM}
        text = L.run("自我\n防控\n措施", L.RPR_LABEL) if first else ""
        label_cell = L.Cell(L.para(text, L.ppr("TableLabel", keep_next=last)), borders=borders[(first, last)])
        content = L.Cell(measures_content(last), span=span, valign="top", borders=borders[(first, last)])
        return L.row_xml([label_cell, content], widths, cant_split=False, min_height=1984 if first and last else 0)

    def tr_tag(text: str) -> str:
        return L.row_xml([L.Cell(tag(text), span=span + 1)], widths)

    empty = L.Cell(
        cell_text("{{ '所属岗位的防控措施见各岗位的防控表。' if 岗位风险 else '（无）' }}", keep=True), span=span, valign="top"
    )
    return [
        tr_tag("{%tr for 风险 in 风险点 %}"),
        tr_tag("{%tr if loop.first and loop.last %}"),
        row(True, True),
        tr_tag("{%tr elif loop.first %}"),
        row(True, False),
        tr_tag("{%tr elif loop.last %}"),
        row(False, True),
        tr_tag("{%tr else %}"),
        row(False, False),
        tr_tag("{%tr endif %}"),
        tr_tag("{%tr endfor %}"),
        tr_tag("{%tr if not 风险点 %}"),
        L.row_xml([label("自我\n防控\n措施", keep=True), empty], widths, cant_split=False, min_height=1984),
        tr_tag("{%tr endif %}"),
    ]


# 25 mm of blank cell above 签字 in an unsigned form, as in the annex: room to write by hand.
HANDWRITING = 1474


def review_cell(key: str, span: int) -> L.Cell:
    # Both review rows keep with what follows (审核 with 审定); see form_body for the chain.
    keep = key == "审核"
    content = (
        tag(f"{{%p if {key}.已填写 %}}")
        + L.para(L.run(f"{{{{ {key}.意见 }}}}", TABLE), L.ppr("TableText", keep_next=keep))
        + tag("{%p else %}")
        + L.para("", L.ppr("TableText", keep_next=keep, before=0, after=0, line=HANDWRITING, exact=True))
        + tag("{%p endif %}")
        + L.para(
            L.run(f"签字：{{{{ {key}.签字文字 }}}}　　{{{{ {key}.日期文字 }}}}", TABLE),
            L.ppr("TableText", jc="right", before=240, keep_next=keep),
        )
    )
    return L.Cell(content, span=span, valign="bottom")


def form_body(title: str, head_rows: list[tuple[str, str, str, str]] | None, unit_rows: list[tuple[str, str]] | None) -> str:
    # The annex has no 登记表编号/年度 line; a unit that wants one adds it to its own template.
    heading = L.para(L.run(title, L.RPR_TITLE), L.ppr("Title"))
    # The annex has no 登记表编号/年度 line; only the approval mark (已审定/未审定…) stands above the table.
    meta = L.para(L.run("{{ 审定标注 }}", TABLE), L.ppr("FormMeta", jc="right", after=60))
    if head_rows is not None:
        widths = [LABEL_WIDTH, (L.TYPE_WIDTH - 2 * LABEL_WIDTH) // 2, LABEL_WIDTH]
        widths.append(L.TYPE_WIDTH - sum(widths))
        span = 3
        rows = [L.row_xml([label(a), value(b), label(c), value(d)], widths, min_height=567) for a, b, c, d in head_rows]
    else:
        widths = [LABEL_WIDTH, L.TYPE_WIDTH - LABEL_WIDTH]
        span = 1
        rows = [L.row_xml([label(a), value(b)], widths, min_height=567) for a, b in unit_rows or []]
    rows += [
        L.row_xml([label("主要\n职责"), _spanned(duties_cell(), span)], widths, cant_split=False, min_height=1134),
        L.row_xml([label("存在\n廉政\n风险"), risks_cell(span)], widths, cant_split=False, min_height=1984),
        *measures_rows(widths, span),
        L.row_xml([label("审核\n意见", keep=True), review_cell("审核", span)], widths, min_height=850),
        L.row_xml([label("审定\n意见"), review_cell("审定", span)], widths, min_height=850),
    ]
    withdrawn = (
        tag("{%p if 评估结果 %}")
        + L.para(L.run("评估结果：{{ 评估结果 }}", TABLE), L.ppr("FormMeta", before=60))
        + tag("{%p endif %}")
        + tag("{%p if 撤销说明 %}")
        + L.para(L.run("注：本年度撤销的风险点——{{ 撤销说明|join('；') }}。", TABLE), L.ppr("FormMeta", before=60))
        + tag("{%p endif %}")
    )
    return heading + meta + L.table_xml(widths, rows) + withdrawn


def _spanned(cell: L.Cell, span: int) -> L.Cell:
    return L.Cell(cell.content, span=span, valign=cell.valign)


# 15 characters of 三号 (a 署名 line) fit right of this centre; a date such as 2025年12月31日
# centred here ends four characters in from the right edge.
SIGNATURE_CENTRE = L.TYPE_WIDTH - 2400 - 40


def notice_body() -> str:
    """The 提示书 as a letter (GB/T 9704): title, salutation alone, body in 一、（一）1. levels,
    the issuing office's 署名 centred over the date (右空四字), then the holder's acknowledgement."""
    body_props = L.RPR_BODY

    def body(text: str, **kwargs: object) -> str:
        return L.para(L.run(text, body_props), L.ppr("BodyText", **kwargs))  # type: ignore[arg-type]

    def plain(text: str, **kwargs: object) -> str:
        return L.para(L.run(text, body_props), L.ppr("Normal", **kwargs))  # type: ignore[arg-type]

    def block_tag(text: str) -> str:
        return L.para(L.run(text, body_props), L.ppr("Normal"))

    def signed(text: str) -> str:
        # A centre tab stop shared by the 署名 lines and the date: the 署名 is centred over a
        # date that ends about four characters in from the right edge (GB/T 9704 §7.3.5.1).
        return L.para(L.run(f"\t{text}", body_props), L.ppr("Normal", keep_next=True, tabs=[("center", SIGNATURE_CENTRE)]))

    return "".join(
        [
            L.para(L.run("廉政风险提示书", L.RPR_TITLE), L.ppr("Title")),
            plain(""),
            plain("{{ 称呼 }}："),
            body(
                "经岗位自查、科室审核和单位审定，你所在的{{ 岗位全称 }}{{ 年度 }}年度共查找出廉政风险点"
                "{{ 风险点|length }}个，岗位风险等级为{{ 风险等级 or '未定级' }}。现将各风险点的表现形式和防控措施"
                "告知如下，请逐条对照、严格落实，并自觉接受组织和群众监督。"
            ),
            block_tag("{%p for 风险 in 风险点 %}"),
            L.para(
                L.run("{{ 风险.中文序号 }}、{{ 风险.名称 }}（{{ 风险.等级 }}，{{ 风险.类型 }}）", L.RPR_HEI),
                L.ppr("BodyText", keep_next=True),
            ),
            L.para(L.run("（一）主要表现", L.RPR_KAI), L.ppr("BodyText", keep_next=True)),
            block_tag("{%p for 表现 in 风险.表现形式 %}"),
            body("{{ loop.index }}. {{ 表现 }}"),
            block_tag("{%p endfor %}"),
            L.para(L.run("（二）防控措施", L.RPR_KAI), L.ppr("BodyText", keep_next=True)),
            block_tag("{%p for 措施 in 风险.防控措施 %}"),
            body("{{ loop.index }}. {{ 措施.阶段标签 }}{{ 措施.内容 }}{{ 措施.附注 }}"),
            block_tag("{%p endfor %}"),
            block_tag("{%p endfor %}"),
            plain("", keep_next=True),
            plain("", keep_next=True),
            block_tag("{%p for 行 in 落款.署名 %}"),
            signed("{{ 行 }}"),
            block_tag("{%p endfor %}"),
            signed("{{ 落款日期文字 }}"),
            plain(""),
            body("本人已知悉上述廉政风险和防控措施，承诺在工作中认真落实，主动接受监督。", keep_next=True),
            plain("", keep_next=True),
            L.para(L.run("岗位人员（签字）：{{ 落款.签收空白 }}", body_props), L.ppr("Normal", jc="right", keep_next=True)),
            L.para(L.run("日期：{{ 落款.空白日期 }}", body_props), L.ppr("Normal", jc="right")),
        ]
    )


def progress_body() -> str:
    widths = [850, 4820, L.TYPE_WIDTH - 850 - 4820]
    head = L.row_xml([label("序号"), label("填报内容"), label("填写是、否或数量")], widths, header=True, min_height=567)

    def tr_tag(text: str) -> str:
        return L.row_xml([L.Cell(cell_text(text), span=3)], widths)

    item = L.row_xml(
        [
            L.Cell(cell_text("{{ 项.序号 }}", jc="center")),
            L.Cell(cell_text("{{ 项.内容 }}")),
            L.Cell(cell_text("{{ 项.值 }}", jc="center")),
        ],
        widths,
        min_height=510,
    )
    meta = L.para(
        L.run("单位：{{ 单位 }}\t截止时间：{{ 截止日期文字 }}", TABLE),
        L.ppr("FormMeta", tabs=[("right", L.TYPE_WIDTH)]),
    )
    notes = (
        L.para(L.run("{%p for 注 in 说明 %}", TABLE), L.ppr("FormMeta"))
        + L.para(L.run("{{ 注 }}", TABLE), L.ppr("FormMeta", before=60))
        + L.para(L.run("{%p endfor %}", TABLE), L.ppr("FormMeta"))
    )
    return (
        L.para(L.run("廉政风险防控机制建设工作进展情况表", L.RPR_TITLE), L.ppr("Title"))
        + meta
        + L.table_xml(widths, [head, tr_tag("{%tr for 项 in 项目 %}"), item, tr_tag("{%tr endfor %}")])
        + notes
    )


def styles_body() -> str:
    """The reference document for generated documents: one sample paragraph per style."""
    parts = [L.para(L.run("廉政风险防控机制工作手册（样式参考）", L.RPR_TITLE), L.ppr("Title"))]
    for style in L.STYLES:
        if style.style_id in ("Footer",):
            continue
        sample = f"{style.name}：{style.font.name}，{style.size / 2:g} 磅"
        parts.append(L.para(L.run(sample, L.rpr(style.font)), L.ppr(style.style_id)))
    parts.append(
        L.body(
            "本文件只提供样式：工作手册、风险点目录、部门权力清单按这里的样式生成。修改样式（字体、字号、行距）后保存，内容不必改动。"
        )
    )
    return "".join(parts)


def build(name: str, body_xml: str, *, title: str, mirror: bool = False) -> None:
    document = Document()
    _replace_part_xml(document.part._styles_part, L.styles_xml())
    font_part = _font_table_part(document)
    if font_part is not None:
        _replace_part_xml(font_part, L.font_table_xml())
    _patch_theme(document)
    section = document.sections[0]
    document.settings.odd_and_even_pages_header_footer = True
    odd = section.footer
    even = section.even_page_footer
    odd.is_linked_to_previous = False
    even.is_linked_to_previous = False
    _replace_part_xml(odd.part, L.page_number_footer("right"))
    _replace_part_xml(even.part, L.page_number_footer("left"))
    refs = {
        ref.get(f"{{{L.W_NS}}}type"): ref.get(f"{{{L.R_NS}}}id")
        for ref in section._sectPr.iterchildren(f"{{{L.W_NS}}}footerReference")
    }
    sect = L.sect_pr(L.FooterRefs(refs["default"], refs["even"]))
    body = document.element.body
    for child in list(body):
        body.remove(child)
    for child in parse_xml(f"<w:body {NS}>{body_xml}{sect}</w:body>"):
        body.append(child)
    settings_part = document.part._settings_part
    settings_xml = L.patch_settings(settings_part.blob, mirror_margins=mirror)
    settings_part._element = parse_xml(settings_xml)
    properties = document.core_properties
    properties.title = title
    # Generated documents carry these properties: no tool names or paths in them.
    properties.author = ""
    properties.last_modified_by = ""
    properties.comments = ""
    buffer = io.BytesIO()
    document.save(buffer)
    (OUT / name).write_bytes(_clean_package(buffer.getvalue()))
    print(f"wrote {OUT / name}")


_DROPPED = re.compile(r"^(docProps/thumbnail\.jpeg|word/stylesWithEffects\.xml|customXml/.*)$")
_DROPPED_REF = re.compile(r"<(Relationship|Override)\b[^>]*(thumbnail|stylesWithEffects|customXml|itemProps)[^>]*/>")


def _clean_package(data: bytes) -> bytes:
    """Drop python-docx's thumbnail, stylesWithEffects and customXml; fixed timestamps for stable files."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if _DROPPED.match(info.filename):
                continue
            content = source.read(info.filename)
            if info.filename.endswith((".rels", "[Content_Types].xml")):
                content = _DROPPED_REF.sub("", content.decode("utf-8")).encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()


def _replace_part_xml(part: object, xml: str) -> None:
    """Swap a part's XML; python-docx keeps some parts (fontTable) as plain bytes."""
    if hasattr(part, "_element"):
        part._element = parse_xml(xml.encode("utf-8"))
    else:
        part._blob = xml.encode("utf-8")  # type: ignore[attr-defined]


def _font_table_part(document: object) -> object | None:
    for rel in document.part.rels.values():  # type: ignore[attr-defined]
        if rel.reltype.endswith("/fontTable"):
            return rel.target_part
    return None


def _patch_theme(document: object) -> None:
    """The default theme sends East-Asian text to a Japanese face; point it at 宋体."""
    for rel in document.part.rels.values():  # type: ignore[attr-defined]
        if rel.reltype.endswith("/theme"):
            xml = rel.target_part.blob.decode("utf-8")
            xml = re.sub(r'<a:ea typeface="[^"]*"/>', '<a:ea typeface="宋体"/>', xml)
            xml = re.sub(r'<a:font script="Jpan" typeface="[^"]*"/>', "", xml)
            rel.target_part._blob = xml.encode("utf-8")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    build(
        "个人岗位廉政风险防控表.docx",
        form_body(
            "个人岗位廉政风险防控表",
            [("单　位", "{{ 单位 }}", "职　务", "{{ 职务 }}"), ("风险等级", "{{ 风险等级 }}", "姓　名", "{{ 姓名 }}")],
            None,
        ),
        title="个人岗位廉政风险防控表",
    )
    build(
        "科室廉政风险防控表.docx",
        form_body(
            "科室廉政风险防控表",
            [
                ("单　位", "{{ 单位 }}", "处科室名称", "{{ 处科室名称 }}"),
                ("风险等级", "{{ 风险等级 }}", "负责人", "{{ 负责人 }}"),
            ],
            None,
        ),
        title="科室廉政风险防控表",
    )
    build(
        "单位廉政风险防控表.docx",
        form_body("单位廉政风险防控表", None, [("单位名称", "{{ 单位名称 }}"), ("风险等级", "{{ 风险等级 }}")]),
        title="单位廉政风险防控表",
    )
    build("廉政风险提示书.docx", notice_body(), title="廉政风险提示书")
    build("进展情况表.docx", progress_body(), title="廉政风险防控机制建设工作进展情况表")
    build("文档样式.docx", styles_body(), title="廉政风险防控机制工作手册", mirror=True)


if __name__ == "__main__":
    main()
