"""Bytes to text, by a fixed policy: BOM, then strict UTF-8, then a GB18030 diagnosis."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

# The BOM, and the codec of the bytes after it (the BOM itself is not part of the text).
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class DecodeFailure:
    """Why bytes could not be read as UTF-8; line/column are 1-based."""

    code: str
    line: int
    column: int
    message: str
    hint: str


def decode(data: bytes) -> str | DecodeFailure:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return body.decode(encoding)
            except UnicodeDecodeError as exc:  # its offsets count from the end of the BOM
                return _invalid_bytes(body, exc, encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _diagnose(data, exc)


def _diagnose(data: bytes, exc: UnicodeDecodeError) -> DecodeFailure:
    if _is_gb18030(data):
        return DecodeFailure(
            "LZ001",
            1,
            1,
            "文件为 GBK/GB18030 编码，lzfk 只读取 UTF-8 编码的文件",
            "请运行 lzfk fix-encoding 文件名 自动转换，或在编辑器中“另存为 UTF-8”",
        )
    return _invalid_bytes(data, exc, "utf-8")


def _is_gb18030(data: bytes) -> bool:
    # Only call it GBK when the bytes contain non-ASCII and decode cleanly as GB18030;
    # guessing from statistics misreads short Chinese text (charset-normalizer #216).
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def _invalid_bytes(data: bytes, exc: UnicodeDecodeError, encoding: str) -> DecodeFailure:
    # Count lines and columns in characters of the file's own encoding (in UTF-16 a byte
    # 0x0A is not always a line break).
    before = data[: exc.start].decode(encoding, errors="replace")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    byte = data[exc.start : exc.start + 1].hex().upper()
    name = "UTF-16" if encoding.startswith("utf-16") else "UTF-8"
    return DecodeFailure(
        "LZ002",
        line,
        column,
        f"第 {line} 行第 {column} 列有无法按 {name} 识别的字节 0x{byte}",
        "文件可能已损坏，或混用了多种编码；请在编辑器中检查该位置并另存为 UTF-8",
    )
