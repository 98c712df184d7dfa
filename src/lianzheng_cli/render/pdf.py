"""PDF beside each Word document, made by LibreOffice headless in one batched call.

All documents go through a single ``soffice --convert-to pdf`` process (starting LibreOffice
costs seconds; a process per form would take minutes). The process gets its own profile and a
fontconfig file that sends the Chinese faces a unit may lack (仿宋_GB2312, 楷体, 方正小标宋简体 …)
to the installed face of the same kind — a serif (Noto Serif CJK SC) for the 仿宋/宋/楷/小标宋
families, a sans-serif (Noto Sans CJK SC) for 黑体 — instead of fontconfig's default, a Japanese
sans-serif face. Installed fonts always win: the fallbacks come after them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from lianzheng_cli.errors import WriteError

# Each family the documents name, then the faces to try in its place, best first.
SERIF_FALLBACK = ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN")
SANS_FALLBACK = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei")
FALLBACKS: dict[str, tuple[str, ...]] = {
    "仿宋_GB2312": ("FangSong_GB2312", "仿宋", "FangSong", "STFangsong", *SERIF_FALLBACK),
    "仿宋": ("FangSong", "STFangsong", *SERIF_FALLBACK),
    "楷体_GB2312": ("KaiTi_GB2312", "楷体", "KaiTi", "STKaiti", "AR PL UKai CN", *SERIF_FALLBACK),
    "楷体": ("KaiTi", "STKaiti", "AR PL UKai CN", *SERIF_FALLBACK),
    "方正小标宋简体": ("FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong", "宋体", "SimSun", *SERIF_FALLBACK),
    "宋体": ("SimSun", "STSong", *SERIF_FALLBACK),
    "黑体": ("SimHei", "STHeiti", *SANS_FALLBACK),
}
SECONDS_PER_DOCUMENT = 10
MIN_TIMEOUT = 120
_BASE_FONT = re.compile(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([^\s/\[\]<>()]+)")


@dataclass
class PdfResult:
    written: list[Path] = field(default_factory=list)
    fonts: list[str] = field(default_factory=list)  # faces embedded in the PDFs, sorted
    # (family the documents name, installed face printed instead) for each family this machine lacks
    substitutes: list[tuple[str, str]] = field(default_factory=list)
    problem: str | None = None  # why no PDF was made, in Chinese


def page_texts(document: Path) -> list[str]:
    """The text of each page (poppler's pdftotext -layout); [] without poppler or a readable PDF."""
    program = shutil.which("pdftotext")
    if program is None or not document.is_file():
        return []
    try:
        done = subprocess.run([program, "-layout", str(document), "-"], capture_output=True, timeout=MIN_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return done.stdout.decode("utf-8", "replace").split("\f")[:-1] if done.returncode == 0 else []


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def fontconfig_xml(system: str = "/etc/fonts/fonts.conf") -> str:
    """A fonts.conf: the system configuration plus, per Chinese family, its fallbacks after it."""
    aliases = "".join(
        f'<alias binding="same"><family>{escape(name)}</family><accept>{"".join(f"<family>{escape(f)}</family>" for f in faces)}'
        "</accept></alias>"
        for name, faces in FALLBACKS.items()
    )
    return (
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">'
        f'<fontconfig><include ignore_missing="yes">{escape(system)}</include>{aliases}</fontconfig>'
    )


def embedded_fonts(pdf: bytes) -> set[str]:
    """The font names a PDF embeds (subset prefixes such as ``ABCDEF+`` dropped)."""
    return {match.decode("latin-1") for match in _BASE_FONT.findall(pdf)}


def convert(documents: Sequence[Path]) -> PdfResult:
    """Write ``name.pdf`` beside each ``name.docx``; one LibreOffice process for all of them."""
    result = PdfResult()
    if not documents:
        return result
    program = soffice()
    if program is None:
        result.problem = (
            "未找到 LibreOffice（soffice），未生成 PDF，Word 文件已照常生成。"
            "安装 LibreOffice 后重试（Debian/Ubuntu：apt-get install libreoffice-writer-nogui）"
        )
        return result
    with tempfile.TemporaryDirectory(prefix="lzfk-pdf-") as scratch:
        work = Path(scratch)
        inputs = work / "in"
        outputs = work / "out"
        inputs.mkdir()
        (work / "fonts.conf").write_text(fontconfig_xml(), encoding="utf-8")
        names = []
        for number, document in enumerate(documents):
            name = f"{number:06d}.docx"
            shutil.copyfile(document, inputs / name)
            names.append(name)
        env = {**os.environ, "FONTCONFIG_FILE": str(work / "fonts.conf")}
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outputs),
            *names,
        ]
        timeout = max(MIN_TIMEOUT, SECONDS_PER_DOCUMENT * len(names))
        try:
            subprocess.run(command, cwd=inputs, env=env, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            result.problem = f"LibreOffice 转换 PDF 失败：{exc}"
            return result
        fonts: set[str] = set()
        missing = []
        for name, document in zip(names, documents, strict=True):
            made = outputs / name.replace(".docx", ".pdf")
            if not made.is_file():
                missing.append(document.name)
                continue
            target = document.with_suffix(".pdf")
            data = made.read_bytes()
            fonts |= embedded_fonts(data)
            _move(made, target)
            result.written.append(target)
        if missing:
            result.problem = f"LibreOffice 未能把 {len(missing)} 个文件转成 PDF（如 {missing[0]}）"
        result.fonts = sorted(fonts)
        result.substitutes = substitutes(env)
    return result


def substitutes(env: Mapping[str, str]) -> list[tuple[str, str]]:
    """Which installed face stands in for each family the documents name, where it is not that
    family itself (fontconfig under the conversion's configuration); [] without fc-match.

    The embedded names alone mislead: Noto CJK's font collection shares one outline table among
    its Chinese, Japanese … faces, so a PDF set in Noto Serif CJK SC embeds "NotoSerifCJKjp"."""
    program = shutil.which("fc-match")
    if program is None:
        return []
    found = []
    for family in (*FALLBACKS, "Times New Roman"):
        try:
            done = subprocess.run([program, "-f", "%{family}", family], env=env, capture_output=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return []
        names = done.stdout.decode("utf-8", "replace").split(",")
        if done.returncode == 0 and names[0] and family not in names:
            found.append((family, names[0]))
    return found


def _move(source: Path, target: Path) -> None:
    temp = target.with_name(f".{target.name}.tmp")
    try:
        shutil.copyfile(source, temp)
        temp.replace(target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise WriteError(f"无法写入 {target}：{exc.strerror or exc}", hint="检查目录是否可写、文件是否正在打开") from exc
