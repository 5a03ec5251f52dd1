-- How the chance of winning falls with time spent in a stage, learned from deals closed by $as_of.
-- Per open stage, four age bands start at 0 days, the stage's median stay, its p75 and twice its p75
-- (completed stays up to $as_of, the same norm as stalled deals). For each band: of the stays in that
-- stage that lasted at least the band's start (a deal lost while sitting there counts until its close),
-- how many belonged to deals that went on to win.
WITH closed AS (
    SELECT deal_id, status, closed_on FROM deals WHERE status IN ('won', 'lost') AND closed_on <= $as_of
),
stays AS (
    SELECT i.stage, c.status, datediff('day', i.entered_at, coalesce(i.exited_at, c.closed_on)) AS days
    FROM stage_intervals i
    JOIN closed c USING (deal_id)
    JOIN stages s ON s.stage = i.stage AND s.kind = 'open'
),
norms AS (
    SELECT stage, quantile_cont(datediff('day', entered_at, exited_at), [0.5, 0.75]) AS q
    FROM stage_intervals
    WHERE exited_at IS NOT NULL AND exited_at <= $as_of
    GROUP BY stage
),
bands AS (
    SELECT stage, unnest([0, 1, 2, 3]) AS band, unnest([0.0, q[1], q[2], 2 * q[2]]) AS min_days FROM norms
),
final AS (
    SELECT b.stage, b.band, b.min_days,
           count(st.days) AS closed, count(st.days) FILTER (WHERE st.status = 'won') AS won
    FROM bands b LEFT JOIN stays st ON st.stage = b.stage AND st.days >= b.min_days
    GROUP BY ALL
)
SELECT * FROM final ORDER BY stage, band
