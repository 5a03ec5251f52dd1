-- Won value per month or week ($grain) from $series_from to $series_to, buckets without a win at 0.
-- A week starts on Monday. The last bucket may be partial (it holds $series_to).
WITH buckets AS (
    SELECT unnest(generate_series(date_trunc($grain, $series_from::DATE),
                                  date_trunc($grain, $series_to::DATE),
                                  CASE WHEN $grain = 'week' THEN INTERVAL 7 DAY ELSE INTERVAL 1 MONTH END))::DATE AS bucket
),
won AS (
    SELECT date_trunc($grain, d.closed_on)::DATE AS bucket, sum(coalesce(d.amount, 0)) AS won_value, count(*) AS won_count
    FROM deal_facts d
    WHERE d.status = 'won' AND d.closed_on BETWEEN $series_from AND $series_to /*segment*/
    GROUP BY 1
),
final AS (
    SELECT b.bucket, coalesce(w.won_value, 0) AS won_value, coalesce(w.won_count, 0) AS won_count
    FROM buckets b LEFT JOIN won w USING (bucket)
)
SELECT * FROM final ORDER BY bucket
