-- 标题: 未审定或审定过期的单位
-- 说明: 最新一次导出中有登记表尚未审定、审定已超过有效期（以汇总日期为准），或最新导出不是汇总年度的单位。
WITH status AS (
    SELECT
        s.unit_code,
        s.name,
        s.year,
        COUNT(a.register_id) AS registers,
        SUM(CASE WHEN a.approved_on IS NULL THEN 1 ELSE 0 END) AS unapproved,
        SUM(CASE WHEN a.approval_due < p.as_of THEN 1 ELSE 0 END) AS expired,
        MIN(a.approved_on) AS oldest_approval
    FROM snapshots s
    CROSS JOIN rollup_params p
    LEFT JOIN approvals a
        ON a.unit_code = s.unit_code AND a.year = s.year AND a.commit_id = s.commit_id
    WHERE s.recency = 1
    GROUP BY s.unit_code, s.name, s.year
)
SELECT
    t.unit_code AS "单位编号",
    t.name AS "单位",
    t.year AS "最新导出年度",
    t.registers AS "登记表",
    t.unapproved AS "未审定",
    t.expired AS "审定过期",
    t.oldest_approval AS "最早审定日期",
    CASE WHEN t.year < p.as_of_year THEN '是' ELSE '否' END AS "导出不是本年度"
FROM status t
CROSS JOIN rollup_params p
WHERE t.unapproved > 0 OR t.expired > 0 OR t.year < p.as_of_year
ORDER BY t.unit_code;
