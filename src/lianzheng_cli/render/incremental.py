"""What ``lzfk build`` remembers between runs: the build record and the form fragments.

Every output is keyed by a digest of what it is rendered from: lzfk's code and the
libraries it renders with, the templates, the configuration, and the view the template
sees (itself made from the registers' bytes, their computed grades and the build's
options). The record maps each output, relative to the output folder, to that key, the
size and mtime the file had when lzfk wrote it, and its content digest; a file whose key
and stat both still match is left as it is. The handbook embeds every form, so the forms'
Word bodies are kept beside the record as fragments (keyed the same way): a handbook
rebuilt for one changed register renders one form again, not all of them.

Both live in the cache (``.lzfk_cache/build/``) and carry a seal under this machine's key
(``cache.seal``), like every cached artefact: a record or fragment that cannot be read or
verified is a miss, and a miss only means more work. With ``--no-cache`` nothing is read
from or written to the cache: the fragments of this one build are kept in a temporary file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from stat import S_ISREG
from typing import Any, BinaryIO

from lianzheng_cli.cache import code_stamp, digest, seal, sealed
from lianzheng_cli.cache import folder as cache_folder
from lianzheng_cli.config import Config

CACHE_FOLDER = "build"
RECORD_FORMAT = 1
_LIBRARIES = ("jinja2", "markupsafe", "docxtpl", "python-docx", "lxml", "markdown-it-py")


def view_digest(value: Any) -> str:
    """A digest of a view (plain dicts, lists, text and numbers) as a template sees it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=20).hexdigest()


def key_of(*parts: str) -> str:
    return hashlib.blake2b("\0".join(parts).encode("utf-8"), digest_size=20).hexdigest()


def _library_versions() -> str:
    versions = []
    for name in _LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=-")
    return ";".join(versions)


def templates_digest(dirs: list[Path]) -> str:
    """Every file of the template folders, by name and content (a unit's templates/ and the built-in ones)."""
    hasher = hashlib.blake2b(digest_size=20)
    for folder in dirs:
        hasher.update(f"\0{folder.name}\0".encode())
        for current, subfolders, names in os.walk(folder):
            subfolders.sort()
            for name in sorted(names):
                path = Path(current, name)
                try:
                    if path.is_symlink():
                        continue
                    data = path.read_bytes()
                except OSError:
                    data = b"\0unreadable"
                hasher.update(f"{path.relative_to(folder).as_posix()}\0{len(data)}\0".encode())
                hasher.update(data)
    return hasher.hexdigest()


def build_stamp(dirs: list[Path], config: Config) -> str:
    """What every output depends on besides its own view."""
    return key_of(
        f"record {RECORD_FORMAT}",
        code_stamp(),
        sys.version,
        _library_versions(),
        templates_digest(dirs),
        config.model_dump_json(),
    )


@dataclass(frozen=True)
class Entry:
    key: str
    size: int
    mtime_ns: int
    digest: str


def _stat(path: Path | str) -> tuple[int, int] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns) if S_ISREG(info.st_mode) else None


