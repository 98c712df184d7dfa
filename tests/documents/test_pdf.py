"""The documents as LibreOffice prints them: one ``build --pdf`` (one batched conversion) read back
with positions — no page of bare review rows, room to sign by hand, full catalogue pages, a letter
laid out as a letter, Chinese serif fallback fonts."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from lianzheng_cli.render import pdf
from lianzheng_cli.render.sanitize import file_name
from tests.documents.conftest import Built, build_sample, copy_sample
from tests.documents.pdfcheck import MM, PDFTOTEXT, Page, blank_above_signature, page_texts, pages, review_only, word_like

pytestmark = pytest.mark.skipif(
    pdf.soffice() is None or PDFTOTEXT is None,
    reason="需要 LibreOffice（soffice）和 poppler-utils（pdftotext）：bash tools/system-deps.sh --pdf",
)
HANDBOOK = "廉政风险防控机制工作手册.pdf"
UNSIGNED = ("YJK-YK", "LDBZ-YZ")  # a post with three risk points and the longest post form


def _drop_reviews(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^(审核|审定): \{.*\}\n", "", text, flags=re.MULTILINE), encoding="utf-8")


@pytest.fixture(scope="session")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The sample built to Word and PDF, two posts left unsigned (their forms are taller)."""
    root = copy_sample(tmp_path_factory.mktemp("printed") / "unit")
    _drop_reviews(root / "registers" / "药剂科" / "药库管理员.yaml")
    _drop_reviews(root / "registers" / "领导班子" / "院长.yaml")
    return build_sample(root, root / "out", formats=("docx",), pdf=True)


def _opinions(built: Built) -> set[str]:
    return {re.sub(r"\s+", "", r.opinion) for reg in built.unit.registers for r in (reg.review, reg.approval) if r is not None}


def _forms(built: Built) -> list[Path]:
    return [
        *built.out.glob("科室/*/个人岗位廉政风险防控表/*.pdf"),
        *built.out.glob("科室/*/科室廉政风险防控表.pdf"),
        built.out / "单位廉政风险防控表.pdf",
    ]


def test_build_pdf_writes_a_pdf_beside_every_word_file_and_lists_fonts(printed: Built) -> None:
    documents = [path for path in printed.result.written if path.suffix == ".docx"]
    assert documents and all(path.with_suffix(".pdf") in printed.result.written for path in documents)
    assert not printed.result.problems
    assert printed.result.pdf_fonts and any("CJK" in font for font in printed.result.pdf_fonts)


def test_missing_chinese_faces_fall_back_to_a_chinese_serif(printed: Built) -> None:
    installed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    if "仿宋" in installed or "FangSong" in installed or "Noto Serif CJK" not in installed:
        pytest.skip("只在缺少仿宋而装有 Noto Serif CJK 时检查替代字体")
    # 仿宋/楷体/小标宋 text prints in the serif face, 黑体 in the sans-serif one.
    assert any("NotoSerifCJK" in font for font in printed.result.pdf_fonts)
    # the embedded name says "jp" (Noto's collection shares it); the summary names the face really used
    substitutes = dict(printed.result.pdf_substitutes)
    assert substitutes["仿宋_GB2312"] == substitutes["方正小标宋简体"] == substitutes["楷体"] == "Noto Serif CJK SC"
    assert substitutes["黑体"] == "Noto Sans CJK SC"


def test_no_form_has_a_page_of_bare_review_rows(printed: Built) -> None:
    opinions = _opinions(printed)
    forms = _forms(printed)
    assert len(forms) == 44
    stranded = [path.name for path in forms if any(review_only(text, opinions) for text in page_texts(path)[1:])]
    assert stranded == []
    handbook = page_texts(printed.out / HANDBOOK)
    assert [number for number, text in enumerate(handbook, 1) if review_only(text, opinions)] == []


def test_a_form_that_fits_one_page_stays_on_one_page(printed: Built) -> None:
    path = printed.out / "科室" / "医务科" / "个人岗位廉政风险防控表" / f"{file_name('YWK-YB_医保管理员')}.pdf"
    assert len(pages(path)) == 1


def test_unsigned_forms_leave_room_to_sign_by_hand(printed: Built) -> None:
    for department, post in printed.unit.posts:
        if post.id not in UNSIGNED:
            continue
        path = printed.out / "科室" / department.folder / "个人岗位廉政风险防控表" / f"{file_name(f'{post.id}_{post.name}')}.pdf"
        last = pages(path)[-1]
        for label in ("审核", "审定"):
            assert blank_above_signature(last, label) >= 25, (post.id, label)


