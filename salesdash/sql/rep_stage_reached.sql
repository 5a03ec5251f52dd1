-- Per rep: of the deals created in the period, how many reached each funnel stage (the cohort
-- cohort funnel (funnel.reached_by_stage), split by rep; "reached" = furthest stage position >= the stage's).
-- Filled with the segment filters *without* the rep filter, so a rep's team baseline stays whole; the
-- rep filter ($only_reps, empty = all) applies to the rows returned, after the baselines are summed.
-- Each rep x stage row carries the next stage's reached (advanced) and its peers' sums: the rep's team
-- when the team has $min_team_reps reps or more in the reps table, else all reps (peers 'team' / 'all').
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
reached AS (
    SELECT g.rep_id, g.rep_name, g.team, g.team_reps, s.stage, s.position, coalesce(sum(p.deals), 0)::BIGINT AS reached
    FROM rep_list g
    CROSS JOIN funnel_stages s
    LEFT JOIN per_rep p ON p.rep_id IS NOT DISTINCT FROM g.rep_id AND p.position >= s.position
    GROUP BY ALL
),
steps AS (
    SELECT *, lead(stage) OVER by_rep AS next_stage, lead(reached) OVER by_rep AS advanced
    FROM reached
    WINDOW by_rep AS (PARTITION BY rep_id ORDER BY position)
),
with_peers AS (
    SELECT
        *,
        team IS NOT NULL AND team_reps >= $min_team_reps AS with_team,
        sum(reached) OVER (PARTITION BY team, stage) AS team_reached,
        sum(advanced) OVER (PARTITION BY team, stage) AS team_advanced,
        sum(reached) OVER (PARTITION BY stage) AS all_reached,
        sum(advanced) OVER (PARTITION BY stage) AS all_advanced
    FROM steps
    WHERE next_stage IS NOT NULL  -- the won stage has no step after it
),
final AS (
    SELECT
        rep_id, rep_name, team, stage, next_stage, position, reached, advanced,
        advanced / nullif(reached, 0) AS rate,
        CASE WHEN with_team THEN 'team' ELSE 'all' END AS peers,
        (CASE WHEN with_team THEN team_reached ELSE all_reached END)::BIGINT AS peer_reached,
        (CASE WHEN with_team THEN team_advanced ELSE all_advanced END)::BIGINT AS peer_advanced
    FROM with_peers
    WHERE len($only_reps) = 0 OR list_contains($only_reps, rep_id)
)
SELECT *, peer_advanced / nullif(peer_reached, 0) AS peer_rate
FROM final ORDER BY rep_id NULLS LAST, position
