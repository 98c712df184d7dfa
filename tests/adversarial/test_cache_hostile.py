"""A broken or stale cache makes lzfk slower, never wrong."""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import Invoke
from tests.helpers import LEADER, build_repo

OLD = (1_600_000_000, 1_600_000_000)  # 2020: far outside the racy window


def _codes(invoke: Invoke, root: Path) -> tuple[int, list[str]]:
    result = invoke("validate", "-f", "json", cwd=root)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, sorted(f"{f['file']}:{f['code']}" for f in json.loads(result.stdout)["findings"])


def _repo(tmp_path: Path) -> Path:
    root = build_repo(tmp_path / "repo", {"院长.yaml": LEADER})
    (root / "台账").mkdir()
    (root / "台账" / "2025.yaml").write_text("年度: 2025\n", encoding="utf-8")
    for path in root.rglob("*"):
        os.utime(path, OLD)
    return root


def test_a_new_ledger_file_is_seen_after_a_cached_pass(tmp_path: Path, invoke: Invoke) -> None:
    root = _repo(tmp_path)
    assert _codes(invoke, root) == (0, [])
    (root / "台账" / "2026.yaml").write_text("年度: [\n", encoding="utf-8")
    assert _codes(invoke, root) == (1, ["台账/2026.yaml:LZ003"])
    (root / "台账" / "2026.yaml").unlink()
    assert _codes(invoke, root) == (0, [])


def test_a_same_size_edit_with_the_mtime_restored_is_seen(tmp_path: Path, invoke: Invoke) -> None:
    root = _repo(tmp_path)
    assert _codes(invoke, root) == (0, [])
    path = root / "registers" / "院长.yaml"
    edited = LEADER.replace("等级: 二级", "等级: 五级")
    assert len(edited.encode()) == len(LEADER.encode())
    path.write_text(edited, encoding="utf-8")
    os.utime(path, OLD)
    assert _codes(invoke, root) == (1, ["registers/院长.yaml:LZ206"])


def _corrupt_flip(db: Path) -> None:
    data = bytearray(db.read_bytes())
    for index in range(100, len(data), 211):
        data[index] ^= 0xFF
    db.write_bytes(bytes(data))


def _corrupt_truncate(db: Path) -> None:
    db.write_bytes(db.read_bytes()[:1500])


def _corrupt_foreign(db: Path) -> None:
    db.write_bytes(b"this is not a database at all\n" * 50)


def _corrupt_wrong_type(db: Path) -> None:
    with sqlite3.connect(db) as connection:
        for table in ("runs", "results"):
            with contextlib.suppress(sqlite3.Error):
                connection.execute(f"UPDATE {table} SET value = ?", (pickle.dumps({"not": "a result"}),))


@pytest.mark.parametrize("corrupt", [_corrupt_flip, _corrupt_truncate, _corrupt_foreign, _corrupt_wrong_type])
def test_a_corrupt_cache_is_discarded_and_rebuilt(tmp_path: Path, invoke: Invoke, corrupt: object) -> None:
    root = _repo(tmp_path)
    (root / "registers" / "院长.yaml").write_text(LEADER.replace("等级: 二级", "等级: 五级"), encoding="utf-8")
    expected = _codes(invoke, root)
    assert expected == (1, ["registers/院长.yaml:LZ206"])
    databases = list((root / ".lzfk_cache").glob("*.sqlite3"))
    assert databases
    for db in databases:
        corrupt(db)  # type: ignore[operator]
    assert _codes(invoke, root) == expected
    assert _codes(invoke, root) == expected  # and the rebuilt cache works


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_a_planted_cache_never_runs_code_nor_replays(tmp_path: Path, invoke: Invoke) -> None:
    root = _repo(tmp_path)
    (root / "registers" / "院长.yaml").write_text(LEADER.replace("等级: 二级", "等级: 五级"), encoding="utf-8")
    expected = _codes(invoke, root)
    marker = tmp_path / "pwned"
    evil = pickle.dumps(_Payload(marker))
    for db in (root / ".lzfk_cache").glob("*.sqlite3"):
        with sqlite3.connect(db) as connection:
            for table in ("runs", "results"):
                connection.execute(f"UPDATE {table} SET value = ?", (b"\0" * 32 + evil,))
                connection.execute(f"INSERT OR REPLACE INTO {table} VALUES ('planted', ?)", (evil,))
    assert _codes(invoke, root) == expected
    assert not marker.exists()


