"""The public edition holds the internal catalogue's facts and none of its people."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lianzheng_cli.models import DepartmentRegister, PostRegister, UnitRegister
from lianzheng_cli.public_leaks import docx_texts, html_texts
from lianzheng_cli.render.assemble import unit_context
from lianzheng_cli.render.public.edition import build_edition
from lianzheng_cli.render.public.source import load_public
from tests.public.conftest import Published, publish, with_public_settings


def site_text(published: Published) -> str:
    parts = []
    for path in sorted(published.site.rglob("*.html")):
        parts += [text for _, text in html_texts(path.read_text(encoding="utf-8"))]
    return "\n".join(parts)


def notice_text(published: Published) -> str:
    return "\n".join(text for _, text in docx_texts(published.site / "公示一览表.docx"))


def people(published: Published) -> set[str]:
    names: set[str] = set()
    for register in published.source.unit.registers:
        if isinstance(register, PostRegister):
            names.update(register.holders)
        if isinstance(register, DepartmentRegister) and register.head:
            names.add(register.head)
        if isinstance(register, UnitRegister) and register.group:
            names.update([register.group.head, *register.group.deputies, *register.group.members])
        names.update(review.signer for review in (register.review, register.approval) if review and review.signer)
    return names


def test_every_internal_risk_point_and_measure_is_published(published: Published) -> None:
    internal = unit_context(published.source.unit)["目录"]
    public = {row["编号"]: row for row in published.source.edition.view["目录"]}
    assert len(internal) == len(public) == 86
    html, word = site_text(published), notice_text(published)
    for row in internal:
        mirror = public[row["编号"]]
        assert (mirror["名称"], mirror["类别"], mirror["等级"]) == (row["名称"], row["类型"], row["等级"])
        assert mirror["表现形式"] == row["表现形式"]
        assert [m["内容"] for m in mirror["防控措施"]] == [m["内容"] for m in row["防控措施"]]
        for text in [row["名称"], *row["表现形式"], *(m["内容"] for m in row["防控措施"])]:
            assert text in html, text
            assert text in word, text


def test_no_name_the_registers_hold_is_in_any_written_file(published: Published) -> None:
    names = people(published)
    assert len(names) >= 30  # 在岗人员, 负责人, 签字 and the 领导小组 of the sample
    for path in published.build.written:
        data = path.read_bytes()
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as package:
                data = b"".join(package.read(name) for name in package.namelist() if name.endswith(".xml"))
        text = data.decode("utf-8", errors="replace")
        leaked = sorted(name for name in names if name in text)
        assert not leaked, (path.name, leaked)


def test_no_review_opinion_internal_note_or_tool_word(published: Published) -> None:
    with zipfile.ZipFile(published.site / "公示一览表.docx") as package:
        properties = package.read("docProps/core.xml").decode("utf-8")
    assert "lzfk" not in properties and "<dc:creator>青川县人民医院</dc:creator>" in properties
    text = site_text(published) + notice_text(published)
    for word in ("审核意见", "审定意见", "情况属实", "在岗人员", "负责人：", "lzfk", "registers/", ".yaml"):
        assert word not in text, word
    assert not re.search(r"(?<![0-9A-Za-z])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}(?![0-9A-Za-z])", text)


def test_pages_per_department_and_post(published: Published) -> None:
    view = published.source.edition.view
    assert (published.site / "index.html").is_file()
    assert len(list((published.site / "科室").glob("*.html"))) == len(view["科室"]) == 13
    assert len(list((published.site / "岗位").glob("*.html"))) == len(view["岗位"]) == 31
    post = (published.site / "岗位" / "YJK-CG.html").read_text(encoding="utf-8")
    assert "药品采购员" in post and "采购中收受供应商回扣" in post and "<svg" in post  # the QR code
    assert "张某" not in post


def test_downgrade_reasons_stay_internal_unless_configured(sample: Path) -> None:
    register = sample / "registers" / "药剂科" / "药品采购员.yaml"
    text = register.read_text(encoding="utf-8")
    register.write_text(
        text.replace("    等级: 二级\n", "    等级: 二级\n    降级理由: 订单已由系统自动比对计划\n", 1), encoding="utf-8"
    )
    source = load_public(sample)
    reasons = [risk.downgrade_reason for register in source.unit.registers for risk in register.risks if risk.downgrade_reason]
    assert reasons == ["订单已由系统自动比对计划"]
    assert not any(row["降级理由"] for row in source.edition.view["目录"])
    with_public_settings(sample, "降级理由: 公开")
    opened = load_public(sample)
    published = [row["降级理由"] for row in opened.edition.view["目录"] if row["降级理由"]]
    assert sorted(published) == sorted(reasons)


def test_leader_titles_only_by_post_name(sample: Path) -> None:
    with_public_settings(sample, "领导职务: 是")
    source = load_public(sample)
    titles = {d["名称"]: d["分管领导职务"] for d in source.edition.view["科室"]}
    assert titles["药剂科"] == "分管医疗副院长"
    assert build_edition(source.unit, {})  # no paths needed to build


def test_word_notice_is_a3_landscape_with_repeated_header_and_chosen_columns(sample: Path) -> None:
    with_public_settings(sample, "列: [序号, 岗位, 风险点, 等级, 防控措施]")
    built = publish(sample)
    with zipfile.ZipFile(built.site / "公示一览表.docx") as package:
        xml = package.read("word/document.xml").decode("utf-8")
    assert '<w:pgSz w:w="23811" w:h="16838" w:orient="landscape"/>' in xml
    assert xml.count("<w:tblHeader/>") == 1
    header = re.search(r"<w:tr>.*?</w:tr>", xml, re.DOTALL)
    assert header is not None
    labels = re.findall(r"<w:t[^>]*>([^<]*)</w:t>", header.group(0))
    assert labels == ["序号", "岗位", "风险点", "等级", "防控措施"]
    index = (built.site / "index.html").read_text(encoding="utf-8")
    assert '<th class="列-科室"' not in index and '<th class="列-岗位"' in index
    text = notice_text(built)
    assert "公示期：2025年4月7日至2025年4月13日" in text and "0839-7201234" in text
    assert "2025年3月31日" in text  # the latest 审定 date of the sample: the edition's approval date


def test_register_text_is_escaped_in_the_site(sample: Path) -> None:
    register = sample / "registers" / "药剂科" / "药品采购员.yaml"
    text = register.read_text(encoding="utf-8").replace(
        "名称: 采购中收受供应商回扣", "名称: 采购中收受<script>alert(1)</script>回扣"
    )
    register.write_text(text, encoding="utf-8")
    built = publish(sample)
    page = (built.site / "岗位" / "YJK-CG.html").read_text(encoding="utf-8")
    assert "采购中收受&lt;script&gt;alert(1)&lt;/script&gt;回扣" in page and "<script>alert" not in page


def test_qr_code_points_at_the_post_page_on_the_published_site(published: Published) -> None:
    import segno

    from tests.public.conftest import SITE_URL

    page = (published.site / "岗位" / "YJK-CG.html").read_text(encoding="utf-8")
    expected = segno.make(SITE_URL + "岗位/YJK-CG.html", error="m").svg_inline(scale=4, border=2)
    path = re.search(r'<path[^>]* d="([^"]+)"', expected)
    assert path is not None and path.group(1) in page
    other = segno.make(SITE_URL + "岗位/YJK-KZ.html", error="m").svg_inline(scale=4, border=2)
    wrong = re.search(r'<path[^>]* d="([^"]+)"', other)
    assert wrong is not None and wrong.group(1) not in page
