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
from or written to the cache: the fragments of this one build are kept in a temporary folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from stat import S_ISREG
from typing import Any

from lianzheng_cli.cache import code_stamp, digest, seal, sealed
from lianzheng_cli.cache import folder as cache_folder
from lianzheng_cli.config import Config

CACHE_FOLDER = "build"
FRAGMENTS = "fragments"
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


def _stat(path: Path) -> tuple[int, int] | None:
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
        name = hashlib.blake2b(str(out.resolve()).encode("utf-8"), digest_size=12).hexdigest()
        location = cache_folder(cache_root, CACHE_FOLDER) / f"{name}.json"
        record = cls(location, out)
        if read:
            record.entries = _read_record(location, out)
        return record

    def fresh(self, name: str, key: str) -> bool:
        """Whether out/name is still the file lzfk wrote from the inputs that key stands for."""
        entry = self.entries.get(name)
        if entry is None or entry.key != key:
            return False
        if _stat(self.out / name) != (entry.size, entry.mtime_ns):
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
    """The forms' Word bodies for the handbook, one sealed file per key.

    In the cache when it may be used, else in a temporary folder for this build only.
    """

    def __init__(self, cache_root: Path | None) -> None:
        self.temporary = cache_root is None
        if cache_root is not None:
            self.folder = cache_folder(cache_root, CACHE_FOLDER) / FRAGMENTS
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                if self.folder.is_symlink() or self.folder.parent.is_symlink():
                    raise OSError("the fragment folder is a link")
            except OSError:
                self.temporary = True
        if self.temporary:
            self.folder = Path(tempfile.mkdtemp(prefix="lzfk-fragments-"))
        self.used: set[str] = set()

    @classmethod
    def at(cls, folder: Path) -> Fragments:
        """The store another process opened (a spawned worker's view of it)."""
        store = cls.__new__(cls)
        store.folder, store.temporary, store.used = folder, False, set()
        return store

    def has(self, key: str) -> bool:
        return (self.folder / f"{key}.xml").is_file()

    def get(self, key: str) -> str | None:
        self.used.add(key)
        return _read_sealed(self.folder / f"{key}.xml")

    def put(self, key: str, text: str) -> None:
        _write_sealed(self.folder / f"{key}.xml", text)

    def close(self, *, prune: bool) -> None:
        """Remove the temporary folder; after a whole handbook, the fragments it no longer uses."""
        if self.temporary:
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        if not prune:
            return
        try:
            kept = list(self.folder.glob("*.xml"))
        except OSError:
            return
        for path in kept:
            if path.stem not in self.used:
                with contextlib.suppress(OSError):
                    path.unlink()


def content_digest(data: bytes) -> str:
    """The digest the build manifest records for a written file (cache.digest)."""
    return digest(data)
