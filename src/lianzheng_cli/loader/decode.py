"""Bytes to text, by a fixed policy: BOM, then strict UTF-8, then a GB18030 diagnosis."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
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
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                return _invalid_bytes(data, exc)
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
    return _invalid_bytes(data, exc)


def _is_gb18030(data: bytes) -> bool:
    # Only call it GBK when the bytes contain non-ASCII and decode cleanly as GB18030;
    # guessing from statistics misreads short Chinese text (charset-normalizer #216).
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def _invalid_bytes(data: bytes, exc: UnicodeDecodeError) -> DecodeFailure:
    before = data[: exc.start]
    line = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    byte = data[exc.start : exc.start + 1].hex().upper()
    return DecodeFailure(
        "LZ002",
        line,
        column,
        f"第 {line} 行第 {column} 列有无法按 UTF-8 识别的字节 0x{byte}",
        "文件可能已损坏，或混用了多种编码；请在编辑器中检查该位置并另存为 UTF-8",
    )
