-- Warning signs of the deals in $deal_ids up to the as-of day: how often the expected close date slipped
-- (moved later), and how many activities fell in the last 7 days and in the 28 days before them.
WITH chosen AS (
    SELECT DISTINCT unnest($deal_ids) AS deal_id
),
slips AS (
    SELECT e.deal_id, count(*) AS slips
    FROM deal_events e
    WHERE e.field = 'expected_close' AND e.changed_at::DATE <= $as_of
      AND TRY_CAST(e.new_value AS DATE) > TRY_CAST(e.old_value AS DATE)
      AND e.deal_id IN (SELECT deal_id FROM chosen)
    GROUP BY e.deal_id
),
touches AS (
    SELECT x.deal_id,
           count(*) FILTER (WHERE x.occurred_at::DATE > $as_of::DATE - 7) AS activities_last_7,
           count(*) FILTER (WHERE x.occurred_at::DATE <= $as_of::DATE - 7) AS activities_before
    FROM activities x
    WHERE x.occurred_at::DATE <= $as_of AND x.occurred_at::DATE > $as_of::DATE - 35
      AND x.deal_id IN (SELECT deal_id FROM chosen)
    GROUP BY x.deal_id
),
final AS (
    SELECT c.deal_id,
           coalesce(s.slips, 0) AS slips,
           coalesce(t.activities_last_7, 0) AS activities_last_7,
           coalesce(t.activities_before, 0) AS activities_before
    FROM chosen c
    LEFT JOIN slips s USING (deal_id)
    LEFT JOIN touches t USING (deal_id)
)
SELECT * FROM final
