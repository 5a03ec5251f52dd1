-- Moves between stages made in the period ($from_ts <= entered_at < $end_ts; segment filters apply):
-- new deals entering their first stage (from_stage NULL), forward steps, skips, moves back, exits to
-- won or lost, and reopened deals.
WITH moves AS (
    SELECT d.from_stage, d.stage, d.move, d.amount
    FROM /*history*/stage_moves d
    WHERE d.entered_at >= $from_ts AND d.entered_at < $end_ts /*segment*/
),
final AS (
    SELECT
        m.from_stage,
        f.position AS from_position,
        m.stage AS to_stage,
        t.position AS to_position,
        m.move,
        count(*) AS deals,
        coalesce(sum(m.amount), 0) AS value
    FROM moves m
    LEFT JOIN stages f ON f.stage = m.from_stage
    LEFT JOIN stages t ON t.stage = m.stage
    GROUP BY ALL
)
SELECT * FROM final ORDER BY from_position NULLS FIRST, to_position
