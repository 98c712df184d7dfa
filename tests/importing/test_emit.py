"""New register files: the direct layout writes exactly the bytes ruamel.yaml writes.

The reference is the emitter as it was before the layout existed: a fresh ruamel.yaml
instance dumping CommentedMap/CommentedSeq data. Whatever the layout declines falls back
to ruamel.yaml, so the comparisons below only count when the layout took the data; the
tests assert that it did, for every shape an import writes.
"""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianzheng_cli.errors import WriteError
from lianzheng_cli.importing import emit
from lianzheng_cli.importing.plan import plan_import
from lianzheng_cli.loader.yamltree import Tree, parse_tree
from tests.helpers import REPO_ROOT
from tests.importing.builders import department_form_with_rows, listing_docx, post_form, two_row_header_xlsx
from tests.importing.test_docx import DEPARTMENTS

HEADER = "由 lzfk import 导入，来源：表.xlsx（工作表“一览表”）\n导入后请核对"


def reference(data: dict[str, Any], header: str = HEADER) -> str:
    """new_file_text as it was: one fresh YAML instance, commented types, then the date fix."""
    stream = io.StringIO()
    for line in header.splitlines():
        stream.write(f"# {line}\n")
    emit._yaml().dump(emit._commented(data), stream)
    return emit._PLAIN_DATE.sub(r"\1\2", stream.getvalue())


def outcome(data: dict[str, Any]) -> str:
    """new_file_text's result, or its refusal: lzfk's parser must read back what was meant
    (it reads a flow item "?x" as a key, for one, so such a file is refused either way)."""
    try:
        return emit.new_file_text(data, HEADER)
    except WriteError as exc:
        return f"refused: {exc}"


def reference_outcome(data: dict[str, Any]) -> str:
    text = reference(data)
    try:
        emit._check(text, data, "新文件")
    except WriteError as exc:
        return f"refused: {exc}"
    return text


def layout(data: Any) -> str | None:
    try:
        return emit._new_file_yaml()[1].document(data)
    except emit._Declined:
        return None


def ruamel_body(data: Any) -> str:
    stream = io.StringIO()
    emit._yaml().dump(emit._commented(data), stream)
    return stream.getvalue()


def _tree_data(path: Path) -> dict[str, Any]:
    tree = parse_tree(path.read_text(encoding="utf-8"), str(path))
    assert isinstance(tree, Tree) and isinstance(tree.data, dict)
    return tree.data


def test_the_sample_registers_are_laid_out_byte_for_byte() -> None:
    paths = sorted((REPO_ROOT / "registers").rglob("*.yaml"))
    assert len(paths) > 30
    for path in paths:
        data = _tree_data(path)
        assert emit.laid_out_text(data, HEADER) == reference(data), path


def test_a_generated_unit_is_laid_out_byte_for_byte(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_generate", REPO_ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module
    spec.loader.exec_module(module)
    module.generate(tmp_path / "unit", 60)
    paths = sorted((tmp_path / "unit" / "registers").rglob("*.yaml"))
    assert len(paths) > 60
    for path in paths:
        data = _tree_data(path)
        assert emit.laid_out_text(data, HEADER) == reference(data), path


def test_what_an_import_writes_is_laid_out_byte_for_byte(repo: Path, tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    post_form(sources / "表1.docx")
    listing_docx(sources / "一览表.docx", DEPARTMENTS, stated=6)
    two_row_header_xlsx(sources / "一览表.xlsx")
    department_form_with_rows(sources / "科室.docx")
    report = plan_import(repo, [sources])
    written = [w for w in report.writes if w.data is not None]
    assert len(written) >= 6
    for write in written:
        assert write.data is not None
        assert emit.laid_out_text(write.data, write.header) == reference(write.data, write.header), write.display


# Scalars whose style ruamel.yaml decides: plain, single-quoted, double-quoted, folded.
TRICKY = [
    "风险点",
    "2025",
    "2025-03-05",
    "1.5",
    "0x1f",
    "yes",
    "null",
    "~",
    "true",
    "- 项",
    "a: b",
    "a #b",
    "#注",
    " 前导空格",
    "尾随空格 ",
    "[括号]",
    "{花括号}",
    "a,b",
    "@x",
    "%x",
    "!x",
    "&x",
    "*x",
    "|x",
    ">x",
    "?x",
    "`x",
    "'单引号",
    '"双引号',
    "含'单引号",
    "两行\n文字",
    "全角\u3000空格",
    "制表\t符",
    "\u2028分隔",
    "=",
    "<<",
    "---",
    "...",
    "",
    "a" * 4200,
    "词 " * 1500,
]


@pytest.mark.parametrize("value", TRICKY, ids=range(len(TRICKY)))
def test_each_tricky_scalar_is_laid_out_as_ruamel_writes_it_or_left_to_it(value: str) -> None:
    data = {"名称": value, "表现形式": [value, "其他"], "在岗人员": [value, "王某"], "审核": {"意见": value, "日期": value}}
    text = layout(data)
    if text is not None:
        assert text == ruamel_body(data)
    assert outcome(data) == reference_outcome(data)


def test_the_layout_takes_plain_and_single_quoted_scalars_and_declines_the_rest() -> None:
    laid_out = {value for value in TRICKY if layout({"名称": value}) is not None}
    assert {"风险点", "2025", "2025-03-05", "- 项", "a: b", " 前导空格", "全角\u3000空格", '"双引号', "含'单引号"} <= laid_out
    assert not {"", "两行\n文字", "'单引号", "制表\t符", "\u2028分隔", "a" * 4200} & laid_out


def test_a_date_is_written_plain_as_before() -> None:
    data = {"审定": {"意见": "同意", "签字": "刘某", "日期": "2025-03-12"}}
    assert emit.new_file_text(data, HEADER).endswith("审定:\n  意见: 同意\n  签字: 刘某\n  日期: 2025-03-12\n")
    assert emit.new_file_text(data, HEADER) == reference(data)


def test_shapes_the_layout_leaves_to_ruamel_are_written_by_it() -> None:
    for data in ({"说明": None}, {"数量": 3}, {"审核": {}}, {"风险点": [[]]}, {"风险点": [["a"]]}, {"成员": [{"a": "b"}]}):
        assert layout(data) is None
        assert outcome(data) == reference_outcome(data)


_TRICKY_PART = st.sampled_from([*"-:#'\"[]{},&*!|>%@`?~\u3000.0 ", "yes", "2025", "null", "- ", ": ", " #", "\n", "\t"])
_PART = st.sampled_from(["风险", "岗位", "采购", "a", "1", "审核"]) | _TRICKY_PART
_TEXT = st.lists(_PART, min_size=1, max_size=6).map("".join) | st.sampled_from(["风险点", "2025", "收受回扣", "王某"])
_KEYS = st.sampled_from(["名称", "编号", "表现形式", "在岗人员", "风险因素", "审核", "日期", "a", "1", "- k", "k k"])
_VALUES = st.recursive(
    _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, min_size=1, max_size=3),
    max_leaves=12,
)
_DATA = st.dictionaries(_KEYS, _VALUES, min_size=1, max_size=5)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DATA)
def test_any_data_the_layout_takes_comes_out_as_ruamel_writes_it(data: dict[str, Any]) -> None:
    text = layout(data)
    if text is not None:
        assert text == ruamel_body(data)
    stream = io.StringIO()
    emit._new_file_yaml()[0].dump(emit._flow_marked(data), stream)
    assert stream.getvalue() == ruamel_body(data)  # plain dicts and lists: the same bytes


