"""``lzfk diff`` through the command line, on real repositories."""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner, Result

from lianzheng_cli.cli import app
from tests.history.conftest import MakeRepo, Repo
from tests.history.registers import CONFIG, post, risk, yearly_2024, yearly_2025

runner = CliRunner()


def lzfk(*args: str, cwd: Path | None = None) -> Result:
    prefix = ["-C", str(cwd)] if cwd is not None else []
    command, rest = args[0], list(args[1:])
    return runner.invoke(app, [command, *prefix, *rest], catch_exceptions=False)


def test_years_give_the_yearly_comparison(two_years: Repo) -> None:
    result = lzfk("diff", "--year", "2024", "--year", "2025", cwd=two_years.root)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "2024（" in out and "标签 2024" in out and "2025 年底前最后一次提交" in out
    assert "降级  YJK-CG-01 采购中收受回扣：等级 一级 → 二级（降级理由：已实行集中带量采购，自主采购金额大幅下降）" in out
    assert (
        "移动  YJK-01 药品遴选暗箱操作：药剂科（registers/药剂科/科室.yaml） → 药品采购员（registers/药剂科/药品采购员.yaml）"
        in out
    )
    assert "撤销  CWK-CN-02 现金管理不规范：原等级 三级（撤销理由：已实行无现金收费）" in out
    assert "比较了 8 个有改动的登记表文件，共 18 项变化" in out


def test_json_is_the_documented_shape(two_years: Repo) -> None:
    result = lzfk("diff", "2024", "HEAD", "--format", "json", cwd=two_years.root)
    document = json.loads(result.output)
    assert set(document) == {"version", "unit", "from", "to", "files_compared", "summary", "changes", "unreadable"}
    assert document["version"] == 1 and document["unit"] == "测试县人民医院"
    assert document["from"]["label"] == "2024" and len(document["from"]["commit"]) == 40
    assert document["to"]["label"] == "HEAD" and document["to"]["how"] == ""
    assert document["summary"]["unit"]["lowered"] == 1
    assert document["summary"]["departments"][0] == {
        "department": "单位层面",
        **dict.fromkeys(document["summary"]["unit"], 0),
        "text": 1,
    }
    lowered = next(c for c in document["changes"] if c["kind"] == "lowered")
    assert lowered == {
        "kind": "lowered",
        "label": "降级",
        "id": "YJK-CG-01",
        "name": "采购中收受回扣",
        "register": "YJK-CG",
        "register_name": "药品采购员",
        "department": "药剂科",
        "path": "registers/药剂科/药品采购员.yaml",
        "line": 15,
        "column": 9,
        "field": "等级",
        "before": "一级",
        "after": "二级",
        "reason": "已实行集中带量采购，自主采购金额大幅下降",
    }


def test_markdown_for_a_pull_request_comment(two_years: Repo) -> None:
    result = lzfk("diff", "2024", "HEAD", "-f", "markdown", cwd=two_years.root)
    lines = result.output.splitlines()
    assert lines[0] == "## 年度风险变化对照：测试县人民医院"
    assert "| **全单位合计** | 2 | 2 | 1 | 1 | 1 | 3 | 1 | 1 | 1 |" in lines
    assert (
        "| 药剂科 | 药品采购员 | YJK-CG-01 | 采购中收受回扣 | 降级 | 等级 一级 → 二级 | 降级理由：已实行集中带量采购，自主采购金额大幅下降 |"
        in lines
    )


def test_one_revision_is_compared_with_the_working_tree(year_repo: Repo) -> None:
    year_repo.replace_registers(yearly_2025())  # not committed
    result = lzfk("diff", "2024", "-f", "json", cwd=year_repo.root)
    document = json.loads(result.output)
    assert document["to"] == {"label": "工作区", "commit": None, "date": None, "how": ""}
    assert len(document["changes"]) == 18


