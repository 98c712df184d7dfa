-- 与标准风险库对照所用的视图。std_posts、std_risk_points 是标准风险库按同一格式导出的表。
CREATE VIEW std_risks AS
SELECT r.risk_id AS std_id, r.owner_kind AS std_owner_kind, r.owner_id AS std_owner_id,
       r.name AS std_name, r.grade AS std_grade, r.grade_rank AS std_rank
FROM std_risk_points r;

CREATE VIEW latest_posts AS
SELECT p.unit_code, p.post_id, p.name, p.department_name
FROM posts p
JOIN snapshots s ON s.unit_code = p.unit_code AND s.year = p.year AND s.commit_id = p.commit_id
WHERE s.recency = 1;

-- 每个单位岗位对应的标准岗位类型：岗位中有风险点引用了该标准岗位的标准编号，或岗位名称与标准岗位名称相同。
CREATE VIEW post_matches AS
SELECT DISTINCT r.unit_code, r.owner_id AS post_id, s.std_owner_id AS std_post_id
FROM latest_risks r
JOIN std_risks s ON s.std_id = r.standard_id
WHERE r.owner_kind = '岗位' AND s.std_owner_kind = '岗位'
UNION
SELECT p.unit_code, p.post_id, sp.post_id AS std_post_id
FROM latest_posts p
JOIN std_posts sp ON sp.name = p.name;

CREATE VIEW drift AS
SELECT m.unit_code, m.post_id AS owner_id, '缺少标准风险点' AS drift_kind,
       s.std_id, s.std_name, s.std_grade, CAST(NULL AS VARCHAR) AS risk_id, CAST(NULL AS VARCHAR) AS risk_name,
       CAST(NULL AS VARCHAR) AS grade
FROM post_matches m
JOIN std_risks s ON s.std_owner_id = m.std_post_id AND s.std_owner_kind = '岗位'
WHERE NOT EXISTS (
    SELECT 1 FROM latest_risks r
    WHERE r.unit_code = m.unit_code AND r.owner_id = m.post_id AND r.standard_id = s.std_id
)
UNION ALL
SELECT r.unit_code, r.owner_id, '表述与标准不同', s.std_id, s.std_name, s.std_grade, r.risk_id, r.name, r.grade
FROM latest_risks r
JOIN std_risks s ON s.std_id = r.standard_id
WHERE TRIM(r.name) <> TRIM(s.std_name)
UNION ALL
SELECT r.unit_code, r.owner_id, '等级与标准不同', s.std_id, s.std_name, s.std_grade, r.risk_id, r.name, r.grade
FROM latest_risks r
JOIN std_risks s ON s.std_id = r.standard_id
WHERE r.grade_rank <> s.std_rank
UNION ALL
SELECT r.unit_code, r.owner_id, '标准编号不存在', r.standard_id, CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR),
       r.risk_id, r.name, r.grade
FROM latest_risks r
WHERE r.standard_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM std_risks s WHERE s.std_id = r.standard_id);
