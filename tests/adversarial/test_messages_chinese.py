"""Every message a clerk sees is Chinese: no raw libyaml or pydantic English."""

from __future__ import annotations

import re

import pytest

from tests.helpers import LEADER, check

ENGLISH = re.compile(r"\b(?!YAML\b|UTF\b|GBK\b|YYYY\b)[A-Za-z]{4,}\b")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (LEADER.replace("名称: 院长", '名称: "\\xZZ"'), "LZ003"),  # did not find expected hexdecimal number
        (LEADER.replace("名称: 院长", '名称: "\\uD800"'), "LZ003"),
        (LEADER + "审定: {意见: 同意, 签字: 王某, 日期: [1]}\n", "LZ103"),  # Input should be a valid date
        # 层级 is free text checked against the unit's levels (LZ222), so a mapping is a type error
        (LEADER.replace("层级: 领导班子", "层级: {a: b}"), "LZ103"),
        ("%FOO bar\n---\n类型: 岗位\n", "LZ008"),
        ("类型: 岗位\n名称: a: b\n", "LZ003"),
        ("类型:\n编号: X\n", "LZ104"),
    ],
)
def test_messages_are_chinese(text: str, code: str) -> None:
    findings = check(text).findings
    assert code in [f.code for f in findings], findings
    for finding in findings:
        assert not ENGLISH.search(finding.message), finding.message
        assert "None" not in finding.message and "{'" not in finding.message
