"""The 公示 site in a real browser: Debian's Chromium, headless, driven by Playwright.

One browser session for every assertion (it is the slow part). Skipped with a message when
Chromium or the Playwright client is missing: ``bash tools/system-deps.sh --browser``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.public.conftest import Published
from tests.public.test_edition import people

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
A3_LANDSCAPE_PT = (1190.55, 841.89)
SHOTS = os.environ.get("LZFK_SCREENSHOTS")  # a folder to keep the screenshots in, for looking at them

playwright_api = pytest.importorskip("playwright.sync_api", reason="需要 Playwright 的 Python 客户端：pip install -e '.[dev]'")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="需要 Chromium：bash tools/system-deps.sh --browser（Debian 的 chromium 和 chromium-driver）"
)


@dataclass
class Browser:
    page: Any
    errors: list[str] = field(default_factory=list)
    shots: Path = Path()

    def open(self, path: Path) -> None:
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def shot(self, name: str, *, full: bool = False) -> Path:
        target = self.shots / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=full)
        return target


@pytest.fixture(scope="module")
def browser(published: Published, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    shots = Path(SHOTS) if SHOTS else tmp_path_factory.mktemp("shots")
    shots.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        session = Browser(page, shots=shots)
        page.on("console", lambda message: session.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: session.errors.append(str(error)))
        page.on("requestfailed", lambda request: session.errors.append(f"请求失败：{request.url}"))
        try:
            yield session
        finally:
            chromium.close()


def test_pages_load_without_console_errors(browser: Browser, published: Published) -> None:
    site = published.site
    for path in (site / "index.html", site / "科室" / "YJK.html", site / "岗位" / "YJK-CG.html"):
        browser.open(path)
        assert browser.page.title()
        assert browser.shot(path.stem, full=path.stem != "index").stat().st_size > 10_000
    browser.open(site / "index.html")
    browser.shot("index-top")
    assert browser.errors == []


def test_search_finds_a_risk_point_by_a_word_of_its_name(browser: Browser, published: Published) -> None:
    browser.open(published.site / "index.html")
    rows = browser.page.locator(".公示一览 tbody tr")
    assert rows.count() == 86
    browser.page.fill("#搜索框", "回扣")
    visible = browser.page.locator(".公示一览 tbody tr:visible")
    names = visible.locator(".风险名称").all_inner_texts()
    assert "采购中收受供应商回扣" in names
    assert all("回扣" in row for row in visible.all_inner_texts())
    assert 1 <= len(names) < 86
    assert browser.page.inner_text("#搜索结果") == f"找到 {len(names)} 个风险点"
    browser.page.locator("#搜索框").scroll_into_view_if_needed()
    browser.shot("search")
    browser.page.fill("#搜索框", "不存在的词语")
    assert visible.count() == 0 and browser.page.locator("#无结果").is_visible()
    browser.page.fill("#搜索框", "")
    assert visible.count() == 86
    assert browser.errors == []


def test_heat_map_numbers_equal_the_catalogue_counts(browser: Browser, published: Published) -> None:
    browser.open(published.site / "index.html")
    cells = browser.page.eval_on_selector_all(
        ".热力图 .热力数", "nodes => nodes.map(n => [n.dataset['科室'], n.dataset['等级'], n.textContent])"
    )
    rows = browser.page.eval_on_selector_all(
        ".公示一览 tbody tr", "nodes => nodes.map(n => [n.dataset['科室'], n.querySelector('.列-等级').textContent])"
    )
    counted = Counter((department, grade) for department, grade in rows)
    grades = published.source.edition.view["等级"]
    departments = [d["名称"] for d in published.source.edition.view["科室"]]
    assert len(cells) == len(departments) * len(grades)
    for department, grade, number in cells:
        assert int(number) == counted[(department, grade)], (department, grade)
    assert sum(int(number) for _, _, number in cells) == 86
    browser.page.locator(".热力图").scroll_into_view_if_needed()
    browser.shot("heatmap")


def test_no_holders_name_in_the_rendered_text(browser: Browser, published: Published) -> None:
    names = people(published)
    pages = [published.site / "index.html", *sorted((published.site / "科室").glob("*.html"))]
    pages += sorted((published.site / "岗位").glob("*.html"))[:6]
    for path in pages:
        browser.open(path)
        text = browser.page.inner_text("body")
        assert not [name for name in names if name in text], path.name
    assert browser.errors == []


def page_sizes(pdf: bytes) -> set[tuple[int, ...]]:
    return {tuple(round(float(v)) for v in box) for box in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)}


def test_a_post_page_prints_as_an_a4_card(browser: Browser, published: Published, tmp_path: Path) -> None:
    browser.open(published.site / "岗位" / "YJK-CG.html")
    pdf = tmp_path / "岗位卡.pdf"
    browser.page.pdf(path=str(pdf), prefer_css_page_size=True)
    assert page_sizes(pdf.read_bytes()) == {(595, 842)}


def test_print_is_a3_landscape_with_the_table(browser: Browser, published: Published, tmp_path: Path) -> None:
    browser.open(published.site / "index.html")
    browser.page.emulate_media(media="print")
    browser.shot("print-media")
    pdf = tmp_path / "公示.pdf"
    browser.page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    browser.page.emulate_media(media="screen")
    data = pdf.read_bytes()
    assert page_sizes(data) == {tuple(round(v) for v in A3_LANDSCAPE_PT)}
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert 3 <= pages <= 30, pages
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        pages_text = text.split("\f")
        # The header row repeats on every page that holds the table; the search box does not print.
        assert sum(1 for page in pages_text if "防控措施" in page and "责任岗位" in page) >= pages - 1
        assert "查找风险点" not in text and "采购中收受供应商回扣" in text
