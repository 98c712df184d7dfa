-- 标题: 与标准风险库的差异明细
-- 说明: 每一处差异：哪个单位的哪张登记表，缺少哪个标准风险点，或哪个风险点的表述、等级与标准不同。
SELECT
    d.unit_code AS "单位编号",
    s.name AS "单位",
    d.owner_id AS "登记表编号",
    d.drift_kind AS "差异",
    d.std_id AS "标准编号",
    d.std_name AS "标准风险点",
    d.std_grade AS "标准等级",
    d.risk_id AS "本单位风险点编号",
    d.risk_name AS "本单位风险点",
    d.grade AS "本单位等级"
FROM drift d
JOIN snapshots s ON s.unit_code = d.unit_code AND s.recency = 1
ORDER BY d.unit_code, d.owner_id, d.drift_kind, d.std_id;
