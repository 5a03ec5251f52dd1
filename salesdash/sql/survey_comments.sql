-- Verbatim comments of the period, newest first, optionally only those containing the search text (any
-- language; case-insensitive, a plain substring — % and _ are not wildcards) and of some NPS groups.
-- /*search_filter*/ and /*group_filter*/ are filled from fixed fragments (empty when not searching);
-- the values are bound. `total` counts matches before the $limit.
WITH commented AS (
    SELECT
        s.submitted_on,
        s.response_id,
        s.account_name,
        s.rep_name,
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
    WHERE TRUE /*search_filter*/ /*group_filter*/
),
newest AS (
    SELECT * FROM matching ORDER BY submitted_on DESC, response_id DESC LIMIT $limit
),
final AS (
    SELECT n.*, (SELECT count(*) FROM matching) AS total FROM newest n
)
SELECT * FROM final ORDER BY submitted_on DESC, response_id DESC
