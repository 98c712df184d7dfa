-- 标题: 各单位风险点变化
-- 说明: 每个单位最新一次导出与上一次导出（上一年度或上一个月）按风险点编号对照：新增、撤销、升级、降级的个数。只有一次导出的单位不列出。
WITH cur AS (
    SELECT r.unit_code, r.risk_id, r.grade_rank
    FROM risk_points r
    JOIN snapshots s ON s.unit_code = r.unit_code AND s.year = r.year AND s.commit_id = r.commit_id
    WHERE s.recency = 1
),
prev AS (
    SELECT r.unit_code, r.risk_id, r.grade_rank
    FROM risk_points r
    JOIN snapshots s ON s.unit_code = r.unit_code AND s.year = r.year AND s.commit_id = r.commit_id
    WHERE s.recency = 2
),
pairs AS (
    SELECT
        COALESCE(c.unit_code, p.unit_code) AS unit_code,
        CASE WHEN p.risk_id IS NULL THEN 1 ELSE 0 END AS added,
        CASE WHEN c.risk_id IS NULL THEN 1 ELSE 0 END AS removed,
        CASE WHEN c.grade_rank < p.grade_rank THEN 1 ELSE 0 END AS raised,
        CASE WHEN c.grade_rank > p.grade_rank THEN 1 ELSE 0 END AS lowered
    FROM cur c
    FULL OUTER JOIN prev p ON p.unit_code = c.unit_code AND p.risk_id = c.risk_id
)
SELECT
    n.unit_code AS "单位编号",
    n.name AS "单位",
    o.year AS "上次年度",
    SUBSTRING(o.commit_id, 1, 8) AS "上次提交",
    n.year AS "本次年度",
    SUBSTRING(n.commit_id, 1, 8) AS "本次提交",
    COALESCE(SUM(x.added), 0) AS "新增",
    COALESCE(SUM(x.removed), 0) AS "撤销",
    COALESCE(SUM(x.raised), 0) AS "升级",
    COALESCE(SUM(x.lowered), 0) AS "降级"
FROM snapshots n
JOIN snapshots o ON o.unit_code = n.unit_code AND o.recency = 2
LEFT JOIN pairs x ON x.unit_code = n.unit_code
WHERE n.recency = 1
GROUP BY n.unit_code, n.name, o.year, o.commit_id, n.year, n.commit_id
ORDER BY n.unit_code;