def _fill(pages_: list[Page]) -> list[float]:
    return [page.fill() for page in pages_]


@pytest.mark.parametrize("name", ["风险点目录.pdf", "部门权力清单.pdf"])
def test_catalogue_and_power_list_pages_are_at_least_70_percent_full(printed: Built, name: str) -> None:
    printed_pages = pages(printed.out / name)
    assert len(printed_pages) >= 3 and all(page.landscape for page in printed_pages)
    fills = _fill(printed_pages)
    assert min(fills[:-1]) >= 0.70, [f"{fill:.0%}" for fill in fills]


def test_handbook_catalogue_pages_are_full(printed: Built) -> None:
    landscape = [page for page in pages(printed.out / HANDBOOK) if page.landscape]
    assert len(landscape) >= 10
    fills = _fill(landscape)
    assert min(fills[:-1]) >= 0.70, [f"{fill:.0%}" for fill in fills]


def test_handbook_prints_with_chinese_text_and_page_numbers(printed: Built) -> None:
    texts = page_texts(printed.out / HANDBOOK)
    text = "\f".join(texts)
    assert 100 <= len(texts) <= 260, len(texts)
    for expected in ("廉政风险防控机制", "第一章 总则", "药品采购员", "采购中收受供应商回扣"):
        assert expected in text, expected
    assert re.search(r"—\s*1\s*—", text) and re.search(r"—\s*\d{3}\s*—", text)
    assert text.count("个人岗位廉政风险防控表") >= 31
    # 28 characters a line in body text (GB/T 9704): the first chapter's full lines.
    chapter = next(page for page in texts if "一、编制目的" in page and "..." not in page)
    lines = [line.strip() for line in chapter.splitlines() if re.fullmatch(r"\s*[\u4e00-\u9fff，。、；：“”（）]+\s*", line)]
    assert max(len(line) for line in lines) == 28, lines


def _line(page: Page, starts: str) -> tuple[float, float, float]:
    """x0, x1 and y of the printed line whose first word starts with the text."""
    first = next(word for word in page.words if word.text.startswith(starts))
    line = [word for word in page.words if abs(word.y0 - first.y0) < 2]
    return min(w.x0 for w in line), max(w.x1 for w in line), first.y0


def test_notice_is_laid_out_as_a_letter(printed: Built) -> None:
    path = printed.out / "科室" / "药剂科" / "廉政风险提示书" / f"{file_name('YJK-CG_药品采购员')}.pdf"
    texts = page_texts(path)
    text = "\n".join(texts)
    assert re.search(r"^\s*张某同志：\s*$", text, re.MULTILINE)  # the salutation stands alone
    assert "YJK-CG" not in text
    for level in ("一、", "（一）主要表现", "（二）防控措施", "1. "):
        assert level in text
    last = pages(path)[-1]
    left = 28 * MM  # odd page: binding side on the left
    right = last.width - 26 * MM
    x0, x1, date_y = _line(last, "2025")
    assert 3 * 16 <= right - x1 <= 5.5 * 16, right - x1  # 右空四字 (三号: 16 pt a character)
    office = _line(last, "廉政风险防控工作领导小组办公室")
    assert abs((office[0] + office[1]) / 2 - (x0 + x1) / 2) <= 16  # 署名 centred over the date
    assert office[2] < date_y
    acknowledgement = _line(last, "本人已知悉")
    assert acknowledgement[2] > date_y and acknowledgement[0] > left
    assert "岗位人员（签字）" in texts[-1] and "日期" in texts[-1]


def test_static_toc_gets_page_numbers_from_libreoffice(tmp_path: Path, sample: Path) -> None:
    built = build_sample(sample, sample / "out", static_toc=True, documents=frozenset({"handbook"}), formats=("docx",), pdf=True)
    texts = page_texts(built.out / HANDBOOK)
    contents = next(text for text in texts if "目" in text and "总则" in text)
    assert any(re.search(r"总则.*[\s.…·]1\s*$", line) for line in contents.splitlines()), contents[:800]


