-- 标题: 财务、采购、基建类科室中没有一级风险点的岗位
-- 说明: 科室名称含“财务”“采购”“基建”“招标”的科室中，最新一次报送没有一个一级风险点的岗位。
-- 关键词在下面的 keywords 中增删（同时改上面的说明）。
WITH keywords AS (
    SELECT '财务' AS keyword
    UNION ALL SELECT '采购'
    UNION ALL SELECT '基建'
    UNION ALL SELECT '招标'
),
latest_posts AS (
    SELECT p.unit_code, p.year, p.commit_id, p.post_id, p.name, p.department_name, s.name AS unit_name
    FROM posts p
    JOIN snapshots s ON s.unit_code = p.unit_code AND s.year = p.year AND s.commit_id = p.commit_id
    WHERE s.recency = 1
),
sensitive AS (
    SELECT DISTINCT lp.*
    FROM latest_posts lp
    JOIN keywords k ON lp.department_name LIKE '%' || k.keyword || '%'
),
top_grade AS (
    SELECT unit_code, owner_id, MIN(grade_rank) AS best_rank, COUNT(*) AS risks
    FROM latest_risks
    WHERE owner_kind = '岗位'
    GROUP BY unit_code, owner_id
)
SELECT
    x.unit_code AS "单位编号",
    x.unit_name AS "单位",
    x.department_name AS "科室",
    x.post_id AS "岗位编号",
    x.name AS "岗位",
    COALESCE(g.risks, 0) AS "风险点数"
FROM sensitive x
LEFT JOIN top_grade g ON g.unit_code = x.unit_code AND g.owner_id = x.post_id
WHERE g.best_rank IS NULL OR g.best_rank > 1
ORDER BY x.unit_code, x.department_name, x.post_id;
