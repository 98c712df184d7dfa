"""Line and column of findings, precisely: 1-based, columns in characters (a Chinese character is one)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from tests.helpers import LEADER, build_repo, check, run_validate

Where = tuple[int, int, str]


def _where(text: str, *, markdown: bool = False) -> list[Where]:
    return sorted((f.line, f.column, f.code) for f in check(text, markdown=markdown).findings)


def _replace(old: str, new: str) -> str:
    assert LEADER.count(old) == 1, old
    return LEADER.replace(old, new)


REVIEW_FLOW = "审核: {意见: 同意, 签字: 李某, 日期: 2025-02-30}\n"

CASES: dict[str, tuple[str, list[Where]]] = {
    # reading the file
    "second colon after Chinese text": (_replace("名称: 院长", "名称: 院长: 书记"), [(3, 7, "LZ003")]),
    "raw control character after Chinese text": (_replace("名称: 院长", "名称: 院\x07长"), [(3, 6, "LZ012")]),
    "raw NUL at the end of the last line": (_replace("追究责任\n", "追究责任\x00\n"), [(23, 24, "LZ012")]),
    "unclosed quote: where it opens, not the end of the file": (_replace("名称: 院长", '名称: "院长'), [(3, 5, "LZ003")]),
    "unclosed bracket: where it opens": (
        _replace("主要职责:\n  - 主持医院全面工作\n", "主要职责: [主持医院全面工作\n"),
        [(6, 7, "LZ003")],
    ),
    "escaped control character: the quoted value": (_replace("名称: 院长", '名称: "院\\a长"'), [(3, 5, "LZ012")]),
    "tab before a top-level key": (_replace("编号: LD-YZ\n", "\t编号: LD-YZ\n"), [(2, 1, "LZ004")]),
    "tab before a nested list item": (_replace("      - 以个人", "\t- 以个人"), [(13, 1, "LZ004")]),
    "duplicate key: the second one": (_replace("    等级: 二级\n", "    等级: 二级\n    名称: 又一个\n"), [(17, 5, "LZ005")]),
    "anchor inside a flow list": (_replace("主要职责:\n  - 主持医院全面工作\n", "主要职责: [&a 甲]\n"), [(6, 8, "LZ006")]),
    "explicit tag: the tagged value": (_replace("等级: 二级", "等级: !!str 二级"), [(16, 9, "LZ007")]),
    "second document: its --- line": (LEADER + "---\n" + LEADER, [(24, 1, "LZ013")]),
    "full-width colon root": ("# 注释\n类型：岗位\n", [(1, 1, "LZ010")]),
    # the schema
    "missing key in a flow mapping: the mapping": (LEADER + "审核: {意见: 同意}\n", [(24, 5, "LZ102")]),
    "missing key in a list item: the item": (_replace("    名称: 重大事项个人说了算\n", ""), [(9, 5, "LZ102")]),
    "missing key at the root after a comment": ("# 院长\n" + _replace("科室: 领导班子\n", ""), [(2, 1, "LZ102")]),
    "unknown key: the key itself": (
        _replace("纪检监察室列席决策会议\n", "纪检监察室列席决策会议\n        负责人: 张某\n"),
        [(22, 9, "LZ101")],
    ),
    "list where text is expected: the value": (_replace("名称: 院长", "名称: [院长]"), [(3, 5, "LZ103")]),
    "empty value: just after the colon": (_replace("名称: 院长", "名称:"), [(3, 4, "LZ103")]),
    "invalid literal: the value": (_replace("类型: 岗位\n", "类型: 部门\n"), [(1, 5, "LZ104")]),
    "unknown likelihood: the value": (_replace("发生概率: 较高", "发生概率: 很高"), [(14, 11, "LZ220")]),
    "impossible date in a flow mapping": (LEADER + REVIEW_FLOW, [(24, 26, "LZ105")]),
    "badly written date in a block mapping": (LEADER + "审定:\n  意见: 同意\n  日期: 2025/3/1\n", [(26, 7, "LZ105")]),
    # register rules
    "grade vocabulary: the grade": (_replace("等级: 二级", "等级: 乙级"), [(16, 9, "LZ206")]),
    "missing stage: the measure list": (
        _replace("      - 阶段: 后期处置\n        内容: 违反决策程序的追究责任\n", ""),
        [(18, 7, "LZ211")],
    ),
    "risk count: the 风险点 key": (LEADER.split("风险点:")[0] + "风险点: []\n", [(8, 1, "LZ212")]),
    "approval before review: the approval date": (
        LEADER + "审核: {意见: 同意, 日期: 2025-03-10}\n审定: {意见: 同意, 日期: 2025-03-01}\n",
        [(25, 18, "LZ213")],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_finding_location(name: str) -> None:
    text, expected = CASES[name]
    assert _where(text) == expected


def test_markdown_front_matter_keeps_the_file_line_numbers() -> None:
    text = "---\n" + _replace("名称: 院长", "名称: [院长]") + "---\n\n# 院长\n"
    assert _where(text, markdown=True) == [(4, 5, "LZ103")]


def test_markdown_section_findings_point_at_the_heading() -> None:
    front = _replace("主要职责:\n  - 主持医院全面工作\n", "")
    text = "---\n" + front + "---\n\n# 院长\n\n## 主要职责\n\n- 主持医院全面工作\n\n## 制度\n\n- 《三重一大决策制度》\n"
    assert _where(text, markdown=True) == [(31, 1, "LZ101")]
    conflict = "---\n" + LEADER + "---\n\n## 主要职责\n\n- 又写了一遍\n"
    assert _where(conflict, markdown=True) == [(27, 1, "LZ014")]


# The same register, with the same two errors, in every encoding and line ending lzfk reads.
TWO_ERRORS = _replace("名称: 院长", "名称: [院长]").replace("危害程度: 违纪", "危害程度: [违纪]")
ENCODINGS: dict[str, bytes] = {
    "utf-8": TWO_ERRORS.encode(),
    "utf-8 with BOM": codecs.BOM_UTF8 + TWO_ERRORS.encode(),
    "utf-8 CRLF": TWO_ERRORS.replace("\n", "\r\n").encode(),
    "utf-16-le with BOM": codecs.BOM_UTF16_LE + TWO_ERRORS.encode("utf-16-le"),
    "utf-16-be with BOM, CRLF": codecs.BOM_UTF16_BE + TWO_ERRORS.replace("\n", "\r\n").encode("utf-16-be"),
}


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_positions_do_not_depend_on_encoding_or_line_endings(encoding: str, tmp_path: Path) -> None:
    root = build_repo(tmp_path, {"院长.yaml": ENCODINGS[encoding]})
    findings = run_validate(root).findings
    assert [(f.path, f.line, f.column, f.code) for f in findings] == [
        ("registers/院长.yaml", 3, 5, "LZ103"),
        ("registers/院长.yaml", 15, 11, "LZ103"),
    ]


BAD_BYTE_AT_3_6 = _replace("名称: 院长", "名称: 院@长").encode()
UNDECODABLE: dict[str, bytes] = {
    "utf-8": BAD_BYTE_AT_3_6.replace(b"@", b"\xff"),
    "utf-8 with BOM": codecs.BOM_UTF8 + BAD_BYTE_AT_3_6.replace(b"@", b"\xff"),
    "utf-8 CRLF": BAD_BYTE_AT_3_6.replace(b"\n", b"\r\n").replace(b"@", b"\xff"),
    "utf-16-le lone surrogate": codecs.BOM_UTF16_LE
    + _replace("名称: 院长", "名称: 院@长").encode("utf-16-le").replace(b"@\x00", b"\x00\xd8"),
}


@pytest.mark.parametrize("encoding", sorted(UNDECODABLE))
def test_undecodable_byte_is_located_in_characters(encoding: str, tmp_path: Path) -> None:
    root = build_repo(tmp_path, {"院长.yaml": UNDECODABLE[encoding]})
    findings = run_validate(root).findings
    assert [(f.line, f.column, f.code) for f in findings] == [(3, 6, "LZ002")]
    assert "第 3 行第 6 列" in findings[0].message


def test_gbk_is_reported_at_the_start_of_the_file(tmp_path: Path) -> None:
    root = build_repo(tmp_path, {"院长.yaml": LEADER.encode("gbk")})
    assert [(f.line, f.column, f.code) for f in run_validate(root).findings] == [(1, 1, "LZ001")]
