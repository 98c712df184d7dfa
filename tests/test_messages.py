"""What findings say (messages, hints, severities) and what the loader keeps (text stays text)."""

from __future__ import annotations

import re

import pytest

from lianzheng_cli.findings import Finding, Severity
from lianzheng_cli.loader.files import parse_register_text
from lianzheng_cli.models import PostRegister
from tests.helpers import INVALID, LEADER, VALID, check, line_of, run_validate

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORDS = re.compile(r"\b(found|expected|while|could not|Input should|Field required|Value error)\b")


def _only(text: str, *, markdown: bool = False) -> Finding:
    findings = check(text, markdown=markdown).findings
    assert len(findings) == 1, [line_of(f) for f in findings]
    return findings[0]


def _by_line(case: str) -> dict[str, Finding]:
    return {line_of(f): f for f in run_validate(INVALID / case).findings}


def test_full_width_colon_root_hints_at_the_full_width_colon() -> None:
    finding = _only("类型：岗位\n编号：LD-YZ\n名称：院长\n")
    assert finding.code == "LZ010"
    assert "全角冒号" in finding.hint


def test_full_width_colon_among_normal_keys_also_hints_at_it() -> None:
    finding = _only(LEADER.replace("名称: 院长", "名称：院长"))
    assert (finding.line, finding.code) == (3, "LZ003")
    assert "全角冒号" in finding.hint


def test_typo_key_suggests_the_right_key() -> None:
    # One finding: the missing 防控措施 is the typo itself, so it is not reported twice.
    findings = check(LEADER.replace("    防控措施:", "    防空措施:")).findings
    assert [(f.line, f.column, f.code, f.message, f.hint) for f in findings] == [
        (17, 5, "LZ101", "未知的键“防空措施”", "是不是“防控措施”？"),
    ]


def test_unknown_key_without_a_near_match_lists_the_keys_allowed_there() -> None:
    finding = _only(LEADER + "备注: 无\n")
    assert finding.code == "LZ101"
    assert finding.hint.startswith("这里可用的键：类型、编号、名称、主要职责、风险点")


def test_missing_key_names_the_key_and_where_it_is_missing() -> None:
    finding = _only(LEADER.replace("    名称: 重大事项个人说了算\n", ""))
    assert (finding.code, finding.message) == ("LZ102", "“风险点[1]”中缺少必填的键“名称”")


def test_dates_impossible_and_badly_written_are_told_apart() -> None:
    findings = check(LEADER + "审核: {意见: 同意, 日期: 2025-02-30}\n审定: {意见: 同意, 日期: 2025/3/1}\n").findings
    assert [(f.code, f.message) for f in findings] == [
        ("LZ105", "“审核.日期”：“2025-02-30”不是真实存在的日期"),
        ("LZ105", "“审定.日期”：日期“2025/3/1”的格式不对"),
    ]
    assert all(f.hint == "日期写成 YYYY-MM-DD，如 2025-03-10" for f in findings)


def test_duplicate_key_names_the_first_occurrence() -> None:
    finding = _by_line("lz005-duplicate-key")["registers/院长.yaml:17:5: LZ005"]
    assert finding.message == "键“名称”重复出现（第一次在第 10 行）"


def test_duplicate_ids_name_both_places() -> None:
    findings = _by_line("lz201-duplicate-id")
    register = findings["registers/院长.yaml:2:5: LZ201"]
    risk = findings["registers/院长.yaml:9:9: LZ201"]
    assert register.message == "编号“LD-YZ”重复：登记表已在 registers/书记.yaml:2 使用"
    assert risk.message == "编号“LD-YZ-01”重复：风险点已在 registers/副院长.yaml:9 使用"


