"""Importing Word: the per-post form (annex 2) and the unit-wide 一览表 with merged cells."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Invoke
from tests.importing.builders import department_form_with_rows, listing_docx, post_form
from tests.importing.conftest import read_register, registers_under

DEPARTMENTS = [
    (
        "药剂科",
        "吴某",
        "刘某",
        [
            (
                "药品采购员",
                "外部环境风险",
                "收受配送企业回扣",
                "1.接受宴请\n2.收受礼金",
                "高",
                "事前：签订承诺书；事中：每月公示采购品种",
            ),
            ("药库管理员", "业务流程风险", "验收把关不严", "以次充好", "中", "前期预防：双人验收"),
            ("药库管理员", "岗位职责风险", "账物不符", "1.虚报损耗\n2.私自出库", "低", "后期处置：追究责任"),
        ],
    ),
    (
        "财务科",
        "孙某",
        "刘某",
        [
            ("出纳", "岗位职责风险", "挪用公款", "私自借出资金", "较高", "1.事中：每日对账\n2.事后：审计抽查"),
            ("会计", "制度机制风险", "虚列支出", "虚构报销事项", "一般", "前期预防：开展财经纪律培训"),
        ],
    ),
]


def test_post_form_labels_with_spaces_and_merged_values(invoke: Invoke, repo: Path, tmp_path: Path) -> None:
    source = post_form(tmp_path / "采购员.docx", department="药剂科")
    result = invoke("import", str(source), cwd=repo)
    post = read_register(repo / "registers/药剂科/药品采购员.yaml")
    assert post["类型"] == "岗位" and post["名称"] == "药品采购员" and post["科室"] == "药剂科"
    assert post["在岗人员"] == ["张某"]
    assert post["主要职责"] == ["按计划在平台下单采购药品", "核对到货药品的品规和票据"]
    risks = post["风险点"]
    assert [r["名称"] for r in risks] == ["收受供应商回扣", "擅自变更采购数量"]
    assert risks[0]["表现形式"] == ["接受宴请或礼金", "倾向特定供应商"]
    assert risks[1]["表现形式"] == ["未经审批增加采购量"]
    assert [r["等级"] for r in risks] == ["一级", "一级"]  # the form's 风险等级 applies to each
    assert risks[0]["防控措施"] == [{"阶段": "前期预防", "内容": "签订廉洁承诺书，参加警示教育"}]
    assert risks[1]["防控措施"] == [{"阶段": "中期监控", "内容": "每月公示采购品种和数量"}]
    assert post["审核"] == {"意见": "情况属实，同意", "签字": "吴某", "日期": "2025-03-05"}
    assert post["审定"] == {"意见": "同意", "签字": "刘某", "日期": "2025-03-12"}
    assert [r["编号"] for r in risks] == ["药剂科-药品采购员-01", "药剂科-药品采购员-02"]
    text = (repo / "registers/药剂科/药品采购员.yaml").read_text(encoding="utf-8")
    assert text.startswith("# 由 lzfk import 导入，来源：")
    assert "张某" not in str(risks)  # person names never land in risk text
    assert "LZ616" in result.stdout  # no 类型 on the form: said, not guessed
    assert "registers/药剂科/药品采购员.yaml" in result.stdout and "写入后检查" in result.stdout


def test_post_form_without_department_needs_the_option(invoke: Invoke, repo: Path, tmp_path: Path) -> None:
    source = post_form(tmp_path / "采购员.docx")
    refused = invoke("import", str(source), cwd=repo)
    assert refused.exit_code == 1 and "LZ612" in refused.stdout
    assert registers_under(repo) == {}
    invoke("import", str(source), "--department", "药剂科", cwd=repo)
    assert read_register(repo / "registers/药剂科/药品采购员.yaml")["科室"] == "药剂科"


def test_same_file_gives_same_ids_and_bytes(invoke: Invoke, tmp_path: Path, repo: Path) -> None:
    source = listing_docx(tmp_path / "一览表.docx", DEPARTMENTS)
    invoke("import", str(source), cwd=repo)
    first = {p: (repo / "registers" / p).read_bytes() for p in registers_under(repo)}
    again = tmp_path / "again"
    again.mkdir()
    (again / "lzfk.yaml").write_bytes((repo / "lzfk.yaml").read_bytes())
    (again / "registers").mkdir()
    invoke("import", str(source), cwd=again)
    assert {p: (again / "registers" / p).read_bytes() for p in registers_under(again)} == first


def test_listing_merged_departments_repeated_headers_and_footers(invoke: Invoke, tmp_path: Path, repo: Path) -> None:
    source = listing_docx(tmp_path / "一览表.docx", DEPARTMENTS, stated=6)
    result = invoke("import", str(source), cwd=repo)
    written = registers_under(repo)
    assert sorted(written) == [
        "药剂科/科室.yaml",
        "药剂科/药品采购员.yaml",
        "药剂科/药库管理员.yaml",
        "财务科/会计.yaml",
        "财务科/出纳.yaml",
        "财务科/科室.yaml",
    ]
    expected = {(d, post): [r for r in risks if r[0] == post] for d, _, _, risks in DEPARTMENTS for post in {r[0] for r in risks}}
    grades = {"高": "一级", "中": "二级", "低": "三级", "较高": "二级", "一般": "三级"}
    for (department, post), rows in expected.items():
        register = written[f"{department}/{post}.yaml"]
        assert register["科室"] == department
        assert [r["名称"] for r in register["风险点"]] == [row[2] for row in rows]
        for risk, row in zip(register["风险点"], rows, strict=True):
            assert risk["类型"] == row[1]
            assert risk["等级"] == grades[row[4]]
            assert all(m.get("责任人") == "刘某" for m in risk["防控措施"])
    assert written["药剂科/科室.yaml"]["负责人"] == "吴某"  # merged down all its rows
    assert written["财务科/科室.yaml"]["负责人"] == "孙某"
    assert written["药剂科/药品采购员.yaml"]["风险点"][0]["表现形式"] == ["接受宴请", "收受礼金"]
    assert written["药剂科/药品采购员.yaml"]["风险点"][0]["防控措施"] == [
        {"阶段": "前期预防", "内容": "签订承诺书", "责任人": "刘某"},
        {"阶段": "中期监控", "内容": "每月公示采购品种", "责任人": "刘某"},
    ]
    assert written["财务科/出纳.yaml"]["风险点"][0]["防控措施"] == [
        {"阶段": "中期监控", "内容": "每日对账", "责任人": "刘某"},
        {"阶段": "后期处置", "内容": "审计抽查", "责任人": "刘某"},
    ]
    assert "页码行 1 行" in result.stdout and "重复的表头 1 行" in result.stdout
    assert "LZ608" in result.stdout and "写明共 6 个风险点，实际导入 5 个" in result.stdout


def test_table_continued_after_a_page_break_without_header(invoke: Invoke, tmp_path: Path, repo: Path) -> None:
    source = listing_docx(tmp_path / "一览表.docx", DEPARTMENTS, split_after=1)
    result = invoke("import", "--dry-run", str(source), cwd=repo)
    assert "表格 2：续表，导入 4 个风险点" in result.stdout
    assert "合计 5 个风险点" in result.stdout
    assert registers_under(repo) == {}  # a dry run writes nothing


def test_department_form_with_one_risk_per_row_and_stage_sections(invoke: Invoke, repo: Path, tmp_path: Path) -> None:
    source = department_form_with_rows(tmp_path / "设备科.docx")
    invoke("import", str(source), cwd=repo)
    department = read_register(repo / "registers/设备科/科室.yaml")
    assert department["类型"] == "科室" and department["名称"] == "设备科" and department["负责人"] == "陈某"
    assert department["主要职责"] == ["负责医疗设备的采购、验收和维修管理"]
    first, second = department["风险点"]
    assert first["名称"] == "设备参数设置倾向特定品牌" and first["等级"] == "一级"  # its own （一级）
    assert first["防控措施"] == [{"阶段": "前期预防", "内容": "参数论证会集体决定"}, {"阶段": "中期监控", "内容": "纪检全程监督"}]
    assert second["名称"] == "验收走过场" and second["表现形式"] == ["不按合同核对配置"] and second["等级"] == "二级"
    assert second["防控措施"] == [{"阶段": "后期处置", "内容": "验收不合格的拒付货款"}]
    assert department["审核"] == {"意见": "同意", "签字": "刘某", "日期": "2025-03-19"}
    assert "审定" not in department  # a blank 审定 (签字 and 年 月 日 only) is not made up
