"""Importing Excel and CSV: titles, two-row headers, merged grouping columns, sub-items, encodings."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Invoke
from tests.importing.builders import two_row_header_xlsx
from tests.importing.conftest import read_register, registers_under

CSV_ROWS = [
    "序号,科室,岗位,风险点,表现形式,风险类型,风险等级,前期预防,中期监控,后期处置",
    '1,总务科,基建管理员,工程招标围标串标,"1.泄露标底；2.倾向特定投标人",业务流程风险,A,签订承诺书,全程录像,追责',
    "2,,仓库保管员,物资出入库不实,虚报损耗,岗位职责风险,b,定期盘点,月度对账,",
    "3,,仓库保管员,领用审批不严,无审批发放,制度机制风险,C级,,,约谈",
]


def test_two_row_header_merged_group_and_sub_items(invoke: Invoke, repo: Path, tmp_path: Path) -> None:
    source = two_row_header_xlsx(tmp_path / "一览表.xlsx")
    result = invoke("import", str(source), "--department", "审批科", cwd=repo)
    approval = read_register(repo / "registers/审批科/行政审批.yaml")
    works = read_register(repo / "registers/审批科/工程监管.yaml")
    assert approval["科室"] == "审批科" and approval["在岗人员"] == ["王某"]
    assert [r["名称"] for r in approval["风险点"]] == ["违规审批资质", "收受申请人财物"]  # 行政审批 merged down
    first, second = approval["风险点"]
    assert first["表现形式"] == ["降低资质审查标准", "为关系人优先办理"]  # 1.1 / 1.2
    assert first["等级"] == "一级" and second["等级"] == "二级"  # Ⅰ级 / Ⅱ级
    assert first["防控措施"] == [
        {"阶段": "前期预防", "内容": "审批标准公开", "责任人": "赵某"},
        {"阶段": "中期监控", "内容": "系统留痕", "责任人": "赵某"},
    ]
    assert second["表现形式"] == ["收受好处费", "接受宴请"]
    assert [m["内容"] for m in second["防控措施"]] == ["签订承诺书", "随机抽查"]
    assert all("阶段" not in m for m in second["防控措施"])  # unstaged: left so, with a warning
    assert [r["名称"] for r in works["风险点"]] == ["监督检查走过场", "违规变更设计"]
    assert works["风险点"][0]["等级"] == "三级"
    assert works["风险点"][1]["等级"] == "Ⅴ级"  # unknown: kept as written, never guessed
    assert read_register(repo / "registers/审批科/科室.yaml")["负责人"] == "李某"  # 部门责任人 under 防控责任人
    out = result.stdout
    assert "直接责任人、部门责任人→部门负责人、责任领导" in out  # the two-row header, children mapped
    assert "页码行 1 行，重复的表头 1 行" in out
    assert "合计 4 个风险点（文件中写明 4 个）" in out and "LZ608" not in out
    assert "LZ605" in out and "“Ⅴ级”无法识别" in out and "工作表“一览表”第 9 行" in out
    assert "LZ607" in out
    assert result.exit_code == 1


def test_csv_in_gbk_with_stage_columns(invoke: Invoke, repo: Path, tmp_path: Path) -> None:
    source = tmp_path / "风险点.csv"
    source.write_bytes(("\r\n".join(CSV_ROWS) + "\r\n").encode("gbk"))
    result = invoke("import", str(source), cwd=repo)
    assert "编码：GBK" in result.stdout
    written = registers_under(repo)
    keeper = written["总务科/仓库保管员.yaml"]
    assert [r["名称"] for r in keeper["风险点"]] == ["物资出入库不实", "领用审批不严"]
    assert [r["等级"] for r in keeper["风险点"]] == ["二级", "三级"]  # b / C级
    assert keeper["风险点"][0]["防控措施"] == [{"阶段": "前期预防", "内容": "定期盘点"}, {"阶段": "中期监控", "内容": "月度对账"}]
    assert keeper["风险点"][1]["防控措施"] == [{"阶段": "后期处置", "内容": "约谈"}]
    builder = written["总务科/基建管理员.yaml"]["风险点"][0]
    assert builder["等级"] == "一级" and builder["表现形式"] == ["泄露标底", "倾向特定投标人"]


def test_unit_header_words_from_lzfk_yaml(invoke: Invoke, repo: Path, tmp_path: Path) -> None:
    (repo / "lzfk.yaml").write_text(
        "单位: 测试县人民医院\n年度: 2025\n等级: [高, 中, 低]\n等级别名: {甲: 高}\n导入表头: {风险点: [廉政风险事项], 等级: [风险档次]}\n",
        encoding="utf-8",
    )
    source = tmp_path / "a.csv"
    source.write_text(
        "科室,廉政风险事项,风险档次,防控措施\n办公室,公车私用,甲,事前：登记派车\n办公室,公款接待超标,Ⅲ级,事后：通报\n",
        encoding="utf-8-sig",
    )
    invoke("import", str(source), cwd=repo)
    office = read_register(repo / "registers/办公室/科室.yaml")
    assert [(r["名称"], r["等级"]) for r in office["风险点"]] == [("公车私用", "高"), ("公款接待超标", "低")]


def test_merge_into_existing_repository(invoke: Invoke, repo: Path, tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text(
        "科室,风险点,表现形式,风险类型,等级,防控措施\n办公室,公车私用,私用公车,岗位职责风险,二级,事前：登记派车\n",
        encoding="utf-8",
    )
    invoke("import", str(source), cwd=repo)
    office = repo / "registers/办公室/科室.yaml"
    text = office.read_text(encoding="utf-8").replace("风险点:", "# 本科室的风险点\n风险点:")
    office.write_text(text, encoding="utf-8")
    source.write_text(
        "科室,风险点,表现形式,风险类型,等级,防控措施\n办公室,公车私用,私用公车,岗位职责风险,一级,事前：登记派车\n办公室,会议费虚列,虚开会议费,业务流程风险,二级,事中：审核\n",
        encoding="utf-8",
    )
    preview = invoke("import", "--dry-run", str(source), cwd=repo)
    assert office.read_text(encoding="utf-8") == text
    assert "合并  registers/办公室/科室.yaml  新增 1 个风险点" in preview.stdout
    assert "LZ617" in preview.stdout and "未修改" in preview.stdout
    invoke("import", str(source), cwd=repo)
    merged = office.read_text(encoding="utf-8")
    assert merged.startswith(text.rstrip("\n")) and "# 本科室的风险点" in merged  # comment and bytes kept
    data = read_register(office)
    assert [(r["编号"], r["名称"], r["等级"]) for r in data["风险点"]] == [
        ("办公室-01", "公车私用", "二级"),  # the differing grade is reported, not changed
        ("办公室-02", "会议费虚列", "二级"),
    ]


def test_folder_of_sources_into_a_subfolder(invoke: Invoke, repo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "旧表格"
    (folder / "二层").mkdir(parents=True)
    (folder / "a.csv").write_text(
        "科室,风险点,表现形式,等级,防控措施\n办公室,公车私用,私用公车,二级,事前：登记派车\n", encoding="utf-8"
    )
    (folder / "二层" / "b.csv").write_text(
        "科室,风险点,表现形式,等级,防控措施\n财务科,虚列支出,虚构报销,三级,事后：追责\n", encoding="utf-8"
    )
    (folder / "~$a.xlsx").write_bytes(b"lock file of an open workbook")
    result = invoke("import", str(folder), "--into", "registers/2025导入", cwd=repo)
    assert sorted(registers_under(repo)) == ["2025导入/办公室/科室.yaml", "2025导入/财务科/科室.yaml"]
    assert "~$a.xlsx" not in result.stdout
    outside = invoke("import", str(folder), "--into", str(tmp_path), cwd=repo)
    assert outside.exit_code == 2 and "不在登记目录" in outside.stderr
