-- Per rep: of the deals created in the period, how many reached each funnel stage (the cohort
-- cohort funnel (funnel.reached_by_stage), split by rep; "reached" = furthest stage position >= the stage's).
-- Filled with the segment filters *without* the rep filter, so a rep's team baseline stays whole.
WITH cohort AS (
    SELECT d.rep_id, coalesce(d.rep_name, d.rep_id) AS rep_name, d.team, d.furthest_position
    FROM deal_facts d
    WHERE d.created_on BETWEEN $date_from AND $effective_to /*segment*/
),
per_rep AS (
    SELECT rep_id, rep_name, team, furthest_position AS position, count(*) AS deals
    FROM cohort
    GROUP BY ALL
),
rep_list AS (
    SELECT DISTINCT p.rep_id, p.rep_name, p.team, (SELECT count(*) FROM reps t WHERE t.team = p.team) AS team_reps
    FROM per_rep p
),
funnel_stages AS (
    SELECT stage, position FROM stages WHERE kind IN ('open', 'won')
),
final AS (
    SELECT g.rep_id, g.rep_name, g.team, g.team_reps, s.stage, s.position, coalesce(sum(p.deals), 0)::BIGINT AS reached
    FROM rep_list g
    CROSS JOIN funnel_stages s
    LEFT JOIN per_rep p ON p.rep_id IS NOT DISTINCT FROM g.rep_id AND p.position >= s.position
    GROUP BY ALL
)
SELECT * FROM final ORDER BY rep_id, position