def test_unresolved_references_suggest_a_close_name() -> None:
    findings = _by_line("lz202-lz205-unresolved-reference")
    assert findings["registers/采购员.yaml:4:5: LZ202"].hint == "是不是“药剂科”？"
    assert findings["registers/药剂科.yaml:4:7: LZ203"].hint == "是不是“LD-YZ”？"
    assert findings["registers/院长.yaml:6:11: LZ204"].message == "分管的科室“财务科”不存在"
    assert findings["registers/药剂科.yaml:23:32: LZ205"].message == "流程环节引用的风险点“YJK-99”不存在"


def test_raw_and_escaped_control_characters_are_named() -> None:
    assert "U+0007" in _only(LEADER.replace("名称: 院长", "名称: 院\x07长")).message
    assert "\\a" in _only(LEADER.replace("名称: 院长", '名称: "院\\a长"')).message


def test_default_severities_of_warnings() -> None:
    assert {f.code: f.severity for f in run_validate(INVALID / "lz212-risk-count").findings} == {"LZ212": Severity.WARNING}
    assert {f.code: f.severity for f in run_validate(INVALID / "lz211-missing-stage").findings} == {"LZ211": Severity.WARNING}


def test_rule_settings_change_severity_by_code_and_by_name() -> None:
    findings = run_validate(INVALID / "rule-severity-changed").findings
    # 检查规则: {LZ211: 错误, risk-count: 提示}
    assert {f.code: f.severity for f in findings} == {"LZ211": Severity.ERROR, "LZ212": Severity.INFO}


def test_config_errors_stop_the_run_before_any_register_is_read() -> None:
    result = run_validate(INVALID / "lz106-config-number")
    assert result.config_failed
    assert result.summary.files == 0
    assert [f.message for f in result.findings] == ["“年度”：“二〇二五”不是整数", "“每岗风险点.最多”：“三”不是整数"]


@pytest.mark.parametrize("case", sorted(path.name for path in INVALID.iterdir() if path.is_dir()))
def test_every_message_and_hint_is_chinese(case: str) -> None:
    for finding in run_validate(INVALID / case).findings:
        assert CJK.search(finding.message), line_of(finding)
        assert CJK.search(finding.hint), line_of(finding)
        assert not ENGLISH_WORDS.search(finding.message + finding.hint), (line_of(finding), finding.message)


def test_yaml_1_1_values_stay_text() -> None:
    text = (
        LEADER.replace("编号: LD-YZ\n", "编号: 001\n")
        .replace("编号: LD-YZ-01", "编号: 0010")
        .replace("名称: 院长", "名称: no")
        .replace("内容: 纪检监察室列席决策会议", "内容: yes\n        期限: 2025-06-30\n        责任人: 1:30")
    )
    register = parse_register_text(text, "t.yaml", markdown=False).register
    assert isinstance(register, PostRegister)
    measure = register.risks[0].measures[1]
    assert (register.id, register.risks[0].id, register.name) == ("001", "0010", "no")
    assert (measure.content, measure.deadline, measure.owner) == ("yes", "2025-06-30", "1:30")


def test_leading_zeros_keep_ids_apart() -> None:
    # 001, 1 and 1.0 would all be the number 1 to a YAML 1.1 loader; here they are three ids.
    assert run_validate(VALID / "yaml-1-1-traps-stay-text").findings == []


def test_empty_and_null_optional_values_are_absent() -> None:
    text = (VALID / "optional-left-empty" / "registers" / "院长.yaml").read_text(encoding="utf-8")
    register = parse_register_text(text, "t.yaml", markdown=False).register
    assert register is not None and register.review is not None
    assert (register.note, register.review.signer) == (None, None)
    assert (register.risks[0].measures[0].owner, register.risks[0].measures[0].deadline) == (None, None)


