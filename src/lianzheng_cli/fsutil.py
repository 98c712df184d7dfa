"""Writing files safely: atomically, UTF-8, never half-written."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
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
    """A file's new content, written to a temporary file beside it; synced (and closed) in a
    writer thread."""

    path: Path
    temp: Path
    fd: int
    synced: Future[None] | None = None


class AtomicWrites:
    """write_atomic (durable) for many files, taken one at a time as they are made: each is
    written to a temporary file beside its target at once and synced in a thread, and none
    replaces its target before publish().

    One fsync after another waits for a disk flush per file (2,000 files: 3-9 s on a busy
    disk); fsyncs issued together share the file system's journal commits (~0.6 s). Only
    the fsyncs run in threads: the rest of a file's writing is quick, and threads taking
    turns at it cost more processor time in handing over Python's lock than it takes.
    Files can be added while the caller is still making the next ones (lzfk import adds
    each as its worker processes emit it), so the syncs wait on the disk meanwhile. Every
    file is attempted; publish() raises the first error (in the order added) once the
    others are in place. Leaving the block without publish() (an error while making the
    files) removes every temporary file: no target is touched.
    """

    def __init__(self, *, hint: str = _HINT) -> None:
        self._hint = hint
        self._pool = ThreadPoolExecutor(max_workers=WRITERS)
        self._staged: list[_Staged | WriteError] = []
        self._pending: deque[Future[None]] = deque()
        self._folders: set[Path] = set()
        self._new_mode = _default_mode()

    def __enter__(self) -> AtomicWrites:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            for item in self._staged:  # only what publish() left: nothing half-written stays
                if isinstance(item, _Staged):
                    _discard(item)
            self._staged = []
        finally:
            self._pool.shutdown()

    def add(self, path: Path, data: bytes) -> None:
        folder = path.parent
        if folder not in self._folders:
            self._folders.add(folder)
            with contextlib.suppress(OSError):  # writing the file reports it, naming the file
                folder.mkdir(parents=True, exist_ok=True)
        try:
            item = _stage(path, data, self._new_mode, self._hint)
        except WriteError as exc:
            self._staged.append(exc)
            return
        self._staged.append(item)
        item.synced = self._pool.submit(_sync, item)
        self._pending.append(item.synced)
        while len(self._pending) > _OPEN_AT_ONCE:  # each holds a descriptor until it is synced
            wait([self._pending.popleft()])

    def publish(self) -> None:
        """Every synced file into place, in the order added; the first error raised afterwards."""
        first: WriteError | None = None
        staged, self._staged = self._staged, []
        try:
            while staged:
                item = staged[0]
                try:
                    if isinstance(item, WriteError):
                        raise item
                    _publish(item, self._hint)
                except WriteError as exc:
                    first = first or exc
                staged.pop(0)
        finally:
            self._staged = staged  # an interruption: the rest are discarded on leaving the block
        if first is not None:
            raise first


def write_many_atomic(files: Iterable[tuple[Path, bytes]], *, hint: str = _HINT) -> None:
    """write_atomic (durable) for each (path, data): see AtomicWrites."""
    with AtomicWrites(hint=hint) as writes:
        for path, data in files:
            writes.add(path, data)
        writes.publish()


def _stage(path: Path, data: bytes, new_mode: int, hint: str) -> _Staged:
    """data in a temporary file beside path, with the mode path will have (its own, when it
    exists: one lstat both refuses a special file and reads it)."""
    temp: Path | None = None
    try:
        try:
            status = path.lstat()
        except FileNotFoundError:
            mode = new_mode
        else:
            if not stat.S_ISREG(status.st_mode):
                refuse_special(path)
            mode = status.st_mode & 0o777
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        temp = Path(name)
        staged = _Staged(path, temp, fd)
        try:
            os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        except BaseException:
            _discard(staged)
            raise
        return staged
    except OSError as exc:
        raise WriteError(f"无法写入 {path}：{exc.strerror or exc}", hint=hint) from exc


def _sync(item: _Staged) -> None:
    """fsync and close the temporary file (a writer thread's part)."""
    try:
        os.fsync(item.fd)
    finally:
        fd, item.fd = item.fd, -1
        os.close(fd)


def _publish(item: _Staged, hint: str) -> None:
    try:
        if item.synced is not None:
            item.synced.result()  # the fsync's error, if it failed
        item.temp.replace(item.path)
    except OSError as exc:
        item.temp.unlink(missing_ok=True)
        raise WriteError(f"无法写入 {item.path}：{exc.strerror or exc}", hint=hint) from exc


def _discard(item: _Staged) -> None:
    if item.synced is not None:
        wait([item.synced])  # the thread closes the descriptor
    elif item.fd >= 0:
        with contextlib.suppress(OSError):
            os.close(item.fd)
    item.temp.unlink(missing_ok=True)
