"""The handbook as LibreOffice prints it: page count, Chinese text, TOC page numbers."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.documents.conftest import Built, build_sample

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None,
    reason="需要 LibreOffice（soffice）和 poppler-utils（pdftotext）：apt-get install libreoffice-writer-nogui poppler-utils",
)


def to_pdf(docx: Path, folder: Path) -> tuple[int, str]:
    assert SOFFICE is not None and PDFTOTEXT is not None
    profile = folder / "lo-profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    pdf = folder / f"{docx.stem}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return pages, text


def test_handbook_converts_to_pdf_with_chinese_text(built: Built, tmp_path: Path) -> None:
    pages, text = to_pdf(built.out / "廉政风险防控机制工作手册.docx", tmp_path)
    # Cover, contents, chapters, 12 departments with their forms, catalogue and statistics.
    assert 100 <= pages <= 260, pages
    for expected in ("廉政风险防控机制", "目", "第一章 总则", "药品采购员", "采购中收受供应商回扣"):
        assert expected in text, expected
    assert re.search(r"—\s*1\s*—", text) and re.search(rf"—\s*{pages - 4}\s*—|—\s*\d{{3}}\s*—", text)
    assert text.count("个人岗位廉政风险防控表") >= 31


def test_static_toc_gets_page_numbers_from_libreoffice(tmp_path: Path, sample: Path) -> None:
    built = build_sample(sample, sample / "out", static_toc=True, documents=frozenset({"handbook"}), formats=("docx",))
    _, text = to_pdf(built.out / "廉政风险防控机制工作手册.docx", tmp_path)
    contents = text[text.index("目") : text.index("第一章 总则", text.index("第一章 总则") + 1)]
    assert any(line.rstrip().endswith(" 1") or line.rstrip().endswith(".1") for line in contents.splitlines() if "总则" in line)


def test_single_form_fits_and_prints(built: Built, tmp_path: Path) -> None:
    form = next((built.out / "科室").glob("*/个人岗位廉政风险防控表/*.docx"))
    pages, text = to_pdf(form, tmp_path)
    assert 1 <= pages <= 3
    assert "个人岗位廉政风险防控表" in text and "风险等级" in text
