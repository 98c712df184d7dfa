"""The semantic diff as a pure function: register sets in, typed changes out."""

from __future__ import annotations

import pytest

from lianzheng_cli.config import Config
from lianzheng_cli.history.changes import Change, Kind, RegisterAt, RegisterSet
from lianzheng_cli.history.diff import diff, diff_measures
from lianzheng_cli.history.parsing import parse_bytes
from lianzheng_cli.history.summary import summarise
from lianzheng_cli.models import Measure
from tests.history.registers import department, post, risk, withdrawal, yearly_2024, yearly_2025

CONFIG = Config.model_validate({"单位": "测试县人民医院", "年度": 2025})


def at(path: str, text: str) -> RegisterAt:
    parsed = parse_bytes(text.encode("utf-8"), path)
    assert isinstance(parsed, RegisterAt), parsed
    return parsed


def side(files: dict[str, str], config: Config = CONFIG) -> RegisterSet:
    registers = tuple(at(path, text) for path, text in files.items())
    departments = {r.register.id: r.register.name for r in registers if r.register.kind == "科室"}
    return RegisterSet(registers, config, {**departments, **{name: name for name in departments.values()}})


def kinds(changes: list[Change]) -> list[tuple[str, str]]:
    return [(c.kind.value, c.id) for c in changes]


def test_yearly_changes_cover_every_category() -> None:
    changes = diff(side(yearly_2024()), side(yearly_2025()))
    assert kinds(changes) == [
        ("text", "DW-01"),
        ("text", "DW-01"),
        ("register_moved", "YJK-CG"),
        ("moved", "YJK-01"),
        ("lowered", "YJK-CG-01"),
        ("text", "YJK-CG-01"),
        ("text", "YJK-CG-01"),
        ("raised", "YJK-CG-02"),
        ("text", "YJK-CG-02"),
        ("text", "YJK-CG-02"),
        ("measure_added", "YJK-CG-02"),
        ("measure_changed", "YJK-CG-02"),
        ("added", "YJK-CG-03"),
        ("removed", "CWK-CN-02"),
        ("register_added", "CWK-KJ"),
        ("added", "CWK-KJ-01"),
        ("register_removed", "CWK-PJ"),
        ("removed", "CWK-PJ-01"),
    ]


def test_changes_carry_department_file_line_and_reason() -> None:
    changes = {(c.kind, c.id): c for c in diff(side(yearly_2024()), side(yearly_2025()))}
    lowered = changes[(Kind.LOWERED, "YJK-CG-01")]
    assert (lowered.department, lowered.register, lowered.path) == ("药剂科", "YJK-CG", "registers/药剂科/药品采购员.yaml")
    assert (lowered.before, lowered.after, lowered.field) == ("一级", "二级", "等级")
    assert lowered.reason == "已实行集中带量采购，自主采购金额大幅下降"
    assert lowered.line == 15  # the 等级 line of the new file
    moved = changes[(Kind.MOVED, "YJK-01")]
    assert moved.before == "药剂科（registers/药剂科/科室.yaml）"
    assert moved.after == "药品采购员（registers/药剂科/药品采购员.yaml）"
    renamed = changes[(Kind.REGISTER_MOVED, "YJK-CG")]
    assert (renamed.before, renamed.after) == ("registers/药剂科/采购员.yaml", "registers/药剂科/药品采购员.yaml")
    assert changes[(Kind.REMOVED, "CWK-CN-02")].reason == "已实行无现金收费"
    # A whole register withdrawn: the 已撤销 entry names the register, which explains its risk points too.
    assert changes[(Kind.REMOVED, "CWK-PJ-01")].reason == "票据改由电子票据系统管理，岗位撤销"
    assert changes[(Kind.REMOVED, "CWK-PJ-01")].path == "registers/财务科/票据管理员.yaml"


def test_only_changed_files_give_the_same_diff_as_all_files() -> None:
    old, new = yearly_2024(), yearly_2025()
    full = diff(side(old), side(new))
    changed = {path for path in old.keys() | new.keys() if old.get(path) != new.get(path)}
    partial = diff(side({p: t for p, t in old.items() if p in changed}), side({p: t for p, t in new.items() if p in changed}))
    assert partial == full


def test_unchanged_registers_give_no_changes() -> None:
    assert diff(side(yearly_2024()), side(yearly_2024())) == []


def test_a_register_that_moves_to_another_department_is_moved_not_removed_and_added() -> None:
    old = {"registers/a.yaml": post("P", "会计", "CWK", [risk("P-01", "虚列支出")])}
    new = {"registers/b.yaml": post("P", "会计", "YJK", [risk("P-01", "虚列支出")])}
    changes = diff(side(old), side(new))
    assert [(c.kind, c.field, c.before, c.after) for c in changes] == [
        (Kind.REGISTER_MOVED, "文件", "registers/a.yaml", "registers/b.yaml"),
        (Kind.REGISTER_MOVED, "科室", "CWK", "YJK"),
    ]


