-- Stage history, one row per stage a deal entered (derived once per dataset by salesdash.stage_history).
-- from_stage / move say how it got there: created, forward (to the next stage), skip (jumped ahead),
-- backward, won, lost, reopened (out of a closed stage); exit_move says the same of how it left.
-- exited_at is when it left (NULL while there).
-- days (calendar days, as the stalled-deal rule counts them) is set for open stages that were left,
-- by a later stage event or by the close. A close without a stage event into Won/Lost gets its exit
-- row here, so every closed deal with a history ends in a won or lost row.
WITH stage_list AS (
    SELECT stage, position, kind FROM stages
),
won_stage AS (
    SELECT stage FROM stages WHERE kind = 'won' ORDER BY position LIMIT 1
),
lost_stage AS (
    SELECT stage FROM stages WHERE kind = 'lost' ORDER BY position LIMIT 1
),
raw_events AS (
    SELECT e.deal_id, e.changed_at AS entered_at, e.new_value AS stage, 0 AS tie
    FROM deal_events e
    WHERE e.field = 'stage' AND e.new_value IS NOT NULL
),
last_event AS (
    SELECT deal_id, arg_max(stage, entered_at) AS stage, max(entered_at) AS entered_at
    FROM raw_events
    GROUP BY deal_id
),
closing AS (
    SELECT
        d.deal_id,
        greatest(d.closed_on::TIMESTAMP, l.entered_at) AS entered_at,
        CASE d.status WHEN 'won' THEN (SELECT stage FROM won_stage) ELSE (SELECT stage FROM lost_stage) END AS stage,
        1 AS tie
    FROM deals d
    JOIN last_event l USING (deal_id)
    JOIN stage_list s ON s.stage = l.stage
    WHERE d.status IN ('won', 'lost') AND d.closed_on IS NOT NULL AND s.kind = 'open'
),
all_events AS (
    SELECT * FROM raw_events
    UNION ALL
    SELECT * FROM closing WHERE stage IS NOT NULL
),
deduplicated AS (
    -- a repeated event for the stage the deal is already in is not a move
    SELECT deal_id, entered_at, stage, tie
    FROM (
        SELECT *, lag(stage) OVER (PARTITION BY deal_id ORDER BY entered_at, tie, stage) AS before
        FROM all_events
    )
    WHERE before IS DISTINCT FROM stage
),
ordered AS (
    SELECT
        deal_id,
        entered_at,
        stage,
        row_number() OVER w AS seq,
        lag(stage) OVER w AS from_stage,
        lead(stage) OVER w AS next_stage,
        lead(entered_at) OVER w AS next_at
    FROM deduplicated
    WINDOW w AS (PARTITION BY deal_id ORDER BY entered_at, tie, stage)
),
final AS (
    SELECT
        o.deal_id,
        o.seq,
        o.stage,
        s.position,
        s.kind,
        o.from_stage,
        f.position AS from_position,
        CASE
            WHEN o.from_stage IS NULL THEN 'created'
            WHEN s.kind = 'won' THEN 'won'
            WHEN s.kind = 'lost' THEN 'lost'
            WHEN f.kind IN ('won', 'lost') THEN 'reopened'
            WHEN s.position = f.position + 1 THEN 'forward'
            WHEN s.position > f.position + 1 THEN 'skip'
            WHEN s.position < f.position THEN 'backward'
            ELSE 'other'
        END AS move,
        o.entered_at,
        o.next_at AS exited_at,
        CASE
            WHEN o.next_stage IS NULL THEN NULL
            WHEN n.kind = 'won' THEN 'won'
            WHEN n.kind = 'lost' THEN 'lost'
            WHEN s.kind IN ('won', 'lost') THEN 'reopened'
            WHEN n.position = s.position + 1 THEN 'forward'
            WHEN n.position > s.position + 1 THEN 'skip'
            WHEN n.position < s.position THEN 'backward'
            ELSE 'other'
        END AS exit_move,
        CASE WHEN s.kind = 'open' THEN datediff('day', o.entered_at, o.next_at) END AS days,
        o.next_at IS NULL AS is_last,
        d.customer_type,
        d.channel,
        d.team,
        d.rep_id,
        d.product,
        d.region,
        d.lead_source,
        d.amount,
        d.created_on,
        d.status
    FROM ordered o
    JOIN deal_facts d USING (deal_id)
    LEFT JOIN stage_list s ON s.stage = o.stage
    LEFT JOIN stage_list f ON f.stage = o.from_stage
    LEFT JOIN stage_list n ON n.stage = o.next_stage
)
-- sorted by exit, so a period's stays (and the moves out of a recent past) are read without the rest
SELECT * FROM final ORDER BY exited_at NULLS LAST, entered_at
