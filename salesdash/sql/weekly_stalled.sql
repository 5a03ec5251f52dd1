-- The inputs of the stalled rule (salesdash.stalled, docs/metrics.md "Stalled deal") at two moments,
-- the start ($week_start) and the end ($next_start) of a week, for the deals in $deal_ids.
-- The reference day of a moment is the day before it ($start_day, $end_day), exactly as open_deal_health
-- uses its as-of day: ages and idle days count to that day, norms and activities up to it.
-- The stage at a moment is the one entered by the last stage change before it.
WITH chosen AS (
    SELECT DISTINCT unnest($deal_ids) AS deal_id
),
completed AS (
    SELECT stage, exited_at, datediff('day', entered_at, exited_at) AS days
    FROM stage_intervals
    WHERE exited_at IS NOT NULL AND exited_at <= $end_day
),
norms AS (
    SELECT stage,
           quantile_cont(days, 0.75) FILTER (WHERE exited_at <= $start_day) AS p75_start,
           quantile_cont(days, 0.75) AS p75_end
    FROM completed
    GROUP BY stage
),
entered AS (
    SELECT e.deal_id,
           arg_max(e.new_value, e.changed_at) FILTER (WHERE e.changed_at < $week_start::TIMESTAMP) AS stage_start,
           max(e.changed_at) FILTER (WHERE e.changed_at < $week_start::TIMESTAMP) AS entered_start,
           arg_max(e.new_value, e.changed_at) FILTER (WHERE e.changed_at < $next_start::TIMESTAMP) AS stage_end,
           max(e.changed_at) FILTER (WHERE e.changed_at < $next_start::TIMESTAMP) AS entered_end
    FROM deal_events e
    WHERE e.field = 'stage' AND e.deal_id IN (SELECT deal_id FROM chosen)
    GROUP BY e.deal_id
),
touched AS (
    SELECT x.deal_id,
           max(x.occurred_at) FILTER (WHERE x.occurred_at <= $start_day) AS last_start,
           max(x.occurred_at) FILTER (WHERE x.occurred_at <= $end_day) AS last_end
    FROM activities x
    WHERE x.deal_id IN (SELECT deal_id FROM chosen)
    GROUP BY x.deal_id
),
has_activities AS (
    SELECT count(*) > 0 AS tracked FROM activities
),
final AS (
    SELECT
        c.deal_id,
        en.stage_start AS entered_stage_start,
        datediff('day', en.entered_start, $start_day::DATE) AS age_start,
        ns.p75_start AS norm_start,
        en.stage_end AS entered_stage_end,
        datediff('day', en.entered_end, $end_day::DATE) AS age_end,
        ne.p75_end AS norm_end,
        CASE WHEN (SELECT tracked FROM has_activities)
             THEN datediff('day', coalesce(t.last_start, d.created_on), $start_day::DATE) END AS idle_start,
        CASE WHEN (SELECT tracked FROM has_activities)
             THEN datediff('day', coalesce(t.last_end, d.created_on), $end_day::DATE) END AS idle_end
    FROM chosen c
    JOIN deals d USING (deal_id)
    LEFT JOIN entered en USING (deal_id)
    LEFT JOIN touched t USING (deal_id)
    LEFT JOIN norms ns ON ns.stage = en.stage_start
    LEFT JOIN norms ne ON ne.stage = en.stage_end
)
SELECT * FROM final
