"""The incremental build: unchanged documents are left alone, and what is rebuilt is what a clean build writes."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from jinja2 import nodes

from lianzheng_cli import loading
from lianzheng_cli.checking import Checker
from lianzheng_cli.loading import load_repository
from lianzheng_cli.paths import CACHE_DIR
from lianzheng_cli.render import handbook, tables
from lianzheng_cli.render.context import View
from lianzheng_cli.render.forms import FormTemplate
from lianzheng_cli.render.incremental import CACHE_FOLDER, Pieces
from lianzheng_cli.render.jinja_env import BUILTIN_DIR, PURE_MACROS, environment, pure_place, template_dirs
from lianzheng_cli.repository import Repository
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
    packs = [pack for pack in (sample / CACHE_DIR / CACHE_FOLDER).glob("*.pack") if "-" not in pack.stem]  # the handbook's
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


def test_damaged_piece_packs_only_mean_rendering_again(sample: Path, tmp_path: Path) -> None:
    out = sample / "out"
    build_sample(sample, out)
    pieces = [pack for pack in (sample / CACHE_DIR / CACHE_FOLDER).glob("*.pack") if "-" in pack.stem]
    assert len(pieces) == 7  # the catalogue in three formats; the power list and the handbook as Markdown and HTML
    for pack in pieces:
        data = bytearray(pack.read_bytes())
        middle = len(data) // 3
        data[middle : middle + 4] = b"XXXX"  # a piece damaged: its digest no longer matches
        pack.write_bytes(bytes(data))
    edit_measure(sample)
    build_sample(sample, out)
    assert_same_as_clean_build(sample, out, tmp_path)
    for pack in pieces:
        pack.write_bytes(b"\x00" + pack.read_bytes()[1:-1])  # shifted: index and seal no longer fit
    edit_measure(sample)
    build_sample(sample, out)
    assert_same_as_clean_build(sample, out, tmp_path)


def test_a_rebuild_renders_only_the_edited_registers_pieces(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = sample / "out"
    build_sample(sample, out, jobs=1)
    rendered: list[str] = []
    original = Pieces.add

    def add(self: Pieces, key: str, text: str) -> None:
        rendered.append(text)
        original(self, key, text)

    monkeypatch.setattr(Pieces, "add", add)
    edit_measure(sample)
    build_sample(sample, out, jobs=1)
    risks = (sample / POST).read_text(encoding="utf-8").count("名称:")  # about its risk points, and a few others
    assert 0 < len(rendered) <= 4 * (risks + 3)
    assert any("【已修改】" in text for text in rendered)
    monkeypatch.setattr(Pieces, "add", original)
    assert_same_as_clean_build(sample, out, tmp_path)


def test_a_unit_s_own_macro_file_is_never_kept(sample: Path) -> None:
    builtin = environment(template_dirs(sample))
    assert pure_place(builtin.get_template("_宏.md.j2").module.防控表) == "_宏.md.j2:防控表"  # type: ignore[attr-defined]
    (sample / "templates").mkdir()
    (sample / "templates" / "_宏.md.j2").write_text((BUILTIN_DIR / "_宏.md.j2").read_text(encoding="utf-8"), encoding="utf-8")
    own = environment(template_dirs(sample))
    assert pure_place(own.get_template("_宏.md.j2").module.防控表) is None  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(PURE_MACROS))
def test_pure_macros_read_nothing_but_their_arguments(name: str) -> None:
    env = environment()
    tree = env.parse(env.loader.get_source(env, name)[0])  # type: ignore[union-attr]
    siblings = {macro.name for macro in tree.find_all(nodes.Macro)}
    macros = {macro.name: macro for macro in tree.find_all(nodes.Macro)}
    assert set(PURE_MACROS[name]) <= set(macros)
    for macro_name in PURE_MACROS[name]:
        macro = macros[macro_name]
        own = {argument.name for argument in macro.args} | {
            node.name for node in macro.find_all(nodes.Name) if node.ctx in ("store", "param")
        }
        read = {node.name for node in macro.find_all(nodes.Name) if node.ctx == "load"}
        assert read - own - siblings - {"loop"} == set(), macro_name
        assert not list(macro.find_all(nodes.Import)) and not list(macro.find_all(nodes.Include)), macro_name


def test_a_build_checks_only_the_files_changed_since_the_last(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_repository(sample, cached=True)
    checked: list[str] = []
    original = loading._check_file

    def spy(repository: Repository, checker: Checker, path: Path, data: bytes | None = None) -> loading.Checked:
        checked.append(path.relative_to(sample).as_posix())
        return original(repository, checker, path, data)

    monkeypatch.setattr(loading, "_check_file", spy)
    edit_measure(sample)
    again = load_repository(sample, cached=True)
    chapters = {chapter.path for chapter in first.chapters}
    assert chapters  # a chapter keeps its tree, which is never stored: it is read again every time
    assert [path for path in checked if path not in chapters] == [POST.as_posix()]
    fresh = load_repository(sample)
    assert [item.path for item in again.graded] == [item.path for item in fresh.graded] == [item.path for item in first.graded]
    assert [item.register for item in again.graded] == [item.register for item in fresh.graded]
    assert [item.grades for item in again.graded] == [item.grades for item in fresh.graded]
    assert again.findings == fresh.findings
    assert [chapter.path for chapter in again.chapters] == [chapter.path for chapter in fresh.chapters]


def test_the_command_after_an_edit_writes_what_a_build_from_scratch_writes(sample: Path, invoke: Invoke) -> None:
    first = invoke("build", "--out", "out", cwd=sample)
    assert first.exit_code == 0, first.output
    edit_measure(sample)
    again = invoke("build", "--out", "out", cwd=sample)
    assert again.exit_code == 0 and "未重新生成" in again.output, again.output
    clean = invoke("build", "--out", "clean", "--no-cache", cwd=sample)
    assert clean.exit_code == 0, clean.output
    built, expected = files(sample / "out"), files(sample / "clean")
    built.pop(".lzfk-build.json"), expected.pop(".lzfk-build.json")
    assert sorted(built) == sorted(expected)
    assert [name for name in expected if built[name] != expected[name]] == []
    assert "【已修改】" in (sample / "out" / "风险点目录.md").read_text(encoding="utf-8")


OTHER_POST = Path("registers/信息科/信息科科长.yaml")  # in another department than POST


def test_a_rebuild_lays_out_only_the_edited_department_and_its_catalogue_rows(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = sample / "out"
    build_sample(sample, out, jobs=1)
    departments: list[str] = []
    blocks: list[int] = []
    bodies: list[str] = []
    department, rows, body = handbook._department, tables.catalogue_rows, FormTemplate.render_with_fragment

    def counted_department(view: View, *args: Any) -> Iterator[str]:
        departments.append(view["名称"])
        return department(view, *args)

    def counted_rows(block: Sequence[View], *args: Any) -> Iterator[str]:
        if len(args) == 2:  # the handbook's blocks (numbered from a given start), not the catalogue's tables
            blocks.append(len(block))
        return rows(block, *args)

    def counted_body(self: FormTemplate, context: View) -> tuple[bytes, str]:
        bodies.append(context["编号"])
        return body(self, context)

    monkeypatch.setattr(handbook, "_department", counted_department)
    monkeypatch.setattr(tables, "catalogue_rows", counted_rows)
    monkeypatch.setattr(FormTemplate, "render_with_fragment", counted_body)
    edit_measure(sample)
    build_sample(sample, out, jobs=1)
    assert departments == ["医务科"]
    assert 1 <= len(blocks) <= 3  # the blocks of the edited register's rows, by grade
    assert len(bodies) == 1
    # The kept departments' form bodies are kept again: a second edit elsewhere lays out that one only.
    departments.clear()
    bodies.clear()
    path = sample / OTHER_POST
    path.write_text(path.read_text(encoding="utf-8").replace("内容: ", "内容: 【又修改】", 1), encoding="utf-8")
    build_sample(sample, out, jobs=1)
    assert departments == ["信息科"]
    assert len(bodies) == 1
    monkeypatch.undo()
    assert_same_as_clean_build(sample, out, tmp_path)


def test_a_damaged_kept_department_is_laid_out_again(sample: Path, tmp_path: Path) -> None:
    out = sample / "out"
    build_sample(sample, out)
    pack = next(pack for pack in (sample / CACHE_DIR / CACHE_FOLDER).glob("*.pack") if "-" not in pack.stem)
    data = bytearray(pack.read_bytes())
    start, damaged = 0, 0
    while (start := data.find(b'{"crc"', start + 1)) != -1:
        data[data.index(b"\n", start) + 40] ^= 0xFF  # inside every kept stretch's deflated text
        damaged += 1
    assert damaged >= 12 + 3  # every department, and the catalogue's blocks
    pack.write_bytes(bytes(data))
    edit_measure(sample)
    build_sample(sample, out)
    assert_same_as_clean_build(sample, out, tmp_path)
