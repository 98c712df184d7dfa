"""The work ledger (台账): activities the registers cannot show, for the progress report.

Warnings issued, education sessions, inspections, disciplinary handling, rules made or
revised… are events with a date, recorded in ``台账/*.yaml`` beside lzfk.yaml (one file
per year is usual). Read like a register: every error is a finding with file, line and
column. See docs/documents.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from lianzheng_cli.findings import Finding
from lianzheng_cli.loader.files import read_text, validate_model
from lianzheng_cli.loader.yamltree import Tree, parse_tree
from lianzheng_cli.models import FormatModel
from lianzheng_cli.paths import ledger_listing
from lianzheng_cli.types import IsoDate, Text, TextList

# Event kinds and the unit each counts in (数量 defaults to 1).
KINDS: dict[str, str] = {
    "工作细则": "件",
    "部署会议": "次",
    "取消职权": "项",
    "公开": "次",
    "风险预警": "次",
    "组织处理": "人",
    "纪律处分": "人",
    "整改措施": "条",
    "廉政教育": "场次",
    "廉政教案": "个",
    "制度": "件",
    "工作检查": "次",
}
EventKind = Literal[
    "工作细则",
    "部署会议",
    "取消职权",
    "公开",
    "风险预警",
    "组织处理",
    "纪律处分",
    "整改措施",
    "廉政教育",
    "廉政教案",
    "制度",
    "工作检查",
]


class LedgerEntry(FormatModel):
    """One recorded activity."""

    date: IsoDate = Field(alias="日期", title="日期", description="发生日期，写成 YYYY-MM-DD")
    kind: EventKind = Field(alias="事项", title="事项", description="事项类别，如 风险预警、廉政教育、工作检查、制度")
    content: Text = Field(alias="内容", title="内容", description="做了什么，如“医药购销领域警示教育大会”")
    count: Annotated[int, Field(ge=1)] = Field(1, alias="数量", title="数量", description="次数、场次、人数、条数或件数，默认 1")
    level: Literal["单位", "部门"] | None = Field(
        None, alias="层级", title="层级", description="制度的层级：单位或部门（进展情况表第 27 项），默认部门"
    )
    refs: TextList = Field(default_factory=list, alias="关联", title="关联", description="相关的登记表、风险点或权力事项编号")
    note: Text | None = Field(None, alias="说明", title="说明", description="补充说明")


class LedgerFile(FormatModel):
    """台账/2025.yaml."""

    year: Annotated[int, Field(ge=1949, le=2200)] = Field(alias="年度", title="年度", description="台账所属年度")
    nature: Literal["全额", "差额", "自收自支"] | None = Field(
        None, alias="单位性质", title="单位性质", description="全额、差额或自收自支（进展情况表第 1 项）"
    )
    ranks: dict[Literal["处级", "科级"], TextList] = Field(
        default_factory=dict,
        alias="职级",
        title="职级",
        description="哪些岗位层级计为处级、科级（进展情况表第 6 项），默认 {处级: [领导班子], 科级: [中层]}",
    )
    participants: Annotated[int, Field(ge=0)] | None = Field(
        None,
        alias="参与人数",
        title="参与人数",
        description="参与查找风险点的党员干部、职工人数（进展情况表第 5 项）；不写时按登记表的在岗人员计算",
    )
    entries: list[LedgerEntry] = Field(default_factory=list, alias="记录", title="记录", description="工作记录，每项一条")


@dataclass
class Ledger:
    """All ledger files of a repository, with the findings they raised."""

    files: list[tuple[str, LedgerFile]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def entries(self) -> list[LedgerEntry]:
        return sorted((e for _, f in self.files for e in f.entries), key=lambda entry: entry.date)

    @property
    def nature(self) -> str | None:
        return next((f.nature for _, f in reversed(self.files) if f.nature), None)

    @property
    def participants(self) -> int | None:
        return next((f.participants for _, f in reversed(self.files) if f.participants is not None), None)

    def ranks(self) -> dict[str, list[str]]:
        for _, ledger in reversed(self.files):
            if ledger.ranks:
                return {rank: list(levels) for rank, levels in ledger.ranks.items()}
        return {"处级": ["领导班子"], "科级": ["中层"]}


def ledger_paths(root: Path) -> list[Path]:
    return ledger_listing(root)


def load_ledger(root: Path, known: set[str] | None) -> Ledger:
    """Read every 台账 file; findings for syntax, schema and references to 编号 not in known
    (None: references are not checked)."""
    ledger = Ledger()
    for path in ledger_paths(root):
        display = path.relative_to(root).as_posix()
        text = read_text(path, display, root)
        if isinstance(text, Finding):
            ledger.findings.append(text)
            continue
        tree = parse_tree(text, display)
        if isinstance(tree, Finding):
            ledger.findings.append(tree)
            continue
        model = validate_model(tree, display, LedgerFile)
        if isinstance(model, list):
            ledger.findings.extend(model)
            continue
        assert isinstance(model, LedgerFile)
        ledger.files.append((display, model))
        ledger.findings.extend(_check(model, tree, display, known))
    ledger.findings.sort()
    return ledger


def _check(ledger: LedgerFile, tree: Tree, display: str, known: set[str] | None) -> list[Finding]:
    findings = []
    for index, entry in enumerate(ledger.entries):
        if entry.date.year != ledger.year:
            line, column = tree.pos(("记录", index, "日期"))
            findings.append(
                Finding.of(
                    "LZ501",
                    display,
                    (line, column),
                    f"记录的日期 {entry.date.isoformat()} 不在台账年度 {ledger.year} 年内",
                    "把记录移到对应年度的台账文件，或改正日期",
                )
            )
        for ref_index, ref in enumerate(entry.refs):
            if known is not None and ref not in known:
                line, column = tree.pos(("记录", index, "关联", ref_index))
                findings.append(
                    Finding.of(
                        "LZ502",
                        display,
                        (line, column),
                        f"关联的编号“{ref}”在登记表中不存在",
                        "填写登记表、风险点或权力事项的编号",
                    )
                )
    return findings