@dataclass
class BuildRecord:
    """Each output's key, stat and content digest as the last build left it."""

    location: Path | None  # None: not kept (--no-cache, or no cache folder can be written)
    out: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    updated: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def open(cls, cache_root: Path | None, out: Path, *, read: bool) -> BuildRecord:
        if cache_root is None:
            return cls(None, out)
        location = cache_folder(cache_root, CACHE_FOLDER) / f"{_name(out)}.json"
        record = cls(location, out)
        if read:
            record.entries = _read_record(location, out)
        return record

    def fresh(self, name: str, key: str) -> bool:
        """Whether out/name is still the file lzfk wrote from the inputs that key stands for."""
        entry = self.entries.get(name)
        if entry is None or entry.key != key:
            return False
        if _stat(os.path.join(self.out, name)) != (entry.size, entry.mtime_ns):  # noqa: PTH118 — 10,000s of calls
            return False
        self.updated[name] = entry
        return True

    def digest_of(self, name: str) -> str | None:
        entry = self.updated.get(name)
        return entry.digest if entry is not None else None

    def note(self, name: str, key: str, content_digest: str) -> None:
        stat = _stat(self.out / name)
        if stat is not None:
            self.updated[name] = Entry(key, stat[0], stat[1], content_digest)

    def save(self, *, keep_others: bool) -> None:
        """Write the record: this build's entries, and the others' too after a partial build."""
        if self.location is None:
            return
        entries = {**self.entries, **self.updated} if keep_others else dict(self.updated)
        body = json.dumps(
            {
                "format": RECORD_FORMAT,
                "out": str(self.out.resolve()),
                "files": {name: [e.key, e.size, e.mtime_ns, e.digest] for name, e in sorted(entries.items())},
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        _write_sealed(self.location, body)

    def discard(self) -> None:
        """Forget every entry (a draft or a PDF build rewrites files after rendering them)."""
        if self.location is not None:
            with contextlib.suppress(OSError):
                self.location.unlink()


def _read_record(location: Path, out: Path) -> dict[str, Entry]:
    text = _read_sealed(location)
    if text is None:
        return {}
    try:
        data = json.loads(text)
        if data.get("format") != RECORD_FORMAT or data.get("out") != str(out.resolve()):
            return {}
        return {
            name: Entry(str(key), int(size), int(mtime), str(content))
            for name, (key, size, mtime, content) in data["files"].items()
            if isinstance(name, str)
        }
    except (ValueError, TypeError, KeyError, AttributeError):
        return {}


def _read_sealed(path: Path) -> str | None:
    try:
        if path.is_symlink():
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    mac, _, body = raw.partition(b"\n")
    try:
        if not sealed(body, mac.decode("ascii")):
            return None
        return body.decode("utf-8")
    except (UnicodeDecodeError, ValueError):
        return None


def _write_sealed(path: Path, text: str) -> None:
    """Write a sealed cache file; a cache that cannot be written only costs the next build time."""
    body = text.encode("utf-8")
    temp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.parent.is_symlink():
            return
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        temp = Path(name)
        with os.fdopen(fd, "wb") as stream:
            stream.write(seal(body).encode("ascii") + b"\n" + body)
        temp.replace(path)
    except OSError:
        if temp is not None:
            temp.unlink(missing_ok=True)


class Fragments:
    """The forms' Word bodies the last handbook embedded: one pack file per output folder.

    A pack is the bodies one after another, then their index (key → offset, length, digest)
    as JSON, the index's length (8 bytes) and its seal. A build reuses the bodies it can from
    the last pack and writes every body its handbook embeds into a new pack, which replaces
    the old one once the handbook is complete: a pack holds nothing but one handbook's bodies,
    and costs one file, not one per form. Without a cache (``--no-cache``, or none can be
    written) the new pack is a temporary file, read back only within this build.
    """

    def __init__(self, cache_root: Path | None, out: Path, document: str = "") -> None:
        self.location: Path | None = None
        if cache_root is not None:
            suffix = f"-{_name(Path(out, document))}" if document else ""
            self.location = cache_folder(cache_root, CACHE_FOLDER) / f"{_name(out)}{suffix}.pack"
        self.old: dict[str, tuple[int, int, str]] = {}
        self._old: BinaryIO | None = None
        self.new: dict[str, tuple[int, int, str]] = {}
        self._new: BinaryIO | None = None
        self._end = 0  # the new pack's length
        self._new_path: Path | None = None
        if self.location is not None:
            self._open_old(self.location)

    @property
    def temporary(self) -> bool:
        return self.location is None

    def _open_old(self, location: Path) -> None:
        try:
            if location.is_symlink() or not location.is_file():
                return
            handle = location.open("rb")
        except OSError:
            return
        try:
            handle.seek(-(8 + _SEAL_SIZE), os.SEEK_END)
            size = int.from_bytes(handle.read(8), "big")
            mac = handle.read(_SEAL_SIZE).decode("ascii")
            handle.seek(-(8 + _SEAL_SIZE + size), os.SEEK_END)
            index = handle.read(size)
            if not sealed(index, mac):
                raise ValueError("not sealed here")
            self.old = _read_index(index.decode("ascii"))
            self._old = handle
        except (OSError, ValueError, TypeError, AttributeError, UnicodeDecodeError):
            handle.close()
            self.old = {}

    def has(self, key: str) -> bool:
        return key in self.old or key in self.new

    def get(self, key: str) -> str | None:
        """A kept body, or None when there is none (or it does not read back as written)."""
        data = self.get_bytes(key)
        try:
            return data.decode("utf-8") if data is not None else None
        except UnicodeDecodeError:
            return None

    def get_bytes(self, key: str) -> bytes | None:
        for index, handle in ((self.new, self._new), (self.old, self._old)):
            if key not in index or handle is None:
                continue
            offset, length, expected = index[key]
            try:
                position = handle.tell()
                handle.seek(offset)
                data = handle.read(length)
                handle.seek(position)
            except OSError:
                continue
            if digest(data) == expected:
                return data
        return None

    def reuse(self, key: str) -> str | None:
        """A kept body, carried into the new pack as it was read (not encoded or digested again);
        None when there is none (or it does not read back as written)."""
        data = self.reuse_bytes(key)
        try:
            return data.decode("utf-8") if data is not None else None
        except UnicodeDecodeError:
            return None

    def reuse_bytes(self, key: str) -> bytes | None:
        """reuse, for what was kept as bytes (add_bytes)."""
        if key in self.new:
            return self.get_bytes(key)
        data = self._read_old(key, check=True)
        if data is not None:
            self._append(key, data, self.old[key][2])
        return data

    def carry(self, key: str) -> None:
        """The kept body into the new pack unread, for a build that does not need its text
        (it is checked against its digest when a later build reads it)."""
        if key not in self.new and (data := self._read_old(key, check=False)) is not None:
            self._append(key, data, self.old[key][2])

    def _read_old(self, key: str, *, check: bool) -> bytes | None:
        if key not in self.old or self._old is None:
            return None
        offset, length, expected = self.old[key]
        try:
            self._old.seek(offset)
            data = self._old.read(length)
        except OSError:
            return None
        if len(data) != length or (check and digest(data) != expected):
            return None
        return data

    def _append(self, key: str, data: bytes, data_digest: str) -> None:
        # The new pack is only ever appended to (get_bytes puts the position back): its end is
        # counted, not sought, tens of thousands of times a build.
        try:
            handle = self._new_handle()
            handle.write(data)
            self.new[key] = (self._end, len(data), data_digest)
            self._end += len(data)
        except OSError:
            self.new.pop(key, None)
            with contextlib.suppress(OSError):
                self._end = self._new.seek(0, os.SEEK_END) if self._new is not None else 0

    def add(self, key: str, text: str) -> None:
        """Keep a body the handbook being written embeds (in the new pack)."""
        self.add_bytes(key, text.encode("utf-8"))

    def add_bytes(self, key: str, data: bytes) -> None:
        if key not in self.new:
            self._append(key, data, digest(data))

    def _new_handle(self) -> BinaryIO:
        if self._new is None:
            folder = self.location.parent if self.location is not None else None
            if folder is not None:
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                    if folder.is_symlink():
                        raise OSError("the cache folder is a link")
                    fd, name = tempfile.mkstemp(dir=folder, prefix=".pack-", suffix=".tmp")
                    self._new, self._new_path = os.fdopen(fd, "w+b"), Path(name)
                except OSError:
                    self.location = None
            if self._new is None:
                self._new = tempfile.TemporaryFile()  # noqa: SIM115 — open for the build, closed by close()
        return self._new

    def commit(self) -> None:
        """The new pack (a complete handbook's bodies) replaces the old one."""
        if self._new is None or self._new_path is None or self.location is None:
            return
        index = _index_text(self.new).encode("ascii")
        try:
            self._new.seek(0, os.SEEK_END)
            self._new.write(index + len(index).to_bytes(8, "big") + seal(index).encode("ascii"))
            self._new.flush()
            self._new_path.replace(self.location)
            self._new_path = None
        except OSError:
            return

    def close(self) -> None:
        for handle in (self._old, self._new):
            if handle is not None:
                handle.close()
        self._old = self._new = None
        if self._new_path is not None:
            self._new_path.unlink(missing_ok=True)
            self._new_path = None


_SEAL_SIZE = 64


# A pack's index: key, offset, length and digest of each body, all separated by NUL (keys and
# digests are hex): read by every build, tens of thousands of entries, faster split than parsed.
def _index_text(index: dict[str, tuple[int, int, str]]) -> str:
    return "\0".join(f"{key}\0{offset}\0{length}\0{value}" for key, (offset, length, value) in index.items())


def _read_index(text: str) -> dict[str, tuple[int, int, str]]:
    if not text:
        return {}
    fields = text.split("\0")
    if len(fields) % 4:
        raise ValueError("not a pack index")
    keys, offsets, lengths, digests = fields[0::4], fields[1::4], fields[2::4], fields[3::4]
    return {
        key: (int(offset), int(length), value) for key, offset, length, value in zip(keys, offsets, lengths, digests, strict=True)
    }


@dataclass
class Pieces:
    """One text document's pieces (its pure macros' output, see jinja_env.PURE_MACROS), kept
    between builds in a pack of their own: a document rebuilt for one changed register renders
    that register's pieces again and copies the rest.

    known: digests already taken of views the calls get (id of the view → its digest), so
    that a form's view is not serialised again; the views outlive the render.
    """

    fragments: Fragments
    stamp: str
    known: dict[int, str] = field(default_factory=dict)

    def key(self, place: str, args: tuple[Any, ...]) -> str | None:
        parts = [self.stamp, place]
        for value in args:
            if isinstance(value, str) and not hasattr(value, "__html__"):
                parts.append(f"s{value}")
            elif isinstance(value, int | float) and not isinstance(value, bool):
                parts.append(f"n{value!r}")
            else:
                known = self.known.get(id(value))
                parts.append(known if known is not None else view_digest(value))
        return key_of(*parts)

    def reuse(self, key: str) -> str | None:
        return self.fragments.reuse(key)

    def add(self, key: str, text: str) -> None:
        self.fragments.add(key, text)


def _name(out: Path) -> str:
    return hashlib.blake2b(str(out.resolve()).encode("utf-8"), digest_size=12).hexdigest()


def content_digest(data: bytes) -> str:
    """The digest the build manifest records for a written file (cache.digest)."""
    return digest(data)
