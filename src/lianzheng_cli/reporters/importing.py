"""The import report: per source file the tables, header mapping, row counts and findings; then the files."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.text import Text

from lianzheng_cli.findings import Finding, Severity
from lianzheng_cli.importing.plan import ImportReport
from lianzheng_cli.importing.roundtrip import RoundTrip
from lianzheng_cli.importing.sources import SourceResult

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


CHUNK = 200  # lines per print: rich renders a whole print at once, so memory stays small


class _Lines:
    """The report's lines, printed a chunk at a time at the end: rich spends as long again
    on each separate print (a 10,000-row import reports some 6,000 lines). The same bytes
    either way."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.lines: list[Text] = []

    def print(self, line: str | Text = "") -> None:
        self.lines.append(line if isinstance(line, Text) else self.console.render_str(line))


def text(report: ImportReport, out: TextIO) -> None:
    printer = Console(file=out, highlight=False, soft_wrap=True)
    console = _Lines(printer)
    title = "导入预览（--dry-run，未写入任何文件）" if report.dry_run else "导入报告"
    console.print(Text(title, style="bold"))
    console.print()
    for source in report.sources:
        _source(console, source)
    for trip in report.roundtrips:
        _roundtrip(console, trip, dry_run=report.dry_run)
    _writes(console, report)
    if report.findings:
        console.print(Text("与登记库合并", style="bold"))
        for finding in report.findings:
            _finding(console, finding, with_path=True)
        console.print()
    if report.validation:
        console.print(Text("写入后检查（lzfk validate）", style="bold"))
        for finding in report.validation:
            _finding(console, finding, with_path=True)
        console.print()
    console.print(_summary(report))
    for start in range(0, len(console.lines), CHUNK):
        printer.print(Text("\n").join(console.lines[start : start + CHUNK]))


def _source(console: _Lines, source: SourceResult) -> None:
    console.print(Text(source.display, style="bold underline"))
    if source.encoding and source.encoding != "UTF-8":
        console.print(f"  编码：{source.encoding}")
    for table in source.tables:
        line = Text(f"  {table.label}：{table.shape}")
        if table.shape != "未识别":
            line.append(f"，导入 {table.imported} 个风险点")
        console.print(line)
        if table.mapping and table.shape == "一览表":
            mapping = "、".join(
                f"{written}→{fieldname}" if written != fieldname else written for written, fieldname in table.mapping
            )
            console.print(f"    表头：{mapping}")
        if table.unmapped:
            console.print(Text(f"    未导入的列：{'、'.join(table.unmapped)}", style="yellow"))
        if table.skipped:
            skipped = "，".join(f"{reason} {count} 行" for reason, count in table.skipped.most_common())
            console.print(f"    跳过：{skipped}")
        if table.grades:
            console.print(f"    按等级：{'，'.join(f'{grade} {count}' for grade, count in table.grades.items())}")
    stated = f"（文件中写明 {source.stated} 个）" if source.stated is not None else ""
    if not source.failed:
        console.print(f"  合计 {source.counted} 个风险点{stated}，{len(source.registers)} 张登记表")
    for finding in source.findings:
        _finding(console, finding, with_path=False)
    if source.failed:
        console.print(Text("  该文件未导入，其他文件不受影响", style="bold red"))
    console.print()


def _roundtrip(console: _Lines, trip: RoundTrip, *, dry_run: bool) -> None:
    console.print(Text(trip.display, style="bold underline"))
    console.print(f"  可编辑汇总表：明细 {trip.rows} 行")
    changed = [edits for edits in trip.files.values() if edits.notes]
    if not changed:
        console.print(Text("  没有修改，登记表一字未动", style="green"))
    verb = "将修改" if dry_run else "已修改"
    for edits in changed:
        console.print(Text(f"  {verb}  ", style="green") + Text(edits.display))
        for note in edits.notes:
            console.print(f"      {note}")
    for finding in trip.findings:
        _finding(console, finding, with_path=finding.path != trip.display)
    console.print()


def _writes(console: _Lines, report: ImportReport) -> None:
    if not report.writes:
        return
    verb = "将写入" if report.dry_run else "已写入"
    console.print(Text(f"登记表（{verb}）", style="bold"))
    for write in report.writes:
        style = "green" if write.action in ("新建", "合并", "覆盖") else "yellow" if write.action == "未写入" else "dim"
        detail = f"{write.risks} 个风险点" if write.action != "合并" else f"新增 {write.risks} 个风险点"
        console.print(Text(f"  {write.action}  ", style=style) + Text(f"{write.display}  {detail}"))
    console.print()


def _finding(console: _Lines, finding: Finding, *, with_path: bool) -> None:
    line = Text("  ")
    if with_path:
        place = finding.path + (f":{finding.line}:{finding.column}" if finding.line else "")
        line.append(f"{place}  ")
    line.append(finding.severity.label, style=_STYLE[finding.severity])
    line.append(f"  {finding.code}  ", style="dim")
    line.append(finding.message)
    console.print(line)
    if finding.hint:
        console.print(Text("      提示：", style="green") + Text(finding.hint))


def _summary(report: ImportReport) -> Text:
    findings = report.all_findings
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    failed = sum(s.failed for s in report.sources)
    risks = sum(s.counted for s in report.sources)
    files = sum(w.action in ("新建", "合并", "覆盖") for w in report.writes)
    verb = "将写入" if report.dry_run else "写入"
    trips = f"，{len(report.roundtrips)} 个汇总表" if report.roundtrips else ""
    sentence = f"读取 {len(report.sources)} 个文件{trips}（{failed} 个未能导入），{risks} 个风险点；{verb} {files} 个登记表文件；{errors} 个错误，{warnings} 个警告"
    return Text(sentence, style="bold red" if errors else "yellow" if warnings else "green")
