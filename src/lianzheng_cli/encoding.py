"""``lzfk fix-encoding``: convert GBK/GB18030 or UTF-16 files to UTF-8, changing nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lianzheng_cli.fsutil import write_atomic
from lianzheng_cli.loader.decode import LEGACY_LABELS, encoding_name
from lianzheng_cli.loader.raw import read_bytes


@dataclass(frozen=True)
class EncodingChange:
    path: Path
    source: str  # "gb18030", "utf-16", "utf-8", a LEGACY_LABELS key, or "unknown"
    stated: bool = False  # the user named the encoding (--from)

    @property
    def needs_fix(self) -> bool:
        return self.source not in ("utf-8", "unknown") and self.doubtful is None

    @property
    def doubtful(self) -> str | None:
        """The label of an encoding lzfk will not convert from unless told (--from), or None."""
        return None if self.stated else LEGACY_LABELS.get(self.source)


def inspect(path: Path, stated: str | None = None) -> EncodingChange:
    """What the file is in; stated (--from) is taken when the bytes decode cleanly in it."""
    data = read_bytes(path)[0]
    if stated is not None:
        try:
            data.decode(stated)
        except (UnicodeDecodeError, LookupError):
            return EncodingChange(path, "unknown")
        return EncodingChange(path, stated, stated=True)
    return EncodingChange(path, encoding_name(data))


def convert(change: EncodingChange) -> None:
    """Re-encode as UTF-8 without BOM; line ends and every character stay as they were."""
    text = read_bytes(change.path)[0].decode(change.source)
    write_atomic(change.path, text.lstrip("\ufeff").encode("utf-8"))
