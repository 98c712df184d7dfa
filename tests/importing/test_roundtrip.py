"""The lossless Excel round trip: export --editable, edit in a spreadsheet, import applies the edits."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import Invoke
from tests.helpers import REPO_ROOT, generate_unit
from tests.history.conftest import git_env
from tests.importing.conftest import read_register

PURCHASER = "registers/药剂科/药品采购员.yaml"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    shutil.copytree(REPO_ROOT / "registers", root / "registers")
    shutil.copy(REPO_ROOT / "lzfk.yaml", root / "lzfk.yaml")
    return root


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "registers").rglob("*")) if p.is_file()}


def _export(invoke: Invoke, root: Path) -> Path:
    out = root.parent / "汇总表.xlsx"
    assert invoke("export", "xlsx", "--editable", "--out", str(out), cwd=root).exit_code == 0
    return out


def _rows(sheet: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, int]:
    header = [cell.value for cell in sheet[1]]
    return {str(sheet.cell(row=r, column=header.index("编号") + 1).value): r for r in range(2, sheet.max_row + 1)}


def _column(sheet: openpyxl.worksheet.worksheet.Worksheet, name: str) -> int:
    return [cell.value for cell in sheet[1]].index(name) + 1


def test_no_edit_changes_zero_bytes_on_the_sample(invoke: Invoke, sample: Path) -> None:
    before = _snapshot(sample)
    workbook = _export(invoke, sample)
    result = invoke("import", str(workbook), cwd=sample)
    assert result.exit_code == 0, result.stdout
    assert "没有修改，登记表一字未动" in result.stdout
    assert _snapshot(sample) == before


def test_no_edit_after_a_save_in_a_spreadsheet_program(invoke: Invoke, sample: Path) -> None:
    before = _snapshot(sample)
    path = _export(invoke, sample)
    book = openpyxl.load_workbook(path)
    book.save(path)  # re-saved by another program: types and line breaks come back as written
    invoke("import", str(path), cwd=sample)
    assert _snapshot(sample) == before


def test_edits_applied_in_place(invoke: Invoke, sample: Path) -> None:
    before = _snapshot(sample)
    path = _export(invoke, sample)
    book = openpyxl.load_workbook(path)
    sheet = book["明细"]
    rows = _rows(sheet)
    sheet.cell(row=rows["YJK-CG-02"], column=_column(sheet, "等级"), value="一级")
    sheet.cell(
        row=rows["YJK-CG-01"], column=_column(sheet, "中期监控"), value="每月公示采购品种、数量和配送企业\u3000纪检监察室抽查"
    )
    sheet.cell(row=rows["YJK-CG-01"], column=_column(sheet, "表现形式"), value="接受配送企业宴请\n同类品种中长期倾向特定配送企业")
    new = sheet.max_row + 1
    for name, value in {
        "科室": "药剂科",
        "岗位": "药品采购员",
        "风险点": "泄露采购计划",
        "类型": "岗位职责风险",
        "表现形式": "向企业透露采购数量",
        "等级": "二级",
        "前期预防": "采购计划限定知悉范围",
        "后期处置": "查实泄露的调离岗位",
    }.items():
        sheet.cell(row=new, column=_column(sheet, name), value=value)
    book.save(path)
    result = invoke("import", "--dry-run", str(path), cwd=sample)
    assert "将修改" in result.stdout and "YJK-CG-02 等级：二级 → 一级" in result.stdout
    assert _snapshot(sample) == before
    result = invoke("import", str(path), cwd=sample)
    assert result.exit_code == 0, result.stdout
    after = _snapshot(sample)
    assert [name for name in before if before[name] != after[name]] == [PURCHASER]
    old_text, new_text = before[PURCHASER].decode(), after[PURCHASER].decode()
    assert old_text.splitlines()[:14] == new_text.splitlines()[:14]  # head of the file untouched
    assert "审核: {意见: 情况属实，同意, 签字: 吴某某, 日期: 2025-03-05}" in new_text  # flow style kept
    data = read_register(sample / PURCHASER)
    risks = {r["编号"]: r for r in data["风险点"]}
    assert risks["YJK-CG-02"]["等级"] == "一级"
    assert risks["YJK-CG-01"]["防控措施"][1]["内容"] == "每月公示采购品种、数量和配送企业\u3000纪检监察室抽查"
    assert risks["YJK-CG-01"]["防控措施"][1]["期限"] == "每月"  # keys the sheet does not show are kept
    assert risks["YJK-CG-01"]["表现形式"] == ["接受配送企业宴请", "同类品种中长期倾向特定配送企业"]
    added = risks["YJK-CG-03"]
    assert added["名称"] == "泄露采购计划" and added["等级"] == "二级"
    assert added["防控措施"] == [
        {"阶段": "前期预防", "内容": "采购计划限定知悉范围"},
        {"阶段": "后期处置", "内容": "查实泄露的调离岗位"},
    ]


def test_removal_needs_a_reason(invoke: Invoke, sample: Path) -> None:
    path = _export(invoke, sample)
    book = openpyxl.load_workbook(path)
    sheet = book["明细"]
    rows = _rows(sheet)
    sheet.cell(row=rows["YJK-CG-02"], column=_column(sheet, "撤销理由"), value="采购改由集采平台自动下单")
    sheet.delete_rows(rows["YJK-CG-01"])  # deleted without a reason: refused
    book.save(path)
    result = invoke("import", str(path), cwd=sample)
    assert result.exit_code == 1
    assert "LZ631" in result.stdout and "YJK-CG-01" in result.stdout
    data = read_register(sample / PURCHASER)
    assert [r["编号"] for r in data["风险点"]] == ["YJK-CG-01"]
    withdrawn = data["已撤销"][0]
    assert withdrawn["编号"] == "YJK-CG-02" and withdrawn["理由"] == "采购改由集采平台自动下单"


def test_bad_values_and_stale_files_are_refused(invoke: Invoke, sample: Path) -> None:
    path = _export(invoke, sample)
    book = openpyxl.load_workbook(path)
    sheet = book["明细"]
    rows = _rows(sheet)
    sheet.cell(row=rows["YJK-CG-02"], column=_column(sheet, "等级"), value="特级")
    sheet.cell(row=rows["CWK-01"], column=_column(sheet, "风险点"), value="改名")
    book.save(path)
    finance = sample / "registers/财务科/科室.yaml"
    finance.write_text(finance.read_text(encoding="utf-8") + "# 导出后有人改过\n", encoding="utf-8")
    before = _snapshot(sample)
    result = invoke("import", str(path), cwd=sample)
    assert result.exit_code == 1
    assert "LZ633" in result.stdout and "“特级”" in result.stdout
    assert "LZ632" in result.stdout and "registers/财务科/科室.yaml 在导出汇总表之后已被修改" in result.stdout
    assert _snapshot(sample) == before


def test_no_edit_changes_zero_bytes_on_a_2000_post_unit(invoke: Invoke, tmp_path: Path) -> None:
    """The commands a clerk runs, on a committed unit of 2,000 posts (the 最近修改 column filled)."""
    root = tmp_path / "unit"
    generate_unit(root, 2000)
    env = git_env(tmp_path)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "登记表"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
    before = _snapshot(root)
    started = time.perf_counter()
    workbook = _export(invoke, root)
    book = openpyxl.load_workbook(workbook, read_only=True)
    detail = list(book["明细"].iter_rows(values_only=True))
    rows = len(detail) - 1
    assert rows > 4000 and sum(1 for _ in book["lzfk"].iter_rows(min_row=2)) == rows
    assert {row[detail[0].index("最近修改")] for row in detail[1:]} == {"2024-03-01"}
    book.close()
    result = invoke("import", str(workbook), cwd=root)
    assert result.exit_code == 0, result.stdout[-2000:]
    assert f"可编辑汇总表：明细 {rows} 行" in result.stdout
    assert "没有修改，登记表一字未动" in result.stdout
    assert _snapshot(root) == before
    assert subprocess.run(["git", "status", "--porcelain"], cwd=root, env=env, capture_output=True, text=True).stdout == ""
    assert time.perf_counter() - started < 120  # a guard against a hang, not a speed test (see bench/)


def test_values_excel_retypes_come_back_as_the_text_they_were(invoke: Invoke, tmp_path: Path) -> None:
    from tests.helpers import LEADER, build_repo

    text = LEADER.replace("名称: 重大事项个人说了算", "名称: '2025'").replace(
        "以个人意见代替集体决策", "以个人意见\u3000代替集体决策"
    )
    root = build_repo(tmp_path / "repo", {"院长.yaml": text})
    before = _snapshot(root)
    path = _export(invoke, root)
    book = openpyxl.load_workbook(path)
    sheet = book["明细"]
    row = _rows(sheet)["LD-YZ-01"]
    sheet.cell(row=row, column=_column(sheet, "风险点"), value=2025)  # Excel made the name a number
    sheet.cell(row=row, column=_column(sheet, "前期预防"), value="执行“三重一大”集体决策制度")
    book.save(path)
    result = invoke("import", str(path), cwd=root)
    assert result.exit_code == 0, result.stdout
    assert _snapshot(root) == before
