"""The 进展情况表 (annex 5) and the handbook's statistics: counts from registers and ledger.

Items the registers hold (people, risk points by level and grade, power-list entries,
flowcharts, countermeasures) are counted from them; activities (warnings, education,
inspections, handling, rules revised) are summed from the ledger up to the cut-off date.
Each item says where its number came from.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from lianzheng_cli.ledger import Ledger
from lianzheng_cli.models import DepartmentRegister, PostRegister
from lianzheng_cli.render.assemble import Unit
from lianzheng_cli.render.context import View, date_cn
from lianzheng_cli.render.sanitize import clean

NATURES = ("全额", "差额", "自收自支")
FROM_REGISTERS = "登记表"
FROM_LEDGER = "台账"
OTHER = "其他"


@dataclass
class Counts:
    """What the registers hold, counted once for the progress report and the handbook."""

    grades: list[str]
    stages: list[str]
    departments: int = 0
    posts: int = 0
    people: set[str] = field(default_factory=set)
    people_by_level: dict[str, set[str]] = field(default_factory=dict)
    risks_by_kind: Counter[str] = field(default_factory=Counter)
    risks_by_grade: Counter[str] = field(default_factory=Counter)
    risks_by_kind_grade: Counter[tuple[str, str]] = field(default_factory=Counter)
    risks_by_type_grade: Counter[tuple[str, str]] = field(default_factory=Counter)
    powers: int = 0
    flowcharts: int = 0
    powers_published: int = 0
    measures: int = 0
    measures_by_stage: Counter[str] = field(default_factory=Counter)
    institutions: set[str] = field(default_factory=set)

    @property
    def risks(self) -> int:
        return sum(self.risks_by_kind.values())


def count_registers(unit: Unit) -> Counts:
    config = unit.config
    counts = Counts(list(config.grades), list(config.stages))
    counts.departments = sum(1 for d in unit.departments if d.register is not None)
    for register in unit.registers:
        kind = register.kind
        if isinstance(register, PostRegister):
            counts.posts += 1
            holders = {clean(name) for name in register.holders}
            counts.people |= holders
            counts.people_by_level.setdefault(register.level, set()).update(holders)
        if isinstance(register, DepartmentRegister):
            counts.powers += len(register.powers)
            counts.flowcharts += sum(1 for power in register.powers if power.steps)
            counts.powers_published += sum(1 for power in register.powers if power.publicity)
            counts.institutions.update(clean(name) for name in register.institutions)
        for risk in register.risks:
            grade = found.name if (found := config.grade(risk.grade)) else OTHER
            counts.risks_by_kind[kind] += 1
            counts.risks_by_grade[grade] += 1
            counts.risks_by_kind_grade[(kind, grade)] += 1
            counts.risks_by_type_grade[(clean(risk.type), grade)] += 1
            for measure in risk.measures:
                counts.measures += 1
                stage = (config.canonical("防控阶段", measure.stage) if measure.stage else None) or OTHER
                counts.measures_by_stage[stage or OTHER] += 1
                counts.institutions.update(clean(name) for name in measure.institutions)
    return counts


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def _nature(nature: str | None) -> str:
    return " ".join(("☑" if name == nature else "□") + name for name in NATURES)


def _ledger_sums(ledger: Ledger, start: dt.date, as_of: dt.date) -> tuple[Counter[str], Counter[str]]:
    by_kind: Counter[str] = Counter()
    rules_by_level: Counter[str] = Counter()
    for entry in ledger.entries:
        if start <= entry.date <= as_of:
            by_kind[entry.kind] += entry.count
            if entry.kind == "制度":
                rules_by_level[entry.level or "部门"] += entry.count
    return by_kind, rules_by_level


def _participants(ledger: Ledger, counts: Counts) -> tuple[str, str, str]:
    """Item 5 from the 台账 when given there (the registers name post holders, not everyone
    who took part), otherwise the distinct post holders of the registers."""
    label = "参与查找风险点党员干部、职工数（名）"
    if ledger.participants is not None:
        return label, str(ledger.participants), FROM_LEDGER
    return label, str(len(counts.people)), FROM_REGISTERS


def default_as_of(year: int, today: dt.date | None = None) -> dt.date:
    """The 截止时间 when none is given: today for this year's registers, else the end of their 年度
    (also for registers of a year not yet begun: never a date before the year it reports on)."""
    today = today or dt.date.today()
    return today if today.year == year else dt.date(year, 12, 31)


def item_ranges(numbers: Sequence[int]) -> str:
    """[4, 5, 6, 9] → "4—6、9"."""
    spans: list[list[int]] = []
    for number in sorted(numbers):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return "、".join(str(a) if a == b else f"{a}—{b}" for a, b in spans)


def progress_view(unit: Unit, ledger: Ledger, as_of: dt.date | None = None, counts: Counts | None = None) -> View:
    """The 29 items of annex 5 as of a date; ledger records count from 1 January of the registers' year."""
    counts = counts or count_registers(unit)
    as_of = as_of or default_as_of(unit.config.year)
    start = dt.date(unit.config.year, 1, 1)
    done, rules = _ledger_sums(ledger, start, as_of)
    ranks = ledger.ranks()
    senior = {name for level in ranks.get("处级", []) for name in counts.people_by_level.get(level, set())}
    middle = {name for level in ranks.get("科级", []) for name in counts.people_by_level.get(level, set())}
    grades = counts.grades
    by_grade = "/".join(str(counts.risks_by_grade[grade]) for grade in grades)
    kinds = counts.risks_by_kind
    handled = done["组织处理"] + done["纪律处分"]
    rows: list[tuple[str, str, str]] = [
        ("开展廉政风险防控机制建设的单位性质", _nature(ledger.nature), FROM_LEDGER),
        ("是否制定工作细则", _yes(done["工作细则"] > 0), FROM_LEDGER),
        ("是否召开部署会议", _yes(done["部署会议"] > 0), FROM_LEDGER),
        ("是否开始查找廉政风险", _yes(counts.risks > 0), FROM_REGISTERS),
        _participants(ledger, counts),
        ("其中：处级/科级（名）", f"{len(senior)}/{len(middle)}", FROM_REGISTERS),
        ("查找廉政风险点", str(counts.risks), FROM_REGISTERS),
        ("其中：个人廉政风险点/内设部门风险/单位风险（个）", f"{kinds['岗位']}/{kinds['科室']}/{kinds['单位']}", FROM_REGISTERS),
        (f"{'/'.join(grade + '风险' for grade in grades)}（个）", by_grade, FROM_REGISTERS),
        ("是否开展核定权力清单", _yes(counts.powers > 0), FROM_REGISTERS),
        ("取消职权", str(done["取消职权"]), FROM_LEDGER),
        ("编制职权目录", str(counts.powers), FROM_REGISTERS),
        ("是否开展规范工作流程", _yes(counts.flowcharts > 0), FROM_REGISTERS),
        ("编制业务流程图（份）", str(counts.flowcharts), FROM_REGISTERS),
        (
            "是否公开权力清单、业务流程图等事项",
            _yes(done["公开"] > 0 or counts.powers_published > 0),
            f"{FROM_LEDGER}、{FROM_REGISTERS}",
        ),
        ("是否进行风险预警", _yes(done["风险预警"] > 0), FROM_LEDGER),
        ("发出风险预警（次）", str(done["风险预警"]), FROM_LEDGER),
        ("是否制定防控措施", _yes(counts.measures > 0), FROM_REGISTERS),
        ("制定防控措施（条）", str(counts.measures), FROM_REGISTERS),
        ("组织处理和纪律处分（人）", str(handled), FROM_LEDGER),
        ("制定整改措施（条）", str(done["整改措施"]), FROM_LEDGER),
        ("是否开展廉政风险教育", _yes(done["廉政教育"] > 0), FROM_LEDGER),
        ("开展廉政风险教育（场次）", str(done["廉政教育"]), FROM_LEDGER),
        ("编写廉政教案（个）", str(done["廉政教案"]), FROM_LEDGER),
        ("是否开始健全完善规范性文件", _yes(done["制度"] > 0), FROM_LEDGER),
        ("健全完善规范性文件（件）", str(done["制度"]), FROM_LEDGER),
        ("其中单位规范性文件/部门规范性文件（件）", f"{rules['单位']}/{rules['部门']}", FROM_LEDGER),
        ("是否开展工作检查", _yes(done["工作检查"] > 0), FROM_LEDGER),
        ("开展工作检查（次）", str(done["工作检查"]), FROM_LEDGER),
    ]
    items = [{"序号": i, "内容": text, "值": value, "来源": source} for i, (text, value, source) in enumerate(rows, 1)]
    from_registers = [number for number, (_, _, source) in enumerate(rows, 1) if source == FROM_REGISTERS]
    notes = [
        f"注：1. 第{item_ranges(from_registers)}项根据各岗位、科室和单位的廉政风险防控登记表统计，其余各项依据"
        f"{date_cn(start)}至{date_cn(as_of)}的工作台账。",
        f"2. 参与人数{'取自工作台账的“参与人数”' if ledger.participants is not None else '按各岗位在岗人员姓名去重计算'}；处级指{'、'.join(ranks.get('处级', [])) or '（未设置）'}岗位，"
        f"科级指{'、'.join(ranks.get('科级', [])) or '（未设置）'}岗位。",
        f"3. 登记表中列明的制度共 {len(counts.institutions)} 项，供填报第 26 项时参考。",
    ]
    return {
        "单位": unit.name,
        "年度": unit.config.year,
        "截止日期": as_of.isoformat(),
        "截止日期文字": date_cn(as_of),
        "项目": items,
        "说明": notes,
        "台账文件": [path for path, _ in ledger.files],
    }


