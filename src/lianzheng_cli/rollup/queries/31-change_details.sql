-- 标题: 风险点变化明细
-- 说明: 上表中每一项变化：哪个单位的哪个风险点新增、撤销、升级或降级，变化前后的等级。
WITH cur AS (
    SELECT r.unit_code, r.risk_id, r.name, r.grade, r.grade_rank
    FROM risk_points r
    JOIN snapshots s ON s.unit_code = r.unit_code AND s.year = r.year AND s.commit_id = r.commit_id
    WHERE s.recency = 1
),
prev AS (
    SELECT r.unit_code, r.risk_id, r.name, r.grade, r.grade_rank
    FROM risk_points r
    JOIN snapshots s ON s.unit_code = r.unit_code AND s.year = r.year AND s.commit_id = r.commit_id
    WHERE s.recency = 2
),
pairs AS (
    SELECT
        COALESCE(c.unit_code, p.unit_code) AS unit_code,
        COALESCE(c.risk_id, p.risk_id) AS risk_id,
        COALESCE(c.name, p.name) AS name,
        p.grade AS before_grade,
        c.grade AS after_grade,
        CASE
            WHEN p.risk_id IS NULL THEN '新增'
            WHEN c.risk_id IS NULL THEN '撤销'
            WHEN c.grade_rank < p.grade_rank THEN '升级'
            WHEN c.grade_rank > p.grade_rank THEN '降级'
        END AS change_kind
    FROM cur c
    FULL OUTER JOIN prev p ON p.unit_code = c.unit_code AND p.risk_id = c.risk_id
)
SELECT
    x.unit_code AS "单位编号",
    s.name AS "单位",
    x.risk_id AS "风险点编号",
    x.name AS "风险点",
    x.change_kind AS "变化",
    x.before_grade AS "变化前等级",
    x.after_grade AS "变化后等级"
FROM pairs x
JOIN snapshots s ON s.unit_code = x.unit_code AND s.recency = 1
JOIN snapshots o ON o.unit_code = x.unit_code AND o.recency = 2
WHERE x.change_kind IS NOT NULL
ORDER BY x.unit_code, x.change_kind, x.risk_id;
