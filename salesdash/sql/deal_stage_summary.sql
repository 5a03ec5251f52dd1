-- One row per deal: its filter dimensions and list columns plus what the funnel needs from its stage history
-- (derived once per dataset by salesdash.stage_history, after stage_moves).
-- furthest_position follows DESIGN.md "Reached stage" exactly as the deal_furthest_stage view does;
-- stage_position is the position of the current stage (open) or the stage at loss (lost);
-- stage_entered_at is when an open deal entered the stage it is in (NULL without history);
-- last_move_at is its latest stage move (a close included); last_activity_at its latest activity.
WITH open_stages AS (
    SELECT stage, position FROM stages WHERE kind = 'open'
),
won_position AS (
    SELECT min(position) AS position FROM stages WHERE kind = 'won'
),
history AS (
    SELECT
        deal_id,
        max(position) FILTER (WHERE kind = 'open') AS furthest_open,
        arg_max(stage, seq) AS last_stage,
        max(entered_at) AS last_entered_at
    FROM /*history*/stage_moves
    GROUP BY deal_id
),
last_touch AS (/*last_touch*/),
final AS (
    SELECT
        d.deal_id,
        d.name,
        d.account_id,
        d.account_name,
        d.rep_id,
        d.rep_name,
        d.customer_type,
        d.channel,
        d.team,
        d.product,
        d.region,
        d.lead_source,
        d.amount,
        d.created_on,
        d.closed_on,
        d.status,
        d.stage,
        d.lost_reason,
        d.expected_close,
        d.forecast_category,
        CASE
            WHEN d.status = 'won' THEN (SELECT position FROM won_position)
            ELSE greatest(coalesce(h.furthest_open, 1), coalesce(cur.position, 1))
        END AS furthest_position,
        CASE WHEN d.status = 'won' THEN (SELECT position FROM won_position) ELSE cur.position END AS stage_position,
        CASE WHEN d.status = 'open' AND h.last_stage = d.stage THEN h.last_entered_at END AS stage_entered_at,
        h.last_entered_at AS last_move_at,
        t.last_activity_at,
        h.deal_id IS NOT NULL AS has_history
    FROM deal_facts d
    LEFT JOIN history h USING (deal_id)
    LEFT JOIN last_touch t USING (deal_id)
    LEFT JOIN open_stages cur ON cur.stage = d.stage
)
-- by status, then creation: open deals, a period's cohort and its losses are read without the rest
SELECT * FROM final ORDER BY status, created_on