def statistics_view(counts: Counts) -> View:
    """The handbook's statistics chapter: risk points by level and by type, and the totals."""
    grades = counts.grades + ([OTHER] if counts.risks_by_grade[OTHER] else [])

    def line(label: str, values: list[int]) -> View:
        return {"名称": label, "数量": values, "合计": sum(values)}

    by_level = [
        line(label, [counts.risks_by_kind_grade[(kind, grade)] for grade in grades])
        for kind, label in (("单位", "单位"), ("科室", "科室"), ("岗位", "岗位"))
    ]
    by_level.append(line("合计", [counts.risks_by_grade[grade] for grade in grades]))
    types = sorted({risk_type for risk_type, _ in counts.risks_by_type_grade})
    by_type = [line(risk_type, [counts.risks_by_type_grade[(risk_type, grade)] for grade in grades]) for risk_type in types]
    stages = counts.stages + ([OTHER] if counts.measures_by_stage[OTHER] else [])
    totals = [
        ("科室（含领导班子）", counts.departments),
        ("岗位", counts.posts),
        ("在岗人员", len(counts.people)),
        ("廉政风险点", counts.risks),
        ("权力事项", counts.powers),
        ("权力运行流程图", counts.flowcharts),
        ("防控措施", counts.measures),
        *((f"其中{stage}", counts.measures_by_stage[stage]) for stage in stages),
        ("登记表列明的制度", len(counts.institutions)),
    ]
    return {
        "等级": grades,
        "按层次": by_level,
        "按类型": by_type,
        "总数": [{"名称": name, "数量": number} for name, number in totals],
    }
