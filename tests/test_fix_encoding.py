"""``lzfk fix-encoding``: GBK/GB18030 or UTF-16 to UTF-8, byte-exact otherwise, atomically."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

import pytest

from tests.conftest import Invoke
from tests.helpers import LEADER, build_repo, lines_of, run_validate

# GB18030 covers characters GBK lacks (€, 𠮷), and CRLF must survive the conversion.
TEXT = LEADER.replace("名称: 院长", "名称: 院长（𠮷€）").replace("\n", "\r\n")


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_gbk_file_becomes_utf8_byte_exact(invoke: Invoke, tmp_path: Path) -> None:
    root = build_repo(tmp_path, {"院长.yaml": TEXT.encode("gb18030")})
    path = root / "registers" / "院长.yaml"
    path.chmod(0o640)
    assert lines_of(run_validate(root).findings) == ["registers/院长.yaml:1:1: LZ001"]
    result = invoke("fix-encoding", "registers/院长.yaml", cwd=root)
    assert result.exit_code == 0
    assert result.stdout == "registers/院长.yaml：已从 gb18030 转换为 UTF-8\n"
    assert path.read_bytes() == TEXT.encode("utf-8")  # CRLF kept, no BOM, every character
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert _files(path.parent) == ["院长.yaml"]  # no temporary file left behind
    assert run_validate(root).findings == []


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE], ids=["utf-16-le", "utf-16-be"])
def test_utf16_file_becomes_utf8_without_bom(bom: bytes, invoke: Invoke, tmp_path: Path) -> None:
    codec = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    path = tmp_path / "院长.yaml"
    path.write_bytes(bom + TEXT.encode(codec))
    result = invoke("fix-encoding", str(path), cwd=tmp_path)
    assert result.exit_code == 0
    assert path.read_bytes() == TEXT.encode("utf-8")


def test_check_reports_and_exits_1_without_writing(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "院长.yaml"
    data = TEXT.encode("gb18030")
    path.write_bytes(data)
    before = path.stat().st_mtime_ns
    result = invoke("fix-encoding", "--check", "院长.yaml", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout == "院长.yaml：gb18030 编码，需要转换为 UTF-8\n"
    assert (path.read_bytes(), path.stat().st_mtime_ns) == (data, before)


def test_utf8_files_are_left_untouched(invoke: Invoke, tmp_path: Path) -> None:
    plain = tmp_path / "a.yaml"
    with_bom = tmp_path / "b.yaml"
    plain.write_bytes(TEXT.encode("utf-8"))
    with_bom.write_bytes(codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    os.utime(plain, ns=(1_000_000_000, 1_000_000_000))
    os.utime(with_bom, ns=(2_000_000_000, 2_000_000_000))
    for args in (["a.yaml", "b.yaml"], ["--check", "a.yaml", "b.yaml"]):
        result = invoke("fix-encoding", *args, cwd=tmp_path)
        assert (result.exit_code, result.stdout) == (0, "所有文件都已是 UTF-8 编码\n")
    assert plain.read_bytes() == TEXT.encode("utf-8")
    assert with_bom.read_bytes() == codecs.BOM_UTF8 + TEXT.encode("utf-8")
    assert (plain.stat().st_mtime_ns, with_bom.stat().st_mtime_ns) == (1_000_000_000, 2_000_000_000)


def test_undecodable_file_is_left_alone_and_fails(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "坏.yaml"
    data = b"\xff\xff\xff\xfe\x00\x81"
    path.write_bytes(data)
    result = invoke("fix-encoding", "坏.yaml", cwd=tmp_path)
    assert result.exit_code == 1
    assert "无法识别编码，未改动" in result.stdout
    assert path.read_bytes() == data


def test_missing_file_is_a_usage_error(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("fix-encoding", "没有.yaml", cwd=tmp_path)
    assert result.exit_code == 2
    assert "文件不存在：没有.yaml" in result.stderr


def test_a_failed_write_keeps_the_original(invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "院长.yaml"
    data = TEXT.encode("gb18030")
    path.write_bytes(data)

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    result = invoke("fix-encoding", "院长.yaml", cwd=tmp_path)
    assert result.exit_code == 2
    assert "无法写入" in result.stderr
    assert path.read_bytes() == data
    assert _files(tmp_path) == ["院长.yaml"]


def test_long_paths_are_never_wrapped(invoke: Invoke, tmp_path: Path) -> None:
    relative = Path("登记表") / ("很长的科室名称" * 8) / "岗位.yaml"
    (tmp_path / relative).parent.mkdir(parents=True)
    (tmp_path / relative).write_bytes(TEXT.encode("gb18030"))
    result = invoke("fix-encoding", "--check", str(relative), cwd=tmp_path)
    assert result.stdout == f"{relative}：gb18030 编码，需要转换为 UTF-8\n"


def test_a_directory_converts_every_register_file_in_it(invoke: Invoke, tmp_path: Path) -> None:
    root = build_repo(
        tmp_path, {"甲/院长.yaml": TEXT.encode("gb18030"), "乙/书记.md": ("---\n" + TEXT + "---\n").encode("gb18030")}
    )
    (root / "registers" / "丙.yaml").write_bytes(TEXT.encode("utf-8"))
    result = invoke("fix-encoding", "registers", cwd=root)
    assert result.exit_code == 0, result.stdout
    assert "registers/甲/院长.yaml：已从 gb18030 转换为 UTF-8" in result.stdout
    assert "registers/乙/书记.md：已从 gb18030 转换为 UTF-8" in result.stdout
    assert (root / "registers" / "甲" / "院长.yaml").read_bytes() == TEXT.encode("utf-8")
    assert "丙" not in result.stdout
