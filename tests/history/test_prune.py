"""Blanking out unchanged risk points before parsing never changes the diff, and keeps line numbers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lianzheng_cli.history.changes import RegisterAt, RegisterSet
from lianzheng_cli.history.diff import diff
from lianzheng_cli.history.parsing import Parsed, parse_bytes, parse_pair
from lianzheng_cli.history.prune import prune_texts, risk_items, top_entries
from tests.history.registers import post, risk
from tests.history.test_diff import CONFIG

A = risk("P-01", "采购中收受回扣", "一级")
B = risk("P-02", "验收把关不严", "三级")
C = risk("P-03", "隐瞒线索", "二级")


def test_shared_items_become_blank_lines_and_line_count_is_kept() -> None:
    old = post("P", "采购员", "YJK", [A, B, C], approved="2024-03-20")
    new = post("P", "采购员", "YJK", [A, risk("P-02", "验收把关不严", "二级"), C], approved="2025-03-20")
    old_short, new_short = prune_texts(old, new)
    assert old_short.count("\n") == old.count("\n") and new_short.count("\n") == new.count("\n")
    assert "P-01" not in old_short + new_short and "P-03" not in old_short + new_short
    assert old_short.count("P-02") == new_short.count("P-02") == 1
    assert new_short.splitlines()[-1] == new.splitlines()[-1]


def test_when_every_item_is_shared_the_list_stays_a_list() -> None:
    old = post("P", "采购员", "YJK", [A, B], approved="2024-03-20")
    new = post("P", "采购员", "YJK", [A, B], approved="2025-03-20")
    _, new_short = prune_texts(old, new)
    parsed = parse_bytes(new_short.encode(), "p.yaml")
    assert isinstance(parsed, RegisterAt)
    assert parsed.register.risks == []
    assert parsed.register.approval is not None and parsed.register.approval.date.year == 2025


def test_unusual_layouts_are_left_alone() -> None:
    flow = "类型: 岗位\n编号: P\n名称: x\n科室: K\n主要职责: [a]\n风险点: []\n"
    assert prune_texts(flow, flow + "# 注\n") == (flow, flow + "# 注\n")
    renamed = post("Q", "采购员", "YJK", [A])
    assert prune_texts(post("P", "采购员", "YJK", [A]), renamed) == (post("P", "采购员", "YJK", [A]), renamed)


def test_unchanged_optional_entries_are_blanked_and_required_ones_kept() -> None:
    holders = "在岗人员:\n  - 张某\n  - 李某\n"
    old = post("P", "采购员", "YJK", [A], approved="2024-03-20").replace("主要职责:", holders + "主要职责:")
    new = post("P", "采购员", "YJK", [B], approved="2025-03-20").replace("主要职责:", holders + "主要职责:")
    old_short, new_short = prune_texts(old, new)
    for short, full in ((old_short, old), (new_short, new)):
        assert short.count("\n") == full.count("\n")
        assert "张某" not in short and "主要职责:\n  - 办理本岗位业务\n" in short and "审定:" in short
        parsed = parse_bytes(short.encode(), "p.yaml")
        assert isinstance(parsed, RegisterAt) and parsed.register.holders == []
    assert top_entries(old) is not None and top_entries("类型: 岗位\n- 列表\n") is None


def test_items_end_at_the_next_top_level_key_and_comments_stay_inside() -> None:
    text = "编号: P\n风险点:\n  # 第一项\n  - 编号: A\n    名称: a\n\n  # 第二项\n  - 编号: B\n    名称: b\n审定: x\n"
    spans, indent = risk_items(text) or ([], -1)
    assert indent == 2
    assert [text[a:b] for a, b in spans] == ["  - 编号: A\n    名称: a\n\n  # 第二项\n", "  - 编号: B\n    名称: b\n"]


def test_items_at_column_zero_are_recognised() -> None:
    text = "编号: P\n风险点:\n- 编号: A\n  名称: a\n- 编号: B\n  名称: b\n审定: x\n"
    spans, indent = risk_items(text) or ([], -1)
    assert indent == 0 and len(spans) == 2


# -- the property: the pruned pair gives exactly the diff of the full files --------------------

GRADES = ("一级", "二级", "三级")


@st.composite
def risk_texts(draw: st.DrawFn, index: int) -> str:
    grade = draw(st.sampled_from(GRADES))
    name = draw(st.sampled_from(("采购中收受回扣", "验收把关不严", "隐瞒线索")))
    measures = draw(
        st.lists(st.sampled_from(("签订承诺书", "每月抽查台账", "约谈", "调离岗位")), min_size=1, max_size=3, unique=True)
    )
    reason = draw(st.sampled_from(("", "已集中采购")))
    return risk(f"P-{index:02d}", name, grade, measures=measures, reason=reason)


@st.composite
def versions(draw: st.DrawFn) -> tuple[str, str]:
    pool = [draw(risk_texts(i)) for i in range(1, 5)]
    edited = [draw(risk_texts(i)) for i in range(1, 5)]
    old_pick = draw(st.lists(st.sampled_from(range(4)), min_size=1, max_size=4, unique=True))
    new_pick = draw(st.lists(st.sampled_from(range(4)), min_size=1, max_size=4, unique=True))
    keep = draw(st.lists(st.booleans(), min_size=4, max_size=4))
    old = [pool[i] for i in old_pick]
    new = [pool[i] if keep[i] else edited[i] for i in new_pick]
    comment = draw(st.sampled_from(("", "  # 说明\n")))
    department = draw(st.sampled_from(("YJK", "CWK")))
    old_text = post("P", "采购员", "YJK", old, approved="2024-03-20")
    new_text = post(
        "P",
        "采购员",
        department,
        [comment + new[0], *new[1:]],
        approved=draw(st.sampled_from(("2024-03-20", "2025-03-20"))),
        duties=draw(st.sampled_from(("办理本岗位业务", "办理药品采购"))),
    )
    return old_text, new_text


def _side(parsed: Parsed) -> RegisterSet:
    return RegisterSet((parsed,) if isinstance(parsed, RegisterAt) else (), CONFIG)


@settings(max_examples=150, deadline=None)
@given(versions())
def test_pruning_never_changes_the_diff(pair: tuple[str, str]) -> None:
    old_text, new_text = pair
    full = diff(
        _side(parse_bytes(old_text.encode(), "p.yaml")), _side(parse_bytes(new_text.encode(), "p.yaml")), register_fields=True
    )
    pair_bytes = ((old_text.encode(), "p.yaml"), (new_text.encode(), "p.yaml"))
    old, new = parse_pair(pair_bytes)
    assert diff(_side(old), _side(new), register_fields=True) == full
    risks = [c for c in full if not c.kind.value.startswith("register_changed")]
    old, new = parse_pair(pair_bytes, risks_only=True)
    assert diff(_side(old), _side(new)) == risks
