"""Untrusted text made safe to print: control characters shown as visible escapes.

File names, commit subjects and author names come from whoever wrote the pull request. A
newline in one would forge a ``::error`` line in GitHub output, an ESC would recolour or
rewrite the terminal; so every such text goes through visible() before it is printed.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, lone surrogates (from undecodable file names) and the Unicode
# line/paragraph separators and bidi overrides that can make a line look like another.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def visible(text: str) -> str:
    """text with every control or invisible-direction character as \\xNN or \\uNNNN."""
    return _UNSAFE.sub(_escape, text)


def is_safe(text: str) -> bool:
    return _UNSAFE.search(text) is None