def test_word_table_reads_back_as_an_official_table(two_years: Repo, tmp_path: Path) -> None:
    target = tmp_path / "对照表.docx"
    result = lzfk("diff", "--year", "2024", "--year", "2025", "-f", "docx", "-o", str(target), cwd=two_years.root)
    assert result.exit_code == 0, result.output
    document = docx.Document(str(target))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "年度风险变化对照表"
    assert texts[1] == "编制单位：测试县人民医院　　对照年度：2024年度 → 2025年度"
    assert any(text.startswith("审核：") and "审定：" in text and "年　　月　　日" in text for text in texts)
    summary, detail = document.tables
    assert [c.text for c in summary.rows[-1].cells][:4] == ["全单位合计", "2", "2", "1"]
    titles = [c.text for c in summary.rows[0].cells]
    assert titles[:5] == ["部门", "新增", "撤销", "升级", "降级"] and "内容调整" in titles and "内容修改" not in titles
    assert [c.text for c in detail.rows[0].cells] == [
        "序号",
        "部门",
        "岗位/登记表",
        "风险点",
        "变化",
        "原内容",
        "现内容",
        "理由",
        "提出/审核/审定",
    ]
    rows = [[c.text for c in row.cells] for row in detail.rows[1:]]
    assert len(rows) == 16  # moves and register-level edits are left to the text and JSON outputs
    assert {row[4] for row in rows} <= {"新增", "撤销", "升级", "降级", "措施调整", "内容调整", "等级调整"}
    assert [row[1] for row in rows] == sorted((row[1] for row in rows), key=lambda d: (d != "单位层面", d))
    lowered = next(row for row in rows if row[4] == "降级")
    assert lowered[2:] == [
        "药品采购员",
        "采购中收受回扣\nYJK-CG-01",
        "降级",
        "一级",
        "二级",
        "已实行集中带量采购，自主采购金额大幅下降",
        "提出：李四\n审核：李某\n2025年3月15日\n审定：王某\n2025年3月20日",
    ]
    assert any(row[6].startswith("【后期处置】") for row in rows)  # stages as the forms print them
    everything = "\n".join(texts) + "\n".join("".join(row) for row in rows)
    assert not re.search(r"registers/|\.yaml|lzfk|\b[0-9a-f]{7,40}\b|\d{4}-\d{2}-\d{2}", everything)
    xml = detail._tbl.xml
    assert "<w:tblHeader/>" in xml and xml.count("<w:cantSplit/>") == 1  # only the header row stays whole
    assert 'w:eastAsia="仿宋_GB2312"' in xml
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)


def test_detached_head_and_chinese_folder_names(two_years: Repo) -> None:
    two_years.git("checkout", "-q", "--detach", "HEAD")
    result = lzfk("diff", "2024", "HEAD", "-f", "json", cwd=two_years.root)
    assert result.exit_code == 0 and len(json.loads(result.output)["changes"]) == 18


def test_registers_in_a_subfolder(make_repo: MakeRepo) -> None:
    built = make_repo(subdir="廉政/登记库")
    built.write("lzfk.yaml", CONFIG)
    built.write_all(yearly_2024())
    built.write("别的目录/不是登记表.yaml", "a: 1\n")
    built.commit("2024", date="2024-03-20T10:00:00+08:00")
    built.replace_registers(yearly_2025())
    built.write("别的目录/不是登记表.yaml", "a: 2\n")
    built.commit("2025", date="2025-03-20T10:00:00+08:00")
    result = lzfk("diff", "HEAD~1", "HEAD", "-f", "json", cwd=built.root / "registers")
    document = json.loads(result.output)
    assert document["files_compared"] == 8
    assert {c["path"] for c in document["changes"]} >= {"registers/药剂科/药品采购员.yaml"}


