-- Warning signs, up to the as-of day, of every deal the at-risk list may hold whatever the filters: open,
-- in a forecast category of $categories and expected to close from $period_start to $period_end. Per deal:
-- how often its expected close date slipped (moved later), and how many activities fell in the last 7 days
-- and in the 28 days before them. The same for every filter: salesdash.weekly_risk counts it once per dataset.
-- Activities are compared as timestamps (days start at 00:00), so their time order spares reading the rest.
WITH chosen AS (
    SELECT d.deal_id, d.customer_type, d.channel, d.product, d.region
    FROM /*history*/deal_stage_summary d
    WHERE d.status = 'open' AND list_contains($categories, d.forecast_category)
      AND d.expected_close BETWEEN $period_start AND $period_end
),
slips AS (
    SELECT e.deal_id, count(*) AS slips
    FROM deal_events e
    WHERE e.field = 'expected_close' AND e.changed_at < ($as_of::DATE + 1)::TIMESTAMP
      AND TRY_CAST(e.new_value AS DATE) > TRY_CAST(e.old_value AS DATE)
      AND e.deal_id IN (SELECT deal_id FROM chosen)
    GROUP BY e.deal_id
),
touches AS (
    SELECT x.deal_id,
           count(*) FILTER (WHERE x.occurred_at >= ($as_of::DATE - 6)::TIMESTAMP) AS activities_last_7,
           count(*) FILTER (WHERE x.occurred_at < ($as_of::DATE - 6)::TIMESTAMP) AS activities_before
    FROM activities x
    WHERE x.occurred_at >= ($as_of::DATE - 34)::TIMESTAMP AND x.occurred_at < ($as_of::DATE + 1)::TIMESTAMP
      AND x.deal_id IN (SELECT deal_id FROM chosen)
    GROUP BY x.deal_id
),
final AS (
    SELECT c.deal_id, c.customer_type, c.channel, c.product, c.region,
           coalesce(s.slips, 0) AS slips,
           coalesce(t.activities_last_7, 0) AS activities_last_7,
           coalesce(t.activities_before, 0) AS activities_before
    FROM chosen c
    LEFT JOIN slips s USING (deal_id)
    LEFT JOIN touches t USING (deal_id)
)
SELECT * FROM final
