"""Generate a synthetic, valid register repository for the benchmarks.

A unit of N post registers (default 5,000) in departments of about 20 posts, with a few
leadership posts, one department register per department and one unit register. Every
post file is realistic in shape and size (about 86 lines: 2-3 risk points with three
measures each, 审核 and 审定). The data are seeded, so the same arguments give the same
bytes, and ``lzfk validate`` reports no errors on them.

    .venv/bin/python bench/generate.py --posts 5000 --out bench/_work/unit-5000
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

POSTS_PER_DEPARTMENT = 20
DEPARTMENTS_PER_LEADER = 10
DEFAULT_POSTS = 5_000
DEFAULT_SEED = 20250310
YEAR = 2025

GRADES = ("一级", "二级", "三级")
LIKELIHOOD_RANK = {"高": 0, "较高": 1, "低": 2}
CONSEQUENCE_RANK = {"犯罪": 0, "违纪": 1, "不良影响": 2}
RISK_TYPES = ("思想道德风险", "岗位职责风险", "业务流程风险", "制度机制风险", "外部环境风险")
FACTORS = ("三重一大", "人财物", "自由裁量", "审批权", "执法权", "谋利机会", "发案频繁")
STAGES = ("前期预防", "中期监控", "后期处置")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
DEPARTMENT_WORDS = (
    "财务",
    "药剂",
    "设备",
    "总务",
    "人事",
    "信息",
    "医务",
    "护理",
    "检验",
    "审计",
    "基建",
    "采购",
    "招标",
    "医保",
    "档案",
    "宣传",
)
POST_WORDS = (
    "采购员",
    "会计",
    "出纳",
    "保管员",
    "审核员",
    "管理员",
    "专员",
    "干事",
    "科员",
    "统计员",
    "核算员",
    "验收员",
)
DUTIES = (
    "按审定的年度计划组织实施本岗位业务",
    "审核业务单据的真实性、完整性和合规性",
    "登记、保管本岗位经手的台账和原始凭证",
    "按规定程序办理物资的申领、验收和出入库",
    "配合纪检监察和审计部门开展监督检查",
    "按月汇总本岗位业务数据并向科室负责人报告",
    "对接供应商、服务对象，办理合同履约事项",
    "执行本单位财务、采购和资产管理制度",
)
RISK_NAMES = (
    "收受服务对象礼金、购物卡",
    "违规变更采购品规和数量",
    "虚报冒领或套取资金",
    "泄露招标采购内部信息",
    "验收把关不严、以次充好",
    "利用职务便利为亲友谋利",
    "擅自扩大审批范围",
    "台账记录不实、账实不符",
    "违规拆分项目规避集体决策",
    "接受宴请后在业务中给予照顾",
)
MANIFESTATIONS = (
    "接受供应商或服务对象宴请、礼金、购物卡",
    "在同类业务中长期倾向特定企业",
    "未经审批擅自增加数量或变更对象",
    "绕开规定平台或程序线下办理",
    "验收时只签字不核对实物和票据",
    "将内部信息透露给利益相关方",
    "对明显不合规的单据不审即办",
    "台账登记滞后，与实物、票据不一致",
)
MEASURES = {
    "前期预防": ("每年签订廉洁承诺书并参加一次警示教育", "关键环节实行双人经办、相互复核", "明确岗位权限清单并在科室内公开"),
    "中期监控": ("科室负责人每月抽查业务台账和原始单据", "纪检监察室每季度开展一次专项检查", "业务数据按月在科室内公示"),
    "后期处置": ("发现异常及时约谈提醒，情节较重的调离岗位", "查实问题的依规依纪追究责任并通报", "对问题环节限期整改并修订制度"),
}
OWNERS = ("科室负责人", "纪检监察室主任", "分管领导", "财务科科长", "审计科科长")
DEADLINES = ("每月", "每季度", "每半年", "长期", "随时")
INSTITUTIONS = ("《采购管理办法》", "《资金支付审批管理办法》", "《资产管理办法》", "《廉洁从业若干规定》")


@dataclass
class Department:
    id: str
    name: str
    leader: str
    posts: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (post id, name, risk ids)


def grade_for(likelihood: str, consequence: str) -> str:
    """The built-in rule 概率或后果: the more serious of the two inputs wins."""
    return GRADES[min(LIKELIHOOD_RANK[likelihood], CONSEQUENCE_RANK[consequence])]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "某" + rng.choice(("", "某"))


def _review(key: str, opinion: str, signer: str, day: int) -> str:
    return f"{key}:\n  意见: {opinion}\n  签字: {signer}\n  日期: {YEAR}-03-{day:02d}\n"


def _risk(rng: random.Random, risk_id: str, *, grade: str | None = None) -> str:
    likelihood = rng.choice(tuple(LIKELIHOOD_RANK))
    consequence = rng.choice(tuple(CONSEQUENCE_RANK))
    if grade == "一级":
        consequence = "犯罪"
    lines = [
        f"  - 编号: {risk_id}",
        f"    名称: {rng.choice(RISK_NAMES)}",
        f"    类型: {rng.choice(RISK_TYPES)}",
        "    表现形式:",
        *(f"      - {text}" for text in rng.sample(MANIFESTATIONS, 3)),
        f"    发生概率: {likelihood}",
        f"    危害程度: {consequence}",
        f"    风险因素: [{', '.join(rng.sample(FACTORS, 2))}]",
        f"    等级: {grade_for(likelihood, consequence)}",
        "    防控措施:",
    ]
    for index, stage in enumerate(STAGES):
        lines += [
            f"      - 阶段: {stage}",
            f"        内容: {rng.choice(MEASURES[stage])}",
            f"        责任人: {rng.choice(OWNERS)}",
            f"        期限: {rng.choice(DEADLINES)}",
        ]
        if index == 0:
            lines.append(f"        制度: {rng.choice(INSTITUTIONS)}")
    return "\n".join(lines) + "\n"


def post_text(rng: random.Random, dept: Department, post_id: str, name: str, risk_ids: list[str]) -> str:
    duties = rng.sample(DUTIES, 5)
    head = (
        "# 个人岗位廉政风险防控登记表（lzfk 基准测试生成的虚构数据）\n"
        f"类型: 岗位\n编号: {post_id}\n名称: {name}\n科室: {dept.id}\n层级: 一般\n"
        f"在岗人员:\n  - {_name(rng)}\n  - {_name(rng)}\n"
        "主要职责:\n" + "".join(f"  - {duty}\n" for duty in duties) + "风险点:\n"
    )
    risks = "".join(_risk(rng, risk_id) for risk_id in risk_ids)
    reviews = _review("审核", "情况属实，同意", _name(rng), 5) + _review("审定", "同意", _name(rng), 12)
    return head + risks + reviews


def department_text(rng: random.Random, dept: Department) -> str:
    steps = [risk for _, _, risks in dept.posts for risk in risks]
    powers = []
    for number in (1, 2):
        chosen = rng.sample(steps, 3) if len(steps) >= 3 else steps
        flow = "".join(
            f"      - 步骤: 第{i}步办理\n        岗位: {dept.name}经办岗位\n        风险点: [{risk}]\n"
            for i, risk in enumerate(chosen, 1)
        )
        powers.append(
            f"  - 编号: {dept.id}-QL-{number:02d}\n    名称: {dept.name}业务审批事项{number}\n    类别: 内部管理权\n"
            f"    内容: 审批本科室职责范围内的业务事项\n    依据:\n      - 本单位内部控制管理办法\n"
            f"    责任主体: {dept.name}\n    时限: 5个工作日\n    流程:\n{flow}"
        )
    return (
        f"类型: 科室\n编号: {dept.id}\n名称: {dept.name}\n负责人: {_name(rng)}\n分管领导: {dept.leader}\n"
        f"主要职责:\n  - 负责{dept.name}职责范围内的业务管理\n  - 组织本科室廉政风险查找和防控\n风险点:\n"
        + _risk(rng, f"{dept.id}-01", grade="一级")
        + _risk(rng, f"{dept.id}-02")
        + "权力清单:\n"
        + "".join(powers)
        + "制度:\n  - 本单位内部控制管理办法\n"
        + _review("审核", "同意", _name(rng), 18)
        + _review("审定", "经党委会研究，同意", _name(rng), 25)
    )


def leader_text(rng: random.Random, leader_id: str, number: int, charges: list[str]) -> str:
    return (
        f"类型: 岗位\n编号: {leader_id}\n名称: 副院长{number:02d}\n科室: 领导班子\n层级: 领导班子\n"
        f"在岗人员: [{_name(rng)}]\n分管: [{', '.join(charges)}]\n"
        "主要职责:\n  - 分管所联系科室的业务和党风廉政建设\n风险点:\n"
        + _risk(rng, f"{leader_id}-01", grade="一级")
        + _review("审核", "同意", _name(rng), 8)
        + _review("审定", "经党委会研究，同意", _name(rng), 14)
    )


def unit_text(rng: random.Random) -> str:
    return (
        "类型: 单位\n编号: DW\n名称: 基准测试单位\n"
        f"领导小组:\n  组长: {_name(rng)}\n  副组长: [{_name(rng)}]\n  成员: [{_name(rng)}, {_name(rng)}]\n"
        "  办公室: 设在纪检监察室\n主要职责:\n  - 统筹本单位廉政风险防控工作\n风险点:\n"
        + _risk(rng, "DW-01", grade="一级")
        + _review("审定", "同意", _name(rng), 31)
    )


def generate(out: Path, posts: int, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Write the repository to out (replacing it); return counts of what was written."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    registers = out / "registers"
    registers.mkdir(parents=True)
    (out / "lzfk.yaml").write_text(f"单位: 基准测试单位\n年度: {YEAR}\n", encoding="utf-8")
    n_departments = max(1, -(-posts // POSTS_PER_DEPARTMENT))
    n_leaders = max(1, -(-n_departments // DEPARTMENTS_PER_LEADER))
    departments = [
        Department(f"D{i:04d}", f"{DEPARTMENT_WORDS[i % len(DEPARTMENT_WORDS)]}{i:04d}科", f"LD{i // DEPARTMENTS_PER_LEADER:03d}")
        for i in range(n_departments)
    ]
    counts = {"posts": 0, "departments": 0, "leaders": 0, "files": 0, "lines": 0, "post_lines": 0}
    for number in range(posts):
        dept = departments[number % n_departments]
        post_id = f"{dept.id}-P{number:05d}"
        name = f"{rng.choice(POST_WORDS)}{number:05d}"
        risk_ids = [f"{post_id}-{k:02d}" for k in range(1, rng.choice((2, 3)) + 1)]
        dept.posts.append((post_id, name, risk_ids))
        written = _write(registers / dept.id / f"{post_id}.yaml", post_text(rng, dept, post_id, name, risk_ids))
        counts["lines"] += written
        counts["post_lines"] += written
        counts["posts"] += 1
    for dept in departments:
        counts["lines"] += _write(registers / dept.id / "科室.yaml", department_text(rng, dept))
        counts["departments"] += 1
    for number in range(n_leaders):
        charges = [d.id for d in departments[number * DEPARTMENTS_PER_LEADER : (number + 1) * DEPARTMENTS_PER_LEADER]]
        counts["lines"] += _write(
            registers / "领导班子" / f"LD{number:03d}.yaml", leader_text(rng, f"LD{number:03d}", number, charges)
        )
        counts["leaders"] += 1
    counts["lines"] += _write(registers / "单位.yaml", unit_text(rng))
    counts["files"] = counts["posts"] + counts["departments"] + counts["leaders"] + 1
    return counts


def _write(path: Path, text: str) -> int:
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text.count("\n")


def post_files(root: Path) -> list[Path]:
    """The generated post registers (not departments, leaders or the unit)."""
    return sorted(root.glob("registers/D*/D*-P*.yaml"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=DEFAULT_POSTS, help="number of post registers (default 5000)")
    parser.add_argument("--out", type=Path, default=None, help="target folder (default bench/_work/unit-<posts>)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if args.posts < 1:
        parser.error("--posts must be at least 1")
    out = args.out or Path(__file__).resolve().parent / "_work" / f"unit-{args.posts}"
    started = time.perf_counter()
    counts = generate(out, args.posts, args.seed)
    elapsed = time.perf_counter() - started
    print(
        f"wrote {counts['files']} registers to {out} in {elapsed:.1f} s: {counts['posts']} posts "
        f"(avg {counts['post_lines'] / counts['posts']:.0f} lines per post file), {counts['departments']} departments, "
        f"{counts['leaders']} leaders, 1 unit"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
