-- The weekly pipeline flow (DESIGN.md "Weekly pipeline flow", docs/metrics.md "Weekly review").
-- One row per deal that touches the period's open pipeline during the week, that was created, won or lost
-- in the week or in the week before (for the cards' week-over-week change), or that counts as won so far
-- in the period at the week's start or end (for the forecast).
-- Parameters (DATEs): $prev_start (Monday of the week before), $week_start (Monday), $next_start (the
-- Monday after), $period_start, $period_end (the period: the quarter holding the week's Sunday),
-- $start_day and $end_day (the reference days of the two moments: the days before $week_start and
-- $next_start), $window_start ($start_day − $inactive_days); $inactive_days (the stalled rule's idle days).
--
-- A deal's field at a moment T = the old_value of its first change at or after T; with no such change,
-- its current value. So only the events since $week_start are read (the status changes since $prev_start),
-- however long the history is.
-- Status without status events: closed once its closed_on day has begun, open before.
-- Amounts are counted in whole cents (BIGINT) so the bars reconcile exactly.
-- Current rows come from deal_stage_summary (derived once per dataset, sorted by status and creation), read
-- in parts that its sort order and zone maps serve: open deals, recent wins and losses, recent creations.
--
-- The stalled rule's inputs at each moment (salesdash.stalled; weighed in salesdash.weekly_risk) follow
-- open_deal_health with the moment's reference day as its as-of day: the age in the stage entered by the
-- last stage move before the moment (stage_moves: a stay that has ended since is read from its sorted tail;
-- a deal that has not moved since is in the stage deal_stage_summary says it entered), and whether the
-- deal's last activity before the moment is more than $inactive_days days old (the stored last activity when
-- none came after the moment, else the activities since $window_start, which activities' time order keeps
-- cheap to read; a deal touched since, but not in those days, counts from its creation, or when it has no
-- creation date, is idle when touched before them).
WITH events AS (
    -- a field's value at the week's start or end needs its changes from the start on; the status at the start of
    -- the week before (for the cards' week-over-week change) needs the status changes from then on
    SELECT deal_id, field, changed_at, old_value, new_value
    FROM deal_events
    WHERE changed_at >= $prev_start::TIMESTAMP AND (changed_at >= $week_start::TIMESTAMP OR field = 'status')
),
changes AS (
    -- per deal and field, the value before its first change at or after each moment, and how many changes
    -- came at or after it (0: the value then is the current one)
    SELECT
        deal_id,
        field,
        count(*) FILTER (WHERE changed_at >= $week_start::TIMESTAMP) AS n_0,
        count(*) FILTER (WHERE changed_at >= $next_start::TIMESTAMP) AS n_1,
        arg_min_null(old_value, changed_at) AS before_p,
        arg_min_null(old_value, changed_at) FILTER (WHERE changed_at >= $week_start::TIMESTAMP) AS before_0,
        arg_min_null(old_value, changed_at) FILTER (WHERE changed_at >= $next_start::TIMESTAMP) AS before_1,
        -- the day of its last closing change before each moment (for a close in the week or the week before)
        max(changed_at) FILTER (WHERE new_value IN ('won', 'lost') AND changed_at < $week_start::TIMESTAMP)::DATE
            AS closed_by_start_on,
        max(changed_at) FILTER (WHERE new_value IN ('won', 'lost') AND changed_at < $next_start::TIMESTAMP)::DATE
            AS closed_by_end_on
    FROM events
    GROUP BY deal_id, field
),
changed AS (
    SELECT DISTINCT deal_id FROM changes
),
summary AS NOT MATERIALIZED (
    -- the columns used here (each part below reads only its rows: the filters reach the scan)
    SELECT deal_id, name, account_name, rep_id, rep_name, team, customer_type, channel, product, region, created_on,
           closed_on, status, amount, expected_close, stage, forecast_category, stage_entered_at, last_move_at,
           last_activity_at
    FROM /*history*/deal_stage_summary
),
current AS (
    -- a deal with no change since $prev_start is at every moment as it is now: it matters only when it is
    -- open now, was created or closed since then, or was won in the period
    SELECT * FROM summary WHERE status = 'open'
    UNION ALL
    SELECT * FROM summary WHERE status = 'won' AND closed_on >= least($prev_start, $period_start)
    UNION ALL
    SELECT * FROM summary WHERE status = 'lost' AND closed_on >= $prev_start
    UNION ALL
    -- closed before it was created (an upload may say so): still created in the fortnight
    SELECT * FROM summary
    WHERE status <> 'open' AND created_on >= $prev_start
      AND NOT coalesce(closed_on >= CASE WHEN status = 'won' THEN least($prev_start, $period_start) ELSE $prev_start END, FALSE)
),
changed_elsewhere AS (
    -- changed since $prev_start but closed before it (none in a tidy history; an empty list costs no scan)
    SELECT * FROM summary
    WHERE deal_id IN (SELECT deal_id FROM changed WHERE deal_id NOT IN (SELECT deal_id FROM current))
),
facts AS (
    SELECT d.* FROM (SELECT * FROM current UNION ALL SELECT * FROM changed_elsewhere) d
    WHERE coalesce(d.created_on < $next_start, TRUE) /*segment*/
),
states AS (
    SELECT
        d.deal_id, d.name, d.account_name, d.rep_id, coalesce(d.rep_name, d.rep_id) AS rep_name, d.team,
        d.customer_type, d.channel, d.product, d.region, d.created_on, d.closed_on,
        d.stage_entered_at, d.last_move_at, d.last_activity_at,
        coalesce(d.created_on < $prev_start, TRUE) AS exists_p,
        coalesce(d.created_on < $week_start, TRUE) AS exists_0,
        d.created_on >= $prev_start AND d.created_on < $week_start AS created_prev,
        d.created_on >= $week_start AND d.created_on < $next_start AS created_in_week,
        CASE WHEN rs.deal_id IS NOT NULL THEN rs.before_p
             WHEN d.status <> 'open' AND coalesce(d.closed_on >= $prev_start, FALSE) THEN 'open'
             ELSE d.status END AS status_p,
        CASE WHEN rs.n_0 > 0 THEN rs.before_0
             WHEN d.status <> 'open' AND coalesce(d.closed_on >= $week_start, FALSE) THEN 'open'
             ELSE d.status END AS status_0,
        CASE WHEN rs.n_1 > 0 THEN rs.before_1
             WHEN d.status <> 'open' AND coalesce(d.closed_on >= $next_start, FALSE) THEN 'open'
             ELSE d.status END AS status_1,
        CASE WHEN ra.n_0 > 0 THEN TRY_CAST(ra.before_0 AS DOUBLE) ELSE d.amount END AS amount_0,
        CASE WHEN ra.n_1 > 0 THEN TRY_CAST(ra.before_1 AS DOUBLE) ELSE d.amount END AS amount_1,
        CASE WHEN rc.n_0 > 0 THEN TRY_CAST(rc.before_0 AS DATE) ELSE d.expected_close END AS close_0,
        CASE WHEN rc.n_1 > 0 THEN TRY_CAST(rc.before_1 AS DATE) ELSE d.expected_close END AS close_1,
        CASE WHEN rg.n_0 > 0 THEN rg.before_0 ELSE d.stage END AS stage_0,
        CASE WHEN rg.n_1 > 0 THEN rg.before_1 ELSE d.stage END AS stage_1,
        CASE WHEN rk.n_0 > 0 THEN rk.before_0 ELSE d.forecast_category END AS category_0,
        CASE WHEN rk.n_1 > 0 THEN rk.before_1 ELSE d.forecast_category END AS category_1,
        CASE WHEN rs.closed_by_end_on >= $week_start THEN rs.closed_by_end_on END AS closed_in_week_on,
        -- the day a deal won at a moment closed: its close date, unless it closed (again) after the moment
        CASE WHEN d.closed_on < $week_start THEN d.closed_on ELSE rs.closed_by_start_on END AS won_on_0,
        CASE WHEN d.closed_on < $next_start THEN d.closed_on ELSE rs.closed_by_end_on END AS won_on_1
    FROM facts d
    LEFT JOIN (SELECT * FROM changes WHERE field = 'status') rs USING (deal_id)
    LEFT JOIN (SELECT * FROM changes WHERE field = 'amount') ra USING (deal_id)
    LEFT JOIN (SELECT * FROM changes WHERE field = 'expected_close') rc USING (deal_id)
    LEFT JOIN (SELECT * FROM changes WHERE field = 'stage') rg USING (deal_id)
    LEFT JOIN (SELECT * FROM changes WHERE field = 'forecast_category') rk USING (deal_id)
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
        status_0 IN ('won', 'lost') AND NOT (exists_p AND status_p IS NOT DISTINCT FROM status_0) AS closed_in_prev,
        -- won so far in the period at each moment (the forecast's won to date)
        exists_0 AND status_0 = 'won' AND coalesce(won_on_0 BETWEEN $period_start AND $start_day, FALSE) AS won_0,
        status_1 = 'won' AND coalesce(won_on_1 BETWEEN $period_start AND $end_day, FALSE) AS won_1
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
chosen AS (
    SELECT * FROM classified
    WHERE in_start OR in_end OR passes OR created_in_week OR created_prev OR closed_in_week OR closed_in_prev
       OR won_0 OR won_1
       OR (exists_0 AND (stage_0 IS DISTINCT FROM stage_1 OR amount_0 IS DISTINCT FROM amount_1
                         OR close_0 IS DISTINCT FROM close_1 OR status_0 IS DISTINCT FROM status_1))
),
stays AS (
    -- the stays that were going on at a moment and have ended since (stage_moves is sorted by exit)
    SELECT
        deal_id,
        arg_max({'stage': stage, 'at': entered_at}, entered_at) FILTER (WHERE entered_at < $week_start::TIMESTAMP) AS stay_0,
        arg_max({'stage': stage, 'at': entered_at}, entered_at)
            FILTER (WHERE entered_at < $next_start::TIMESTAMP AND exited_at >= $next_start::TIMESTAMP) AS stay_1
    FROM /*history*/stage_moves
    WHERE exited_at >= $week_start::TIMESTAMP
    GROUP BY deal_id
),
touches AS (
    -- the last activity in the window before each moment (activities are stored in time order)
    SELECT
        deal_id,
        max(occurred_at) FILTER (WHERE occurred_at < $week_start::TIMESTAMP) AS last_0,
        max(occurred_at) AS last_1
    FROM activities
    WHERE occurred_at >= $window_start::TIMESTAMP AND occurred_at < $next_start::TIMESTAMP AND deal_id IS NOT NULL
    GROUP BY deal_id
),
touched_before AS (
    -- deals without a creation date, touched before the window (the only ones it matters for)
    SELECT DISTINCT x.deal_id
    FROM activities x
    WHERE x.occurred_at < $window_start::TIMESTAMP
      AND x.deal_id IN (SELECT deal_id FROM chosen WHERE created_on IS NULL AND (in_start OR in_end))
),
has_activities AS (
    SELECT count(*) > 0 AS tracked FROM activities
),
health AS (
    SELECT
        c.*,
        CASE WHEN s.stay_0 IS NOT NULL THEN CASE WHEN s.stay_0.stage = c.stage_0 THEN datediff('day', s.stay_0.at, $start_day::DATE) END
             WHEN c.last_move_at < $week_start::TIMESTAMP AND c.stage_entered_at IS NOT NULL
             THEN datediff('day', c.stage_entered_at, $start_day::DATE) END AS age_0,
        CASE WHEN s.stay_1 IS NOT NULL THEN CASE WHEN s.stay_1.stage = c.stage_1 THEN datediff('day', s.stay_1.at, $end_day::DATE) END
             WHEN c.last_move_at < $next_start::TIMESTAMP AND c.stage_entered_at IS NOT NULL
             THEN datediff('day', c.stage_entered_at, $end_day::DATE) END AS age_1,
        CASE WHEN c.last_activity_at < $week_start::TIMESTAMP THEN c.last_activity_at ELSE t.last_0 END AS touched_0,
        CASE WHEN c.last_activity_at < $next_start::TIMESTAMP THEN c.last_activity_at ELSE t.last_1 END AS touched_1,
        c.last_activity_at IS NOT NULL AND b.deal_id IS NOT NULL AS touched_before_window
    FROM chosen c
    LEFT JOIN stays s USING (deal_id)
    LEFT JOIN touches t USING (deal_id)
    LEFT JOIN touched_before b USING (deal_id)
),
final AS (
    SELECT
        h.deal_id, hash(h.deal_id) AS deal_key, h.name, h.account_name, h.rep_id, h.rep_name, h.team, h.customer_type, h.channel, h.product,
        h.region,
        -- days as timestamps (midnight): pandas takes them as datetime64, not one Python object per cell
        h.created_on::TIMESTAMP AS created_on, h.close_day::TIMESTAMP AS close_day,
        h.exists_0, h.created_in_week, h.created_prev, h.closed_in_week, h.closed_in_prev,
        h.status_0, h.status_1, h.stage_0, h.stage_1, p0.position AS position_0, p1.position AS position_1,
        h.amount_0, h.amount_1, h.close_0::TIMESTAMP AS close_0, h.close_1::TIMESTAMP AS close_1,
        h.category_0, h.category_1,
        h.in_start, h.in_end, h.entry, h.exit, h.won_0, h.won_1, h.age_0, h.age_1,
        (SELECT tracked FROM has_activities) AND coalesce(
            datediff('day', touched_0, $start_day::DATE) > $inactive_days,
            CASE WHEN touched_before_window THEN TRUE END,
            datediff('day', created_on, $start_day::DATE) > $inactive_days, FALSE) AS inactive_0,
        (SELECT tracked FROM has_activities) AND coalesce(
            datediff('day', touched_1, $end_day::DATE) > $inactive_days,
            CASE WHEN touched_before_window THEN TRUE END,
            datediff('day', created_on, $end_day::DATE) > $inactive_days, FALSE) AS inactive_1,
        CASE WHEN in_start THEN cents_0 ELSE 0 END AS start_cents,
        CASE WHEN entry IN ('new', 'reopened') THEN cents_1 ELSE 0 END AS new_cents,
        CASE WHEN in_start AND cents_1 > cents_0 THEN cents_1 - cents_0 ELSE 0 END AS increased_cents,
        CASE WHEN in_start AND cents_1 < cents_0 THEN cents_0 - cents_1 ELSE 0 END AS decreased_cents,
        CASE WHEN exit = 'won' THEN cents_1 ELSE 0 END AS won_cents,
        CASE WHEN exit = 'lost' THEN cents_1 ELSE 0 END AS lost_cents,
        CASE WHEN exit = 'pushed_out' THEN cents_1 ELSE 0 END AS pushed_out_cents,
        CASE WHEN entry = 'pulled_in' THEN cents_1 ELSE 0 END AS pulled_in_cents,
        CASE WHEN in_end THEN cents_1 ELSE 0 END AS end_cents
    FROM health h
    LEFT JOIN stages p0 ON p0.stage = h.stage_0
    LEFT JOIN stages p1 ON p1.stage = h.stage_1
)
SELECT * FROM final
