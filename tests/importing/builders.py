"""Legacy register files built the way real ones are: merged cells, repeated headers, footers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table


def _vmerge(table: Table, column: int, top: int, bottom: int) -> None:
    """Merge a column down the way Word does: w:vMerge restart, then continue (only the first keeps text)."""
    for row in range(top, bottom + 1):
        cell = table.rows[row].cells[column]
        properties = cell._tc.get_or_add_tcPr()
        merge = OxmlElement("w:vMerge")
        if row == top:
            merge.set(qn("w:val"), "restart")
        else:
            for paragraph in list(cell._tc.findall(qn("w:p")))[1:]:
                cell._tc.remove(paragraph)
            cell.paragraphs[0].text = ""
        properties.append(merge)


POST_FORM = {
    "unit": "青山县人民医院",
    "post": "药品采购员",
    "grade": "一级",
    "name": "张某",
    "duties": "1.按计划在平台下单采购药品\n2.核对到货药品的品规和票据",
    "risks": "1.收受供应商回扣：接受宴请或礼金；倾向特定供应商\n2.擅自变更采购数量：未经审批增加采购量",
    "measures": "1.事前：签订廉洁承诺书，参加警示教育\n2.事中：每月公示采购品种和数量",
    "review": "情况属实，同意\n签字：吴某\n2025年3月5日",
    "approval": "同意\n签字：刘某\n2025年3月12日",
}


def post_form(path: Path, values: dict[str, str] | None = None, *, department: str | None = None) -> Path:
    """Annex 2: label cells (spread with full-width spaces or line breaks) beside merged value cells."""
    v = {**POST_FORM, **(values or {})}
    document = Document()
    document.add_paragraph("个人岗位廉政风险防控表")
    table = document.add_table(rows=0, cols=4)
    rows: list[tuple[str, ...]] = [
        ("单\u3000\u3000位", v["unit"], "职\u3000务", v["post"]),
        ("风险等级", v["grade"], "姓\u3000名", v["name"]),
    ]
    if department:
        rows.append(("科\u3000\u3000室", department, "", ""))
    rows += [
        ("主要\n职责", v["duties"]),
        ("存在廉\n政风险", v["risks"]),
        ("自我防\n控措施", v["measures"]),
        ("审核意见", v["review"]),
        ("审定意见", v["approval"]),
    ]
    for values_row in rows:
        cells = table.add_row().cells
        if len(values_row) == 2 or not values_row[2]:
            merged = cells[1].merge(cells[3])
            cells[0].text = values_row[0]
            merged.text = values_row[1]
        else:
            for cell, text in zip(cells, values_row, strict=True):
                cell.text = text
    document.add_paragraph("第 1 页，共 1 页")
    document.save(str(path))
    return path


LISTING_HEADER = (
    "序号",
    "单位/科室",
    "岗位",
    "风险类别",
    "风险点",
    "廉政风险主要内容及表现形式",
    "风险等级",
    "防控措施",
    "部门负责人",
    "责任领导",
)


def listing_docx(
    path: Path,
    departments: Sequence[tuple[str, str, str, Sequence[tuple[str, ...]]]],
    *,
    stated: int | None = None,
    split_after: int | None = None,
) -> Path:
    """A unit-wide 一览表: 科室 and person cells merged down their rows; header repeated as an
    ordinary row after a page break and "第 x 页" lines between rows (as converted from print);
    with split_after, the table is continued as a second table that has no header at all."""
    document = Document()
    document.add_paragraph("廉政风险识别防控一览表")
    if stated is not None:
        document.add_paragraph(f"本单位共排查出廉政风险点 {stated} 个。")
    table = document.add_table(rows=1, cols=len(LISTING_HEADER))
    for cell, text in zip(table.rows[0].cells, LISTING_HEADER, strict=True):
        cell.text = text
    number = 0
    for department, head, leader, risks in departments:
        first = len(table.rows)
        for risk in risks:
            if split_after is not None and number == split_after:
                _merge_group(table, first, len(table.rows) - 1)
                table = document.add_table(rows=0, cols=len(LISTING_HEADER))
                first = 0
            number += 1
            if number % 3 == 0:
                footer = table.add_row().cells
                merged = footer[0].merge(footer[-1])
                merged.text = f"第 {number // 3} 页，共 9 页"
                header = table.add_row().cells
                for cell, text in zip(header, LISTING_HEADER, strict=True):
                    cell.text = text
                first = len(table.rows)
            cells = table.add_row().cells
            post, category, name, manifest, grade, measures = risk
            texts = (
                str(number),
                department if len(table.rows) - 1 == first else "",
                post,
                category,
                name,
                manifest,
                grade,
                measures,
                head if len(table.rows) - 1 == first else "",
                leader if len(table.rows) - 1 == first else "",
            )
            for cell, text in zip(cells, texts, strict=True):
                cell.text = text
        _merge_group(table, first, len(table.rows) - 1)
    document.save(str(path))
    return path


def _merge_group(table: Table, top: int, bottom: int) -> None:
    if bottom > top:
        for column in (1, 8, 9):
            _vmerge(table, column, top, bottom)


def two_row_header_xlsx(path: Path, *, password_like: bool = False) -> Path:
    """Excel 一览表: a title merged across, a two-row header (防控责任人 over three columns), a
    grouping column merged down with its value only in the first cell, 1.1/1.2 sub-items, and
    the header and a page footer repeated in the middle."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "一览表"
    sheet.append(["某县住房和城乡建设局廉政风险防控一览表（共 4 个风险点）"])
    sheet.merge_cells("A1:I1")
    sheet.append(["序号", "岗位类别", "风险名称", "风险描述", "风险级别", "防控措施", "防控责任人", None, None])
    sheet.append([None, None, None, None, None, None, "直接责任人", "部门责任人", "责任领导"])
    for column in "ABCDEF":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("G2:I2")
    rows = [
        (
            1,
            "行政审批",
            "违规审批资质",
            "1.1 降低资质审查标准\n1.2 为关系人优先办理",
            "Ⅰ级",
            "（1）事前：审批标准公开（2）事中：系统留痕",
            "王某",
            "李某",
            "赵某",
        ),
        (2, None, "收受申请人财物", "收受好处费；接受宴请", "Ⅱ级", "1.签订承诺书；2.随机抽查", "王某", None, None),
        ("第 1 页，共 2 页", None, None, None, None, None, None, None, None),
        ("序号", "岗位类别", "风险名称", "风险描述", "风险级别", "防控措施", "直接责任人", "部门责任人", "责任领导"),
        (
            3,
            "工程监管",
            "监督检查走过场",
            "1.1 检查不到现场\n1.2 隐瞒质量问题",
            "Ⅲ级",
            "后期处置：对失职人员问责",
            "钱某",
            "孙某",
            "赵某",
        ),
        (4, None, "违规变更设计", "擅自同意设计变更", "Ⅴ级", "事中：变更须集体研究", "钱某", None, None),
    ]
    for row in rows:
        sheet.append(list(row))
    sheet.merge_cells("B4:B5")  # 行政审批 merged down over its two rows
    sheet.merge_cells("A6:I6")  # the footer line
    workbook.save(str(path))
    return path


