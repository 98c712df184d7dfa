-- 标题: 风险类型与等级
-- 说明: 全部单位最新一次导出中的风险点，按风险类型和等级计数，末行为合计。
WITH counts AS (
    SELECT
        COALESCE(risk_type, '（未填写）') AS risk_type,
        SUM(CASE WHEN grade_rank = 1 THEN 1 ELSE 0 END) AS grade_1,
        SUM(CASE WHEN grade_rank = 2 THEN 1 ELSE 0 END) AS grade_2,
        SUM(CASE WHEN grade_rank = 3 THEN 1 ELSE 0 END) AS grade_3,
        COUNT(*) AS total,
        COUNT(DISTINCT unit_code) AS units
    FROM latest_risks
    GROUP BY COALESCE(risk_type, '（未填写）')
),
report AS (
    SELECT 0 AS is_total, risk_type, grade_1, grade_2, grade_3, total, units FROM counts
    UNION ALL
    SELECT 1, '合计', SUM(grade_1), SUM(grade_2), SUM(grade_3), SUM(total), NULL FROM counts
)
SELECT
    risk_type AS "风险类型",
    grade_1 AS "一级",
    grade_2 AS "二级",
    grade_3 AS "三级",
    total AS "合计",
    units AS "涉及单位数"
FROM report
ORDER BY is_total, total DESC, risk_type;
