"""Register texts for the history tests: a small hospital in 2024, and the changes of 2025."""

from __future__ import annotations

from collections.abc import Sequence

CONFIG = "单位: 测试县人民医院\n年度: 2025\n每岗风险点: {最少: 1, 最多: 5}\n"
# 发生概率 and 危害程度 that the default rule set (概率或后果) grades exactly as declared.
INPUTS = {"一级": ("高", "犯罪"), "二级": ("较高", "违纪"), "三级": ("低", "不良影响")}
STAGES = ("前期预防", "中期监控", "后期处置")


def risk(
    risk_id: str,
    name: str,
    grade: str = "二级",
    *,
    kind: str = "岗位职责风险",
    shows: Sequence[str] = ("利用职务便利谋取私利",),
    measures: Sequence[str] = ("签订廉洁承诺书", "每季度抽查台账", "发现问题及时约谈"),
    reason: str = "",
) -> str:
    lines = [
        f"  - 编号: {risk_id}",
        f"    名称: {name}",
        f"    类型: {kind}",
        "    表现形式:",
        *(f"      - {text}" for text in shows),
    ]
    if grade in INPUTS:
        lines += [f"    发生概率: {INPUTS[grade][0]}", f"    危害程度: {INPUTS[grade][1]}"]
    lines.append(f"    等级: {grade}")
    if reason:
        lines.append(f"    降级理由: {reason}")
    lines.append("    防控措施:")
    for index, content in enumerate(measures):
        lines += [f"      - 阶段: {STAGES[min(index, 2)]}", f"        内容: {content}"]
    return "\n".join(lines) + "\n"


def _risks(risks: Sequence[str]) -> str:
    return "风险点:\n" + "".join(risks) if risks else "风险点: []\n"


def review(kind: str, day: str, signer: str = "王某") -> str:
    return f"{kind}: {{意见: 同意, 签字: {signer}, 日期: {day}}}\n"


def post(
    post_id: str,
    name: str,
    department: str,
    risks: Sequence[str],
    *,
    approved: str = "",
    reviewed: str = "",
    withdrawn: str = "",
    duties: str = "办理本岗位业务",
) -> str:
    text = f"类型: 岗位\n编号: {post_id}\n名称: {name}\n科室: {department}\n主要职责:\n  - {duties}\n" + _risks(risks)
    if withdrawn:
        text += "已撤销:\n" + withdrawn
    if reviewed:
        text += review("审核", reviewed, "李某")
    if approved:
        text += review("审定", approved)
    return text


def department(dept_id: str, name: str, risks: Sequence[str], *, approved: str = "", reviewed: str = "") -> str:
    text = f"类型: 科室\n编号: {dept_id}\n名称: {name}\n主要职责:\n  - 管理本科室业务\n" + _risks(risks)
    if reviewed:
        text += review("审核", reviewed, "李某")
    if approved:
        text += review("审定", approved)
    return text


def unit(risks: Sequence[str], *, approved: str = "") -> str:
    text = "类型: 单位\n编号: DW\n名称: 测试县人民医院\n主要职责:\n  - 提供基本医疗服务\n" + _risks(risks)
    return text + (review("审定", approved) if approved else "")


def withdrawal(risk_id: str, reason: str) -> str:
    return f"  - 编号: {risk_id}\n    理由: {reason}\n"


APPROVED_2024 = {"approved": "2024-03-20", "reviewed": "2024-03-15"}


def yearly_2024() -> dict[str, str]:
    return {
        "registers/单位.yaml": unit(
            [risk("DW-01", "三重一大事项决策不规范", "二级", kind="制度机制风险")], approved="2024-03-20"
        ),
        "registers/药剂科/科室.yaml": department("YJK", "药剂科", [risk("YJK-01", "药品遴选暗箱操作", "二级")], **APPROVED_2024),
        "registers/药剂科/采购员.yaml": post(
            "YJK-CG",
            "药品采购员",
            "YJK",
            [
                risk("YJK-CG-01", "采购中收受回扣", "一级", kind="外部环境风险"),
                risk("YJK-CG-02", "验收把关不严", "三级"),
            ],
            **APPROVED_2024,
        ),
        "registers/财务科/科室.yaml": department("CWK", "财务科", [risk("CWK-01", "预算执行监管不力", "二级")], **APPROVED_2024),
        "registers/财务科/出纳.yaml": post(
            "CWK-CN",
            "出纳",
            "CWK",
            [risk("CWK-CN-01", "挪用公款", "一级"), risk("CWK-CN-02", "现金管理不规范", "三级")],
            **APPROVED_2024,
        ),
        "registers/财务科/票据管理员.yaml": post(
            "CWK-PJ", "票据管理员", "CWK", [risk("CWK-PJ-01", "票据管理混乱", "三级")], **APPROVED_2024
        ),
    }


def yearly_2025() -> dict[str, str]:
    """The 2025 registers: every kind of change against 2024 (see test_diff for the list)."""
    files = yearly_2024()
    del files["registers/财务科/票据管理员.yaml"]  # register removed (its risk explained in 财务科/科室.yaml)
    del files["registers/药剂科/采购员.yaml"]  # renamed below
    files["registers/单位.yaml"] = unit(
        [
            risk(
                "DW-01",
                "“三重一大”事项决策程序执行不严",
                "二级",
                kind="制度机制风险",
                shows=("利用职务便利谋取私利", "以碰头会代替集体研究"),
            )
        ],
        approved="2025-03-20",
    )
    files["registers/药剂科/药品采购员.yaml"] = post(
        "YJK-CG",
        "药品采购员",
        "YJK",
        [
            risk("YJK-CG-01", "采购中收受回扣", "二级", kind="外部环境风险", reason="已实行集中带量采购，自主采购金额大幅下降"),
            risk(
                "YJK-CG-02",
                "验收把关不严",
                "二级",
                measures=("签订廉洁承诺书", "每月抽查验收台账", "发现问题及时约谈", "验收实行双人签字"),
            ),
            risk("YJK-CG-03", "药品回扣线索隐瞒不报", "三级"),
            risk("YJK-01", "药品遴选暗箱操作", "二级"),
        ],
        approved="2025-03-20",
        reviewed="2025-03-15",
    )
    files["registers/药剂科/科室.yaml"] = department("YJK", "药剂科", [], **APPROVED_2024)
    files["registers/财务科/科室.yaml"] = department(
        "CWK", "财务科", [risk("CWK-01", "预算执行监管不力", "二级")], approved="2025-03-20", reviewed="2025-03-15"
    ).replace("审核:", "已撤销:\n" + withdrawal("CWK-PJ", "票据改由电子票据系统管理，岗位撤销") + "审核:")
    files["registers/财务科/出纳.yaml"] = post(
        "CWK-CN",
        "出纳",
        "CWK",
        [risk("CWK-CN-01", "挪用公款", "一级")],
        withdrawn=withdrawal("CWK-CN-02", "已实行无现金收费"),
        approved="2025-03-20",
        reviewed="2025-03-15",
    )
    files["registers/财务科/会计.yaml"] = post(
        "CWK-KJ", "会计", "CWK", [risk("CWK-KJ-01", "虚列支出", "二级")], approved="2025-03-20", reviewed="2025-03-15"
    )
    return files
