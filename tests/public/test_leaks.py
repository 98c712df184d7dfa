"""The leak check: what it catches, where it points, and that it fails the public build."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from lianzheng_cli.codes import CODES
from lianzheng_cli.public_leaks import Names, find_leaks
from tests.conftest import Invoke
from tests.public.conftest import publish, with_public_settings

PURCHASER = "registers/药剂科/药品采购员.yaml"


def kinds(text: str, names: Names | None = None, *, contact: bool = False) -> list[tuple[str, str]]:
    return [(leak.kind, leak.value) for leak in find_leaks(text, names or Names(), contact=contact)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("联系电话 13812345678", [("mobile", "13812345678")]),
        ("手机 138-1234-5678 或 139 1234 5678", [("mobile", "138-1234-5678"), ("mobile", "139 1234 5678")]),
        ("身份证 51082319850312641X 已登记", [("id-number", "51082319850312641X")]),
        ("发送至 zhang.san@hospital.example.cn 审核", [("email", "zhang.san@hospital.example.cn")]),
        ("附件见 D:\\资料\\采购.docx", [("path", "D:\\资料\\采购.docx")]),
        ("详见 registers/药剂科/采购员.yaml", [("path", "registers/药剂科/采购员.yaml")]),
        ("见 /home/clerk/lzfk/out 目录", [("path", "/home/clerk/lzfk/out")]),
        ("按提交 3fa9c2e 的版本", [("commit", "3fa9c2e")]),
    ],
)
def test_patterns_find_personal_data_and_tool_traces(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2025年4月底前完成，每季度抽查一次",
        "编号 YJK-CG-01，金额 50000元以上须集体研究",
        "举报电话 0839-7201234，12388",
        "高/中/低 三级，和/或 分管领导",
        "《青川县人民医院“三重一大”决策制度实施办法》",
        "采购金额 1380000 元",
        "decade facade",  # hex letters but no digits: not a commit id
    ],
)
def test_ordinary_register_text_is_not_a_leak(text: str) -> None:
    assert kinds(text) == []


def test_names_longest_first_and_contact_lines_keep_their_numbers() -> None:
    names = Names()
    for name in ("刘某", "刘某某"):
        names.add(name, "r.yaml", "在岗人员")
    assert kinds("由刘某某和刘某负责", names) == [("name", "刘某某"), ("name", "刘某")]
    assert kinds("纪检监察室 jjjc@example.cn，联系人刘某", names, contact=True) == [("name", "刘某")]


def test_sample_is_clean(invoke: Invoke, sample: Path) -> None:
    result = invoke("check", "--public", "--summary", str(sample / "summary.md"), cwd=sample)
    assert result.exit_code == 0, result.output
    assert "未发现" in result.output
    assert "未发现人名" in (sample / "summary.md").read_text(encoding="utf-8")


def _plant(sample: Path) -> None:
    register = sample / PURCHASER
    text = register.read_text(encoding="utf-8")
    text = text.replace(
        "        内容: 科主任每周核对平台订单和入库记录\n",
        "        内容: 科主任每周核对平台订单和入库记录，由吴某某负责，电话 13812345678\n",
    )
    text = text.replace("  - 对接配送企业办理退换货\n", "  - 对接配送企业办理退换货，清单见 registers/药剂科/退货.xlsx\n")
    register.write_text(text, encoding="utf-8")


def test_check_public_locates_each_leak_in_the_register(invoke: Invoke, sample: Path) -> None:
    _plant(sample)
    result = invoke("check", "--public", "--format", "json", cwd=sample)
    assert result.exit_code == 1, result.output
    findings = json.loads(result.output)["findings"]
    located = [(f["file"], f["line"], f["column"], f["code"]) for f in findings]
    lines = (sample / PURCHASER).read_text(encoding="utf-8").splitlines()
    duty = next(i for i, line in enumerate(lines, 1) if "退货.xlsx" in line)
    measure = next(i for i, line in enumerate(lines, 1) if "吴某某" in line and "内容" in line)
    assert located == [
        (PURCHASER, duty, lines[duty - 1].index("registers/") + 1, "LZ705"),
        (PURCHASER, measure, lines[measure - 1].index("吴某某") + 1, "LZ701"),
        (PURCHASER, measure, lines[measure - 1].index("138") + 1, "LZ702"),
    ]
    table = invoke("check", "--public", "--format", "markdown", cwd=sample).output
    assert table.count("| registers/药剂科/药品采购员.yaml:") == 3
    name = next(f for f in findings if f["code"] == "LZ701")
    assert "registers/药剂科/科室.yaml" in name["hint"] and "负责人" in name["hint"]
    assert all(CODES[f["code"]].title for f in findings)


def test_a_leaking_public_build_fails_and_leaves_nothing_to_upload(invoke: Invoke, sample: Path) -> None:
    assert invoke("build", "--edition", "public", cwd=sample).exit_code == 0
    site = sample / "out" / "公示"
    assert (site / "index.html").is_file()
    if shutil.which("soffice") and shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(site / "公示一览表.pdf")], check=True, capture_output=True, text=True).stdout
        assert re.search(r"Page size:\s+1190\.\d+ x 841\.\d+ pts \(A3\)", info), info
    _plant(sample)
    result = invoke("build", "--edition", "public", cwd=sample)
    assert result.exit_code == 1, result.output
    assert "LZ701" in result.output and "药品采购员.yaml" in result.output
    assert not list((sample / "out" / "公示").rglob("*.html"))
    assert not (sample / "out" / "公示" / "公示一览表.docx").exists()


def test_not_names_lets_a_word_that_equals_a_name_through(sample: Path) -> None:
    register = sample / PURCHASER
    register.write_text(register.read_text(encoding="utf-8").replace("  - 张某\n", "  - 周全\n"), encoding="utf-8")
    text = register.read_text(encoding="utf-8").replace("核对到货药品品规", "考虑周全地核对到货药品品规")
    register.write_text(text, encoding="utf-8")
    assert [f.code for f in publish(sample).build.findings] == ["LZ701"]
    with_public_settings(sample, "不作人名: [周全]")
    assert publish(sample).build.findings == []


def test_the_written_files_are_scanned_too(sample: Path) -> None:
    """A unit's own template that prints a name is caught in the output, located at the file."""
    (sample / "templates").mkdir()
    builtin = Path(__file__).resolve().parents[2] / "src" / "lianzheng_cli" / "templates" / "公示_岗位.html.j2"
    text = builtin.read_text(encoding="utf-8").replace(
        "<h2>主要职责</h2>", "<p>联系人：陈某某 zhao@example.cn</p><h2>主要职责</h2>"
    )
    (sample / "templates" / "公示_岗位.html.j2").write_text(text, encoding="utf-8")
    with_public_settings(sample, "监督举报: 纪检监察室 jjjc@example.cn")
    findings = publish(sample).build.findings
    assert {f.code for f in findings} == {"LZ701", "LZ704"}
    assert all(f.path.startswith("out/公示/岗位/") and f.line > 0 for f in findings)
    assert not any("jjjc@example.cn" in f.message for f in findings)