def test_handbook_contents_carry_page_numbers_and_print_on_both_sides(printed: Built) -> None:
    texts = page_texts(printed.out / HANDBOOK)
    assert texts[1].strip() == ""  # the blank back of the cover
    contents = [number for number, text in enumerate(texts, 1) if "目" in text and "总则" in text]
    assert contents and contents[0] % 2 == 1  # the contents start on a right-hand page
    body = next(number for number, text in enumerate(texts, 1) if re.search(r"^\s*—\s*1\s*—\s*$", text, re.MULTILINE))
    assert body % 2 == 1  # and so does page 1 of the body
    first = texts[contents[0] - 1]
    chapter = re.search(r"第一章\s*总则[.\s]*?(\d+)\s*$", first, re.MULTILINE)
    assert chapter and chapter.group(1) == "1"
    # A department further in is listed with the page its heading is printed on.
    listed = re.search(r"十、药剂科[.\s]*?(\d+)\s*$", "\n".join(texts[contents[0] - 1 : body - 1]), re.MULTILINE)
    assert listed
    printed_on = next(text for text in texts[body - 1 :] if re.search(r"^\s*十、药剂科\s*$", text, re.MULTILINE))
    assert re.search(rf"—\s*{listed.group(1)}\s*—", printed_on)


def _side_number(page: Page) -> tuple[int, float, float] | None:
    """A page number printed on the left edge, turned a quarter: its value and vertical extent."""
    side = sorted((word for word in page.words if word.x1 < 32 * MM), key=lambda word: word.y0)
    digits = "".join(word.text for word in side if word.text.isdigit())
    if not digits or "".join(word.text for word in side) != f"—{digits}—":
        return None
    return int(digits), side[0].y0, side[-1].y1


@pytest.mark.parametrize("name", ["风险点目录.pdf", HANDBOOK])
def test_landscape_pages_carry_their_number_where_the_portrait_pages_have_it(printed: Built, name: str) -> None:
    """GB/T 9704 表格横排: bound at its top edge, a landscape page's left edge is the portrait foot."""
    landscape = [page for page in pages(printed.out / name) if page.landscape]
    assert len(landscape) >= 10
    for page in landscape:
        found = _side_number(page)
        assert found is not None, [word.text for word in page.words if word.x1 < 32 * MM]
        number, top, bottom = found
        assert not [w for w in page.words if w.y0 > page.height - 26 * MM and re.fullmatch(r"\d+", w.text)]  # none at the foot
        if number % 2:  # odd: portrait bottom right, one character in from the type area → near the bottom
            assert abs(bottom - (210 - 26 - 5) * MM) <= 3 * MM, (number, bottom / MM)
        else:  # even: portrait bottom left → near the top
            assert abs(top - (26 + 5) * MM) <= 3 * MM, (number, top / MM)


@pytest.fixture(scope="session")
def word_printed(printed: Built, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same Word files printed with Word's line height (pdfcheck.word_like), in one conversion."""
    folder = tmp_path_factory.mktemp("word-like")
    sources = [path.with_suffix(".docx") for path in _forms(printed)]
    sources += [printed.out / name for name in ("廉政风险防控机制工作手册.docx", "风险点目录.docx", "部门权力清单.docx")]
    copies = {}
    for number, source in enumerate(sources):
        copies[f"{source.parent.name}/{source.stem}"] = target = folder / f"{number:03d}.docx"
        word_like(source, target)
    converted = pdf.convert(list(copies.values()))
    assert converted.problem is None and len(converted.written) == len(copies)
    return {name: path.with_suffix(".pdf") for name, path in copies.items()}


def test_with_word_line_heights_no_form_has_a_page_of_bare_review_rows(printed: Built, word_printed: dict[str, Path]) -> None:
    opinions = _opinions(printed)
    stranded = [
        (name, number)
        for name, path in word_printed.items()
        for number, text in enumerate(page_texts(path), 1)
        if number > 1 and review_only(text, opinions)
    ]
    assert stranded == []
    assert len(pages(word_printed[f"个人岗位廉政风险防控表/{file_name('YWK-YB_医保管理员')}"])) == 1
    # the metrics did change: Word's shorter lines need fewer pages for the handbook
    assert len(pages(word_printed["out/廉政风险防控机制工作手册"])) < len(pages(printed.out / HANDBOOK))


@pytest.mark.parametrize("name", ["out/风险点目录", "out/部门权力清单"])
def test_with_word_line_heights_catalogue_pages_are_at_least_70_percent_full(word_printed: dict[str, Path], name: str) -> None:
    fills = _fill(pages(word_printed[name]))
    assert min(fills[:-1]) >= 0.70, [f"{fill:.0%}" for fill in fills]
