-- 标题: 与标准风险库的差异（按单位）
-- 说明: 每个单位最新一次导出与标准风险库对照：缺少的标准风险点、表述不同、等级不同、引用了不存在的标准编号的个数。
SELECT
    s.unit_code AS "单位编号",
    s.name AS "单位",
    SUM(CASE WHEN d.drift_kind = '缺少标准风险点' THEN 1 ELSE 0 END) AS "缺少标准风险点",
    SUM(CASE WHEN d.drift_kind = '表述与标准不同' THEN 1 ELSE 0 END) AS "表述不同",
    SUM(CASE WHEN d.drift_kind = '等级与标准不同' THEN 1 ELSE 0 END) AS "等级不同",
    SUM(CASE WHEN d.drift_kind = '标准编号不存在' THEN 1 ELSE 0 END) AS "标准编号不存在"
FROM snapshots s
LEFT JOIN drift d ON d.unit_code = s.unit_code
WHERE s.recency = 1
GROUP BY s.unit_code, s.name
ORDER BY s.unit_code;