def test_usage_errors(invoke: Invoke, sample: Path) -> None:
    assert invoke("check", cwd=sample).exit_code == 2
    assert invoke("check", "--public", "--base", "main", cwd=sample).exit_code == 2
    assert invoke("build", "--edition", "public", "--format", "md", cwd=sample).exit_code == 2
    assert not (sample / "out").exists()


def test_public_settings_are_validated(invoke: Invoke, sample: Path) -> None:
    with_public_settings(sample, "二维码: 是", "列: [序号, 科室]")
    result = invoke("validate", cwd=sample)
    assert result.exit_code == 2, result.output
    assert "风险点" in result.output


def test_post_titles_written_where_a_name_belongs_are_not_names(invoke: Invoke, tmp_path: Path) -> None:
    """``lzfk init`` (and many clerks) write 负责人: 办公室主任 — a title, printed on purpose."""
    assert invoke("init", "--unit", "某某县人民医院", "--year", "2025", str(tmp_path / "u"), cwd=tmp_path).exit_code == 0
    result = invoke("check", "--public", cwd=tmp_path / "u")
    assert result.exit_code == 0, result.output


def test_templates_check_renders_the_public_templates(invoke: Invoke, sample: Path) -> None:
    """The public view has no name to print: a template that asks for one fails lzfk templates check."""
    (sample / "templates").mkdir()
    builtin = Path(__file__).resolve().parents[2] / "src" / "lianzheng_cli" / "templates" / "公示_岗位.html.j2"
    text = builtin.read_text(encoding="utf-8").replace("<h2>主要职责</h2>", "<p>{{ 岗.在岗人员 }}</p><h2>主要职责</h2>")
    (sample / "templates" / "公示_岗位.html.j2").write_text(text, encoding="utf-8")
    result = invoke("templates", "check", cwd=sample)
    assert result.exit_code == 1
    assert "公示_岗位.html.j2" in result.output and "在岗人员" in result.output


def test_a_broken_register_does_not_hide_the_leaks_of_the_others(invoke: Invoke, sample: Path) -> None:
    _plant(sample)
    broken = sample / "registers" / "财务科" / "出纳.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("名称: 出纳", "名称: [出纳"), encoding="utf-8")
    result = invoke("check", "--public", "--format", "json", cwd=sample)
    assert result.exit_code == 1
    codes = {(f["file"], f["code"]) for f in json.loads(result.output)["findings"]}
    assert ("registers/财务科/出纳.yaml", "LZ003") in codes
    assert {(PURCHASER, "LZ701"), (PURCHASER, "LZ702"), (PURCHASER, "LZ705")} <= codes


def test_two_names_in_one_multi_line_value_are_both_reported(sample: Path) -> None:
    register = sample / PURCHASER
    text = register.read_text(encoding="utf-8").replace(
        "      - 绕开平台线下采购\n", "      - |\n        绕开平台线下采购，\n        吴某某与刘某知情不报\n", 1
    )
    register.write_text(text, encoding="utf-8")
    findings = publish(sample).build.findings
    names = sorted(f.message.split("“")[1].split("”")[0] for f in findings if f.code == "LZ701")
    assert names == ["刘某", "吴某某"]
    assert all(f.path == PURCHASER for f in findings)
