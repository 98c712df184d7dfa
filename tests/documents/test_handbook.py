"""The handbook and the unit-wide documents: nothing dropped, GB/T 9704 layout, real fields."""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.shared import Length

from tests.documents.conftest import Built
from tests.documents.docxread import W, document_text, part

HANDBOOK = "廉政风险防控机制工作手册.docx"


def test_every_risk_point_and_measure_appears_in_handbook_and_catalogue(built: Built) -> None:
    handbook = document_text(built.out / HANDBOOK)
    catalogue = document_text(built.out / "风险点目录.docx")
    markdown = (built.out / "风险点目录.md").read_text(encoding="utf-8")
    html = (built.out / "廉政风险防控机制工作手册.html").read_text(encoding="utf-8")
    risks = measures = 0
    for register in built.unit.registers:
        for risk in register.risks:
            risks += 1
            for text in (handbook, catalogue):
                assert risk.id in text and risk.name in text, risk.id
                assert all(m in text for m in risk.manifestations), risk.id
            assert risk.id in markdown and risk.id in html
            for measure in risk.measures:
                measures += 1
                assert measure.content in handbook and measure.content in catalogue, measure.content
    assert (risks, measures) == (86, 258)
    # The catalogue lists each risk point once; the handbook twice (its form and the catalogue by grade).
    assert sum(catalogue.count(f"\n{r.id}\n") for reg in built.unit.registers for r in reg.risks) == 86


def test_every_power_and_chapter_appears(built: Built) -> None:
    handbook = document_text(built.out / HANDBOOK)
    powers = document_text(built.out / "部门权力清单.docx")
    for department in built.unit.departments:
        for power in department.register.powers if department.register else []:
            assert power.name in handbook and power.name in powers
            assert all(basis in powers for basis in power.basis)
    for chapter in built.unit.chapters:
        assert chapter.title in handbook
    assert "编制目的" in handbook and "年度复查" in handbook


def test_page_is_gbt9704_a4_with_its_type_area(built: Built) -> None:
    document = Document(str(built.out / HANDBOOK))
    portrait = [s for s in document.sections if s.page_width < s.page_height]
    landscape = [s for s in document.sections if s.page_width > s.page_height]
    assert portrait and landscape
    for section in portrait:
        assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
        assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
        assert round(Length(section.page_width - section.left_margin - section.right_margin).mm) == 156
        assert round(Length(section.page_height - section.top_margin - section.bottom_margin).mm) == 225
    for section in landscape:
        assert round(Length(section.page_width - section.left_margin - section.right_margin).mm) == 225
    settings = part(built.out / HANDBOOK, "word/settings.xml")
    assert "<w:evenAndOddHeaders/>" in settings and "<w:mirrorMargins/>" in settings
    assert '<w:updateFields w:val="true"/>' in settings


def test_page_numbers_odd_right_even_left_in_song_four(built: Built) -> None:
    document = Document(str(built.out / HANDBOOK))
    body = next(s for s in document.sections if s.footer.paragraphs and s.footer.paragraphs[0].text)
    odd, even = body.footer.paragraphs[0], body.even_page_footer.paragraphs[0]
    assert odd.text.replace(" ", "") == even.text.replace(" ", "") == "—1—"
    assert odd.alignment == 2 and even.alignment == 0  # RIGHT, LEFT
    fonts = odd._p.findall(f".//{W}rFonts")
    assert fonts and all(f.get(f"{W}eastAsia") == "宋体" for f in fonts)
    assert all(size.get(f"{W}val") == "28" for size in odd._p.findall(f".//{W}sz"))
    assert "PAGE" in "".join(t.text or "" for t in odd._p.iter(f"{W}instrText"))


def test_landscape_sections_turn_the_page_number_to_the_left_edge(built: Built) -> None:
    for name in (HANDBOOK, "风险点目录.docx", "部门权力清单.docx"):
        document = Document(str(built.out / name))
        landscape = [s for s in document.sections if s.page_width > s.page_height]
        portrait = [s for s in document.sections if s.page_width < s.page_height]
        assert landscape
        for section in landscape:
            for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
                xml = footer._element.xml
                assert "layout-flow:vertical" in xml and "mso-position-horizontal-relative:page" in xml
                assert f'w:jc w:val="{align}"' in xml and "PAGE" in xml and 'w:eastAsia="宋体"' in xml
        for section in portrait:
            assert "layout-flow" not in section.footer._element.xml  # portrait pages keep the template's footers


def test_east_asian_font_on_every_run_and_style(built: Built) -> None:
    for name in (HANDBOOK, "风险点目录.docx", "部门权力清单.docx", "进展情况表.docx", "单位廉政风险防控表.docx"):
        xml = part(built.out / name, "word/document.xml")
        runs = re.findall(r"<w:r>(.*?)</w:r>", xml, re.DOTALL)
        with_text = [r for r in runs if "<w:t" in r]
        assert with_text
        missing = [r for r in with_text if "w:eastAsia=" not in r]
        assert not missing, (name, missing[:2])
        styles = part(built.out / name, "word/styles.xml")
        assert "Theme" not in re.sub(r"<w:latentStyles.*?</w:latentStyles>", "", styles, flags=re.DOTALL)
        for style in re.findall(r'<w:style w:type="paragraph".*?</w:style>', styles, re.DOTALL):
            assert "w:eastAsia=" in style, style[:80]
        assert 'w:eastAsia="zh-CN"' in styles


