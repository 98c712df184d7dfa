"""A reference into a file that could not be read says so, instead of only "does not exist"."""

from __future__ import annotations

from pathlib import Path

from lianzheng_cli.scaffold import scaffold
from lianzheng_cli.validation import validate


def test_reference_into_an_unreadable_file_names_that_file(tmp_path: Path) -> None:
    scaffold(tmp_path, unit="测试医院", year=2025)
    post = tmp_path / "registers" / "办公室" / "办公室主任.yaml"
    post.write_bytes(post.read_text(encoding="utf-8").encode("gbk"))
    findings = validate(tmp_path, use_cache=False).findings
    assert [(f.path, f.code) for f in findings] == [
        ("registers/办公室/办公室主任.yaml", "LZ001"),
        ("registers/办公室/科室.yaml", "LZ205"),
    ]
    reference = findings[-1]
    assert reference.hint.endswith(
        "（另有 1 个文件未能读取：registers/办公室/办公室主任.yaml，被引用的内容可能就在其中，请先修正它们）"
    )
