-- Quota of the filtered reps per month or week ($grain) from $series_from to $series_to, each quota spread
-- evenly over its days (a bucket gets the share of the days it holds). Only /*rep_segment*/ applies.
WITH buckets AS (
    SELECT unnest(generate_series(date_trunc($grain, $series_from::DATE),
                                  date_trunc($grain, $series_to::DATE),
                                  CASE WHEN $grain = 'week' THEN INTERVAL 7 DAY ELSE INTERVAL 1 MONTH END))::DATE AS bucket
),
spans AS (
    SELECT bucket,
           (CASE WHEN $grain = 'week' THEN bucket + INTERVAL 7 DAY ELSE bucket + INTERVAL 1 MONTH END)::DATE - 1
               AS bucket_end
    FROM buckets
),
shares AS (
    SELECT b.bucket,
           q.amount
           * (datediff('day', greatest(q.period_start, b.bucket), least(q.period_end, b.bucket_end)) + 1)
           / (datediff('day', q.period_start, q.period_end) + 1) AS quota
    FROM spans b
    JOIN quotas q ON q.period_end >= b.bucket AND q.period_start <= b.bucket_end
    JOIN reps r ON r.rep_id = q.rep_id
    WHERE TRUE /*rep_segment*/
),
final AS (
    SELECT b.bucket, sum(s.quota) AS quota
    FROM buckets b LEFT JOIN shares s USING (bucket)
    GROUP BY b.bucket
)
SELECT * FROM final ORDER BY bucket