def department_form_with_rows(path: Path) -> Path:
    """Annex 3 variant: 存在廉政风险 | 风险等级 | 自我防控措施 as a header row, one risk per row below."""
    document = Document()
    table = document.add_table(rows=0, cols=4)
    head = table.add_row().cells
    for cell, text in zip(head, ("单位", "青山县人民医院", "处科室名称", "设备科"), strict=True):
        cell.text = text
    second = table.add_row().cells
    for cell, text in zip(second, ("负 责 人", "陈某", "风险等级", "二级"), strict=True):
        cell.text = text
    duties = table.add_row().cells
    duties[0].text = "主要职责"
    duties[1].merge(duties[3]).text = "负责医疗设备的采购、验收和维修管理"
    rows = table.add_row().cells
    rows[0].text, rows[1].text = "存在廉政风险", "自我防控措施"
    for risk, measure in (
        ("设备参数设置倾向特定品牌（一级）", "事前预防：参数论证会集体决定\n事中监控：纪检全程监督"),
        ("验收走过场：不按合同核对配置", "后期处置：验收不合格的拒付货款"),
    ):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = risk, measure
    review = table.add_row().cells
    review[0].text = "审核意见"
    review[1].merge(review[3]).text = "同意（签字）刘某 2025.3.19"
    approval = table.add_row().cells
    approval[0].text = "审定意见"
    approval[1].merge(approval[3]).text = "（签字）\u3000\u3000年\u3000月\u3000日"
    document.save(str(path))
    return path