def test_tables_repeat_header_rows_and_long_rows_split(built: Built) -> None:
    for name in ("风险点目录.docx", "部门权力清单.docx", HANDBOOK):
        document = Document(str(built.out / name))
        listed = [
            t for t in document.tables if t.rows[0]._tr.trPr is not None and t.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None
        ]
        assert listed, name
        for table in listed:
            # The header row stays whole and repeats; a tall row splits rather than leave a page a
            # third empty (page fill is measured on the PDF in test_pdf.py).
            assert table.rows[0]._tr.trPr.find(f"{W}cantSplit") is not None
            for row in table.rows[1:]:
                assert row._tr.trPr is None or row._tr.trPr.find(f"{W}cantSplit") is None
            for paragraph in table.rows[1].cells[0].paragraphs:
                # Table text does not snap to the 28.95 pt document grid (its style says so).
                style = document.styles[paragraph.style.name]
                assert style.element.pPr.find(f"{W}snapToGrid").get(f"{W}val") == "0"


def test_toc_is_a_word_field_with_linked_entries(built: Built) -> None:
    xml = part(built.out / HANDBOOK, "word/document.xml")
    assert re.search(r"<w:instrText[^>]*> TOC \\o &quot;1-2&quot; \\h \\z \\u </w:instrText>|TOC \\o \"1-2\"", xml)
    anchors = re.findall(r'<w:hyperlink w:anchor="(_Toc_ch_\d+)"', xml)
    bookmarks = set(re.findall(r'<w:bookmarkStart w:id="\d+" w:name="(_Toc_ch_\d+)"/>', xml))
    assert anchors and set(anchors) == bookmarks
    text = document_text(built.out / HANDBOOK)
    toc = text[text.index("目　录") : text.index("目　录") + 3000]
    assert "第一章 总则" in toc and "药剂科" in toc and "统计" in toc


def test_flowcharts_are_embedded_as_png_with_captions(built: Built) -> None:
    import zipfile

    with zipfile.ZipFile(built.out / HANDBOOK) as package:
        pictures = [n for n in package.namelist() if n.startswith("word/media/") and n.endswith(".png")]
        content_types = package.read("[Content_Types].xml").decode()
    if built.result.counts["flowcharts"]:
        assert len(pictures) == built.result.counts["flowcharts"] == 28
        assert 'Extension="png"' in content_types
        assert "药品采购计划编制与执行权力运行流程图（YJK-QL-01）" in document_text(built.out / HANDBOOK)
        svg = (built.out / "流程图" / "YJK-QL-01.svg").read_text(encoding="utf-8")
        assert svg.startswith("<svg") and "一级" in svg
        assert "<svg" in (built.out / "廉政风险防控机制工作手册.html").read_text(encoding="utf-8")
    else:
        assert "权力运行流程图" in document_text(built.out / HANDBOOK)


def test_progress_report_counts(built: Built) -> None:
    text = document_text(built.out / "进展情况表.docx")
    assert "截止时间：2025年6月25日" in text
    for expected in ("查找廉政风险点\n86", "68/15/3", "16/51/19", "制定防控措施（条）\n258", "发出风险预警（次）\n1"):
        assert expected in text, expected
    document = Document(str(built.out / "进展情况表.docx"))
    assert len(document.tables[0].rows) == 30  # header + 29 items


def test_output_files_and_manifest(built: Built) -> None:
    out = built.out
    for name in ("廉政风险防控机制工作手册", "风险点目录", "部门权力清单", "进展情况表", "单位廉政风险防控表"):
        for suffix in ("docx", "md", "html"):
            assert (out / f"{name}.{suffix}").is_file()
    manifest = (out / ".lzfk-build.json").read_text(encoding="utf-8")
    assert "科室/药剂科/个人岗位廉政风险防控表/YJK-CG_药品采购员.docx" in manifest
    assert len(built.result.written) == len(set(built.result.written))
    assert all(Path(p).stat().st_mode & 0o044 for p in [*built.result.written[:5], out / HANDBOOK])


def test_catalogue_sections_follow_one_order_in_word_markdown_and_html(built: Built) -> None:
    pattern = re.compile(r"([一二三四五六七八九十]+)、([^（\n<>]+)（(\d+)个）")
    word = pattern.findall(document_text(built.out / "风险点目录.docx"))
    markdown = pattern.findall((built.out / "风险点目录.md").read_text(encoding="utf-8"))
    page = pattern.findall((built.out / "风险点目录.html").read_text(encoding="utf-8"))
    assert word[0][1] == "单位" and word[1][1] == "领导班子"
    assert word == markdown == page