def test_not_a_repository_exits_2_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "lzfk.yaml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "registers").mkdir()
    result = lzfk("diff", "HEAD", cwd=tmp_path)
    assert result.exit_code == 2
    assert "不在 git 仓库中" in result.output and "git init" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("diff",), "请给出一个或两个版本"),
        (("diff", "a", "b", "c"), "请给出一个或两个版本"),
        (("diff", "2024", "--year", "2025"), "只能选一种写法"),
        (("diff", "v9"), "找不到版本“v9”"),
        (("diff", "--year", "2019"), "2019 年底之前没有提交"),
    ],
)
def test_usage_errors_exit_2(year_repo: Repo, args: tuple[str, ...], message: str) -> None:
    result = lzfk(*args, cwd=year_repo.root)
    assert result.exit_code == 2
    assert message in result.output


def test_a_broken_file_is_left_out_and_named(year_repo: Repo) -> None:
    year_repo.write("registers/财务科/出纳.yaml", "类型: 岗位\n编号: [\n")
    year_repo.write(
        "registers/药剂科/采购员.yaml", post("YJK-CG", "药品采购员", "YJK", [risk("YJK-CG-01", "采购中收受回扣", "三级")])
    )
    result = lzfk("diff", "2024", "-f", "json", cwd=year_repo.root)
    document = json.loads(result.output)
    assert [u["path"] for u in document["unreadable"]] == ["registers/财务科/出纳.yaml"]
    assert {c["id"] for c in document["changes"]} == {"YJK-CG-01", "YJK-CG-02"}


def test_no_changes_is_said_plainly(year_repo: Repo, tmp_path: Path) -> None:
    result = lzfk("diff", "2024", "HEAD", cwd=year_repo.root)
    assert result.exit_code == 0 and "比较了 0 个有改动的登记表文件：风险点没有变化" in result.output
    target = tmp_path / "空.docx"
    assert lzfk("diff", "2024", "HEAD", "-f", "docx", "-o", str(target), cwd=year_repo.root).exit_code == 0
    assert "两个版本之间，风险点没有变化。" in [p.text for p in docx.Document(str(target)).paragraphs]


def test_word_table_names_who_proposed_reviewed_and_approved_an_upgrade(year_repo: Repo, tmp_path: Path) -> None:
    """One risk point raised in place (审核/审定 unchanged since last year), committed by two people."""
    path = "registers/药剂科/采购员.yaml"
    raised = (year_repo.root / path).read_text(encoding="utf-8").replace("    等级: 三级\n", "    等级: 二级\n")
    year_repo.write(path, raised)
    year_repo.commit("验收把关不严升为二级", date="2025-02-10T10:00:00+08:00", author=("李四", "lisi@example.cn"))
    reasoned = raised.replace("    等级: 二级\n", "    等级: 二级\n    升级理由: 去年验收中两次发现以次充好\n", 1)
    year_repo.write(path, reasoned.replace("    等级: 一级\n", "    风险因素: [人财物]\n    等级: 一级\n", 1))  # a tag-only edit
    year_repo.commit("写明升级理由", date="2025-02-11T10:00:00+08:00", author=("王五", "wangwu@example.cn"))
    text = lzfk("diff", "2024", "HEAD", cwd=year_repo.root).output
    assert "升级  YJK-CG-02 验收把关不严：等级 三级 → 二级（升级理由：去年验收中两次发现以次充好）" in text
    assert "内容修改  YJK-CG-01 采购中收受回扣：风险因素" in text  # the technical output has the tag edit
    target = tmp_path / "对照表.docx"
    assert lzfk("diff", "2024", "HEAD", "-f", "docx", "-o", str(target), cwd=year_repo.root).exit_code == 0
    rows = [[c.text for c in row.cells] for row in docx.Document(str(target)).tables[1].rows[1:]]
    assert [row[4] for row in rows] == ["升级"]  # the tag-only edit is left to the technical outputs
    raised_row = next(row for row in rows if row[4] == "升级")
    assert raised_row[5:] == [
        "三级",
        "二级",
        "去年验收中两次发现以次充好",
        "提出：李四、王五\n审核：李某\n2024年3月15日\n审定：王某\n2024年3月20日",
    ]