def test_planted_flowchart_svgs_are_regenerated_not_inlined(tmp_path: Path, invoke: Invoke) -> None:
    import shutil

    from tests.documents.conftest import copy_sample

    if shutil.which("dot") is None:
        pytest.skip("graphviz (dot) is not installed: run make system-deps")
    root = copy_sample(tmp_path / "unit")
    out = tmp_path / "out"
    args = ("build", "--only", "handbook", "-f", "html", "--out", str(out))
    assert invoke(*args, cwd=root).exit_code == 0
    charts = list((root / ".lzfk_cache" / "flowcharts").glob("*.dot.svg"))
    assert charts
    for svg in charts:
        svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert("planted")</script></svg>', encoding="utf-8")
    assert invoke(*args, cwd=root).exit_code == 0
    html = "".join(path.read_text(encoding="utf-8") for path in out.rglob("*.html"))
    assert "planted" not in html and "<svg" in html


def test_the_build_manifest_cannot_make_lzfk_delete_other_files(tmp_path: Path, invoke: Invoke) -> None:
    from tests.documents.conftest import copy_sample

    root = copy_sample(tmp_path / "unit")
    out = tmp_path / "out"
    args = ("build", "--only", "tables", "-f", "md", "--out", str(out))
    assert invoke(*args, cwd=root).exit_code == 0
    keep_inside = out / "说明.txt"
    keep_inside.write_text("用户自己的文件\n", encoding="utf-8")
    keep_outside = tmp_path / "别处.txt"
    keep_outside.write_text("登记库之外\n", encoding="utf-8")
    some_output = next(p for p in out.rglob("*.md"))
    some_output.write_text("用户改过的输出\n", encoding="utf-8")
    manifest = out / ".lzfk-build.json"
    document = json.loads(manifest.read_text(encoding="utf-8"))
    forged = {"说明.txt": "0" * 40, "../别处.txt": "0" * 40, str(keep_outside): "0" * 40, **document["files"]}
    forged["废弃.md"] = document["files"][some_output.relative_to(out).as_posix()]
    (out / "废弃.md").write_text("用户改过的输出\n", encoding="utf-8")
    forged["旧.md"] = forged["废弃.md"]
    (out / "旧.md").write_bytes(some_output.read_bytes())  # exactly what lzfk wrote: stale, removed
    manifest.write_text(json.dumps({"files": forged}, ensure_ascii=False), encoding="utf-8")
    some_output.unlink()
    assert invoke(*args, cwd=root).exit_code == 0
    assert keep_inside.read_text(encoding="utf-8") == "用户自己的文件\n"
    assert keep_outside.read_text(encoding="utf-8") == "登记库之外\n"
    assert (out / "废弃.md").exists()  # its content is not what lzfk wrote under that digest
    carried = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    assert carried["说明.txt"] == "0" * 40  # a partial build keeps old digests: never adopts a file


def test_stale_outputs_are_removed_only_when_unchanged(tmp_path: Path) -> None:
    from lianzheng_cli.cache import digest
    from lianzheng_cli.render.build import _remove_stale

    out = tmp_path / "out"
    out.mkdir()
    (out / "旧.md").write_text("lzfk 写的\n", encoding="utf-8")
    (out / "改过.md").write_text("用户改过\n", encoding="utf-8")
    (out / "链接.md").symlink_to(out / "旧.md")
    wrote = digest("lzfk 写的\n".encode())
    removed = _remove_stale(out, {"旧.md": wrote, "改过.md": wrote, "链接.md": wrote, "../x.md": wrote}, [])
    assert [path.name for path in removed] == ["旧.md"]
    assert (out / "改过.md").exists() and (out / "链接.md").is_symlink()
