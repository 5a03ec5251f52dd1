-- Won value and count per calendar month from $chart_from to $effective_to, months without a win at 0.
WITH months AS (
    SELECT unnest(generate_series(date_trunc('month', $chart_from::DATE),
                                  date_trunc('month', $effective_to::DATE),
                                  INTERVAL 1 MONTH))::DATE AS month
),
won AS (
    SELECT date_trunc('month', closed_on)::DATE AS month, sum(amount) AS won_value, count(*) AS won_count
    FROM deal_facts d
    WHERE status = 'won' AND closed_on BETWEEN $chart_from AND $effective_to /*segment*/
    GROUP BY 1
),
final AS (
    SELECT
        m.month,
        coalesce(w.won_value, 0) AS won_value,
        coalesce(w.won_count, 0) AS won_count,
        m.month >= date_trunc('month', $date_from::DATE) AS in_period
    FROM months m LEFT JOIN won w USING (month)
)
SELECT * FROM final ORDER BY month
