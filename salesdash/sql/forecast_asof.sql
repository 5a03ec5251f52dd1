-- The open pipeline as it stood at the start of each past period's first day, rebuilt from deal_events,
-- keeping the deals whose expected close on that day fell in the period. $days and $period_ends are
-- lists (one entry per period); the result has one row per period and deal. Nothing from the future:
--   * a deal created on or after the day, or closed before it, is not there;
--   * a field's value on the day is the last change before the day; without one, the value a later change
--     replaced (its old_value, i.e. what the field held on the day); without any change, the current value.
--   * a deal won since whose stage on the day is unknown (no stage history) starts at the first open stage,
--     never at "Won".
WITH periods AS (
    SELECT unnest($days::DATE[]) AS day, unnest($period_ends::DATE[]) AS period_end
),
candidates AS (
    SELECT p.day, p.period_end, d.deal_id, d.name, d.account_name, d.rep_id, coalesce(d.rep_name, d.rep_id) AS rep_name, d.team,
           d.customer_type, d.channel, d.product, d.region, d.stage, d.status, d.amount, d.expected_close,
           d.forecast_category, d.created_on
    FROM deal_facts d JOIN periods p ON d.created_on < p.day AND (d.closed_on IS NULL OR d.closed_on >= p.day)
    WHERE TRUE /*segment*/
),
closes AS (
    -- the expected close on the day first: most candidates close outside the period and need no more
    SELECT c.day, c.deal_id,
        count(*) FILTER (WHERE e.changed_at < c.day) AS close_before_n,
        arg_max_null(e.new_value, e.changed_at) FILTER (WHERE e.changed_at < c.day) AS close_before,
        count(*) FILTER (WHERE e.changed_at >= c.day) AS close_after_n,
        arg_min_null(e.old_value, e.changed_at) FILTER (WHERE e.changed_at >= c.day) AS close_after
    FROM deal_events e JOIN candidates c USING (deal_id)
    WHERE e.field = 'expected_close'
    GROUP BY c.day, c.deal_id
),
in_period AS (
    SELECT c.*,
        CASE WHEN h.close_before_n > 0 THEN try_cast(h.close_before AS DATE)
             WHEN h.close_after_n > 0 THEN try_cast(h.close_after AS DATE)
             ELSE c.expected_close END AS close_on_the_day
    FROM candidates c LEFT JOIN closes h USING (day, deal_id)
    WHERE close_on_the_day BETWEEN c.day AND c.period_end
),
history AS (
    SELECT c.day, e.deal_id,
        count(*) FILTER (WHERE e.field = 'stage' AND e.changed_at < c.day) AS stage_before_n,
        arg_max_null(e.new_value, e.changed_at) FILTER (WHERE e.field = 'stage' AND e.changed_at < c.day) AS stage_before,
        max(e.changed_at) FILTER (WHERE e.field = 'stage' AND e.changed_at < c.day) AS stage_since,
        count(*) FILTER (WHERE e.field = 'stage' AND e.changed_at >= c.day) AS stage_after_n,
        arg_min_null(e.old_value, e.changed_at) FILTER (WHERE e.field = 'stage' AND e.changed_at >= c.day) AS stage_after,
        count(*) FILTER (WHERE e.field = 'amount' AND e.changed_at < c.day) AS amount_before_n,
        arg_max_null(e.new_value, e.changed_at) FILTER (WHERE e.field = 'amount' AND e.changed_at < c.day) AS amount_before,
        count(*) FILTER (WHERE e.field = 'amount' AND e.changed_at >= c.day) AS amount_after_n,
        arg_min_null(e.old_value, e.changed_at) FILTER (WHERE e.field = 'amount' AND e.changed_at >= c.day) AS amount_after,
        count(*) FILTER (WHERE e.field = 'forecast_category' AND e.changed_at < c.day) AS category_before_n,
        arg_max_null(e.new_value, e.changed_at) FILTER (WHERE e.field = 'forecast_category' AND e.changed_at < c.day) AS category_before,
        count(*) FILTER (WHERE e.field = 'forecast_category' AND e.changed_at >= c.day) AS category_after_n,
        arg_min_null(e.old_value, e.changed_at) FILTER (WHERE e.field = 'forecast_category' AND e.changed_at >= c.day) AS category_after
    FROM deal_events e JOIN in_period c USING (deal_id)
    WHERE e.field IN ('stage', 'amount', 'forecast_category')
    GROUP BY c.day, e.deal_id
),
first_stage AS (
    SELECT stage FROM stages WHERE kind = 'open' ORDER BY position LIMIT 1
),
on_the_day AS (
    SELECT
        c.day AS period_start, c.period_end, c.deal_id, c.name, c.account_name, c.rep_id, c.rep_name, c.team, c.customer_type, c.channel,
        c.product, c.region, c.created_on,
        CASE WHEN h.stage_before_n > 0 THEN h.stage_before
             WHEN h.stage_after_n > 0 THEN h.stage_after
             WHEN c.status <> 'won' THEN c.stage
             ELSE (SELECT stage FROM first_stage) END AS stage,
        CASE WHEN h.stage_before_n > 0 THEN h.stage_since::DATE ELSE c.created_on END AS entered_stage_on,
        CASE WHEN h.amount_before_n > 0 THEN try_cast(h.amount_before AS DOUBLE)
             WHEN h.amount_after_n > 0 THEN try_cast(h.amount_after AS DOUBLE)
             ELSE c.amount END AS amount,
        c.close_on_the_day AS expected_close,
        CASE WHEN h.category_before_n > 0 THEN h.category_before
             WHEN h.category_after_n > 0 THEN h.category_after
             ELSE c.forecast_category END AS forecast_category
    FROM in_period c LEFT JOIN history h USING (day, deal_id)
),
final AS (
    SELECT o.*, s.position, s.default_probability,
           datediff('day', o.entered_stage_on, o.period_start) AS age_in_stage_days
    FROM on_the_day o LEFT JOIN stages s ON s.stage = o.stage
)
SELECT * FROM final
