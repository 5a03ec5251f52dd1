-- The deals the meeting may need to discuss now: open as of $as_of, in a forecast category of $categories
-- and expected to close from $period_start to $period_end, with the stalled rule's verdict. The rule is
-- open_deal_health.sql itself (salesdash.weekly_risk fills it in), so it stays the one definition; the
-- conditions here narrow its open deals before its rows are built and sorted.
WITH health AS (/*open_deal_health*/),
final AS (
    SELECT *
    FROM health
    WHERE list_contains($categories, forecast_category) AND expected_close BETWEEN $period_start AND $period_end
)
SELECT * FROM final ORDER BY amount DESC NULLS LAST, deal_id
