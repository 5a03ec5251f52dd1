-- The cohort of deals created in [$cohort_from, $effective_to], counted by group and furthest stage.
-- /*group*/ is a fixed expression chosen by salesdash.funnel (a dimension column or a creation month /
-- quarter, never user text); "reached stage s" is then the sum over furthest positions >= position(s).
WITH cohort AS (
    SELECT /*group*/ AS grp, d.furthest_position, d.status, d.amount
    FROM /*history*/deal_stage_summary d
    WHERE d.created_on BETWEEN $cohort_from AND $effective_to /*segment*/
),
final AS (
    SELECT
        grp,
        furthest_position AS position,
        count(*) AS deals,
        coalesce(sum(amount), 0) AS value,
        count(*) FILTER (WHERE status = 'open') AS open_deals
    FROM cohort
    GROUP BY grp, furthest_position
)
SELECT * FROM final
