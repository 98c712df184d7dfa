"""Writing a .docx from a reference template's parts and a generated body.

The body streams into the zip entry, so a handbook of thousands of pages never exists
as one string or one XML tree in memory. Styles, fonts, theme and the odd/even page
footers come from the reference template (``文档样式.docx``, overridable by the unit).
"""

from __future__ import annotations

import itertools
import os
import re
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lianzheng_cli.errors import WriteError
from lianzheng_cli.fsutil import refuse_special
from lianzheng_cli.render import docx_layout as layout
from lianzheng_cli.render.docx_check import read_package
from lianzheng_cli.render.jinja_env import TemplateError

_DOCUMENT = "word/document.xml"
_RELS = "word/_rels/document.xml.rels"
_TYPES = "[Content_Types].xml"
_SETTINGS = "word/settings.xml"
_CORE = "docProps/core.xml"
_FOOTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_FOOTER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
_ROOT = re.compile(r"<w:document\b[^>]*>")
_NS = re.compile(r'xmlns:(\w+)="([^"]+)"')
IMAGE_NAMESPACES = {
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "r": layout.R_NS,
    "w": layout.W_NS,
}
EMU_PER_TWIP = 635
COMPRESS_LEVEL = 5
# Every part is dated the same (the zip format's earliest date), so that the same content
# always gives the same bytes: a rebuild can be compared with the file it replaces.
PART_DATE = (1980, 1, 1, 0, 0, 0)


