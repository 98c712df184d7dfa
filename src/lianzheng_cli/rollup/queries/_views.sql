-- 每个单位的各次导出（快照），recency = 1 为最新一次，2 为上一次。
-- 汇总的各个查询都从这里取“最新”和“上一次”。本文件只用标准 SQL，也能在 Spark、Trino 上运行。
CREATE VIEW snapshots AS
SELECT
    u.unit_code,
    u.year,
    u.commit_id,
    u.name,
    u.parent_code,
    u.review_period_days,
    u.committed_at,
    u.exported_at,
    ROW_NUMBER() OVER (
        PARTITION BY u.unit_code
        ORDER BY u.year DESC, u.committed_at DESC, u.exported_at DESC
    ) AS recency
FROM units u;

CREATE VIEW latest_risks AS
SELECT r.*, s.name AS unit_name
FROM risk_points r
JOIN snapshots s
    ON s.unit_code = r.unit_code AND s.year = r.year AND s.commit_id = r.commit_id
WHERE s.recency = 1;
