"""Output targets: never replace a link, FIFO or device; a failed write is a clear message, nothing half-written."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from lianzheng_cli.errors import WriteError
from lianzheng_cli.fsutil import write_atomic, write_many_atomic
from lianzheng_cli.render import build as render_build
from tests.conftest import Invoke
from tests.documents.conftest import copy_sample
from tests.history.conftest import Repo
from tests.history.test_cli_diff import lzfk


def _targets(tmp_path: Path) -> dict[str, Path]:
    secret = tmp_path / "secret.txt"
    secret.write_text("不要动我\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(secret)
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.md"
    folder.mkdir()
    return {"symlink": link, "fifo": fifo, "device": Path("/dev/null"), "folder": folder}


@pytest.mark.parametrize("kind", ["symlink", "fifo", "device", "folder"])
@pytest.mark.parametrize("writer", [write_atomic, render_build.write_atomic])
def test_writers_refuse_anything_but_a_regular_file(tmp_path: Path, kind: str, writer: object) -> None:
    target = _targets(tmp_path)[kind]
    with pytest.raises(WriteError, match="不是普通文件"):
        writer(target, b"x")  # type: ignore[operator]
    assert (tmp_path / "secret.txt").read_text(encoding="utf-8") == "不要动我\n"
    assert not list(tmp_path.glob(".*.tmp"))


def test_disk_full_is_a_write_error_and_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "结果.md"
    target.write_text("旧内容\n", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(WriteError) as caught:
        write_atomic(target, "新内容\n".encode())
    assert caught.value.message.startswith(f"无法写入 {target}")
    assert "磁盘" in caught.value.hint
    assert target.read_text(encoding="utf-8") == "旧内容\n"
    assert [p.name for p in folder.iterdir()] == ["结果.md"]


def test_many_files_at_once_like_one_by_one(tmp_path: Path) -> None:
    """Concurrent writes: every file whole, a kept file's mode kept, new ones by the umask,
    the refused one named while the others are still written."""
    kept = tmp_path / "旧.yaml"
    kept.write_text("旧\n", encoding="utf-8")
    kept.chmod(0o640)
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    files = [(tmp_path / f"科室{n % 7}" / f"{n:03d}.yaml", f"编号: {n}\n".encode()) for n in range(200)]
    old_umask = os.umask(0o027)
    try:
        with pytest.raises(WriteError, match=r"fifo\.yaml"):
            write_many_atomic([*files[:100], (fifo, b"x"), (kept, "新\n".encode()), *files[100:]])
    finally:
        os.umask(old_umask)
    assert all(path.read_bytes() == data for path, data in files)
    assert {path.stat().st_mode & 0o777 for path, _ in files} == {0o640}
    assert {(tmp_path / f"科室{n}").stat().st_mode & 0o777 for n in range(7)} == {0o750}
    assert kept.read_text(encoding="utf-8") == "新\n" and kept.stat().st_mode & 0o777 == 0o640
    assert not list(tmp_path.rglob(".*.tmp"))


def test_build_refuses_an_out_folder_that_is_a_link(tmp_path: Path, invoke: Invoke) -> None:
    root = copy_sample(tmp_path / "unit")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "out").symlink_to(elsewhere)
    result = invoke("build", "--only", "forms", "-f", "md", "--out", str(root / "out"), cwd=root)
    assert result.exit_code == 2
    assert "不是目录" in result.output
    assert list(elsewhere.iterdir()) == []


def test_audit_summary_refuses_a_symlink(year_repo: Repo, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("不要动我\n", encoding="utf-8")
    link = tmp_path / "summary.md"
    link.symlink_to(secret)
    result = lzfk("audit", "--date", "2024-06-30", "--summary", str(link), cwd=year_repo.root)
    assert result.exit_code == 2
    assert "符号链接" in result.output
    assert secret.read_text(encoding="utf-8") == "不要动我\n" and link.is_symlink()
