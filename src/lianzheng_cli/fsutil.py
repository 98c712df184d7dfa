"""Writing files safely: atomically, UTF-8, never half-written."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from lianzheng_cli.errors import WriteError

_HINT = "检查目录是否存在、是否有写入权限、磁盘是否已满"


def refuse_special(path: Path) -> None:
    """Raise WriteError unless path is absent or a regular file (not a link, FIFO, device or folder).

    Replacing a symlink would write where it points (or drop the link a user made on
    purpose); opening a FIFO blocks for ever; a device is not a file at all.
    """
    try:
        status = path.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise WriteError(f"无法写入 {path}：{exc.strerror or exc}", hint="检查路径是否可以访问") from exc
    if stat.S_ISREG(status.st_mode):
        return
    kind = "符号链接" if stat.S_ISLNK(status.st_mode) else "目录" if stat.S_ISDIR(status.st_mode) else "管道或设备文件"
    raise WriteError(f"无法写入 {path}：它是{kind}，不是普通文件，lzfk 不会替换它", hint="换一个输出文件名，或先删除它")


def refuse_special_folder(folder: Path) -> None:
    """Raise WriteError when folder exists as anything but a real directory (a link to one included)."""
    try:
        status = folder.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise WriteError(f"无法写入 {folder}：{exc.strerror or exc}", hint="检查路径是否可以访问") from exc
    if not stat.S_ISDIR(status.st_mode):
        raise WriteError(
            f"无法写入 {folder}：它不是目录（可能是符号链接或文件），lzfk 不会往其中写入", hint="换一个输出目录，或先删除它"
        )


def write_atomic(path: Path, data: bytes, *, durable: bool = True, hint: str = _HINT) -> None:
    """Replace path with data in one step; keep the old file's permissions.

    durable=False skips the fsync, for generated files that can always be built again.
    """
    with atomic_stream(path, durable=durable, hint=hint) as handle:
        handle.write(data)


@contextmanager
def atomic_stream(path: Path, *, durable: bool = False, hint: str = _HINT) -> Iterator[BinaryIO]:
    """A file to write piece by piece that replaces path in one step when the block ends
    (and is removed, leaving path as it was, when the block fails)."""
    refuse_special(path)
    mode = path.stat().st_mode & 0o777 if path.exists() else _default_mode()
    temp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        temp = Path(name)
        with os.fdopen(fd, "wb") as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        temp.chmod(mode)
        temp.replace(path)
    except OSError as exc:
        if temp is not None:
            temp.unlink(missing_ok=True)
        raise WriteError(f"无法写入 {path}：{exc.strerror or exc}", hint=hint) from exc
    except BaseException:
        if temp is not None:
            temp.unlink(missing_ok=True)
        raise


_UMASK = threading.Lock()


def _default_mode() -> int:
    with _UMASK:  # another thread must not read the mask while it is cleared
        umask = os.umask(0)
        os.umask(umask)
    return 0o666 & ~umask


def write_text_atomic(path: Path, text: str, *, durable: bool = True, hint: str = _HINT) -> None:
    write_atomic(path, text.encode("utf-8"), durable=durable, hint=hint)


WRITERS = 8
_OPEN_AT_ONCE = 256  # temporary files held open between writing and syncing them


@dataclass
class _Staged:
    """A file's new content, written to a temporary file beside it and not yet synced."""

    path: Path
    temp: Path
    fd: int
    mode: int


def write_many_atomic(files: Iterable[tuple[Path, bytes]], *, hint: str = _HINT) -> None:
    """write_atomic (durable) for each (path, data), the fsyncs of many files at a time.

    One fsync after another waits for a disk flush per file (2,000 files: 3-9 s on a busy
    disk); fsyncs issued together share the file system's journal commits (~0.6 s). Only
    the fsyncs run in threads: the rest of a file's writing is quick, and threads taking
    turns at it cost more processor time in handing over Python's lock than it takes.
    Every file is attempted; the first error (in the order given) is raised once the
    others are done.
    """
    files = list(files)
    for folder in sorted({path.parent for path, _ in files}):
        with contextlib.suppress(OSError):  # writing the file reports it, naming the file
            folder.mkdir(parents=True, exist_ok=True)
    errors: dict[int, WriteError] = {}
    new_mode = _default_mode()
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        for start in range(0, len(files), _OPEN_AT_ONCE):
            staged: list[tuple[int, _Staged]] = []
            try:
                for index, (path, data) in enumerate(files[start : start + _OPEN_AT_ONCE], start):
                    try:
                        staged.append((index, _stage(path, data, new_mode, hint)))
                    except WriteError as exc:
                        errors[index] = exc
                synced = list(pool.map(_sync, [item for _, item in staged]))
                while staged:
                    index, item = staged.pop(0)
                    try:
                        _publish(item, synced.pop(0), hint)
                    except WriteError as exc:
                        errors[index] = exc
            finally:
                for _, item in staged:  # only after an interruption: nothing half-written stays
                    _discard(item)
    if errors:
        raise errors[min(errors)]


def _stage(path: Path, data: bytes, new_mode: int, hint: str) -> _Staged:
    refuse_special(path)
    temp: Path | None = None
    try:
        mode = path.stat().st_mode & 0o777 if path.exists() else new_mode
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        temp = Path(name)
        staged = _Staged(path, temp, fd, mode)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        except BaseException:
            _discard(staged)
            raise
        return staged
    except OSError as exc:
        raise WriteError(f"无法写入 {path}：{exc.strerror or exc}", hint=hint) from exc


def _sync(item: _Staged) -> OSError | None:
    try:
        os.fsync(item.fd)
    except OSError as exc:
        return exc
    return None


def _publish(item: _Staged, failed: OSError | None, hint: str) -> None:
    try:
        os.close(item.fd)
        if failed is not None:
            raise failed
        item.temp.chmod(item.mode)
        item.temp.replace(item.path)
    except OSError as exc:
        item.temp.unlink(missing_ok=True)
        raise WriteError(f"无法写入 {item.path}：{exc.strerror or exc}", hint=hint) from exc


def _discard(item: _Staged) -> None:
    with contextlib.suppress(OSError):
        os.close(item.fd)
    item.temp.unlink(missing_ok=True)
