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


# Names Windows refuses for a file whatever its extension.
_RESERVED = re.compile(r"^(?:CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])(?:\..*)?$", re.IGNORECASE)
# Room for the longest suffix lzfk adds (".docx", ".tmp" and a collision mark) under the
# 255-byte limit most file systems put on one name.
MAX_NAME_BYTES = 160


def file_name(text: str, *, limit: int = 80) -> str:
    """A file-name part that is valid on Windows, macOS and Linux, and short enough for all of them.

    A name cut short ends in ``~`` and a digest of the whole text, so two long names that
    share a beginning stay apart, and the same text always gives the same name.
    """
    name = _FILE_UNSAFE.sub("_", clean(text)).strip(" .") or "_"
    if _RESERVED.match(name):
        name = f"_{name}"
    if len(name) > limit or len(name.encode("utf-8")) > MAX_NAME_BYTES:
        mark = f"~{_digest(text)}"
        name = name[: limit - len(mark)]
        while len((name + mark).encode("utf-8")) > MAX_NAME_BYTES:
            name = name[:-1]
        name = name.rstrip(" .") + mark
    return name


def unique_file_names(texts: list[str]) -> list[str]:
    """file_name() of each text; where two would be the same file (letter case aside, as on
    Windows and macOS), every text that was changed to fit gets a ``~digest`` of itself added,
    so no output overwrites another and the names do not depend on the order."""
    names = [file_name(text) for text in texts]
    groups: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        groups.setdefault(name.casefold(), []).append(index)
    for members in groups.values():
        if len({texts[i] for i in members}) < 2:
            continue
        for index in members:
            if names[index] != texts[index] or sum(names[i] == texts[i] for i in members) > 1:
                names[index] = marked_file_name(texts[index])
    return names


def marked_file_name(text: str) -> str:
    """file_name(text) with a digest of text appended: distinct for distinct texts."""
    return file_name(f"{file_name(text)}~{_digest(text)}")


def _digest(text: str) -> str:
    import hashlib

    return hashlib.blake2b(text.encode("utf-8", errors="surrogatepass"), digest_size=4).hexdigest()
