"""An edited ``export xlsx --editable`` workbook applied back to the register files in place.

Only what the clerk changed is written: a reworded name, type, grade or measure is spliced
into the file as a single value (every other byte kept); changed lists, new risk points and
withdrawals go through the ruamel round trip. Removal needs a reason (已撤销). A workbook
imported without edits changes nothing at all.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lianzheng_cli.config import Config
from lianzheng_cli.exporting.xlsx import (
    DETAIL_HEADERS,
    EDIT_SHEET,
    LOCATOR_HEADER,
    LOCATOR_SHEET,
    REASON_HEADER,
    UNSTAGED,
    DetailRow,
    detail_rows,
    file_digest,
    stage_texts,
)
from lianzheng_cli.findings import Finding
from lianzheng_cli.fsutil import write_atomic
from lianzheng_cli.importing.build import IdSpace
from lianzheng_cli.importing.emit import commented, restructured_text
from lianzheng_cli.importing.read_sheet import cell_value_text
from lianzheng_cli.importing.vocabulary import Vocabulary
from lianzheng_cli.loader.decode import SourceText, decode_source
from lianzheng_cli.loader.splice import EditError, ValueEdit, splice_file
from lianzheng_cli.loader.yamltree import Tree, parse_tree

if TYPE_CHECKING:
    from lianzheng_cli.importing.plan import RegisterFiles

Change = Callable[[Any], None]
STAGE_COLUMNS = ("前期预防", "中期监控", "后期处置")


@dataclass
class FileEdits:
    """What one register file gets: spliced values, then structural changes, in that order."""

    path: Path
    display: str
    values: list[ValueEdit] = field(default_factory=list)
    changes: list[tuple[int, Change]] = field(default_factory=list)  # (order, change): later orders run later
    notes: list[str] = field(default_factory=list)


@dataclass
class RoundTrip:
    display: str
    rows: int = 0
    files: dict[str, FileEdits] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def edits_for(self, row: DetailRow, root: Path) -> FileEdits:
        return self.files.setdefault(row.path, FileEdits(root / row.path, row.path))


def is_editable_workbook(path: Path) -> bool:
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    import python_calamine as calamine

    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
        try:
            if EDIT_SHEET not in workbook.sheet_names or LOCATOR_SHEET not in workbook.sheet_names:
                return False
            first = workbook.get_sheet_by_name(EDIT_SHEET).to_python(nrows=1)
            return bool(first) and LOCATOR_HEADER in [str(v) for v in first[0]]
        finally:
            workbook.close()
    except (calamine.CalamineError, OSError, ValueError):
        return False


def plan_roundtrip(path: Path, display: str, loaded: RegisterFiles) -> RoundTrip:
    import python_calamine as calamine

    result = RoundTrip(display)
    workbook = calamine.CalamineWorkbook.from_path(str(path))
    try:
        sheet = [
            [cell_value_text(v) for v in row] for row in workbook.get_sheet_by_name(EDIT_SHEET).to_python(skip_empty_area=False)
        ]
        exported = [cell_value_text(row[0]) for row in workbook.get_sheet_by_name(LOCATOR_SHEET).to_python()[1:] if row]
    finally:
        workbook.close()
    header = sheet[0]
    columns = {name: header.index(name) for name in (*DETAIL_HEADERS, REASON_HEADER, LOCATOR_HEADER) if name in header}
    planner = _Planner(loaded, result, columns)
    seen: set[str] = set()
    for number, row in enumerate(sheet[1:], start=2):
        cells = [*row, *([""] * (len(header) - len(row)))]
        if not any(cell.strip() for cell in cells):
            continue
        result.rows += 1
        where = cells[columns[LOCATOR_HEADER]]
        seen.add(where)
        planner.row(number, cells, where)
    for where in exported:
        if where not in seen and where in planner.by_locator:
            lost = planner.by_locator[where]
            result.findings.append(
                Finding.of(
                    "LZ631",
                    lost.path,
                    (0, 0),
                    f"风险点 {lost.risk.id} 从汇总表中删除了，但没有填写撤销理由，未删除",
                    "不要直接删行：保留该行，在“撤销理由”中写明理由后再导入",
                )
            )
    return result


class _Planner:
    def __init__(self, loaded: RegisterFiles, result: RoundTrip, columns: dict[str, int]) -> None:
        self.loaded = loaded
        self.config: Config = loaded.repository.config
        self.vocabulary = Vocabulary.for_config(self.config)
        self.root = loaded.repository.root
        self.result = result
        self.columns = columns
        self.rows = detail_rows(self.root, [(p.path, p.register) for p in loaded.files if p.register is not None])
        self.by_locator = {f"{r.path}#{r.index}#{r.digest}": r for r in self.rows}
        self.by_path_index = {(r.path, r.index): r for r in self.rows}
        self.trees: dict[str, Tree] = {p.path: p.tree for p in loaded.files if p.tree is not None}
        self.ids = IdSpace({r.risk.id for r in self.rows} | {p.register.id for p in loaded.files if p.register is not None})
        self.current_digest: dict[str, str] = {}

    def cell(self, cells: list[str], name: str) -> str:
        column = self.columns.get(name)
        return cells[column] if column is not None and column < len(cells) else ""

    def refuse(self, code: str, number: int, message: str, hint: str, path: str = "") -> None:
        where = f"工作表“{EDIT_SHEET}”第 {number} 行：" if not path else ""
        self.result.findings.append(
            Finding.of(code, path or self.result.display, (number if not path else 0, 0), where + message, hint)
        )

    def row(self, number: int, cells: list[str], where: str) -> None:
        if not where:
            self.add(number, cells)
            return
        row = self.by_locator.get(where)
        if row is None:
            self.stale_or_unknown(number, cells, where)
            return
        if self.cell(cells, "编号") != row.risk.id:
            self.refuse(
                "LZ633",
                number,
                f"“编号”被改成了“{self.cell(cells, '编号')}”，编号不能修改，该行未写回",
                "改回原编号；要新增风险点请另起一行并让编号和定位留空",
            )
            return
        reason = self.cell(cells, REASON_HEADER).strip()
        if reason:
            self.withdraw(row, reason)
            return
        self.compare(number, row, cells)

    def stale_or_unknown(self, number: int, cells: list[str], where: str) -> None:
        path, _, rest = where.partition("#")
        index_text, _, digest = rest.partition("#")
        if index_text.isdigit() and (self.root / path).is_file():
            current = self.current_digest.setdefault(path, file_digest(self.root / path))
            if current != digest:
                if not any(f.code == "LZ632" and f.path == path for f in self.result.findings):
                    self.result.findings.append(
                        Finding.of(
                            "LZ632",
                            path,
                            (0, 0),
                            f"{path} 在导出汇总表之后已被修改，该文件的改动未写回",
                            "重新导出汇总表，把改动再填一次后导入",
                        )
                    )
                return
        self.refuse(
            "LZ630",
            number,
            f"编号“{self.cell(cells, '编号')}”在登记库中找不到，该行未写回",
            "新增风险点时把“编号”和定位列留空；重新导出一份汇总表再修改",
        )

    # -- edits of an existing row ------------------------------------------------------

    def compare(self, number: int, row: DetailRow, cells: list[str]) -> None:
        risk, index = row.risk, row.index
        edits = self.result.edits_for(row, self.root)
        raw = self.trees[row.path].data["风险点"][index]
        for column, key, current in (("风险点", "名称", risk.name), ("类型", "类型", risk.type), ("等级", "等级", risk.grade)):
            typed = self.cell(cells, column)
            if typed == current:
                continue
            value = self.checked(number, column, typed)
            if value is None or value == current:
                continue
            edits.values.append(ValueEdit(("风险点", index, key), value))
            edits.notes.append(f"{risk.id} {key}：{current} → {value}")
        manifest = self.cell(cells, "表现形式")
        if manifest != "\n".join(risk.manifestations):
            lines = [line for line in manifest.split("\n") if line.strip()]
            if not lines:
                self.refuse("LZ633", number, "“表现形式”被清空了，至少要有一条，未写回", "填写表现形式，每行一条")
            else:
                edits.changes.append((0, _set_key(index, "表现形式", lines)))
                edits.notes.append(f"{risk.id} 表现形式：改为 {len(lines)} 条")
        self.measures(number, row, cells, raw, edits)

    def checked(self, number: int, column: str, typed: str) -> str | None:
        value = typed.strip()
        if not value:
            self.refuse("LZ633", number, f"“{column}”被清空了，未写回", "填写内容后重新导入")
            return None
        if column == "等级":
            grade = self.vocabulary.grade(value)
            if grade is None:
                self.refuse(
                    "LZ633", number, f"“等级”改成了“{value}”，不是本单位的等级，未写回", f"可选：{'、'.join(self.config.grades)}"
                )
            return grade
        if column == "类型" and value not in self.config.risk_types:
            self.refuse(
                "LZ633",
                number,
                f"“类型”改成了“{value}”，不是本单位的风险类型，未写回",
                f"可选：{'、'.join(self.config.risk_types)}",
            )
            return None
        return value

    def measures(self, number: int, row: DetailRow, cells: list[str], raw: dict[str, Any], edits: FileEdits) -> None:
        current = stage_texts(row.risk, self.config)
        typed = [self.cell(cells, name) for name in STAGE_COLUMNS]
        if typed == current:
            return
        slots = _slots(row.risk.measures, self.config)  # measure index → (column, position)
        wanted = [[line for line in text.split("\n") if line.strip()] for text in typed]
        counts = [sum(1 for c, _ in slots.values() if c == column) for column in range(3)]
        raw_measures = raw.get("防控措施")
        plain = isinstance(raw_measures, list) and all(isinstance(m, dict) and "内容" in m for m in raw_measures)
        if [len(lines) for lines in wanted] == counts and plain:
            for k, (column, position) in slots.items():
                text = _strip_unstaged(wanted[column][position])
                if text != row.risk.measures[k].content:
                    edits.values.append(ValueEdit(("风险点", row.index, "防控措施", k, "内容"), text))
                    edits.notes.append(f"{row.risk.id} 防控措施：{row.risk.measures[k].content} → {text}")
            return
        if not any(wanted):
            self.refuse("LZ633", number, "防控措施被全部清空了，至少要有一条，未写回", "填写防控措施")
            return
        rebuilt = _rebuilt(raw_measures if isinstance(raw_measures, list) else [], slots, wanted, self.config)
        edits.changes.append((0, _set_key(row.index, "防控措施", rebuilt)))
        edits.notes.append(f"{row.risk.id} 防控措施：改为 {len(rebuilt)} 条")

    # -- new rows and withdrawals -------------------------------------------------------

    def add(self, number: int, cells: list[str]) -> None:
        name = self.cell(cells, "风险点").strip()
        if not name:
            return
        department, post = self.cell(cells, "科室").strip(), self.cell(cells, "岗位").strip()
        owner = next((r for r in self.rows if r.department == department and r.post == post), None)
        if owner is None:
            self.refuse(
                "LZ630",
                number,
                f"新增的风险点“{name}”所属的{department or '（空）'} {post}在登记库中找不到，未写回",
                "“科室”“岗位”两列照抄同一登记表已有行的写法",
            )
            return
        values = {column: self.checked(number, column, self.cell(cells, column)) for column in ("类型", "等级")}
        lines = [line for line in self.cell(cells, "表现形式").split("\n") if line.strip()]
        measures = [
            {"阶段": stage, "内容": _strip_unstaged(line)}
            if not line.startswith(f"{UNSTAGED}：")
            else {"内容": _strip_unstaged(line)}
            for stage, column in zip(self.config.stages, STAGE_COLUMNS, strict=False)
            for line in self.cell(cells, column).split("\n")
            if line.strip()
        ]
        if None in values.values() or not lines or not measures:
            if not lines or not measures:
                self.refuse(
                    "LZ633",
                    number,
                    f"新增的风险点“{name}”缺少表现形式或防控措施，未写回",
                    "每个风险点至少写一条表现形式和一条防控措施",
                )
            return
        wanted_id = self.cell(cells, "编号").strip()
        ident = (
            self.ids.claim(wanted_id) if wanted_id and wanted_id not in self.ids.taken else self.ids.next_risk(owner.register.id)
        )
        data = {
            "编号": ident,
            "名称": name,
            "类型": values["类型"],
            "表现形式": lines,
            "等级": values["等级"],
            "防控措施": measures,
        }
        edits = self.result.edits_for(owner, self.root)
        edits.changes.append((1, _appended(data)))
        edits.notes.append(f"新增风险点 {ident}“{name}”")

    def withdraw(self, row: DetailRow, reason: str) -> None:
        entry = {"编号": row.risk.id, "名称": row.risk.name, "理由": reason, "日期": dt.date.today().isoformat()}
        edits = self.result.edits_for(row, self.root)
        edits.changes.append((2 + 100_000 - row.index, _withdrawal(row.index, entry)))
        edits.notes.append(f"撤销风险点 {row.risk.id}“{row.risk.name}”：{reason}")


def _risks(doc: Any) -> Any:
    if doc.get("风险点") is None:
        doc["风险点"] = []
    return doc["风险点"]


def _appended(risk: dict[str, Any]) -> Change:
    def change(doc: Any) -> None:
        _risks(doc).append(commented(copy.deepcopy(risk)))

    return change


def _set_key(index: int, key: str, value: Any) -> Change:
    def change(doc: Any) -> None:
        doc["风险点"][index][key] = commented(copy.deepcopy(value))

    return change


def _withdrawal(index: int, entry: dict[str, str]) -> Change:
    def change(doc: Any) -> None:
        del doc["风险点"][index]
        if doc.get("已撤销") is None:
            doc["已撤销"] = commented([])
        doc["已撤销"].append(commented(dict(entry)))

    return change


def _slots(measures: list[Any], config: Config) -> dict[int, tuple[int, int]]:
    slots: dict[int, tuple[int, int]] = {}
    filled = [0, 0, 0]
    for k, measure in enumerate(measures):
        column = min(config.stages.index(measure.stage), 2) if measure.stage in config.stages else 2
        slots[k] = (column, filled[column])
        filled[column] += 1
    return slots


def _strip_unstaged(line: str) -> str:
    return line.removeprefix(f"{UNSTAGED}：")


def _rebuilt(raw: list[Any], slots: dict[int, tuple[int, int]], wanted: list[list[str]], config: Config) -> list[Any]:
    kept: list[Any] = []
    used = [0, 0, 0]
    for k, (column, position) in slots.items():
        if position >= len(wanted[column]):
            continue
        text = _strip_unstaged(wanted[column][position])
        original = raw[k] if k < len(raw) else {"内容": text}
        kept.append({**original, "内容": text} if isinstance(original, dict) else text)
        used[column] += 1
    for column, lines in enumerate(wanted):
        for line in lines[used[column] :]:
            unstaged = line.startswith(f"{UNSTAGED}：")
            kept.append({"内容": _strip_unstaged(line)} if unstaged else {"阶段": config.stages[column], "内容": line})
    return kept


def apply_roundtrip(result: RoundTrip) -> list[str]:
    """Write every file's edits; the files written."""
    written: list[str] = []
    for edits in result.files.values():
        if not edits.values and not edits.changes:
            continue
        try:
            if edits.values:
                splice_file(edits.path, edits.values)
            if edits.changes:
                _restructure(edits)
        except EditError as exc:  # this file is left as it was (or with its values only); the others go on
            result.findings.append(
                Finding.of("LZ633", edits.display, (0, 0), exc.message, exc.hint or "按导入报告手动修改该文件")
            )
            if not edits.values:
                continue
        written.append(edits.display)
    return written


def _restructure(edits: FileEdits) -> None:
    data = edits.path.read_bytes()
    source = decode_source(data, edits.display)
    if not isinstance(source, SourceText):
        raise EditError(f"{edits.display} 无法读取，未写入：{source.message}")
    if edits.path.suffix.lower() == ".md":
        raise EditError(f"{edits.display} 是 Markdown 登记表，增删风险点、改列表请手动修改", hint="改动见导入报告")
    tree = parse_tree(source.text, edits.display)
    if not isinstance(tree, Tree):
        raise EditError(f"{edits.display} 无法解析，未写入：{tree.message}")
    ordered = [change for _, change in sorted(edits.changes, key=lambda item: item[0])]
    expected = copy.deepcopy(tree.data)
    for change in ordered:
        change(expected)

    def run_all(doc: Any) -> None:
        for change in ordered:
            change(doc)

    text = restructured_text(source.text, run_all, expected, edits.display)
    newline = source.newline
    if newline != "\n":
        text = text.replace("\n", newline)
    write_atomic(edits.path, source.encode(text))
