"""Text made safe for Word XML, HTML and file names.

The loader already rejects control characters, but documents are the last line of
defence: python-docx raises on them and docxtpl silently drops them, so every string
that reaches a document passes through ``clean`` first.
"""

from __future__ import annotations

import re

# Characters XML 1.0 forbids, plus the C0 controls docxtpl would turn into paragraphs.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_FILE_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def clean(text: object) -> str:
    """Text without characters that cannot stand in a Word document; CRLF becomes LF."""
    if text is None:
        return ""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _INVALID.sub("", value)


def file_name(text: str, *, limit: int = 80) -> str:
    """A file-name part that is valid on Windows, macOS and Linux."""
    name = _FILE_UNSAFE.sub("_", clean(text)).strip(" .") or "_"
    return name[:limit]
