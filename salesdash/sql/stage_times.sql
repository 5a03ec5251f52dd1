-- Time in stage per open stage, in calendar days:
--   stays that ended in the period ($from_ts <= exited_at < $end_ts; segment filters apply), and how
--   many of them ended with the deal lost;
--   the norm (stage_norms.sql): every stay completed by the end of the as-of day across the whole
--   dataset, whatever the filters — the yardstick the stalled-deal rule uses, so a narrow filter is
--   compared with the company, not with itself;
--   the age of the deals open now in each stage (segment filters apply; NULL without stage history).
WITH period_stays AS (
    SELECT d.stage, d.days, d.exit_move, d.amount
    FROM /*history*/stage_moves d
    WHERE d.kind = 'open' AND d.exited_at >= $from_ts AND d.exited_at < $end_ts /*segment*/
),
open_ages AS (
    SELECT d.stage, datediff('day', d.stage_entered_at, $as_of::DATE) AS age, d.amount
    FROM /*history*/deal_stage_summary d
    WHERE d.status = 'open' AND d.stage_entered_at IS NOT NULL AND coalesce(d.created_on, $as_of) <= $as_of /*segment*/
),
period AS (
    SELECT stage, count(*) AS stays, quantile_cont(days, [0.1, 0.25, 0.5, 0.75, 0.9]) AS q,
           count(*) FILTER (WHERE exit_move = 'lost') AS lost_exits
    FROM period_stays GROUP BY stage
),
norm AS (/*stage_norms*/),
ages AS (
    SELECT stage, count(*) AS open_deals, quantile_cont(age, [0.1, 0.25, 0.5, 0.75, 0.9]) AS q
    FROM open_ages GROUP BY stage
),
final AS (
    SELECT
        s.stage,
        s.position,
        coalesce(p.stays, 0) AS stays,
        coalesce(p.lost_exits, 0) AS lost_exits,
        p.q[1] AS p10_days,
        p.q[2] AS p25_days,
        p.q[3] AS median_days,
        p.q[4] AS p75_days,
        p.q[5] AS p90_days,
        coalesce(n.norm_stays, 0) AS norm_stays,
        n.norm_median_days,
        n.norm_p75_days,
        n.norm_p90_days,
        coalesce(a.open_deals, 0) AS open_deals,
        a.q[1] AS age_p10_days,
        a.q[2] AS age_p25_days,
        a.q[3] AS age_median_days,
        a.q[4] AS age_p75_days,
        a.q[5] AS age_p90_days
    FROM stages s
    LEFT JOIN period p USING (stage)
    LEFT JOIN norm n USING (stage)
    LEFT JOIN ages a USING (stage)
    WHERE s.kind = 'open'
)
SELECT * FROM final ORDER BY position
