"""The 汇总表 workbook (XlsxWriter): 汇总, 科室, 明细 and 校验 sheets, ready to print on A3.

Counts are always computed from the registers (totals are formulas with their values
cached), never copied from a stated figure. With ``editable`` the 明细 sheet also carries
what ``lzfk import`` needs to apply a clerk's edits back (see importing/roundtrip.py).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lianzheng_cli.config import Config
from lianzheng_cli.findings import Finding
from lianzheng_cli.models import DepartmentRegister, PostRegister, Register, RiskPoint

FONT = "宋体"
HEADING_FONT = "黑体"
A3 = 8
LEADERSHIP = "领导班子"
UNIT_ROW = "单位"
UNSTAGED = "其他措施"
MAX_WIDTH = 60
LINE_HEIGHT = 13.5  # points per line of 10-point 宋体
EDIT_SHEET = "明细"
LOCATOR_HEADER = "定位（请勿修改）"
REASON_HEADER = "撤销理由"
LOCATOR_SHEET = "lzfk"
DETAIL_HEADERS = (
    "单位",
    "科室",
    "岗位",
    "编号",
    "风险点",
    "类型",
    "表现形式",
    "等级",
    "前期预防",
    "中期监控",
    "后期处置",
    "责任人",
    "审定日期",
    "最近修改",
)


@dataclass(frozen=True)
class DetailRow:
    """One risk point as a 明细 row, and where it lives."""

    department: str
    post: str
    path: str
    index: int
    risk: RiskPoint
    register: Register
    digest: str


def last_change_dates(root: Path, folder: str = "") -> dict[str, str]:
    """Date of the last commit that touched each file (paths relative to root); {} outside git."""
    from lianzheng_cli.history.gitio import GitError, GitRepo

    try:
        with GitRepo(root) as git:
            out = (
                git.try_run("log", "--format=%x00%cs", "--name-only", "--no-renames", "--", git.path_in_repo(folder) or ".") or ""
            )
            dates: dict[str, str] = {}
            for block in out.split("\0")[1:]:
                day, *names = block.strip("\n").split("\n")
                for name in names:
                    if name:
                        dates.setdefault(git.relative_to_prefix(name), day)
            return dates
    except GitError:
        return {}


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def detail_rows(root: Path, registers: Iterable[tuple[str, Register]], *, digests: bool = True) -> list[DetailRow]:
    """One row per risk point of the given (path, register) pairs; digests=False leaves the
    files unread (only an editable workbook's locators need them)."""
    pairs = list(registers)
    names = {r.id: r.name for _, r in pairs if isinstance(r, DepartmentRegister)}
    rows: list[DetailRow] = []
    for path, register in pairs:
        department, post = _place(register, names)
        digest = file_digest(root / path) if digests else ""
        rows += [DetailRow(department, post, path, i, risk, register, digest) for i, risk in enumerate(register.risks)]
    return rows


def _place(register: Register, names: dict[str, str]) -> tuple[str, str]:
    if isinstance(register, PostRegister):
        department = LEADERSHIP if register.department == LEADERSHIP else names.get(register.department, register.department)
        return department, register.name
    if isinstance(register, DepartmentRegister):
        return register.name, ""
    return UNIT_ROW, ""


def stage_texts(risk: RiskPoint, config: Config) -> list[str]:
    """Measure contents per stage column (one line each), unstaged ones after the last stage."""
    columns: list[list[str]] = [[] for _ in range(3)]
    for measure in risk.measures:
        stage = measure.stage if measure.stage in config.stages else None
        index = config.stages.index(stage) if stage is not None else 2
        columns[min(index, 2)].append(measure.content if stage is not None else f"{UNSTAGED}：{measure.content}")
    return ["\n".join(items) for items in columns]


def owners(risk: RiskPoint) -> str:
    seen: list[str] = []
    for measure in risk.measures:
        if measure.owner and measure.owner not in seen:
            seen.append(measure.owner)
    return "、".join(seen)


def write_workbook(
    config: Config,
    root: Path,
    registers: Iterable[tuple[str, Register]],
    findings: list[Finding],
    out: Path,
    *,
    editable: bool = False,
    last_changes: dict[str, str] | None = None,
) -> int:
    """Write the workbook of the (path, register) pairs to out; the number of risk points in it."""
    import xlsxwriter

    rows = sorted(
        detail_rows(root, registers, digests=editable), key=lambda r: (r.department == UNIT_ROW, r.department, r.post, r.risk.id)
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(
        str(out), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    styles = _Styles(workbook)
    _summary_sheet(workbook, styles, rows, config)
    _department_sheet(workbook, styles, rows, config)
    _detail_sheet(workbook, styles, rows, config, editable=editable, last_changes=last_changes or {})
    _findings_sheet(workbook, styles, findings)
    if editable:
        _locator_sheet(workbook, rows)
    workbook.close()
    return len(rows)


class _Styles:
    def __init__(self, workbook: Any) -> None:
        base = {"font_name": FONT, "font_size": 10, "valign": "top", "border": 1}
        self.title = workbook.add_format({"font_name": HEADING_FONT, "font_size": 16, "align": "center", "valign": "vcenter"})
        self.header = workbook.add_format(
            {
                **base,
                "font_name": HEADING_FONT,
                "bold": True,
                "align": "center",
                "valign": "vcenter",
                "bg_color": "#D9D9D9",
                "text_wrap": True,
            }
        )
        self.text = workbook.add_format({**base, "text_wrap": True, "num_format": "@"})
        self.number = workbook.add_format({**base, "align": "center"})
        self.total = workbook.add_format({**base, "bold": True, "align": "center"})
        self.total_label = workbook.add_format({**base, "bold": True})


def text_width(text: str) -> int:
    """Display width in Excel column units: a CJK character counts two."""
    return max(_line_widths(str(text)))


def _line_widths(text: str) -> list[int]:
    """Width of each line of text. CJK characters and full-width punctuation take three
    bytes in UTF-8 and ASCII one, so the byte count gives the width without a
    per-character loop (this runs on every cell)."""
    return [len(line) + (len(line.encode("utf-8")) - len(line)) // 2 for line in text.split("\n")]


def _page_setup(sheet: Any, header_rows: int, columns: int, rows: int) -> None:
    sheet.set_paper(A3)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, header_rows - 1)
    sheet.freeze_panes(header_rows, 0)
    sheet.autofilter(header_rows - 1, 0, max(header_rows - 1, header_rows - 1 + rows), columns - 1)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.set_footer("&C第 &P 页，共 &N 页")


def _widths(sheet: Any, table: list[list[str]], *, minimum: int = 6, fixed: dict[int, int] | None = None) -> list[int]:
    """Set and return column widths: the widest text (CJK counted double), or a fixed width
    in which long texts wrap; rows are then made tall enough for their wrapped lines, since
    neither XlsxWriter nor every spreadsheet program does that on its own."""
    measured: dict[str, list[int]] = {}  # line widths of each distinct text, measured once
    columns = [
        [measured.get(text) or measured.setdefault(text, _line_widths(text)) for text in texts]
        for texts in zip(*table, strict=True)
    ]
    widths = []
    for column, cells in enumerate(columns):
        width = (fixed or {}).get(column) or min(max(max(max(cell) for cell in cells) + 2, minimum), MAX_WIDTH)
        sheet.set_column(column, column, width)
        widths.append(width)
    for r in range(1, len(table)):
        lines = max(
            (
                _wrapped_lines(cells[r], width - 1)
                for cells, width in zip(columns, widths, strict=True)
                if len(cells[r]) > 1 or cells[r][0] > width - 1  # only these can take more than one line
            ),
            default=1,
        )
        if lines > 1:
            sheet.set_row(r, LINE_HEIGHT * lines)
    return widths


def _wrapped_lines(line_widths: list[int], width: int) -> int:
    return sum(max(1, -(-each // max(width, 1))) for each in line_widths)


def _counts_table(
    workbook: Any,
    styles: _Styles,
    name: str,
    keys: Sequence[tuple[str, ...]],
    key_headers: list[str],
    counts: Counter[tuple[str, ...]],
    config: Config,
) -> None:
    sheet = workbook.add_worksheet(name)
    headers = [*key_headers, *config.grades, "合计"]
    sheet.write_row(0, 0, headers, styles.header)
    width = len(key_headers)
    table = [headers]
    for r, key in enumerate(keys, start=1):
        for c, label in enumerate(key):
            sheet.write_string(r, c, label, styles.text)
        values = [counts[(*key, grade)] for grade in config.grades]
        for c, count in enumerate(values, start=width):
            sheet.write_number(r, c, count, styles.number)
        first, last = _cell(r, width), _cell(r, width + len(values) - 1)
        sheet.write_formula(r, width + len(values), f"=SUM({first}:{last})", styles.total, sum(values))
        table.append([*key, *(str(v) for v in values), str(sum(values))])
    total_row = len(keys) + 1
    sheet.write_string(total_row, 0, "合计", styles.total_label)
    for c in range(1, width):
        sheet.write_blank(total_row, c, None, styles.total_label)
    for c in range(width, width + len(config.grades) + 1):
        column_total = sum(int(row[c]) for row in table[1:])
        sheet.write_formula(total_row, c, f"=SUM({_cell(1, c)}:{_cell(max(total_row - 1, 1), c)})", styles.total, column_total)
    _widths(sheet, table)
    _page_setup(sheet, 1, len(headers), len(keys) + 1)


def _cell(row: int, column: int) -> str:
    from xlsxwriter.utility import xl_rowcol_to_cell

    return str(xl_rowcol_to_cell(row, column))


def _summary_sheet(workbook: Any, styles: _Styles, rows: list[DetailRow], config: Config) -> None:
    counts: Counter[tuple[str, ...]] = Counter((row.department, _grade(row, config)) for row in rows)
    departments = sorted({row.department for row in rows}, key=lambda d: (d == UNIT_ROW, d == LEADERSHIP, d))
    _counts_table(workbook, styles, "汇总", [(d,) for d in departments], ["科室"], counts, config)


def _department_sheet(workbook: Any, styles: _Styles, rows: list[DetailRow], config: Config) -> None:
    counts: Counter[tuple[str, ...]] = Counter((row.department, row.risk.type, _grade(row, config)) for row in rows)
    keys = sorted(
        {(row.department, row.risk.type) for row in rows}, key=lambda k: (k[0] == UNIT_ROW, k[0], _type_rank(k[1], config))
    )
    _counts_table(workbook, styles, "科室", keys, ["科室", "风险类型"], counts, config)


def _type_rank(risk_type: str, config: Config) -> tuple[int, str]:
    return (config.risk_types.index(risk_type), "") if risk_type in config.risk_types else (len(config.risk_types), risk_type)


def _grade(row: DetailRow, config: Config) -> str:
    known = config.grade(row.risk.grade)
    return known.name if known is not None else row.risk.grade


def detail_values(row: DetailRow, config: Config, last_changes: dict[str, str]) -> list[str]:
    risk = row.risk
    approval = row.register.approval
    return [
        config.unit,
        row.department,
        row.post,
        risk.id,
        risk.name,
        risk.type,
        "\n".join(risk.manifestations),
        risk.grade,
        *stage_texts(risk, config),
        owners(risk),
        approval.date.isoformat() if approval is not None else "",
        last_changes.get(row.path, ""),
    ]


def _detail_sheet(
    workbook: Any, styles: _Styles, rows: list[DetailRow], config: Config, *, editable: bool, last_changes: dict[str, str]
) -> None:
    sheet = workbook.add_worksheet(EDIT_SHEET)
    headers = [*DETAIL_HEADERS, *((REASON_HEADER, LOCATOR_HEADER) if editable else ())]
    sheet.write_row(0, 0, headers, styles.header)
    table = [headers]
    for r, row in enumerate(rows, start=1):
        values = detail_values(row, config, last_changes)
        if editable:
            values += ["", locator(row)]
        for c, value in enumerate(values):
            sheet.write_string(r, c, value, styles.text)
        table.append(values)
    _widths(sheet, table, fixed=dict.fromkeys((4, 6, 8, 9, 10), 36))  # long texts wrap in a fixed width
    if editable:
        sheet.set_column(len(headers) - 1, len(headers) - 1, 30, None, {"hidden": True})
    _page_setup(sheet, 1, len(headers) - (1 if editable else 0), len(rows))


def locator(row: DetailRow) -> str:
    return f"{row.path}#{row.index}#{row.digest}"


def _locator_sheet(workbook: Any, rows: list[DetailRow]) -> None:
    """Every exported row's locator, hidden: a row deleted from 明细 is noticed, not silently kept."""
    sheet = workbook.add_worksheet(LOCATOR_SHEET)
    sheet.write_string(0, 0, LOCATOR_HEADER)
    for r, row in enumerate(rows, start=1):
        sheet.write_string(r, 0, locator(row))
    sheet.hide()


def _findings_sheet(workbook: Any, styles: _Styles, findings: list[Finding]) -> None:
    sheet = workbook.add_worksheet("校验")
    headers = ["文件", "行", "列", "级别", "编号", "问题", "修改建议"]
    sheet.write_row(0, 0, headers, styles.header)
    table = [headers]
    for r, finding in enumerate(findings, start=1):
        values = [
            finding.path,
            str(finding.line),
            str(finding.column),
            finding.severity.label,
            finding.code,
            finding.message,
            finding.hint,
        ]
        for c, value in enumerate(values):
            if c in (1, 2):
                sheet.write_number(r, c, int(value), styles.number)
            else:
                sheet.write_string(r, c, value, styles.text)
        table.append(values)
    _widths(sheet, table)
    _page_setup(sheet, 1, len(headers), len(findings))
