-- The weekly pipeline flow (DESIGN.md "Weekly pipeline flow", docs/metrics.md "Weekly review").
-- One row per deal that touches the period's open pipeline during the week, or that was created,
-- won or lost in the week or in the week before (for the cards' week-over-week change).
-- Parameters (DATEs): $prev_start (Monday of the week before), $week_start (Monday), $next_start
-- (the Monday after), $period_start, $period_end (the period: the quarter holding the week's Sunday).
--
-- A deal's field at a moment T = the old_value of its first change at or after T; with no such change,
-- its current value. So only the events since $prev_start are read, however long the history is.
-- Status without status events: closed once its closed_on day has begun, open before.
-- Amounts are counted in whole cents (BIGINT) so the bars reconcile exactly.
WITH changes AS (
    -- per deal and field, the value before its first change at or after each moment
    SELECT
        deal_id,
        field,
        count(*) FILTER (WHERE changed_at >= $week_start::TIMESTAMP) AS n_0,
        count(*) FILTER (WHERE changed_at >= $next_start::TIMESTAMP) AS n_1,
        arg_min_null(old_value, changed_at) AS before_p,
        arg_min_null(old_value, changed_at) FILTER (WHERE changed_at >= $week_start::TIMESTAMP) AS before_0,
        arg_min_null(old_value, changed_at) FILTER (WHERE changed_at >= $next_start::TIMESTAMP) AS before_1,
        -- the day a deal closed in the week, or in the week before (its last closing change there)
        max(changed_at) FILTER (
            WHERE new_value IN ('won', 'lost') AND changed_at >= $week_start::TIMESTAMP
              AND changed_at < $next_start::TIMESTAMP
        )::DATE AS closed_in_week_on
    FROM deal_events
    WHERE changed_at >= $prev_start::TIMESTAMP
    GROUP BY deal_id, field
),
rewound AS (
    SELECT
        deal_id,
        -- at the start of the week before (p), of the week (0), and at its end (1)
        count(*) FILTER (WHERE field = 'status') AS n_status_p,
        max(n_0) FILTER (WHERE field = 'status') AS n_status_0,
        max(n_1) FILTER (WHERE field = 'status') AS n_status_1,
        max(before_p) FILTER (WHERE field = 'status') AS status_p,
        max(before_0) FILTER (WHERE field = 'status') AS status_0,
        max(before_1) FILTER (WHERE field = 'status') AS status_1,
        max(n_0) FILTER (WHERE field = 'amount') AS n_amount_0,
        max(n_1) FILTER (WHERE field = 'amount') AS n_amount_1,
        max(before_0) FILTER (WHERE field = 'amount') AS amount_0,
        max(before_1) FILTER (WHERE field = 'amount') AS amount_1,
        max(n_0) FILTER (WHERE field = 'expected_close') AS n_close_0,
        max(n_1) FILTER (WHERE field = 'expected_close') AS n_close_1,
        max(before_0) FILTER (WHERE field = 'expected_close') AS close_0,
        max(before_1) FILTER (WHERE field = 'expected_close') AS close_1,
        max(n_0) FILTER (WHERE field = 'stage') AS n_stage_0,
        max(n_1) FILTER (WHERE field = 'stage') AS n_stage_1,
        max(before_0) FILTER (WHERE field = 'stage') AS stage_0,
        max(before_1) FILTER (WHERE field = 'stage') AS stage_1,
        max(n_0) FILTER (WHERE field = 'forecast_category') AS n_category_0,
        max(n_1) FILTER (WHERE field = 'forecast_category') AS n_category_1,
        max(before_0) FILTER (WHERE field = 'forecast_category') AS category_0,
        max(before_1) FILTER (WHERE field = 'forecast_category') AS category_1,
        max(closed_in_week_on) FILTER (WHERE field = 'status') AS closed_in_week_on
    FROM changes
    GROUP BY deal_id
),
candidates AS (
    -- a deal with no change since $prev_start is at every moment as it is now: it matters only when it was
    -- created or closed since then, or is open now with its close date in the period
    SELECT deal_id FROM rewound
    UNION
    SELECT deal_id FROM deals
    WHERE created_on >= $prev_start OR closed_on >= $prev_start
       OR (status = 'open' AND expected_close BETWEEN $period_start AND $period_end)
),
facts AS (
    SELECT d.* FROM deal_facts d
    WHERE d.deal_id IN (SELECT deal_id FROM candidates) AND coalesce(d.created_on < $next_start, TRUE) /*segment*/
),
states AS (
    SELECT
        d.deal_id, d.name, d.account_name, d.rep_id, coalesce(d.rep_name, d.rep_id) AS rep_name, d.team,
        d.customer_type, d.channel, d.product, d.created_on, d.closed_on,
        coalesce(d.created_on < $prev_start, TRUE) AS exists_p,
        coalesce(d.created_on < $week_start, TRUE) AS exists_0,
        d.created_on >= $prev_start AND d.created_on < $week_start AS created_prev,
        d.created_on >= $week_start AND d.created_on < $next_start AS created_in_week,
        CASE WHEN coalesce(r.n_status_p, 0) > 0 THEN r.status_p
             WHEN d.status <> 'open' AND coalesce(d.closed_on >= $prev_start, FALSE) THEN 'open'
             ELSE d.status END AS status_p,
        CASE WHEN coalesce(r.n_status_0, 0) > 0 THEN r.status_0
             WHEN d.status <> 'open' AND coalesce(d.closed_on >= $week_start, FALSE) THEN 'open'
             ELSE d.status END AS status_0,
        CASE WHEN coalesce(r.n_status_1, 0) > 0 THEN r.status_1
             WHEN d.status <> 'open' AND coalesce(d.closed_on >= $next_start, FALSE) THEN 'open'
             ELSE d.status END AS status_1,
        CASE WHEN coalesce(r.n_amount_0, 0) > 0 THEN TRY_CAST(r.amount_0 AS DOUBLE) ELSE d.amount END AS amount_0,
        CASE WHEN coalesce(r.n_amount_1, 0) > 0 THEN TRY_CAST(r.amount_1 AS DOUBLE) ELSE d.amount END AS amount_1,
        CASE WHEN coalesce(r.n_close_0, 0) > 0 THEN TRY_CAST(r.close_0 AS DATE) ELSE d.expected_close END AS close_0,
        CASE WHEN coalesce(r.n_close_1, 0) > 0 THEN TRY_CAST(r.close_1 AS DATE) ELSE d.expected_close END AS close_1,
        CASE WHEN coalesce(r.n_stage_0, 0) > 0 THEN r.stage_0 ELSE d.stage END AS stage_0,
        CASE WHEN coalesce(r.n_stage_1, 0) > 0 THEN r.stage_1 ELSE d.stage END AS stage_1,
        CASE WHEN coalesce(r.n_category_0, 0) > 0 THEN r.category_0 ELSE d.forecast_category END AS category_0,
        CASE WHEN coalesce(r.n_category_1, 0) > 0 THEN r.category_1 ELSE d.forecast_category END AS category_1,
        r.closed_in_week_on
    FROM facts d
    LEFT JOIN rewound r USING (deal_id)
),
flags AS (
    SELECT
        *,
        coalesce(round(amount_0 * 100)::BIGINT, 0) AS cents_0,
        coalesce(round(amount_1 * 100)::BIGINT, 0) AS cents_1,
        exists_0 AND status_0 = 'open' AND coalesce(close_0 BETWEEN $period_start AND $period_end, FALSE) AS in_start,
        status_1 = 'open' AND coalesce(close_1 BETWEEN $period_start AND $period_end, FALSE) AS in_end,
        -- closed in the week: closed at its end, and not already closed the same way at its start
        status_1 IN ('won', 'lost') AND NOT (exists_0 AND status_0 IS NOT DISTINCT FROM status_1) AS closed_in_week,
        status_0 IN ('won', 'lost') AND NOT (exists_p AND status_p IS NOT DISTINCT FROM status_0) AS closed_in_prev
    FROM states
),
routed AS (
    SELECT
        *,
        coalesce(closed_in_week_on, closed_on) AS close_day,
        -- a deal closed in the week with its close day in the period passes through the flow:
        -- it enters (new / reopened / pulled in) and leaves (won / lost) at its amount at the end
        closed_in_week AND NOT in_start
            AND coalesce(coalesce(closed_in_week_on, closed_on) BETWEEN $period_start AND $period_end, FALSE) AS passes
    FROM flags
),
classified AS (
    SELECT
        *,
        CASE WHEN in_start OR NOT (in_end OR passes) THEN NULL
             WHEN NOT exists_0 THEN 'new'
             WHEN status_0 IN ('won', 'lost') THEN 'reopened'
             ELSE 'pulled_in' END AS entry,
        CASE WHEN in_end OR NOT (in_start OR passes) THEN NULL
             WHEN status_1 = 'won' THEN 'won'
             WHEN status_1 = 'lost' THEN 'lost'
             ELSE 'pushed_out' END AS exit
    FROM routed
),
final AS (
    SELECT
        deal_id, name, account_name, rep_id, rep_name, team, customer_type, channel, product,
        created_on, close_day, exists_0, created_in_week, created_prev, closed_in_week, closed_in_prev,
        status_0, status_1, stage_0, stage_1, amount_0, amount_1, close_0, close_1, category_0, category_1,
        in_start, in_end, entry, exit,
        CASE WHEN in_start THEN cents_0 ELSE 0 END AS start_cents,
        CASE WHEN entry IN ('new', 'reopened') THEN cents_1 ELSE 0 END AS new_cents,
        CASE WHEN in_start AND cents_1 > cents_0 THEN cents_1 - cents_0 ELSE 0 END AS increased_cents,
        CASE WHEN in_start AND cents_1 < cents_0 THEN cents_0 - cents_1 ELSE 0 END AS decreased_cents,
        CASE WHEN exit = 'won' THEN cents_1 ELSE 0 END AS won_cents,
        CASE WHEN exit = 'lost' THEN cents_1 ELSE 0 END AS lost_cents,
        CASE WHEN exit = 'pushed_out' THEN cents_1 ELSE 0 END AS pushed_out_cents,
        CASE WHEN entry = 'pulled_in' THEN cents_1 ELSE 0 END AS pulled_in_cents,
        CASE WHEN in_end THEN cents_1 ELSE 0 END AS end_cents
    FROM classified
    WHERE in_start OR in_end OR passes OR created_in_week OR created_prev OR closed_in_week OR closed_in_prev
       OR (exists_0 AND (stage_0 IS DISTINCT FROM stage_1 OR amount_0 IS DISTINCT FROM amount_1
                         OR close_0 IS DISTINCT FROM close_1 OR status_0 IS DISTINCT FROM status_1))
)
SELECT * FROM final