def test_single_text_is_a_one_item_list() -> None:
    text = (VALID / "single-text-as-list" / "registers" / "院长.yaml").read_text(encoding="utf-8")
    register = parse_register_text(text, "t.yaml", markdown=False).register
    assert isinstance(register, PostRegister)
    assert register.duties == ["主持医院全面工作"]
    assert (register.holders, register.in_charge) == (["王某某"], ["药剂科"])
    assert register.risks[0].manifestations == ["以个人意见代替集体决策"]
    assert register.risks[0].measures[0].institutions == ["《三重一大决策制度实施办法》"]


def test_markdown_sections_fill_duties_and_note() -> None:
    text = (VALID / "markdown-register" / "registers" / "信息科" / "系统管理员.md").read_text(encoding="utf-8")
    parsed = parse_register_text(text, "t.md", markdown=True)
    assert parsed.findings == []
    assert isinstance(parsed.register, PostRegister)
    assert parsed.register.duties == [
        "负责医院信息系统和数据库的日常运维",
        "按审批结果开通、调整和停用系统账号",
        "执行经审批的数据查询",
        "保存操作日志",
    ]
    assert (
        parsed.register.note
        == "系统管理员掌握数据库最高权限。\n本岗位实行分段授权。\n\n```text\n## 主要职责\n代码块中的标题不算小节。\n```"
    )


def test_markdown_without_front_matter_type_is_a_chapter_not_a_register() -> None:
    chapter = parse_register_text("---\n标题: 附录\n---\n\n# 附录\n", "t.md", markdown=True)
    plain = parse_register_text("# 总则\n\n正文\n", "t.md", markdown=True)
    assert (chapter.is_register, chapter.findings, plain.is_register, plain.findings) == (False, [], False, [])


SYNTAX_MISTAKES = {
    "first line indented": ("  类型: 岗位\n编号: LD-YZ\n", (2, 1), "这一行的缩进与文件开头不一致"),
    "list item after the key": ("主要职责: - 主持医院全面工作\n", (1, 7), "“- ”列表项不能写在这里"),
    "bracket never closed": ("编号: [\n", (2, 1), "这里缺少内容：括号没有结束，或两个逗号之间是空的"),
    "markdown bold in a value": ("名称: *重点岗位*\n", (1, 5), "以 * 或 & 开头的值在 YAML 中有特殊含义"),
    "percent at line start": ("%注释\n类型: 岗位\n", (1, 1), "以 % 开头的行是 YAML 指令"),
    "--- inside quotes": ('名称: "院长\n---\n书记"\n', (2, 1), "引号中的文字有一行以 --- 或 ... 开头，被当成了文档分隔线"),
    "text after |": ("说明: |补充\n  说明\n", (1, 6), "“|”或“>”后面只能换行"),
    "missing comma in a flow mapping": ("审核: {意见: 同意 日期: 2025-03-10}\n", (1, 15), "花括号映射没有正确结束"),
    "bracket closed on no line": ("主要职责: [甲, 乙\n编号: LD-YZ\n", (1, 7), "方括号列表没有正确结束"),
}


@pytest.mark.parametrize("name", sorted(SYNTAX_MISTAKES))
def test_common_yaml_mistakes_are_explained_in_chinese(name: str) -> None:
    text, where, message = SYNTAX_MISTAKES[name]
    finding = _only(text)
    assert ((finding.line, finding.column), finding.code, finding.message) == (where, "LZ003", message)
    assert CJK.search(finding.hint)


def test_comment_in_text_hint_quotes_what_the_clerk_typed() -> None:
    findings = _by_line("lz040-comment-in-text")
    hints = {line: finding.hint for line, finding in findings.items()}
    assert [hint.split("，如 ")[1].split("；")[0] for hint in hints.values()] == [
        '"档案存放于 #3 号库房时遗失"',
        '"档案入柜 #3 号库房"',
    ]


def test_comment_in_text_hint_keeps_double_quotes_valid() -> None:
    finding = _only(LEADER.replace("名称: 院长", '名称: 院长 "正职" #1'))
    assert finding.code == "LZ040"
    assert "'院长 \"正职\" #1'" in finding.hint
