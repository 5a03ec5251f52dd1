-- Moves between stages made in the period ($from_ts <= entered_at < $end_ts; segment filters apply):
-- new deals entering their first stage (from_stage NULL), forward steps, skips, moves back, exits to
-- won or lost, and reopened deals.
WITH moves AS (
    SELECT d.from_stage, d.stage, d.move, d.amount
    FROM /*history*/stage_moves d
    WHERE d.entered_at >= $from_ts AND d.entered_at < $end_ts /*segment*/
),
counted AS (
    -- count first, then look up the positions of a few dozen pairs (not of every move)
    SELECT from_stage, stage, move, count(*) AS deals, coalesce(sum(amount), 0) AS value
    FROM moves
    GROUP BY ALL
),
final AS (
    SELECT m.from_stage, f.position AS from_position, m.stage AS to_stage, t.position AS to_position, m.move,
           m.deals, m.value
    FROM counted m
    LEFT JOIN stages f ON f.stage = m.from_stage
    LEFT JOIN stages t ON t.stage = m.stage
)
SELECT * FROM final ORDER BY from_position NULLS FIRST, to_position
