-- Quota of each filtered rep for a forecast period. A quota overlapping the period partly counts for the
-- overlapping share of its days (as on the Overview). Quotas belong to reps: only /*rep_segment*/ applies.
WITH overlapping AS (
    SELECT r.rep_id, coalesce(r.name, r.rep_id) AS rep_name, r.team,
           q.amount
           * (datediff('day', greatest(q.period_start, $period_start), least(q.period_end, $period_end)) + 1)
           / (datediff('day', q.period_start, q.period_end) + 1) AS quota
    FROM quotas q JOIN reps r USING (rep_id)
    WHERE q.period_end >= $period_start AND q.period_start <= $period_end /*rep_segment*/
),
final AS (
    SELECT rep_id, rep_name, team, sum(quota) AS quota FROM overlapping GROUP BY ALL
)
SELECT * FROM final
