"""Opening input files: the one place lzfk reads bytes from disk.

Standard library only (the replay fast path uses it before any heavy import). Callers
decide what an ``OSError`` means for them: a located finding, a cache miss, or a changed run.

Only regular files are read, and with a root only files that really lie inside it: a
symlink that resolves outside the repository, a FIFO (which would block for ever), a
device (``/dev/zero`` never ends), a directory named ``*.yaml`` or a symlink loop is
refused with ``RefusedFile`` — an ``OSError``, so no caller can crash on it.
"""

from __future__ import annotations

import errno
import os
import stat


class RefusedFile(OSError):
    """A path lzfk will not read; ``reason`` says why, in Chinese."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(errno.EPERM, reason, os.fspath(path))
        self.reason = reason


def read_bytes(path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> tuple[bytes, os.stat_result]:
    """The file's bytes and the status of the very file read (not of a later replacement).

    With root, the file must resolve inside root (checked on the file actually opened).
    """
    _check_kind(path)  # before open(): opening a FIFO would wait for a writer for ever
    with open(path, "rb") as handle:
        status = os.fstat(handle.fileno())
        _check_opened(handle.fileno(), status, path, root)
        return handle.read(), status


def check_regular(path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> None:
    """Raise RefusedFile unless path is a regular file (inside root, when given); reads nothing."""
    _check_kind(path)
    with open(path, "rb") as handle:
        _check_opened(handle.fileno(), os.fstat(handle.fileno()), path, root)


def _check_kind(path: str | os.PathLike[str]) -> None:
    try:
        status = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise RefusedFile(path, "符号链接形成了循环（或层数过多）") from None
        raise
    if not stat.S_ISREG(status.st_mode):
        raise RefusedFile(path, _kind(status.st_mode))


def _check_opened(fd: int, status: os.stat_result, path: str | os.PathLike[str], root: str | os.PathLike[str] | None) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise RefusedFile(path, _kind(status.st_mode))
    if root is not None and not _inside(_opened_path(fd, path), root):
        raise RefusedFile(path, "这是指向登记库之外的符号链接")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "这是一个目录，不是文件"
    if stat.S_ISFIFO(mode):
        return "这是一个管道（FIFO），不是普通文件"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "这是一个设备文件，不是普通文件"
    if stat.S_ISSOCK(mode):
        return "这是一个套接字，不是普通文件"
    return "这不是普通文件"


def _opened_path(fd: int, path: str | os.PathLike[str]) -> str:
    """Where the open file really is: /proc/self/fd says so without a race; else resolve the name."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return os.path.realpath(path)


def _inside(real: str, root: str | os.PathLike[str]) -> bool:
    base = os.path.realpath(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)
