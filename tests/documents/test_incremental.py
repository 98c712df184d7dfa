"""The incremental build: unchanged documents are left alone, and what is rebuilt is what a clean build writes."""

from __future__ import annotations

import json
from pathlib import Path

from lianzheng_cli.paths import CACHE_DIR
from lianzheng_cli.render.incremental import CACHE_FOLDER
from tests.conftest import Invoke
from tests.documents.conftest import build_sample

POST = Path("registers/医务科/医保管理员.yaml")
POST_FILES = ("个人岗位廉政风险防控表", "廉政风险提示书")
HANDBOOK = "廉政风险防控机制工作手册"


def files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def mtimes(folder: Path) -> dict[str, int]:
    return {path.relative_to(folder).as_posix(): path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


def assert_same_as_clean_build(root: Path, out: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    build_sample(root, clean, use_cache=False)
    built, expected = files(out), files(clean)
    assert sorted(built) == sorted(expected)
    assert [name for name in expected if built[name] != expected[name]] == []


def edit_measure(root: Path) -> None:
    path = root / POST
    text = path.read_text(encoding="utf-8")
    assert "内容: " in text
    path.write_text(text.replace("内容: ", "内容: 【已修改】", 1), encoding="utf-8")


def test_a_second_build_writes_nothing(sample: Path) -> None:
    out = sample / "out"
    first = build_sample(sample, out)
    assert first.result.unchanged == 0
    before = mtimes(out)
    second = build_sample(sample, out)
    assert second.result.unchanged == len(set(second.result.written)) == len(set(first.result.written))
    after = mtimes(out)
    assert {name: stamp for name, stamp in after.items() if name != ".lzfk-build.json"} == {
        name: stamp for name, stamp in before.items() if name != ".lzfk-build.json"
    }


def test_one_edited_register_rebuilds_its_forms_the_catalogues_and_the_handbook(sample: Path, tmp_path: Path) -> None:
    out = sample / "out"
    build_sample(sample, out)
    before = mtimes(out)
    edit_measure(sample)
    result = build_sample(sample, out).result
    after = mtimes(out)
    rewritten = sorted(name for name in after if after[name] != before.get(name) and name != ".lzfk-build.json")
    stem = "YWK-YB_医保管理员"
    expected = [f"科室/医务科/{kind}/{stem}.{suffix}" for kind in POST_FILES for suffix in ("docx", "html", "md")]
    expected += [f"{title}.{suffix}" for title in (HANDBOOK, "部门权力清单", "风险点目录") for suffix in ("docx", "html", "md")]
    assert rewritten == sorted(expected)
    assert result.unchanged == len(set(result.written)) - len(expected)
    assert "【已修改】" in (out / f"科室/医务科/个人岗位廉政风险防控表/{stem}.md").read_text(encoding="utf-8")
    assert_same_as_clean_build(sample, out, tmp_path)


def test_a_deleted_register_takes_its_documents_with_it(sample: Path, tmp_path: Path) -> None:
    out = sample / "out"
    build_sample(sample, out)
    (sample / POST).unlink()
    result = build_sample(sample, out).result
    removed = sorted(path.relative_to(out.resolve()).as_posix() for path in result.removed)
    stem = "YWK-YB_医保管理员"
    assert removed == sorted(f"科室/医务科/{kind}/{stem}.{suffix}" for kind in POST_FILES for suffix in ("docx", "html", "md"))
    assert_same_as_clean_build(sample, out, tmp_path)


def test_an_output_changed_by_hand_is_written_again(sample: Path) -> None:
    out = sample / "out"
    build_sample(sample, out)
    target = out / "风险点目录.md"
    original = target.read_bytes()
    target.write_bytes(original + "手工添加的一行\n".encode())
    result = build_sample(sample, out).result
    assert target.read_bytes() == original
    assert result.unchanged == len(set(result.written)) - 1


def test_a_broken_or_forged_record_only_means_a_full_build(sample: Path, tmp_path: Path) -> None:
    out = sample / "out"
    build_sample(sample, out)
    records = list((sample / CACHE_DIR / CACHE_FOLDER).glob("*.json"))
    assert len(records) == 1
    sealed, _, body = records[0].read_bytes().partition(b"\n")
    data = json.loads(body)
    data["files"] = {name: [entry[0], 0, 0, entry[3]] for name, entry in data["files"].items()}  # forged: any stat passes
    records[0].write_bytes(sealed + b"\n" + json.dumps(data).encode())
    edit_measure(sample)
    assert build_sample(sample, out).result.unchanged == 0
    assert_same_as_clean_build(sample, out, tmp_path)
    records[0].write_bytes(b"\x00garbage")
    assert build_sample(sample, out).result.unchanged == 0
    assert_same_as_clean_build(sample, out, tmp_path)


def test_forged_or_damaged_kept_bodies_are_not_embedded(sample: Path, tmp_path: Path) -> None:
    out = sample / "out"
    build_sample(sample, out)
    packs = list((sample / CACHE_DIR / CACHE_FOLDER).glob("*.pack"))
    assert len(packs) == 1
    pack = packs[0]
    data = bytearray(pack.read_bytes())
    assert data.count(b"<w:tbl>") >= 31 + 12 + 1  # every post, department and unit form in the handbook
    start = data.index(b"<w:tbl>")
    data[start : start + 7] = b"<w:XXX>"  # a body damaged: its digest no longer matches
    pack.write_bytes(bytes(data))
    edit_measure(sample)
    build_sample(sample, out)
    assert_same_as_clean_build(sample, out, tmp_path)
    text = pack.read_bytes()
    pack.write_bytes(text.replace(b"<w:tbl>", b"<w:p/><w:tbl>", 1)[: len(text)])  # shifted: index and seal no longer fit
    edit_measure(sample)
    build_sample(sample, out)
    assert_same_as_clean_build(sample, out, tmp_path)


def test_force_and_no_cache(sample: Path, invoke: Invoke) -> None:
    first = invoke("build", "--out", "out", cwd=sample)
    assert first.exit_code == 0, first.output
    again = invoke("build", "--out", "out", cwd=sample)
    assert "未重新生成" in again.output
    forced = invoke("build", "--out", "out", "--force", cwd=sample)
    assert forced.exit_code == 0 and "未重新生成" not in forced.output
    other = sample.parent / "other"
    other.mkdir()
    (sample / CACHE_DIR).rename(other / "old-cache")
    fresh = invoke("build", "--out", "out", "--no-cache", cwd=sample)
    assert fresh.exit_code == 0 and "未重新生成" not in fresh.output
    assert not (sample / CACHE_DIR).exists()  # nothing read from, nothing written to the cache
    after = invoke("build", "--out", "out", "--no-cache", cwd=sample)
    assert "未重新生成" not in after.output


def test_a_partial_build_keeps_the_others_records(sample: Path) -> None:
    out = sample / "out"
    build_sample(sample, out)
    only = build_sample(sample, out, documents=frozenset({"tables"}), formats=("md",)).result
    assert only.unchanged == len(set(only.written)) > 0
    again = build_sample(sample, out).result
    assert again.unchanged == len(set(again.written))
