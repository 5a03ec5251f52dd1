-- The deals behind one funnel stage ($position), for the drill-down list.
-- $view = 'cohort': deals created in the period that reached the stage (furthest position >= $position).
-- $view = 'snapshot': deals open at the end of the period that were in the stage then (the rule of
-- funnel_snapshot.sql, kept in step with it).
WITH cohort AS (
    SELECT d.deal_id
    FROM /*history*/deal_stage_summary d
    WHERE $view = 'cohort' AND d.created_on BETWEEN $date_from AND $effective_to
      AND d.furthest_position >= $position /*segment*/
),
open_at_end AS (
    SELECT d.deal_id, d.status, d.stage_position, d.has_history, d.last_move_at
    FROM /*history*/deal_stage_summary d
    WHERE $view = 'snapshot' AND coalesce(d.created_on, $as_of) <= $effective_to  -- as funnel_snapshot.sql
      AND (d.closed_on > $effective_to OR (d.closed_on IS NULL AND d.status = 'open')) /*segment*/
),
spanning AS (
    SELECT m.deal_id, m.position, m.kind
    FROM /*history*/stage_moves m
    WHERE $view = 'snapshot' AND m.exited_at >= $end_ts AND m.entered_at < $end_ts
),
last_open AS (
    SELECT max(position) AS position FROM stages WHERE kind = 'open'
),
snapshot AS (
    SELECT o.deal_id
    FROM open_at_end o
    LEFT JOIN spanning s USING (deal_id)
    WHERE CASE
        WHEN o.status = 'open' AND o.has_history AND o.last_move_at < $end_ts THEN o.stage_position
        WHEN s.deal_id IS NOT NULL THEN CASE WHEN s.kind = 'open' THEN s.position END
        WHEN o.has_history AND o.last_move_at < $end_ts THEN NULL
        WHEN o.status = 'won' THEN (SELECT position FROM last_open)
        ELSE o.stage_position
    END = $position
),
chosen AS (
    SELECT deal_id FROM cohort UNION ALL SELECT deal_id FROM snapshot
),
final AS (
    SELECT
        h.deal_id,
        h.name,
        h.account_name,
        coalesce(h.rep_name, h.rep_id) AS owner,
        h.team,
        h.customer_type,
        h.channel,
        h.product,
        h.amount,
        h.created_on,
        h.stage,
        h.status,
        fs.stage AS furthest_stage,
        h.expected_close,
        h.closed_on,
        h.lost_reason
    FROM chosen c
    JOIN /*history*/deal_stage_summary h USING (deal_id)
    LEFT JOIN stages fs ON fs.position = h.furthest_position AND fs.kind <> 'lost'
)
SELECT * FROM final ORDER BY amount DESC NULLS LAST, deal_id
