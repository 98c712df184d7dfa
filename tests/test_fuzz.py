"""Property-based tests: no input, however broken, makes the validator raise.

Every input ends as located findings with known codes, or as a clean result. Hostile YAML
(alias bombs, deep nesting) is refused quickly.
"""

from __future__ import annotations

import codecs
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianzheng_cli.codes import CODES
from lianzheng_cli.config import Config
from lianzheng_cli.findings import Finding, Severity
from lianzheng_cli.loader.decode import SourceText, decode_source
from lianzheng_cli.loader.files import parse_register_text
from lianzheng_cli.models import (
    DepartmentRegister,
    LeadershipGroup,
    Measure,
    PostRegister,
    Power,
    Review,
    RiskPoint,
    Step,
    UnitRegister,
)
from tests.helpers import LEADER, check, make_checker

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CHECKER = make_checker()
RARE_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")

KEYS = sorted(
    {
        field.alias
        for model in (
            PostRegister,
            DepartmentRegister,
            UnitRegister,
            RiskPoint,
            Measure,
            Review,
            Power,
            Step,
            LeadershipGroup,
            Config,
        )
        for field in model.model_fields.values()
        if field.alias
    }
    | {"防空措施", "名称\u3000", "? 键", "<<", "1", "~"}
)
VALUES = [
    "岗位", "科室", "单位", "一级", "二级", "三级", "较高", "犯罪", "前期预防", "中期监控", "后期处置", "领导班子",
    "LD-YZ", "LD-YZ-01", "YJK", "001", "2025-03-10", "2025-02-30", "2025/3/1", "是", "no", "1:30",
    "[]", "{}", "[甲, 乙]", "[[[", "]]", "{意见: 同意, 日期: 2025-03-10}", '"引号', '"转义\\a"', "'单引号'",
    "&a 锚", "*a", "!!str 文本", "!标签", "~", "", "|", ">-", "# 注释", "\t", "：", "%", "@", "`", "\x07", "\ufeff",
]  # fmt: skip
INDENTS = ["", " ", "  ", "    ", "      ", "\t", "\u3000"]
DASHES = ["", "- ", "-", "- - "]
SEPARATORS = [": ", ":", "：", " ", ": - ", ":\t", ": [", ": {"]
SPECIAL_LINES = ["---", "...", "%YAML 1.1", "%TAG ! tag:x,2025:", "- ", "? ", ": ", "## 主要职责", "## 说明", "- 条目", "```"]

yaml_line = st.one_of(
    st.builds(
        lambda indent, dash, key, sep, value: f"{indent}{dash}{key}{sep}{value}",
        st.sampled_from(INDENTS),
        st.sampled_from(DASHES),
        st.sampled_from(KEYS),
        st.sampled_from(SEPARATORS),
        st.sampled_from(VALUES),
    ),
    st.sampled_from(SPECIAL_LINES),
    st.text(max_size=20),
)
yamlish = st.builds(
    lambda lines, newline: newline.join(lines), st.lists(yaml_line, max_size=30), st.sampled_from(["\n", "\r\n", "\r"])
)


@st.composite
def near_valid(draw: st.DrawFn) -> str:
    """The valid leader register with a few random edits: reaches the schema and the rules."""
    lines = LEADER.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["delete", "duplicate", "replace", "insert", "indent", "dedent"]))
        if edit == "delete" and len(lines) > 1:
            del lines[index]
        elif edit == "duplicate":
            lines.insert(index, lines[index])
        elif edit == "replace":
            lines[index] = draw(yaml_line)
        elif edit == "insert":
            column = draw(st.integers(0, len(lines[index])))
            lines[index] = lines[index][:column] + draw(st.sampled_from([*VALUES, " ", ":", "-", "\n"])) + lines[index][column:]
        elif edit == "indent":
            lines[index] = "  " + lines[index]
        else:
            lines[index] = lines[index][2:]
    return "\n".join(lines) + "\n"


any_text = st.one_of(st.text(max_size=300), yamlish, near_valid())


def _assert_sane(findings: list[Finding] | tuple[Finding, ...], text: str) -> None:
    last_line = len(text.splitlines()) + 1
    for finding in findings:
        assert finding.code in CODES, finding
        assert isinstance(finding.severity, Severity), finding
        assert 0 <= finding.line <= last_line, finding
        assert finding.column >= 0, finding
        assert finding.message, finding


