-- The norm of each open stage: every stay in it completed before $as_of_end (the end of the as-of day),
-- across the whole dataset whatever the filters, in calendar days. Stored once per dataset (with
-- $as_of_end = infinity) and used as is whenever no stay ends after the as-of day.
WITH stays AS (
    SELECT stage, days
    FROM /*history*/stage_moves
    WHERE kind = 'open' AND exited_at < $as_of_end
),
final AS (
    SELECT
        stage,
        count(*) AS norm_stays,
        quantile_cont(days, 0.5) AS norm_median_days,
        quantile_cont(days, 0.75) AS norm_p75_days,
        quantile_cont(days, 0.9) AS norm_p90_days
    FROM stays
    GROUP BY stage
)
SELECT * FROM final
