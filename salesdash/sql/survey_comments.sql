-- Verbatim comments of the period, newest first, optionally only those containing $search (any
-- language; case-insensitive, a plain substring — % and _ are not wildcards) and of some NPS groups
-- (/*group_filter*/ is filled from a fixed fragment). `total` counts matches before the $limit.
-- The newest $limit are picked first, then named. Reads survey_facts, or the bare surveys table.
WITH commented AS (
    SELECT
        s.submitted_on,
        s.response_id,
        s.account_id,
        s.rep_id,
        s.nps,
        s.csat,
        CASE WHEN s.nps >= 9 THEN 'promoter' WHEN s.nps >= 7 THEN 'passive' WHEN s.nps >= 0 THEN 'detractor' END
            AS nps_group,
        s.comment
    FROM survey_facts s
    WHERE s.submitted_on BETWEEN $date_from AND $effective_to
        AND nullif(trim(s.comment), '') IS NOT NULL /*survey_segment*/
),
matching AS (
    SELECT * FROM commented c
    WHERE contains(lower(c.comment), lower($search)) /*group_filter*/
),
newest AS (
    SELECT *, count(*) OVER () AS total
    FROM matching
    ORDER BY submitted_on DESC, response_id DESC
    LIMIT $limit
),
final AS (
    SELECT
        n.submitted_on, n.response_id, a.name AS account_name, r.name AS rep_name,
        n.nps, n.csat, n.nps_group, n.comment, n.total
    FROM newest n
    LEFT JOIN accounts a ON a.account_id = n.account_id
    LEFT JOIN reps r ON r.rep_id = n.rep_id
)
SELECT * FROM final ORDER BY submitted_on DESC, response_id DESC
