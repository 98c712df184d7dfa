"""Document markers: a leading or trailing "---" is harmless, a second document is not."""

from __future__ import annotations

import pytest

from lianzheng_cli.findings import Finding
from lianzheng_cli.loader.yamltree import Tree, parse_tree


@pytest.mark.parametrize("text", ["a: 1\n---\n", "---\na: 1\n---\n", "---\na: 1\n...\n", "a: 1\n---\n# 结束\n"])
def test_empty_trailing_document_is_accepted(text: str) -> None:
    tree = parse_tree(text, "x.yaml")
    assert isinstance(tree, Tree)
    assert tree.data == {"a": "1"}


@pytest.mark.parametrize(("text", "line"), [("a: 1\n---\nb: 2\n", 2), ("a: 1\n...\n---\n- x\n", 3)])
def test_second_document_with_content_is_rejected_at_its_marker(text: str, line: int) -> None:
    finding = parse_tree(text, "x.yaml")
    assert isinstance(finding, Finding)
    assert (finding.code, finding.line, finding.column) == ("LZ013", line, 1)