@pytest.mark.parametrize(
    ("grades", "before", "after", "expected"),
    [
        (["一级", "二级", "三级"], "一级", "三级", Kind.LOWERED),
        (["一级", "二级", "三级"], "三级", "二级", Kind.RAISED),
        (["高", "中", "低"], "中", "低", Kind.LOWERED),
        (["A", "B", "C"], "C", "A", Kind.RAISED),
        (["一级", "二级", "三级"], "二级", "特级", Kind.REGRADED),
    ],
)
def test_grades_are_compared_by_rank_in_the_units_scheme(grades: list[str], before: str, after: str, expected: Kind) -> None:
    config = Config.model_validate({"单位": "某单位", "年度": 2025, "等级": grades})
    old = {"r.yaml": post("P", "岗位", "KS", [risk("P-01", "风险", before)])}
    new = {"r.yaml": post("P", "岗位", "KS", [risk("P-01", "风险", after)])}
    changes = [c for c in diff(side(old, config), side(new, config)) if c.field == "等级"]
    assert [(c.kind, c.before, c.after) for c in changes] == [(expected, before, after)]


def test_each_side_ranks_grades_with_its_own_configuration() -> None:
    """A unit that renamed its grades (一级 → 高) did not lower anything."""
    old_config = Config.model_validate({"单位": "某单位", "年度": 2024})
    new_config = Config.model_validate({"单位": "某单位", "年度": 2025, "等级": ["高", "中", "低"]})
    old = {"r.yaml": post("P", "岗位", "KS", [risk("P-01", "风险", "一级")])}
    new = {"r.yaml": post("P", "岗位", "KS", [risk("P-01", "风险", "高")])}
    assert [c for c in diff(side(old, old_config), side(new, new_config)) if c.field == "等级"] == []


def test_removal_is_explained_by_an_entry_in_any_register_of_the_new_side() -> None:
    old = {
        "a.yaml": post("P", "出纳", "CWK", [risk("P-01", "挪用公款"), risk("P-02", "现金管理")]),
        "k.yaml": department("CWK", "财务科", [risk("CWK-01", "预算")]),
    }
    new = {
        "a.yaml": post("P", "出纳", "CWK", [risk("P-01", "挪用公款")]),
        "k.yaml": department("CWK", "财务科", [risk("CWK-01", "预算")]).replace(
            "风险点:", "已撤销:\n" + withdrawal("P-02", "无现金收费") + "风险点:"
        ),
    }
    [removed] = diff(side(old), side(new))
    assert (removed.kind, removed.id, removed.reason) == (Kind.REMOVED, "P-02", "无现金收费")


def test_register_fields_are_reported_only_when_asked() -> None:
    old = {"a.yaml": post("P", "出纳", "CWK", [risk("P-01", "挪用公款")], approved="2024-03-20")}
    new = {"a.yaml": post("P", "出纳", "CWK", [risk("P-01", "挪用公款")], approved="2025-03-20", duties="管理现金")}
    assert diff(side(old), side(new)) == []
    changes = diff(side(old), side(new), register_fields=True)
    assert [(c.kind, c.field, c.before, c.after) for c in changes] == [
        (Kind.REGISTER_CHANGED, "主要职责", "办理本岗位业务", "管理现金"),
        (Kind.REGISTER_CHANGED, "审定", "同意（2024-03-20，王某）", "同意（2025-03-20，王某）"),
    ]


def measures(*items: tuple[str, str]) -> list[Measure]:
    return [Measure.model_validate({"阶段": stage, "内容": content}) for stage, content in items]


def test_measures_pair_by_content_then_by_similarity() -> None:
    before = measures(("前期预防", "签订廉洁承诺书"), ("中期监控", "每季度抽查台账"), ("后期处置", "约谈"))
    after = measures(("前期预防", "签订廉洁承诺书"), ("中期监控", "每月抽查验收台账"), ("后期处置", "调离岗位并通报"))
    pairs = [(kind, old and old.content, new and new.content) for kind, old, new in diff_measures(before, after)]
    assert pairs == [
        (Kind.MEASURE_CHANGED, "每季度抽查台账", "每月抽查验收台账"),
        (Kind.MEASURE_REMOVED, "约谈", None),
        (Kind.MEASURE_ADDED, None, "调离岗位并通报"),
    ]


def test_a_measure_moved_to_another_stage_is_changed() -> None:
    before = measures(("前期预防", "签订廉洁承诺书"))
    after = measures(("中期监控", "签订廉洁承诺书"))
    assert [kind for kind, _, _ in diff_measures(before, after)] == [Kind.MEASURE_CHANGED]


def test_summary_counts_distinct_risk_points_per_department_and_for_the_unit() -> None:
    rows, total = summarise(diff(side(yearly_2024()), side(yearly_2025())))
    assert [(row.department, {k: v for k, v in row.counts.items() if v}) for row in rows] == [
        ("单位层面", {"text": 1}),
        ("药剂科", {"added": 1, "raised": 1, "lowered": 1, "moved": 1, "text": 2, "measures": 1}),
        ("财务科", {"added": 1, "removed": 2, "registers_added": 1, "registers_removed": 1}),
    ]
    assert total.counts == {
        "added": 2,
        "removed": 2,
        "raised": 1,
        "lowered": 1,
        "moved": 1,
        "text": 3,
        "measures": 1,
        "registers_added": 1,
        "registers_removed": 1,
    }
