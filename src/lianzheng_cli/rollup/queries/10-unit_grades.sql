-- 标题: 各单位风险点等级分布
-- 说明: 每个单位最新一次导出中的风险点，按等级计数（一级最严重；各单位的等级名称已统一为一级、二级、三级），末行为合计。
WITH latest AS (
    SELECT unit_code, year, commit_id, name, parent_code FROM snapshots WHERE recency = 1
),
counts AS (
    SELECT
        l.unit_code,
        l.name,
        l.parent_code,
        l.year,
        SUM(CASE WHEN r.grade_rank = 1 THEN 1 ELSE 0 END) AS grade_1,
        SUM(CASE WHEN r.grade_rank = 2 THEN 1 ELSE 0 END) AS grade_2,
        SUM(CASE WHEN r.grade_rank = 3 THEN 1 ELSE 0 END) AS grade_3,
        SUM(CASE WHEN r.risk_id IS NOT NULL AND r.grade_rank IS NULL THEN 1 ELSE 0 END) AS ungraded,
        COUNT(r.risk_id) AS total
    FROM latest l
    LEFT JOIN risk_points r
        ON r.unit_code = l.unit_code AND r.year = l.year AND r.commit_id = l.commit_id
    GROUP BY l.unit_code, l.name, l.parent_code, l.year
),
report AS (
    SELECT 0 AS is_total, unit_code, name, parent_code, year, grade_1, grade_2, grade_3, ungraded, total FROM counts
    UNION ALL
    SELECT 1, '合计', NULL, NULL, NULL, SUM(grade_1), SUM(grade_2), SUM(grade_3), SUM(ungraded), SUM(total) FROM counts
)
SELECT
    unit_code AS "单位编号",
    name AS "单位",
    parent_code AS "上级单位",
    year AS "年度",
    grade_1 AS "一级",
    grade_2 AS "二级",
    grade_3 AS "三级",
    ungraded AS "等级无法识别",
    total AS "合计"
FROM report
ORDER BY is_total, unit_code;
