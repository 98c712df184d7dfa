"""The grade × department overview: the geometry of the SVG heat map (its template draws it)."""

from __future__ import annotations

from typing import Any

View = dict[str, Any]

LABEL_WIDTH = 150
CELL_WIDTH = 96
CELL_HEIGHT = 34
HEADER_HEIGHT = 40
# One hue per grade, most serious first; a cell's opacity grows with its count.
GRADE_COLOURS = ("#b3261e", "#d9711c", "#c9a400")
EMPTY_FILL = "#f5f5f5"


def heat_map(departments: list[View], grades: list[str]) -> View:
    """Rows of cells (one per department and grade) with position, count and shade."""
    peak = max((department["统计"]["按等级"][grade] for department in departments for grade in grades), default=0)
    rows = []
    for index, department in enumerate(departments):
        y = HEADER_HEIGHT + index * CELL_HEIGHT
        cells = []
        for column, grade in enumerate(grades):
            count = department["统计"]["按等级"][grade]
            opacity = 0.0 if count == 0 or peak == 0 else round(0.18 + 0.82 * count / peak, 2)
            cells.append(
                {
                    "等级": grade,
                    "数量": count,
                    "x": LABEL_WIDTH + column * CELL_WIDTH,
                    "颜色": GRADE_COLOURS[column % len(GRADE_COLOURS)] if count else EMPTY_FILL,
                    "透明度": opacity if count else 1,
                    "字色": "#ffffff" if opacity >= 0.6 else "#1a1a1a",
                }
            )
        rows.append(
            {"科室": department["名称"], "页面": department["页面"], "y": y, "格": cells, "合计": department["统计"]["风险点"]}
        )
    total_x = LABEL_WIDTH + len(grades) * CELL_WIDTH
    return {
        "宽": total_x + CELL_WIDTH,
        "高": HEADER_HEIGHT + len(departments) * CELL_HEIGHT + 4,
        "格宽": CELL_WIDTH,
        "格高": CELL_HEIGHT,
        "表头高": HEADER_HEIGHT,
        "标签宽": LABEL_WIDTH,
        "合计x": total_x,
        "列": [{"等级": grade, "x": LABEL_WIDTH + i * CELL_WIDTH} for i, grade in enumerate(grades)],
        "行": rows,
    }
