"""``--format gitlab|junit|sarif`` of ``lzfk validate``: valid by the consumers' schemas, and right in content."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest

from lianzheng_cli.cli import run
from lianzheng_cli.codes import CODES
from lianzheng_cli.scaffold import scaffold
from tests.reporters.formats import GITLAB_SCHEMA, SARIF_SCHEMA, check_jsonschema, check_junit

CLERK = """\
类型: 岗位
编号: BGS-WS
名称: 文书
科室: BGS
主要职责: [收发、登记和传阅公文]
风险点:
  - 编号: BGS-WS-01
    名称: 泄露未公开的公文
    类型: 岗位职责风险
    表现形式: [向无关人员透露公文内容]
    发生概率: 低
    危害程度: 不良影响
    等级: 低
    防控措施:
      - {阶段: 前期预防, 内容: 签订保密承诺书}
      - {阶段: 中期监控, 内容: 办公室主任每月检查收发登记}
"""


@pytest.fixture
def unit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new repository with one register that has an error (LZ206) and a warning (LZ211), inside a git folder."""
    for name in ("GITHUB_ACTIONS", "GITHUB_WORKFLOW", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
    top = tmp_path / "仓库"
    (top / ".git").mkdir(parents=True)  # only its presence matters: paths are given from the git top
    root = top / "登记库"
    scaffold(root, unit="某某单位", year=2025)
    (root / "registers" / "办公室" / "文书.yaml").write_text(CLERK, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def output(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = run(["validate", "--no-cache", *args])
    return code, capsys.readouterr().out


def test_gitlab_code_quality(unit: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = output(capsys, "-f", "gitlab")
    assert code == 1
    (tmp_path / "gl.json").write_text(text, encoding="utf-8")
    check_jsonschema(GITLAB_SCHEMA, tmp_path / "gl.json")
    issues = json.loads(text)
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        ("LZ206", "major", {"path": "登记库/registers/办公室/文书.yaml", "lines": {"begin": 13}}),
        ("LZ211", "minor", {"path": "登记库/registers/办公室/文书.yaml", "lines": {"begin": 15}}),
    ]
    assert issues[0]["description"].startswith("LZ206 风险等级“低”不是本单位的等级名称")


def test_gitlab_fingerprints_are_stable_and_survive_moved_lines(unit: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = json.loads(output(capsys, "-f", "gitlab")[1])
    again = json.loads(output(capsys, "-f", "gitlab")[1])
    clerk = unit / "registers" / "办公室" / "文书.yaml"
    clerk.write_text("# 增加一行注释\n" + CLERK, encoding="utf-8")
    moved = json.loads(output(capsys, "-f", "gitlab")[1])
    prints = [i["fingerprint"] for i in first]
    assert len(set(prints)) == 2
    assert prints == [i["fingerprint"] for i in again] == [i["fingerprint"] for i in moved]
    assert moved[0]["location"]["lines"]["begin"] == 14


def test_junit_one_suite_per_file_and_a_failure_per_error(unit: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = output(capsys, "-f", "junit")
    assert code == 1
    (tmp_path / "junit.xml").write_text(text, encoding="utf-8")
    root = check_junit(tmp_path / "junit.xml")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["registers/办公室/文书.yaml", "lzfk"]
    assert (root.get("tests"), root.get("failures")) == ("3", "1")
    failures = suites[0].findall("testcase/failure")
    assert [(f.get("type"), f.get("message")) for f in failures] == [("LZ206", "风险等级“低”不是本单位的等级名称")]
    warning = suites[0].findall("testcase")[1]
    assert warning.find("failure") is None and "LZ211" in (warning.get("name") or "")
    assert "后期处置" in (warning.findtext("system-out") or "")
    assert suites[0].find("properties/property[@name='lzfk.format_version']").get("value") == "1"  # type: ignore[union-attr]


def test_junit_clean_run_reports_one_passing_test(unit: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (unit / "registers" / "办公室" / "文书.yaml").unlink()
    code, text = output(capsys, "-f", "junit")
    assert code == 0
    (tmp_path / "junit.xml").write_text(text, encoding="utf-8")
    root = check_junit(tmp_path / "junit.xml")
    assert (root.get("tests"), root.get("failures")) == ("1", "0")
    assert "未发现问题" in (root.findtext("testsuite/testcase/system-out") or "")


def test_sarif_2_1_0_with_the_code_catalogue(unit: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = output(capsys, "-f", "sarif")
    assert code == 1
    (tmp_path / "out.sarif").write_text(text, encoding="utf-8")
    check_jsonschema(SARIF_SCHEMA, tmp_path / "out.sarif")
    log = json.loads(text)
    assert log["version"] == "2.1.0"
    (sarif_run,) = log["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(CODES)
    results = sarif_run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("LZ206", "error"), ("LZ211", "warning")]
    assert rules[results[0]["ruleIndex"]]["shortDescription"]["text"] == CODES["LZ206"].title
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["region"] == {"startLine": 13, "startColumn": 9}
    assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert unquote(location["artifactLocation"]["uri"]) == "登记库/registers/办公室/文书.yaml"
    assert sarif_run["properties"]["lzfk_format_version"] == 1


def test_json_carries_a_version(unit: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(output(capsys, "-f", "json")[1])
    assert document["version"] == 1 and list(document) == ["version", "findings", "summary"]


def test_replayed_run_prints_the_same(unit: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from lianzheng_cli.entry import fast_validate

    assert run(["validate", "-f", "sarif"]) == 1
    cold = capsys.readouterr().out
    assert fast_validate(["validate", "-f", "sarif"]) == 1
    assert capsys.readouterr().out == cold


def test_the_replayed_run_writes_the_step_summary_too(unit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lianzheng_cli.entry import fast_validate

    assert run(["validate", "-f", "plain"]) == 1  # stores the run for the replay
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert fast_validate(["validate", "-f", "github"]) == 1
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## lzfk 检查结果\n") and "| registers/办公室/文书.yaml:13:9 | 错误 | LZ206 |" in text


@pytest.mark.parametrize(("text", "cell"), [("a|b", "a\\|b"), ("一\r\n二\r三\n四", "一<br>二<br>三<br>四")])
def test_one_markdown_cell_escaper(text: str, cell: str) -> None:
    from lianzheng_cli.reporters.markdown import cell as escape

    assert escape(text) == cell
