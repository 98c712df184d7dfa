"""One source file to imported registers and a table-by-table account of how it was read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lianzheng_cli.findings import Finding
from lianzheng_cli.importing.content import stated_total
from lianzheng_cli.importing.forms import form_values, is_form, parse_form
from lianzheng_cli.importing.listing import Header, find_header, parse_listing
from lianzheng_cli.importing.read_csv import read_csv
from lianzheng_cli.importing.read_docx import read_docx
from lianzheng_cli.importing.read_sheet import read_sheets
from lianzheng_cli.importing.records import Collector, ImportedRegister, TableReport
from lianzheng_cli.importing.table import ReadFailure, SourceFile, SourceTable
from lianzheng_cli.importing.vocabulary import Vocabulary

READERS = {
    ".docx": read_docx,
    ".xlsx": read_sheets,
    ".xlsm": read_sheets,
    ".xls": read_sheets,
    ".ods": read_sheets,
    ".csv": read_csv,
}
SUFFIXES = (*READERS, ".doc")


@dataclass
class SourceResult:
    display: str
    tables: list[TableReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    registers: list[ImportedRegister] = field(default_factory=list)
    stated: int | None = None
    encoding: str = ""
    failed: bool = False

    @property
    def counted(self) -> int:
        return sum(len(register.risks) for register in self.registers)


def read_source(
    path: Path,
    display: str,
    vocabulary: Vocabulary,
    *,
    default_department: str | None,
    converted: Path | ReadFailure | None = None,
) -> SourceResult:
    collector = Collector(display)
    result = SourceResult(display)
    try:
        source = _read(path, converted)
    except ReadFailure as failure:
        collector.add(failure.code, failure.message, failure.hint)
        return _done(result, collector, failed=True)
    except OSError as exc:
        collector.add("LZ601", f"文件无法读取：{exc.strerror or exc}", "检查文件是否存在、是否有读取权限")
        return _done(result, collector, failed=True)
    result.encoding = source.encoding
    try:
        _tables(source, result, collector, vocabulary, display, default_department)
    except (ValueError, IndexError, KeyError, TypeError, AttributeError) as exc:
        # A structure no fixture had: this file is refused with its name, the others go on.
        collector.add(
            "LZ601", f"表格结构无法解析（{type(exc).__name__}）", "请把该文件报告给维护者；可先在 Word/Excel 中简化表格后再导入"
        )
    return _done(result, collector, failed=collector.failed)


def _tables(
    source: SourceFile,
    result: SourceResult,
    collector: Collector,
    vocabulary: Vocabulary,
    display: str,
    default_department: str | None,
) -> None:
    tables = [table for table in source.tables if any(cell for row in table.rows for cell in row.cells)]
    if not tables:
        collector.add("LZ603", "文件中没有表格或内容", "检查是否选错了文件；登记表须是 Word 表格或 Excel 工作表")
        return
    notes = list(source.notes)
    unread: list[str] = []
    previous: Header | None = None
    previous_width = 0
    for table in tables:
        report = TableReport(table.label, "未识别")
        result.tables.append(report)
        values = form_values(table, vocabulary)
        if is_form(values):
            report.shape = "登记表"
            result.registers += parse_form(
                table, values, vocabulary, collector, report, f"{display}（{table.label}）", default_department=default_department
            )
            previous = None
            continue
        header = find_header(table, vocabulary)
        if previous is not None and table.width == previous_width and (header is None or header.keys == previous.keys):
            # A table continued after a page break: with or without its header repeated.
            report.shape = "续表"
            continued = Header(previous.row, previous.columns, previous.texts, previous.keys, 0)
            result.registers += parse_listing(
                table,
                continued,
                vocabulary,
                collector,
                report,
                f"{display}（{table.label}）",
                continued=True,
                default_department=default_department,
            )
            continue
        if header is not None:
            report.shape = "一览表"
            notes += [" ".join(row.cells) for row in table.rows[: header.row]]
            result.registers += parse_listing(
                table, header, vocabulary, collector, report, f"{display}（{table.label}）", default_department=default_department
            )
            previous, previous_width = header, table.width
            continue
        unread.append(table.label)
    result.stated = stated_total(notes + [note for table in tables for note in table.notes])
    _unread(collector, unread, imported=bool(result.registers))
    _totals(result, collector)
    _quality(result, collector)


def _read(path: Path, converted: Path | ReadFailure | None) -> SourceFile:
    suffix = path.suffix.lower()
    if suffix == ".doc":
        if isinstance(converted, ReadFailure):
            raise converted
        if converted is None:
            raise ReadFailure("LZ609", "旧版 Word（.doc）文件未能转换", "在 Word/WPS 中另存为 .docx 后再导入")
        return read_docx(converted)
    reader = READERS.get(suffix)
    if reader is None:
        raise ReadFailure(
            "LZ610", f"不支持的文件类型“{path.suffix or '（无扩展名）'}”", "可导入 .docx、.doc、.xlsx、.xls、.csv 文件"
        )
    if path.stat().st_size == 0:
        raise ReadFailure("LZ603", "文件是空的（0 字节）", "检查是否选错了文件")
    return reader(path)


def _unread(collector: Collector, labels: list[str], *, imported: bool) -> None:
    if not labels:
        return
    names = "、".join(labels[:5]) + ("等" if len(labels) > 5 else "")
    if imported:
        collector.add(
            "LZ615", f"{names}不是登记表或一览表，已跳过", "如果其中有风险点，请在 lzfk.yaml 的“导入表头”中加上它的表头写法"
        )
        return
    collector.add(
        "LZ604",
        f"{names}中找不到可识别的表头（需要“风险点”一类的列，以及等级、措施等）",
        "在 lzfk.yaml 的“导入表头”中写明本单位的表头，如 导入表头: {风险点: [廉政风险事项]}；见 docs/import.md",
    )


def _totals(result: SourceResult, collector: Collector) -> None:
    if result.stated is not None and result.stated != result.counted:
        collector.add(
            "LZ608",
            f"文件中写明共 {result.stated} 个风险点，实际导入 {result.counted} 个",
            "核对源文件：封面或说明中的合计常有笔误；以导入报告中逐表的计数为准",
        )


def _quality(result: SourceResult, collector: Collector) -> None:
    risks = [risk for register in result.registers for risk in register.risks]
    groups = (
        ("LZ607", [r for r in risks if any(m.stage is None for m in r.measures)],
         "的防控措施没有标明阶段（前期预防、中期监控、后期处置），未写“阶段”",
         "导入后为每条措施补上“阶段”，或在源表中用“事前：”“事中：”“事后：”分段"),
        ("LZ614", [r for r in risks if not r.measures],
         "没有防控措施", "导入后补写“防控措施”（每个风险点至少一条）"),
        ("LZ616", [r for r in risks if not r.type],
         "没有风险类型", "导入后补写“类型”，或在源表中加“风险类别”列"),
    )  # fmt: skip
    for code, found, message, hint in groups:
        if found:
            names = "、".join(f"“{r.name}”" for r in found[:3]) + ("等" if len(found) > 3 else "")
            collector.add(code, f"{len(found)} 个风险点（{names}）{message}", hint, where=found[0].table, row=found[0].row)


def _done(result: SourceResult, collector: Collector, *, failed: bool) -> SourceResult:
    result.findings = collector.findings
    result.failed = failed
    if failed:
        result.registers = []
    return result


__all__ = ["SUFFIXES", "SourceResult", "SourceTable", "read_source"]
