"""权力运行流程图: DOT text, graphviz output, and the fallback without graphviz."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lianzheng_cli.render import flowchart
from tests.documents.conftest import build_sample
from tests.documents.docxread import document_text

POWER = {
    "名称": "采购 <审批> & “拨付”",
    "编号": "P-1",
    "流程": [
        {"序号": 1, "步骤": "受理 & 登记", "岗位": "经办岗", "说明": "3 个工作日", "风险点": []},
        {
            "序号": 2,
            "步骤": "审批",
            "岗位": "科长",
            "说明": "",
            "风险点": [{"编号": "R-1", "名称": "x", "等级": "一级", "等级序": 0}],
        },
    ],
}


def test_dot_source_escapes_labels_and_marks_risky_steps() -> None:
    source = flowchart.dot_source(POWER, "Noto Sans CJK SC", ["一级", "二级", "三级"])
    assert "采购 &lt;审批&gt; &amp; “拨付”" in source and "<审批>" not in source
    assert "s1 -> s2" in source
    assert 'color="#C00000", fillcolor="#FDECEA", penwidth=2' in source
    assert "▲ R-1 一级" in source


@pytest.mark.skipif(shutil.which("dot") is None, reason="需要 graphviz（dot）：apt-get install graphviz fonts-noto-cjk")
def test_charts_are_drawn_once_and_cached(tmp_path: Path) -> None:
    charts = flowchart.render_charts([("P-1", POWER)], tmp_path, ["一级", "二级", "三级"])
    chart = charts.charts["P-1"]
    assert chart.png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert chart.svg.startswith("<svg") and "<!DOCTYPE" not in chart.svg
    before = chart.png.stat().st_mtime_ns
    again = flowchart.render_charts([("P-1", POWER)], tmp_path, ["一级", "二级", "三级"])
    assert again.charts["P-1"].png.stat().st_mtime_ns == before


def test_without_graphviz_the_rest_is_built_and_steps_are_listed(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_which = shutil.which
    monkeypatch.setattr(flowchart.shutil, "which", lambda name: None if name == "dot" else real_which(name))
    built = build_sample(sample, sample / "out", documents=frozenset({"handbook"}), formats=("docx", "html"))
    assert any("未安装 graphviz" in problem for problem in built.result.problems)
    text = document_text(built.out / "廉政风险防控机制工作手册.docx")
    assert "药品采购计划编制与执行权力运行流程图（YJK-QL-01）" in text
    assert "根据库存下限编制采购计划" in text and "YJK-YK-02" in text
    assert "<svg" not in (built.out / "廉政风险防控机制工作手册.html").read_text(encoding="utf-8")
