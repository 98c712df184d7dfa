"""The file-level policy for every input lzfk reads: bytes to text, and text back to bytes.

Accepted: UTF-8 (with or without a BOM) and UTF-16 with a BOM. GB18030/GBK is recognised
and refused with a pointer to ``lzfk fix-encoding``; anything else is refused at the first
undecodable byte. The BOM is dropped from the text and line ends are kept as they are
(LF, CRLF or CR alone: the YAML reader treats all three as line breaks), so that a writer
can give a file back in its own encoding, BOM and line ends (``SourceText.encode``).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from lianzheng_cli.findings import Finding

# The BOM, and the codec of the bytes after it (the BOM itself is not part of the text).
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True, slots=True)
class SourceText:
    """A file's text plus what it takes to write it back as it came."""

    text: str
    encoding: str = "utf-8"  # the codec of the bytes after the BOM
    bom: bytes = b""

    @property
    def newline(self) -> str:
        """The file's line end: the first one it uses (LF for a one-line file)."""
        for index, char in enumerate(self.text):
            if char == "\n":
                return "\n"
            if char == "\r":
                return "\r\n" if self.text[index + 1 : index + 2] == "\n" else "\r"
        return "\n"

    def encode(self, text: str) -> bytes:
        """Text in this file's own encoding, with its BOM."""
        return self.bom + text.encode(self.encoding)


def decode_source(data: bytes, display: str) -> SourceText | Finding:
    """Bytes as text by the policy above, or the located finding that refuses them."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return _without_marks(body.decode(encoding), encoding, bom)
            except UnicodeDecodeError as exc:  # its offsets count from the end of the BOM
                return _invalid_bytes(body, exc, encoding, display)
    try:
        return SourceText(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        legacy = legacy_encoding(data)
        if legacy == "gb18030":
            return Finding.of(
                "LZ001",
                display,
                (1, 1),
                "文件为 GBK/GB18030 编码，lzfk 只读取 UTF-8 编码的文件",
                "请运行 lzfk fix-encoding 文件名 自动转换，或在编辑器中“另存为 UTF-8”",
            )
        if legacy is not None:
            label = LEGACY_LABELS[legacy]
            return Finding.of(
                "LZ022",
                display,
                (1, 1),
                f"文件看来是 {label} 编码，不是 UTF-8，也不像 GBK 编码的简体中文",
                f"请用原来的编辑器把它“另存为 UTF-8”；确认是 {label} 时，可运行 lzfk fix-encoding --from {legacy} 文件名",
            )
        return _invalid_bytes(data, exc, "utf-8", display)


def _without_marks(text: str, encoding: str, bom: bytes) -> SourceText:
    # A second byte-order mark after the first (left by some converters) is no text either;
    # it stays part of the prefix so that writing back keeps it.
    body = text.lstrip("\ufeff")
    extra = len(text) - len(body)
    return SourceText(body, encoding, bom + ("\ufeff" * extra).encode(encoding))


def encoding_name(data: bytes) -> str:
    """Which encoding the policy sees: "utf-8", "utf-16", "gb18030", one of LEGACY_LABELS, or "unknown"."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoded = decode_source(data, "")
    if isinstance(decoded, SourceText):
        return "utf-8"
    return legacy_encoding(data) or "unknown"


# Encodings whose bytes also decode as GB18030: they must not be converted as if they were.
LEGACY_LABELS = {"big5": "Big5（繁体中文）", "shift_jis": "Shift-JIS（日文）", "euc_kr": "EUC-KR（韩文）"}
# Words every register or lzfk.yaml holds: found in the GB18030 reading, they show it is right.
_REGISTER_WORDS = ("类型", "编号", "名称", "风险点", "单位", "年度", "科室", "岗位", "等级", "防控措施", "职责")


def legacy_encoding(data: bytes) -> str | None:
    """The non-UTF-8 encoding the bytes are most plausibly in: "gb18030", a LEGACY_LABELS key, or None.

    Big5 and Shift-JIS bytes nearly always decode as GB18030 too, into mojibake. A clean
    GB18030 reading is trusted when it holds the register words; otherwise the choice goes
    to charset-normalizer among the encodings that decode the bytes cleanly, with GB18030
    winning ties (short Chinese text gives little to tell them apart, charset-normalizer #216).
    """
    if not _decodes(data, "gb18030"):
        return None  # the bytes are broken (LZ002): only what GB18030 would misread is in question
    candidates = ["gb18030", *(name for name in LEGACY_LABELS if _decodes(data, name))]
    if len(candidates) == 1 or any(word in data.decode("gb18030") for word in _REGISTER_WORDS):
        return "gb18030"
    return _best(data, candidates)


def _best(data: bytes, candidates: list[str]) -> str:
    from charset_normalizer import from_bytes

    matches = {_normal(match.encoding): match.chaos for match in from_bytes(data, cp_isolation=candidates)}
    ranked = sorted(candidates, key=lambda name: (matches.get(name, 1.0), name != "gb18030"))
    return ranked[0]


def _normal(name: str) -> str:
    return {"gb2312": "gb18030", "gbk": "gb18030", "cp932": "shift_jis", "cp949": "euc_kr"}.get(name, name)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _invalid_bytes(data: bytes, exc: UnicodeDecodeError, encoding: str, display: str) -> Finding:
    # Count lines and columns in characters of the file's own encoding (in UTF-16 a byte
    # 0x0A is not always a line break).
    before = data[: exc.start].decode(encoding, errors="replace")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    byte = data[exc.start : exc.start + 1].hex().upper()
    name = "UTF-16" if encoding.startswith("utf-16") else "UTF-8"
    return Finding.of(
        "LZ002",
        display,
        (line, column),
        f"第 {line} 行第 {column} 列有无法按 {name} 识别的字节 0x{byte}",
        "文件可能已损坏，或混用了多种编码；请在编辑器中检查该位置并另存为 UTF-8",
    )
