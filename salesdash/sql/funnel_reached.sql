-- Cohort funnel: of the deals created in the period, how many reached each stage (DESIGN.md).
-- "Reached" = furthest stage position >= the stage's position; won deals passed every stage.
WITH cohort AS (
    SELECT d.deal_id, d.amount, d.furthest_position
    FROM deal_facts d
    WHERE d.created_on BETWEEN $date_from AND $effective_to /*segment*/
),
by_position AS (
    SELECT furthest_position AS position, count(*) AS deals, coalesce(sum(amount), 0) AS value
    FROM cohort
    GROUP BY furthest_position
),
funnel_stages AS (
    SELECT stage, position, kind, target_conversion FROM stages WHERE kind IN ('open', 'won')
),
final AS (
    SELECT
        s.stage,
        s.position,
        s.kind,
        s.target_conversion,
        (SELECT coalesce(sum(b.deals), 0) FROM by_position b WHERE b.position >= s.position) AS reached,
        (SELECT coalesce(sum(b.value), 0) FROM by_position b WHERE b.position >= s.position) AS reached_value
    FROM funnel_stages s
)
SELECT * FROM final ORDER BY position