def part(name: str, compress_type: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    """A zip entry for a generated document's part, with the fixed date."""
    info = zipfile.ZipInfo(name, date_time=PART_DATE)
    info.compress_type = compress_type
    return info


@dataclass(frozen=True)
class Segment:
    """A stretch of a document part, deflated on its own: raw deflate blocks that end in a full
    flush (byte-aligned, no back references past it), with the CRC-32 and length of the text.

    Segments laid end to end are one deflate stream, so a part written as segments can take a
    segment kept from the last build as it is (a handbook rebuilt for one edited register
    compresses that register's department again, not the whole book). A part is written either
    wholly as segments or not at all, so the same text always gives the same bytes.
    """

    data: bytes
    crc: int
    size: int


SEGMENT_TEXT = 1 << 20  # text gathered into one segment at most (bytes of UTF-8, roughly)


def compress_segment(text: bytes) -> Segment:
    compressor = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return Segment(compressor.compress(text) + compressor.flush(zlib.Z_FULL_FLUSH), zlib.crc32(text), len(text))


def segments(chunks: Iterable[str | bytes | Segment]) -> Iterator[Segment]:
    """The chunks as segments: text gathered up to SEGMENT_TEXT or the next segment given as such."""
    pending: list[bytes] = []
    size = 0
    for chunk in chunks:
        if isinstance(chunk, Segment):
            if pending:
                yield compress_segment(b"".join(pending))
                pending, size = [], 0
            yield chunk
            continue
        data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
        pending.append(data)
        size += len(data)
        if size >= SEGMENT_TEXT:
            yield compress_segment(b"".join(pending))
            pending, size = [], 0
    if pending:
        yield compress_segment(b"".join(pending))


_CRC_POLYNOMIAL = 0xEDB88320  # CRC-32 (reflected), as zlib computes it


def _multiply(a: int, b: int) -> int:
    """a × b modulo the CRC polynomial (zlib's multmodp)."""
    bit, product = 1 << 31, 0
    while a:
        if a & bit:
            product ^= b
            a ^= bit
        bit >>= 1
        b = (b >> 1) ^ _CRC_POLYNOMIAL if b & 1 else b >> 1
    return product


def _square_table() -> list[int]:
    table, power = [], 1 << 30  # x^1
    for _ in range(32):
        table.append(power)
        power = _multiply(power, power)
    return table


_X_POWERS = _square_table()  # x^(2^k) modulo the polynomial


def crc32_combine(first: int, second: int, second_length: int) -> int:
    """The CRC-32 of a + b from crc32(a), crc32(b) and len(b) (zlib's crc32_combine)."""
    shift, k, n = 1 << 31, 3, second_length  # x^(8 n): n bytes of zeros appended to a
    while n:
        if n & 1:
            shift = _multiply(_X_POWERS[k & 31], shift)
        n >>= 1
        k += 1
    return _multiply(shift, first) ^ second


def _write_segments(stream: Any, parts: Iterable[Segment]) -> None:
    """Segments into an open zip entry as its deflated data (the entry's own compressor, never
    fed, then only ends the stream). stream is zipfile's entry writer, whose sizes and CRC are
    kept as it keeps them."""
    for segment in parts:
        stream._fileobj.write(segment.data)
        stream._compress_size += len(segment.data)
        stream._crc = crc32_combine(stream._crc, segment.crc, segment.size)
        stream._file_size += segment.size


def _write_streamed(package: zipfile.ZipFile, head: str, body: Iterable[str | bytes | Segment]) -> None:
    with package.open(_DOCUMENT, "w", force_zip64=True) as stream:
        stream.write(head.encode("utf-8"))
        stream.write(b"<w:body>")
        pending: list[str] = []
        size = 0
        for chunk in body:
            if isinstance(chunk, Segment):
                raise TypeError("a segment in a document not written as segments")
            if isinstance(chunk, bytes):
                stream.write("".join(pending).encode("utf-8"))
                stream.write(chunk)
                pending, size = [], 0
                continue
            pending.append(chunk)
            size += len(chunk)
            if size > 1 << 20:
                stream.write("".join(pending).encode("utf-8"))
                pending, size = [], 0
        stream.write("".join(pending).encode("utf-8"))
        stream.write(b"</w:body></w:document>")


@dataclass
class Images:
    """PNG pictures embedded in one document, each under its own relationship id."""

    # (rId, part name, data): a file's data is read only when the document is written, so
    # that a handbook of thousands of charts never holds them all.
    entries: list[tuple[str, str, bytes | Path]] = field(default_factory=list)

    def add(self, data: bytes | Path, max_width: int, max_height: int) -> str:
        """The inline-picture run for data (a PNG, or its file), scaled to fit max_width × max_height twips."""
        number = len(self.entries) + 1
        rid = f"rIdChart{number}"
        self.entries.append((rid, f"word/media/chart_{number}.png", data))
        width_px, height_px = png_size(data if isinstance(data, bytes) else _head(data))
        dpi = 200
        cx = int(width_px / dpi * 1440 * EMU_PER_TWIP)
        cy = int(height_px / dpi * 1440 * EMU_PER_TWIP)
        scale = min(1.0, max_width * EMU_PER_TWIP / max(cx, 1), max_height * EMU_PER_TWIP / max(cy, 1))
        cx, cy = int(cx * scale), int(cy * scale)
        pic = IMAGE_NAMESPACES["pic"]
        drawing = IMAGE_NAMESPACES["a"]
        return (
            f'<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
            f'<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="{number}" name="流程图 {number}"/>'
            f'<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="{drawing}" noChangeAspect="1"/></wp:cNvGraphicFramePr>'
            f'<a:graphic xmlns:a="{drawing}"><a:graphicData uri="{pic}"><pic:pic xmlns:pic="{pic}">'
            f'<pic:nvPicPr><pic:cNvPr id="{number}" name="流程图{number}"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
            f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
            "</wp:inline></w:drawing></w:r>"
        )


def landscape_footers() -> dict[str, bytes]:
    """Part name → XML of the footers of landscape pages (see docx_layout.LANDSCAPE_FOOTERS)."""
    odd, even = layout.LANDSCAPE_FOOTER_PARTS.values()
    return {
        odd: layout.landscape_page_number_footer(odd=True).encode("utf-8"),
        even: layout.landscape_page_number_footer(odd=False).encode("utf-8"),
    }


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _head(path: Path) -> bytes:
    with path.open("rb") as stream:
        return stream.read(24)


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        return (800, 600)
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _footer_refs(path: Path) -> layout.FooterRefs | None:
    """The odd/even page footers of the template's last section, read with python-docx's element
    API (a template re-saved by Word or WPS writes these elements its own way)."""
    from docx import Document
    from docx.oxml.ns import qn

    try:
        section = Document(str(path)).sections[-1]
    except (ValueError, KeyError, IndexError) as exc:
        raise TemplateError(f"样式模板 {path.name} 无法打开：{exc}", hint="确认它是用 Word/WPS 另存的 .docx 文件") from exc
    refs = {ref.get(qn("w:type")): ref.get(qn("r:id")) for ref in section._sectPr.findall(qn("w:footerReference"))}
    odd = refs.get("default")
    return layout.FooterRefs(odd, refs.get("even") or odd) if odd else None


class ReferenceDocument:
    """The parts of the reference template that generated documents are written into."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.parts = read_package(path, f"样式模板 {path.name}")
        try:
            document = self.parts[_DOCUMENT].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TemplateError(f"样式模板 {path.name} 无法打开：{exc}", hint="确认它是用 Word/WPS 另存的 .docx 文件") from exc
        root = _ROOT.search(document)
        if root is None:
            raise TemplateError(f"样式模板 {path.name} 的正文结构无法识别")
        self.head = document[: root.end()]
        self.footers = _footer_refs(path)

    def write(
        self,
        target: Path,
        body: Iterable[str | bytes | Segment],
        *,
        title: str,
        images: Images | None = None,
        namespaces: Mapping[str, str] | None = None,
        update_fields: bool = False,
        mirror_margins: bool = False,
        segmented: bool = False,
    ) -> None:
        """Write the document atomically; body yields the children of <w:body> (text, or UTF-8 bytes), final sectPr included.

        segmented: the body is written as segments (see Segment), and may yield some ready-made."""
        images = images or Images()
        wanted = {**IMAGE_NAMESPACES, **(namespaces or {})}
        head = self._head_with(wanted)
        refuse_special(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
        temp = Path(temp_name)
        try:
            with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as package:
                for name, data in self.parts.items():
                    if name != _DOCUMENT:
                        patched = self._patched(name, data, title, images, update_fields, mirror_margins)
                        package.writestr(part(name), patched, compresslevel=COMPRESS_LEVEL)
                if self.footers is not None:
                    for footer, xml in landscape_footers().items():
                        package.writestr(part(footer), xml, compresslevel=COMPRESS_LEVEL)
                for _, image, source in images.entries:
                    picture = source if isinstance(source, bytes) else source.read_bytes()
                    package.writestr(part(image, zipfile.ZIP_STORED), picture)
                if segmented:
                    with package.open(_DOCUMENT, "w", force_zip64=True) as stream:
                        _write_segments(stream, segments(itertools.chain([head, "<w:body>"], body, ["</w:body></w:document>"])))
                else:
                    _write_streamed(package, head, body)
            temp.chmod(_default_mode())
            temp.replace(target)
        except OSError as exc:
            temp.unlink(missing_ok=True)
            raise WriteError(
                f"无法写入 {target}：{exc.strerror or exc}", hint="检查目录是否可写、文件是否正在 Word 中打开"
            ) from exc
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    def _head_with(self, namespaces: Mapping[str, str]) -> str:
        root = _ROOT.search(self.head)
        assert root is not None
        declared = dict(_NS.findall(root.group(0)))
        extra = "".join(f' xmlns:{prefix}="{uri}"' for prefix, uri in namespaces.items() if prefix not in declared)
        tag = root.group(0)
        return self.head[: root.start()] + tag[:-1] + extra + ">"

    def _patched(self, name: str, data: bytes, title: str, images: Images, update_fields: bool, mirror: bool) -> bytes:
        if name == _SETTINGS:
            return layout.patch_settings(data, mirror_margins=mirror, update_fields=update_fields)
        footers = self.footers is not None
        if name == _RELS and (images.entries or footers):
            rels = "".join(
                f'<Relationship Id="{rid}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
                f'Target="{part.removeprefix("word/")}"/>'
                for rid, part, _ in images.entries
            )
            if footers:
                rels += "".join(
                    f'<Relationship Id="{rid}" Type="{_FOOTER_REL}" Target="{part.removeprefix("word/")}"/>'
                    for rid, part in layout.LANDSCAPE_FOOTER_PARTS.items()
                )
            return data.decode("utf-8").replace("</Relationships>", rels + "</Relationships>").encode("utf-8")
        if name == _TYPES and footers:
            overrides = "".join(
                f'<Override PartName="/{part}" ContentType="{_FOOTER_TYPE}"/>' for part in layout.LANDSCAPE_FOOTER_PARTS.values()
            )
            data = data.decode("utf-8").replace("</Types>", overrides + "</Types>").encode("utf-8")
        if name == _TYPES and images.entries and b'Extension="png"' not in data:
            text = data.decode("utf-8").replace("<Default ", '<Default Extension="png" ContentType="image/png"/><Default ', 1)
            return text.encode("utf-8")
        if name == _CORE:
            text = re.sub(
                r"<dc:title>.*?</dc:title>|<dc:title/>", f"<dc:title>{layout.text_xml(title)}</dc:title>", data.decode("utf-8")
            )
            return text.encode("utf-8")
        return data
