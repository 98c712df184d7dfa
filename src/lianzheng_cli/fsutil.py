"""Writing files safely: atomically, UTF-8, never half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from lianzheng_cli.errors import WriteError

_HINT = "检查目录是否存在、是否有写入权限、磁盘是否已满"


def write_atomic(path: Path, data: bytes, *, durable: bool = True, hint: str = _HINT) -> None:
    """Replace path with data in one step; keep the old file's permissions.

    durable=False skips the fsync, for generated files that can always be built again.
    """
    mode = path.stat().st_mode & 0o777 if path.exists() else _default_mode()
    temp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        temp = Path(name)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        temp.chmod(mode)
        temp.replace(path)
    except OSError as exc:
        if temp is not None and temp.exists():
            temp.unlink()
        raise WriteError(f"无法写入 {path}：{exc.strerror or exc}", hint=hint) from exc


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_text_atomic(path: Path, text: str, *, durable: bool = True, hint: str = _HINT) -> None:
    write_atomic(path, text.encode("utf-8"), durable=durable, hint=hint)
