-- Headline figures of one period for the Overview (docs/metrics.md).
-- Parameters: $date_from, $date_to (nominal end, for the quota), $effective_to (end capped at as_of).
-- /*segment*/, /*rep_segment*/ and /*survey_segment*/ are replaced by Filters.segment_sql fragments.
WITH facts AS (
    SELECT * FROM deal_facts d WHERE TRUE /*segment*/
),
closed AS (
    SELECT
        count(*) FILTER (WHERE status = 'won') AS won_count,
        coalesce(sum(amount) FILTER (WHERE status = 'won'), 0) AS won_value,
        count(*) FILTER (WHERE status = 'lost') AS lost_count,
        coalesce(sum(amount) FILTER (WHERE status = 'lost'), 0) AS lost_value,
        median(datediff('day', created_on, closed_on)) FILTER (WHERE status = 'won') AS median_cycle_days,
        avg(datediff('day', created_on, closed_on)) FILTER (WHERE status = 'won') AS avg_cycle_days
    FROM facts
    WHERE status IN ('won', 'lost') AND closed_on BETWEEN $date_from AND $effective_to
),
open_at_end AS (
    SELECT count(*) AS open_count, coalesce(sum(amount), 0) AS open_value
    FROM facts
    -- a deal whose creation date the source left blank exists at least since the data's as-of date
    -- a closed deal whose close date is blank is not open (it closed, we do not know when)
    WHERE coalesce(created_on, $as_of) <= $effective_to
      AND (closed_on > $effective_to OR (closed_on IS NULL AND status = 'open'))
),
quota AS (
    -- a quota overlapping the period counts for the overlapping share of its days
    SELECT sum(
        q.amount
        * (datediff('day', greatest(q.period_start, $date_from), least(q.period_end, $date_to)) + 1)
        / (datediff('day', q.period_start, q.period_end) + 1)
    ) AS quota
    FROM quotas q JOIN reps r USING (rep_id)
    WHERE q.period_end >= $date_from AND q.period_start <= $date_to /*rep_segment*/
),
nps AS (
    SELECT
        count(*) AS responses,
        100.0 * (count(*) FILTER (WHERE nps >= 9) - count(*) FILTER (WHERE nps <= 6)) / nullif(count(*), 0) AS nps
    FROM survey_facts s
    WHERE nps IS NOT NULL AND submitted_on BETWEEN $date_from AND $effective_to /*survey_segment*/
),
final AS (
    SELECT * FROM closed, open_at_end, quota, nps
)
SELECT * FROM final
