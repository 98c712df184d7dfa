"""``lzfk fix-encoding``: convert GBK/GB18030 or UTF-16 files to UTF-8, changing nothing else."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from lianzheng_cli.fsutil import write_atomic


@dataclass(frozen=True)
class EncodingChange:
    path: Path
    source: str  # "gb18030", "utf-16", "utf-8", or "unknown"

    @property
    def needs_fix(self) -> bool:
        return self.source in ("gb18030", "utf-16")


def detect(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        return "unknown"


def inspect(path: Path) -> EncodingChange:
    return EncodingChange(path, detect(path.read_bytes()))


def convert(change: EncodingChange) -> None:
    """Re-encode as UTF-8 without BOM; line ends and every character stay as they were."""
    text = change.path.read_bytes().decode(change.source)
    write_atomic(change.path, text.lstrip("\ufeff").encode("utf-8"))
