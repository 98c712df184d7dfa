"""Reading PDFs back the way a clerk looks at them: words with positions, page by page (poppler)."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

PDFTOTEXT = shutil.which("pdftotext")
MM = 72 / 25.4  # PDF points per millimetre
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.DOTALL)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_PAGE_NUMBER = re.compile(r"^[—–-]?\s*\d+\s*[—–-]?$|^[—–-]$")


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: tuple[Word, ...]

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    def content(self) -> list[Word]:
        """Words of the type area: the page number ("— 3 —", below the type area) left out."""
        limit = self.height - (26 if self.landscape else 35) * MM
        return [word for word in self.words if word.y1 <= limit + 2 or not _PAGE_NUMBER.match(word.text)]

    def fill(self) -> float:
        """How far down the type area the text reaches, 0–1 (GB/T 9704 margins)."""
        top, bottom = (28, 26) if self.landscape else (37, 35)
        words = [word for word in self.content() if not _PAGE_NUMBER.match(word.text)]
        if not words:
            return 0.0
        area = self.height - (top + bottom) * MM
        return (max(word.y1 for word in words) - top * MM) / area


def pages(pdf: Path) -> list[Page]:
    assert PDFTOTEXT is not None
    out = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    result = []
    for width, height, body in _PAGE.findall(out):
        words = tuple(
            Word(float(a), float(b), float(c), float(d), html.unescape(text)) for a, b, c, d, text in _WORD.findall(body)
        )
        result.append(Page(float(width), float(height), words))
    return result


def page_texts(pdf: Path) -> list[str]:
    """pdftotext -layout, one string per page."""
    assert PDFTOTEXT is not None
    out = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return out.split("\f")[: len(pages(pdf))]


REVIEW_LABELS = {"审核", "审定", "意见", "审核意见", "审定意见"}
_DATE = re.compile(r"^(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|年\s*月\s*日)$")


def review_only(page_text: str, opinions: set[str]) -> bool:
    """A page holding nothing but 审核/审定 rows (labels, opinions, 签字 and dates) and a page number."""
    cells = [cell.strip() for line in page_text.splitlines() for cell in re.split(r"\s{2,}", line) if cell.strip()]
    if not cells:
        return False
    for cell in cells:
        squeezed = re.sub(r"\s+", "", cell)
        if squeezed in REVIEW_LABELS or squeezed in opinions or _PAGE_NUMBER.match(squeezed):
            continue
        if squeezed.startswith("签字：") or _DATE.match(cell.replace("　", " ").strip()):
            continue
        return False
    return True


def blank_above_signature(page: Page, label: str) -> float:
    """Millimetres of empty cell between the review label's row top and its 签字 line, estimated as
    the gap from the previous text line above the label row to the 签字 words on that row."""
    labels = [w for w in page.words if w.text == label]
    signatures = [w for w in page.words if w.text.startswith("签字")]
    if not labels or not signatures:
        return 0.0
    mark = labels[0]
    signature = min((s for s in signatures if s.y0 > mark.y0 - 5), key=lambda s: s.y0, default=None)
    if signature is None:
        return 0.0
    above = [w.y1 for w in page.words if w.y1 < mark.y0 - 1 and w.x0 > mark.x1]
    start = max(above) if above else 0.0
    return (signature.y0 - start) / MM


# Word-like line metrics. Word sets a line of the Chinese faces at about 1.3 times the type size;
# LibreOffice here sets it in the fallback face Noto CJK, whose line is 1.437 times the size
# ((1151 + 286) / 1000 units), so its tables run longer and break elsewhere. Scaling every
# font-relative ("auto") line spacing by 1.3 / 1.437 gives LibreOffice Word's row heights;
# exact spacings (the 28.95 pt body text) do not depend on the face and stay.
WORD_LINE_SCALE = 1.3 / 1.437
_PARAGRAPH_SPACING = re.compile(r"<w:spacing\b(?![^>]*\bw:val=)([^>]*?)/>")
_DEFAULT_PPR = re.compile(r"<w:pPrDefault>\s*<w:pPr>")
_SINGLE = f'<w:spacing w:line="{round(240 * WORD_LINE_SCALE)}" w:lineRule="auto"/>'


def _word_like_spacing(match: re.Match[str]) -> str:
    attributes = match.group(1)
    line = re.search(r'w:line="(\d+)"', attributes)
    if line is None or 'w:lineRule="exact"' in attributes or 'w:lineRule="atLeast"' in attributes:
        return match.group(0)  # inherited, or independent of the face
    scaled = round(int(line.group(1)) * WORD_LINE_SCALE)
    attributes = re.sub(r'\s*w:line(Rule)?="[^"]*"', "", attributes)
    return f'<w:spacing{attributes} w:line="{scaled}" w:lineRule="auto"/>'


def word_like(source: Path, target: Path) -> None:
    """A copy of a .docx whose font-relative line spacings are scaled to Word's line height."""
    import zipfile

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename in ("word/document.xml", "word/styles.xml"):
                text = _PARAGRAPH_SPACING.sub(_word_like_spacing, data.decode("utf-8"))
                if "<w:pPrDefault><w:pPr><w:spacing" not in text:  # the default single line, scaled too
                    text = _DEFAULT_PPR.sub(lambda m: m.group(0) + _SINGLE, text, count=1)
                data = text.encode("utf-8")
            new.writestr(item, data)