def _bench_module(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO_ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"bench_{name}"] = module
    spec.loader.exec_module(module)
    return module


def test_many_new_files_in_the_worker_processes_as_in_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above PARALLEL_EMIT files are laid out in two processes and written by several threads:
    the same files, byte for byte, as one process writing one file after another."""
    from lianzheng_cli.importing import plan
    from tests.helpers import build_repo

    sys.path.insert(0, str(REPO_ROOT / "bench"))
    try:
        workbook = tmp_path / "一览表.xlsx"
        _bench_module("importing").make_workbook(workbook, 1250)  # 250 posts in 10 departments
    finally:
        sys.path.remove(str(REPO_ROOT / "bench"))
    trees = {}
    threshold_in_use = plan.PARALLEL_EMIT
    for name, threshold in (("parallel", threshold_in_use), ("serial", 10**9)):
        monkeypatch.setattr(plan, "PARALLEL_EMIT", threshold)
        root = build_repo(tmp_path / name, {})
        (root / "registers").mkdir()
        report = plan.plan_import(root, [workbook])
        plan.apply_import(report, root)
        trees[name] = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "registers").rglob("*.yaml"))}
    assert len(trees["parallel"]) == 260 > threshold_in_use
    assert trees["parallel"] == trees["serial"]


@settings(max_examples=200, deadline=None)
@given(st.from_regex(emit._WORDS, fullmatch=True).filter(lambda text: len(text) < emit._MAX_SIMPLE_KEY))
def test_texts_of_words_are_written_plain_as_ruamel_writes_them(text: str) -> None:
    """The layout writes such texts plain without asking ruamel.yaml's analysis: the same bytes."""
    data = {text: text, "在岗人员": [text, text], "风险点": [{"名称": text}]}
    assert layout(data) == ruamel_body(data)


@pytest.mark.parametrize("parallel", [True, False], ids=["worker processes", "one process"])
def test_a_file_that_fails_its_check_leaves_no_file_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    """Files go to disk as they are emitted, but none is put in place before every one passed
    its check: a late failure leaves the repository as it was, without temporary files."""
    from lianzheng_cli.errors import WriteError
    from lianzheng_cli.importing import plan
    from tests.helpers import build_repo

    sys.path.insert(0, str(REPO_ROOT / "bench"))
    try:
        workbook = tmp_path / "一览表.xlsx"
        _bench_module("importing").make_workbook(workbook, 1250)
    finally:
        sys.path.remove(str(REPO_ROOT / "bench"))
    confirm = plan.confirm

    def failing(tree: Any, expected: dict[str, Any], display: str) -> None:
        if expected.get("名称") == "岗位00240":  # late in the order: most files are staged by then
            raise WriteError("写出的内容与预期不符")
        confirm(tree, expected, display)

    monkeypatch.setattr(plan, "confirm", failing)
    monkeypatch.setattr(plan, "PARALLEL_EMIT", 200 if parallel else 10**9)
    root = build_repo(tmp_path / "repo", {})
    (root / "registers").mkdir()
    report = plan.plan_import(root, [workbook])
    with pytest.raises(WriteError):
        plan.apply_import(report, root)
    assert [p for p in (root / "registers").rglob("*") if p.is_file()] == []
