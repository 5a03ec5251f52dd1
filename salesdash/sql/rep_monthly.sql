-- One rep's month-by-month results beside their peers', from $chart_from to $effective_to.
-- Filled with the peers' filters (the rep's team, or everyone); $rep_id marks the rep's own deals.
-- Months without a closed deal show 0. Deals come from deal_stage_summary (deal_facts' rows, stored sorted by
-- status, which reads faster).
WITH months AS (
    SELECT unnest(generate_series(date_trunc('month', $chart_from::DATE),
                                  date_trunc('month', $effective_to::DATE),
                                  INTERVAL 1 MONTH))::DATE AS month
),
by_rep AS (
    -- per rep and month first: the month's reps are then its rows (cheaper than a count of distinct reps)
    SELECT
        date_trunc('month', d.closed_on)::DATE AS month,
        d.rep_id,
        count(*) FILTER (WHERE d.status = 'won') AS won_count,
        sum(d.amount) FILTER (WHERE d.status = 'won') AS won_value,
        count(*) FILTER (WHERE d.status = 'lost') AS lost_count
    FROM /*history*/deal_stage_summary d
    WHERE d.status IN ('won', 'lost') AND d.closed_on BETWEEN $chart_from AND $effective_to /*segment*/
    GROUP BY ALL
),
by_month AS (
    SELECT
        month,
        coalesce(sum(won_count) FILTER (WHERE rep_id = $rep_id), 0)::BIGINT AS won_count,
        coalesce(sum(won_value) FILTER (WHERE rep_id = $rep_id), 0) AS won_value,
        coalesce(sum(lost_count) FILTER (WHERE rep_id = $rep_id), 0)::BIGINT AS lost_count,
        sum(won_count)::BIGINT AS peer_won_count,
        coalesce(sum(won_value), 0) AS peer_won_value,
        sum(lost_count)::BIGINT AS peer_lost_count,
        count(rep_id) AS peer_reps  -- deals without a rep are no rep
    FROM by_rep
    GROUP BY month
),
final AS (
    SELECT
        m.month,
        coalesce(b.won_count, 0) AS won_count,
        coalesce(b.won_value, 0) AS won_value,
        coalesce(b.lost_count, 0) AS lost_count,
        coalesce(b.peer_won_count, 0) AS peer_won_count,
        coalesce(b.peer_won_value, 0) AS peer_won_value,
        coalesce(b.peer_lost_count, 0) AS peer_lost_count,
        coalesce(b.peer_reps, 0) AS peer_reps,
        m.month >= date_trunc('month', $date_from::DATE) AS in_period
    FROM months m LEFT JOIN by_month b USING (month)
)
SELECT * FROM final ORDER BY month