@FUZZ
@given(text=any_text, markdown=st.booleans())
def test_parse_register_text_never_raises(text: str, markdown: bool) -> None:
    parsed = parse_register_text(text, "t.md" if markdown else "t.yaml", markdown=markdown)
    _assert_sane(parsed.findings, text)
    assert parsed.findings or parsed.register is not None or not parsed.is_register


@FUZZ
@given(text=any_text, markdown=st.booleans())
def test_check_text_never_raises(text: str, markdown: bool) -> None:
    outcome = check(text, markdown=markdown, checker=CHECKER)
    _assert_sane(outcome.findings, text)
    if outcome.facts is not None:
        assert outcome.is_register


@FUZZ
@given(text=near_valid())
def test_markdown_front_matter_behaves_like_the_yaml_file(text: str) -> None:
    markdown = "---\n" + text + "---\n\n# 正文\n"
    if "---" in text or "..." in text or "\ufeff" in text or RARE_BREAKS.search(text):
        # A --- or ... line ends the front matter early; a BOM only starts a YAML stream; a
        # lone CR, NEL, LS or PS is a line break to libyaml but not to lzfk's own line counts.
        return
    if not parse_register_text(markdown, "t.md", markdown=True).is_register:
        return  # without 类型 in its front matter a Markdown file is a chapter
    as_yaml = check(text, checker=CHECKER).findings
    as_markdown = check(markdown, markdown=True, checker=CHECKER).findings
    assert [(f.line + 1, f.column, f.code) for f in as_yaml] == [(f.line, f.column, f.code) for f in as_markdown]


byte_inputs = st.one_of(
    st.binary(max_size=300),
    st.builds(
        lambda text, codec: text.encode(codec, errors="replace"), any_text, st.sampled_from(["utf-8", "gb18030", "utf-16"])
    ),
    st.builds(
        lambda bom, data, junk, at: bom + data[:at] + junk + data[at:],
        st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE]),
        near_valid().map(lambda text: text.encode()),
        st.binary(min_size=1, max_size=3),
        st.integers(0, 400),
    ),
)


@FUZZ
@given(data=byte_inputs)
def test_decode_then_parse_never_raises(data: bytes) -> None:
    decoded = decode_source(data, "fuzz.yaml")
    if not isinstance(decoded, SourceText):
        assert decoded.code in ("LZ001", "LZ002", "LZ022")  # LZ022: bytes GB18030 would misread (Big5, Shift-JIS)
        assert decoded.line >= 1 and decoded.column >= 1
        assert decoded.line <= data.count(b"\n") + data.count(b"\n\x00") + 1
        return
    text = decoded.text
    _assert_sane(check(text, checker=CHECKER).findings, text)


# ---------------------------------------------------------------- hostile input


def _timed(text: str, *, markdown: bool = False) -> tuple[list[tuple[int, int, str]], float]:
    start = time.perf_counter()
    outcome = check(text, markdown=markdown, checker=CHECKER)
    return [(f.line, f.column, f.code) for f in outcome.findings], time.perf_counter() - start


def test_billion_laughs_is_refused_at_once() -> None:
    lines = ['lol0: &lol0 ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]']
    lines += [f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 9)}]" for i in range(1, 10)]
    findings, seconds = _timed("\n".join(lines) + "\n")
    assert findings == [(1, 7, "LZ006")]
    assert seconds < 0.5


def test_billion_laughs_without_anchors_defined_first_is_refused_too() -> None:
    findings, seconds = _timed("说明: [" + ", ".join(["*lol"] * 100_000) + "]\n")
    assert findings == [(1, 6, "LZ006")]
    assert seconds < 0.5


@pytest.mark.parametrize("opening", ["[", "{", "[{"])
def test_100000_open_brackets_are_refused_at_once(opening: str) -> None:
    findings, seconds = _timed("说明: " + opening * (100_000 // len(opening)))
    assert findings == [(1, 37, "LZ009")]
    assert seconds < 0.5


def test_100000_open_brackets_in_markdown_front_matter_are_refused_at_once() -> None:
    findings, seconds = _timed("---\n说明: " + "[" * 100_000 + "\n---\n", markdown=True)
    assert findings == [(2, 37, "LZ009")]
    assert seconds < 0.5


def test_deep_block_nesting_is_refused() -> None:
    findings, seconds = _timed("".join(" " * depth + "层:\n" for depth in range(1000)))
    assert findings == [(33, 33, "LZ009")]
    assert seconds < 0.5


def test_deep_nested_dashes_on_one_line_are_refused() -> None:
    findings, seconds = _timed("- " * 100_000 + "项\n")
    assert findings == [(1, 65, "LZ009")]
    assert seconds < 0.5
