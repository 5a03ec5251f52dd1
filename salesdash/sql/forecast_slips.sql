-- Close-date slips of the open deals expected to close in a forecast period: how often the expected close
-- was pushed later (up to $as_of) and the first close date ever recorded.
WITH period_deals AS (
    SELECT d.deal_id
    FROM deal_facts d
    WHERE d.status = 'open' AND d.expected_close BETWEEN $period_start AND $period_end /*segment*/
),
changes AS (
    SELECT e.deal_id, e.changed_at,
           try_cast(e.old_value AS DATE) AS old_close, try_cast(e.new_value AS DATE) AS new_close
    FROM deal_events e JOIN period_deals USING (deal_id)
    WHERE e.field = 'expected_close' AND e.changed_at < $as_of::DATE + 1
),
final AS (
    SELECT deal_id,
           count(*) FILTER (WHERE new_close > old_close) AS pushes,
           arg_min(old_close, changed_at) AS first_expected_close
    FROM changes
    GROUP BY deal_id
)
SELECT * FROM final
