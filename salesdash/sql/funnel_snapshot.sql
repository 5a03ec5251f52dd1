-- Deals open at the end of the period ($effective_to), by the stage they were in at that moment.
-- A deal still open whose last stage move was before the end ($end_ts = the next midnight) is in its
-- current stage; otherwise its stage history says which stay spanned the end (a deal closed then, e.g.
-- lost and later reopened, was not open). Without a history the stage is the current one (open), the
-- stage at loss (lost later) or the last open stage (won later). Kept in step with funnel_stage_deals.sql.
WITH open_at_end AS (
    SELECT d.deal_id, d.amount, d.status, d.stage_position, d.has_history, d.last_move_at
    FROM /*history*/deal_stage_summary d
    -- the Overview's open-pipeline rule (docs/metrics.md): a blank creation date counts from as-of on,
    -- a closed deal with a blank close date is never open
    WHERE coalesce(d.created_on, $as_of) <= $effective_to
      AND (d.closed_on > $effective_to OR (d.closed_on IS NULL AND d.status = 'open')) /*segment*/
),
spanning AS (
    -- only stays left after the end can span it: the table is sorted by exit, so this reads little
    SELECT m.deal_id, m.position, m.kind
    FROM /*history*/stage_moves m
    WHERE m.exited_at >= $end_ts AND m.entered_at < $end_ts
),
last_open AS (
    SELECT max(position) AS position FROM stages WHERE kind = 'open'
),
placed AS (
    SELECT
        o.deal_id,
        o.amount,
        CASE
            WHEN o.status = 'open' AND o.has_history AND o.last_move_at < $end_ts THEN o.stage_position
            WHEN s.deal_id IS NOT NULL THEN CASE WHEN s.kind = 'open' THEN s.position END
            WHEN o.has_history AND o.last_move_at < $end_ts THEN NULL  -- closed by its history
            WHEN o.status = 'won' THEN (SELECT position FROM last_open)
            ELSE o.stage_position
        END AS position
    FROM open_at_end o
    LEFT JOIN spanning s USING (deal_id)
),
final AS (
    SELECT st.stage, st.position, count(p.deal_id) AS deals, coalesce(sum(p.amount), 0) AS value
    FROM stages st
    LEFT JOIN placed p ON p.position = st.position
    WHERE st.kind = 'open'
    GROUP BY st.stage, st.position
)
SELECT * FROM final ORDER BY position
