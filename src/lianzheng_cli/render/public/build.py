"""``lzfk build --edition public``: write out/公示/ (site and 公示一览表), then scan it for leaks.

A build whose edition or written files contain personal data writes nothing and removes the
previous public build: neither a leaking site nor one that no longer matches the registers
must stay where someone could upload it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from lianzheng_cli.findings import Finding, display_path
from lianzheng_cli.fsutil import write_atomic, write_text_atomic
from lianzheng_cli.public_leaks import scan_files
from lianzheng_cli.render.assemble import Unit
from lianzheng_cli.render.build import Renderer
from lianzheng_cli.render.docx_package import ReferenceDocument
from lianzheng_cli.render.jinja_env import find_template
from lianzheng_cli.render.public.edition import SITE_DIR, build_edition
from lianzheng_cli.render.public.heatmap import heat_map
from lianzheng_cli.render.public.notice_docx import NOTICE_NAME, write_notice
from lianzheng_cli.render.public.source import PublicSource

MANIFEST = ".lzfk-public.json"
STYLE_TEMPLATE = "文档样式.docx"
PAGE_TEMPLATES = {"index": "公示_首页", "department": "公示_科室", "post": "公示_岗位"}  # .html.j2
STYLESHEET = "公示.css"
SCRIPT = "公示"  # 公示.js.j2
PDF_TIMEOUT = 300


@dataclass
class PublicBuild:
    folder: Path
    written: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def build_public_edition(source: PublicSource, out: Path, *, pdf: bool) -> PublicBuild:
    """Scan the edition; write it when clean; scan the written files; the PDF only of a clean build."""
    folder = out / SITE_DIR
    result = PublicBuild(folder)
    previous = _read_manifest(folder)
    scan = source.scan()
    if scan.findings:
        result.findings = scan.findings
        _remove([folder / name for name in previous], folder)
        return result
    renderer = Renderer(source.root)
    view = source.edition.view
    qr = _qr_codes(view) if source.unit.config.public.qr_codes else {}
    docx = folder / f"{NOTICE_NAME}.docx"
    write_notice(docx, view, ReferenceDocument(find_template(STYLE_TEMPLATE, renderer.dirs)))
    result.written.append(docx)
    result.written.extend(_pages(renderer, view, folder, qr, docx.name))
    contacts = [view["公示期"], view["反馈方式"], view["监督举报"], view["网址"]]
    files = [(path, display_path(path, source.root)) for path in result.written]
    result.findings = scan_files(files, source.names, contacts, set(scan.values))
    if result.findings:
        _remove([*result.written, *(folder / name for name in previous)], folder)
        return result
    if pdf:
        converted = to_pdf(docx)
        if isinstance(converted, Path):
            result.written.append(converted)
        else:
            result.problems.append(converted)
    _remove_stale(folder, previous, result.written)
    write_text_atomic(
        folder / MANIFEST,
        json.dumps({"files": sorted(p.relative_to(folder).as_posix() for p in result.written)}, ensure_ascii=False, indent=1)
        + "\n",
    )
    return result


def render_trial(root: Path, unit: Unit, folder: Path) -> None:
    """Render the public pages and the Word notice of unit into folder (``lzfk templates check``)."""
    renderer = Renderer(root)
    view = build_edition(unit, {}).view
    write_notice(folder / f"{NOTICE_NAME}.docx", view, ReferenceDocument(find_template(STYLE_TEMPLATE, renderer.dirs)))
    list(_pages(renderer, view, folder, {}, f"{NOTICE_NAME}.docx"))


def _pages(renderer: Renderer, view: dict[str, object], folder: Path, qr: dict[str, Markup], download: str) -> Iterator[Path]:
    base = {**view, "下载": download}
    departments: list[dict[str, object]] = view["科室"]  # type: ignore[assignment]
    pages = [("index.html", PAGE_TEMPLATES["index"], {"根": "", "图": heat_map(departments, view["等级"])})]  # type: ignore[arg-type]
    for department in departments:
        pages.append((str(department["页面"]), PAGE_TEMPLATES["department"], {"根": "../", "科": department}))
        for post in department["岗位"]:  # type: ignore[attr-defined]
            pages.append((post["页面"], PAGE_TEMPLATES["post"], {"根": "../", "岗": post, "二维码": qr.get(post["页面"], "")}))
    for target, template, extra in pages:
        path = folder / target
        write_text_atomic(path, renderer.text(template, "html", {**base, **extra}))
        yield path
    write_atomic(folder / STYLESHEET, find_template(STYLESHEET, renderer.dirs).read_bytes())
    write_text_atomic(folder / f"{SCRIPT}.js", renderer.text(SCRIPT, "js", {}))
    yield from (folder / STYLESHEET, folder / f"{SCRIPT}.js")


def _qr_codes(view: dict[str, object]) -> dict[str, Markup]:
    """An inline SVG QR code per post page, pointing at the page on the published site."""
    import segno

    url = str(view["网址"]).rstrip("/") + "/"
    codes = {}
    for post in view["岗位"]:  # type: ignore[attr-defined]
        code = segno.make(url + post["页面"], error="m")
        codes[post["页面"]] = Markup(code.svg_inline(scale=4, border=2, title=f"{post['科室']}{post['名称']}岗位公示"))
    return codes


def to_pdf(docx: Path) -> Path | str:
    """The Word 公示一览表 as PDF through LibreOffice headless; a message when it cannot be made."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return "未找到 LibreOffice，公示一览表只生成了 Word 版（安装见 docs/public.md）"
    with tempfile.TemporaryDirectory(prefix="lzfk-lo-") as profile:
        try:
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation={Path(profile).as_uri()}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(docx.parent),
                    str(docx),
                ],
                check=True,
                capture_output=True,
                timeout=PDF_TIMEOUT,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            return f"LibreOffice 未能把公示一览表转成 PDF（{type(exc).__name__}），Word 版已生成"
    pdf = docx.with_suffix(".pdf")
    return pdf if pdf.is_file() else "LibreOffice 没有生成 PDF，Word 版已生成"


def _read_manifest(folder: Path) -> list[str]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    files = data.get("files", []) if isinstance(data, dict) else []
    return [name for name in files if isinstance(name, str)]


def _remove(paths: list[Path], folder: Path) -> None:
    """Remove a failed build's files and the previous build's (never anything outside the folder)."""
    base = folder.resolve()
    for path in paths:
        if path.resolve().is_relative_to(base):
            path.unlink(missing_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)
    _prune(folder)


def _remove_stale(folder: Path, previous: list[str], written: list[Path]) -> None:
    """Delete pages the last public build wrote and this one did not (a post that was removed)."""
    now = {path.resolve() for path in written}
    base = folder.resolve()
    for name in previous:
        path = (folder / name).resolve()
        if path not in now and path.is_relative_to(base) and path.is_file():
            path.unlink(missing_ok=True)
    _prune(folder)


def _prune(folder: Path) -> None:
    for sub in sorted((p for p in folder.glob("**/*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(sub.iterdir()):
            sub.rmdir()
