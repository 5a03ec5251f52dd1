-- Deals lost in the period (close date in [$date_from, $effective_to]) by the stage they were lost at
-- and the reason given. stage is NULL when the source does not say where the deal was lost.
WITH lost AS (
    SELECT d.stage, d.lost_reason, d.amount
    FROM /*history*/deal_stage_summary d
    WHERE d.status = 'lost' AND d.closed_on BETWEEN $date_from AND $effective_to /*segment*/
),
final AS (
    SELECT
        l.stage,
        s.position,
        l.lost_reason,
        count(*) AS deals,
        coalesce(sum(l.amount), 0) AS value
    FROM lost l
    LEFT JOIN stages s ON s.stage = l.stage
    GROUP BY l.stage, s.position, l.lost_reason
)
SELECT * FROM final ORDER BY position NULLS LAST, value DESC
