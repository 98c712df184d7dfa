-- 标题: 登记表有错误的单位
-- 说明: 最新一次导出时检查发现错误的单位。有错误的登记表没有计入以上各表，请这些单位改正后重新报送。
WITH counts AS (
    SELECT
        f.unit_code,
        SUM(CASE WHEN f.severity = 'error' THEN 1 ELSE 0 END) AS errors,
        SUM(CASE WHEN f.severity = 'warning' THEN 1 ELSE 0 END) AS warnings,
        COUNT(DISTINCT CASE WHEN f.severity = 'error' THEN f.path END) AS files
    FROM findings f
    JOIN snapshots s ON s.unit_code = f.unit_code AND s.year = f.year AND s.commit_id = f.commit_id
    WHERE s.recency = 1
    GROUP BY f.unit_code
)
SELECT
    s.unit_code AS "单位编号",
    s.name AS "单位",
    c.files AS "有错误的文件",
    c.errors AS "错误",
    c.warnings AS "警告"
FROM counts c
JOIN snapshots s ON s.unit_code = c.unit_code AND s.recency = 1
WHERE c.errors > 0
ORDER BY s.unit_code;
