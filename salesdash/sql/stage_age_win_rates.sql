-- How the chance of winning falls with time spent in a stage, learned from deals closed by $as_of.
-- Per open stage, four age bands start at 0 days, the stage's median stay, its p75 and twice its p75
-- (completed stays up to $as_of, the same norm as stalled deals). For each band: of the stays in that
-- stage that lasted at least the band's start (a deal lost while sitting there counts until its close),
-- how many belonged to deals that went on to win.
WITH closed AS (
    SELECT deal_id, status = 'won' AS won, closed_on FROM deals WHERE status IN ('won', 'lost') AND closed_on <= $as_of
),
norms AS (
    SELECT i.stage, quantile_cont(datediff('day', i.entered_at, i.exited_at), [0.5, 0.75]) AS q
    FROM stage_intervals i JOIN stages s ON s.stage = i.stage AND s.kind = 'open'
    WHERE i.exited_at IS NOT NULL AND i.exited_at <= $as_of
    GROUP BY i.stage
),
stays AS (
    SELECT i.stage, c.won, datediff('day', i.entered_at, coalesce(i.exited_at, c.closed_on)) AS days
    FROM stage_intervals i JOIN closed c USING (deal_id)
),
banded AS (
    -- each stay in the highest band whose start it reached
    SELECT st.stage, st.won,
           CASE WHEN st.days >= 2 * n.q[2] THEN 3 WHEN st.days >= n.q[2] THEN 2 WHEN st.days >= n.q[1] THEN 1 ELSE 0 END
               AS band
    FROM stays st JOIN norms n USING (stage)
),
per_band AS (
    SELECT stage, band, count(*) AS stays, count(*) FILTER (WHERE won) AS won FROM banded GROUP BY ALL
),
bands AS (
    SELECT stage, unnest([0, 1, 2, 3]) AS band, unnest([0.0, q[1], q[2], 2 * q[2]]) AS min_days FROM norms
),
final AS (
    -- a stay that reached band k also reached every band below it: count from the top down
    SELECT b.stage, b.band, b.min_days,
           sum(coalesce(p.stays, 0)) OVER w AS closed,
           sum(coalesce(p.won, 0)) OVER w AS won
    FROM bands b LEFT JOIN per_band p USING (stage, band)
    WINDOW w AS (PARTITION BY b.stage ORDER BY b.band DESC)
)
SELECT stage, band, min_days, closed::BIGINT AS closed, won::BIGINT AS won FROM final ORDER BY stage, band
