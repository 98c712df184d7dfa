"""权力运行流程图: one graphviz chart per power with 流程 steps.

Steps that carry risk points are framed in their grade's colour and list the risk
points with their grades. All charts are laid out by two ``dot`` processes (PNG at
200 dpi for Word, SVG without dpi for HTML), one per core, and kept in a cache keyed by
their DOT source, so a rebuild only draws what changed. Without graphviz, or without a
Chinese font, the build goes on and says so; the handbook then lists the steps as a table.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from lianzheng_cli.cache import folder as cache_folder
from lianzheng_cli.cache import seal, sealed
from lianzheng_cli.loader.raw import read_bytes
from lianzheng_cli.render.context import View
from lianzheng_cli.render.sanitize import clean

CACHE_FOLDER = "flowcharts"
PREFERRED_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Serif CJK SC",
    "Microsoft YaHei",
    "SimHei",
    "SimSun",
)
GRADE_COLOURS = (("#C00000", "#FDECEA"), ("#E26B0A", "#FFF1E0"), ("#9C7A00", "#FFF8D6"))
UNKNOWN_COLOUR = ("#595959", "#F2F2F2")
PNG_DPI = 200
TIMEOUT = 300
_VERSION = "1"
_WRAP = 18


@dataclass(frozen=True)
class Chart:
    png: Path
    svg: str


@dataclass
class ChartSet:
    charts: dict[str, Chart] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def find_cjk_font() -> tuple[str, str]:
    """A font family with Chinese glyphs, and a problem message when none is known to exist."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ("Microsoft YaHei" if os.name == "nt" else PREFERRED_FONTS[0]), ""
    try:
        listed = subprocess.run(
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, encoding="utf-8", timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return PREFERRED_FONTS[0], ""
    families = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    for font in PREFERRED_FONTS:
        if font in families:
            return font, ""
    if families:
        return sorted(families)[0], ""
    return PREFERRED_FONTS[0], "未找到中文字体，流程图中的汉字可能显示为方框（Debian/Ubuntu：apt-get install fonts-noto-cjk）"


def _wrap(text: str, width: int = _WRAP) -> str:
    """Escaped text for an HTML-like label, broken every ``width`` characters."""
    pieces = [text[i : i + width] for i in range(0, len(text), width)] or [""]
    return "<BR/>".join(escape(piece) for piece in pieces)


def _colours(rank: int) -> tuple[str, str]:
    return GRADE_COLOURS[rank] if 0 <= rank < len(GRADE_COLOURS) else UNKNOWN_COLOUR


def dot_source(power: View, font: str, grades: Sequence[str]) -> str:
    """The DOT text of one power's flowchart."""
    lines = [
        "digraph flow {",
        f'  graph [rankdir=TB, fontname="{font}", fontsize=13, nodesep=0.3, ranksep=0.32, bgcolor="white", '
        f"labelloc=t, label=<<B>{_wrap(clean(power['名称']), 30)}</B>>];",
        f'  node [shape=box, style="rounded,filled", fillcolor="white", color="#404040", fontname="{font}", fontsize=11, '
        'margin="0.18,0.08"];',
        '  edge [color="#404040", arrowsize=0.7];',
    ]
    for step in power["流程"]:
        rows = [f"<TR><TD><B>{step['序号']}. {_wrap(step['步骤'])}</B></TD></TR>"]
        if step["岗位"]:
            rows.append(f'<TR><TD><FONT POINT-SIZE="10">{_wrap(step["岗位"])}</FONT></TD></TR>')
        if step["说明"]:
            rows.append(f'<TR><TD><FONT POINT-SIZE="9" COLOR="#595959">{_wrap(step["说明"])}</FONT></TD></TR>')
        attributes = ""
        if step["风险点"]:
            worst = min(risk["等级序"] for risk in step["风险点"])
            border, fill = _colours(worst)
            for risk in step["风险点"]:
                colour = _colours(risk["等级序"])[0]
                grade = escape(risk["等级"] or "未定级")
                rows.append(f'<TR><TD><FONT POINT-SIZE="9" COLOR="{colour}">▲ {escape(risk["编号"])} {grade}</FONT></TD></TR>')
            attributes = f', color="{border}", fillcolor="{fill}", penwidth=2'
        label = f'<<TABLE BORDER="0" CELLSPACING="1" CELLPADDING="1">{"".join(rows)}</TABLE>>'
        lines.append(f"  s{step['序号']} [label={label}{attributes}];")
    for step, following in zip(power["流程"], power["流程"][1:], strict=False):
        lines.append(f"  s{step['序号']} -> s{following['序号']};")
    lines.append(_legend(grades))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _legend(grades: Sequence[str]) -> str:
    cells = "".join(
        f'<TD BGCOLOR="{fill}" BORDER="1" COLOR="{border}"><FONT POINT-SIZE="9" COLOR="{border}">▲ {escape(grade)}风险</FONT></TD>'
        for grade, (border, fill) in zip(grades, GRADE_COLOURS, strict=False)
    )
    return f'  legend [shape=plaintext, style="", label=<<TABLE BORDER="0" CELLSPACING="4"><TR>{cells}</TR></TABLE>>];'


def render_charts(powers: Sequence[tuple[str, View]], cache_root: Path, grades: Sequence[str]) -> ChartSet:
    """Charts for the powers that have steps, keyed as given; problems say what could not be drawn."""
    result = ChartSet()
    wanted = [(key, power) for key, power in powers if power["流程"]]
    if not wanted:
        return result
    dot = shutil.which("dot")
    if dot is None:
        result.problems.append("未安装 graphviz（找不到 dot 命令），权力运行流程图未生成，手册中改以表格列出流程步骤")
        return result
    font, problem = find_cjk_font()
    if problem:
        result.problems.append(problem)
    cache = cache_folder(cache_root, CACHE_FOLDER)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        if cache.is_symlink() or cache.parent.is_symlink():
            raise OSError("the chart cache is a link")  # it would send every write elsewhere
    except OSError:
        cache = Path(tempfile.mkdtemp(prefix="lzfk-flowcharts-"))
    sources: dict[str, str] = {}
    found: dict[str, str | None] = {}  # digest → its cached SVG (each chart read and verified once)
    for key, power in wanted:
        source = dot_source(power, font, grades)
        digest = hashlib.sha256(f"{_VERSION}\0{source}".encode()).hexdigest()[:32]
        sources[key] = digest
        if digest not in found:
            found[digest] = _cached(cache, digest)
            if found[digest] is None:
                _discard(cache, digest)
                (cache / f"{digest}.dot").write_text(source, encoding="utf-8")
    missing = sorted(digest for digest, svg in found.items() if svg is None)
    if missing:
        error = _run_dot(dot, cache, missing)
        if error:
            result.problems.append(error)
        for digest in missing:
            _seal(cache, digest)
            found[digest] = _cached(cache, digest)
    for key, digest in sources.items():
        svg = found[digest]
        if svg is not None:
            result.charts[key] = Chart(cache / f"{digest}.dot.png", _inline_svg(svg))
    return result


# A chart in the cache is used only with a seal this machine wrote after dot made it: the
# folder can arrive in a pull request, and an SVG is inlined into the HTML handbook as is.
def _cached(cache: Path, digest: str) -> str | None:
    """The chart's SVG text when its PNG and SVG are the ones dot wrote here; None otherwise."""
    try:
        png, _ = read_bytes(cache / f"{digest}.dot.png", cache)
        svg, _ = read_bytes(cache / f"{digest}.dot.svg", cache)
        mac = (cache / f"{digest}.seal").read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not sealed(png + b"\0" + svg, mac):
        return None
    try:
        return svg.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _seal(cache: Path, digest: str) -> None:
    try:
        png, _ = read_bytes(cache / f"{digest}.dot.png", cache)
        svg, _ = read_bytes(cache / f"{digest}.dot.svg", cache)
        (cache / f"{digest}.seal").write_text(seal(png + b"\0" + svg), encoding="ascii")
    except OSError:
        return


def _discard(cache: Path, digest: str) -> None:
    for suffix in (".dot", ".dot.png", ".dot.svg", ".seal"):
        try:
            (cache / f"{digest}{suffix}").unlink()
        except FileNotFoundError:
            continue
        except OSError:
            continue


def _run_dot(dot: str, cache: Path, digests: list[str]) -> str:
    """PNG and SVG for the given charts, by two dot processes side by side (one per core)."""
    files = [f"{digest}.dot" for digest in digests]
    commands = [[dot, "-Tpng", f"-Gdpi={PNG_DPI}", "-O", *files], [dot, "-Tsvg", "-O", *files]]
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryFile() as png_errors, tempfile.TemporaryFile() as svg_errors:
        try:
            for command, errors in zip(commands, (png_errors, svg_errors), strict=True):
                processes.append(subprocess.Popen(command, cwd=cache, stdout=subprocess.DEVNULL, stderr=errors))
            for process in processes:
                process.wait(timeout=TIMEOUT)
        except (OSError, subprocess.SubprocessError) as exc:
            for process in processes:
                process.kill()
                process.wait()
            return f"graphviz 运行失败，部分流程图未生成：{exc}"
        if all(process.returncode == 0 for process in processes):
            return ""
        png_errors.seek(0)
        svg_errors.seek(0)
        detail = (png_errors.read() + svg_errors.read()).decode("utf-8", "replace").strip().splitlines()[:3]
    return "graphviz 运行出错，部分流程图未生成：" + "；".join(detail)


_SVG_START = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
# dot names the graph of every file but the first of one call "page0,1_graph0": which call
# drew a chart (all at once, or only the changed ones) must not change its text.
_PAGE_ID = re.compile(r'\bid="page[0-9]+,[0-9]+_')


def _inline_svg(svg: str) -> str:
    """SVG text for embedding in HTML: without the XML declaration and doctype."""
    return _PAGE_ID.sub('id="', _SVG_START.sub("", svg, count=1))
