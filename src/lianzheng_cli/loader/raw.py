"""Opening input files: the one place lzfk reads bytes from disk.

Standard library only (the replay fast path uses it before any heavy import). Callers
decide what an ``OSError`` means for them: a located finding, a cache miss, or a changed run.
"""

from __future__ import annotations

import os


def read_bytes(path: str | os.PathLike[str]) -> tuple[bytes, os.stat_result]:
    """The file's bytes and the status of the very file read (not of a later replacement)."""
    with open(path, "rb") as handle:
        status = os.fstat(handle.fileno())
        return handle.read(), status
