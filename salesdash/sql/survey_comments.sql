-- Verbatim comments of the period, newest first, optionally only those containing the search text (any
-- language; case-insensitive, a plain substring — % and _ are not wildcards) and of some NPS groups.
-- /*search_filter*/ and /*group_filter*/ are filled from fixed fragments (empty when not searching);
-- the values are bound. `total` counts matches before the $limit. The newest rows and the count are
-- two reads, so the top-N fetches its columns for $limit rows only.
WITH commented AS NOT MATERIALIZED (  -- read twice (rows, count): inline, never copy the comments
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
        AND s.comment <> '' /*survey_segment*/
),
newest AS (
    SELECT * FROM commented c
    WHERE TRUE /*search_filter*/ /*group_filter*/
    ORDER BY c.submitted_on DESC, c.response_id DESC
    LIMIT $limit
),
counted AS (
    SELECT count(*) AS total FROM commented c WHERE TRUE /*search_filter*/ /*group_filter*/
),
final AS (
    SELECT newest.*, counted.total FROM newest, counted
)
SELECT * FROM final ORDER BY submitted_on DESC, response_id DESC
