"""``lzfk fix-encoding``: convert GBK/GB18030 or UTF-16 files to UTF-8, changing nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lianzheng_cli.fsutil import write_atomic
from lianzheng_cli.loader.decode import encoding_name
from lianzheng_cli.loader.raw import read_bytes


@dataclass(frozen=True)
class EncodingChange:
    path: Path
    source: str  # "gb18030", "utf-16", "utf-8", or "unknown"

    @property
    def needs_fix(self) -> bool:
        return self.source in ("gb18030", "utf-16")


def inspect(path: Path) -> EncodingChange:
    return EncodingChange(path, encoding_name(read_bytes(path)[0]))


def convert(change: EncodingChange) -> None:
    """Re-encode as UTF-8 without BOM; line ends and every character stay as they were."""
    text = read_bytes(change.path)[0].decode(change.source)
    write_atomic(change.path, text.lstrip("\ufeff").encode("utf-8"))
