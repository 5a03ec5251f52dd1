-- NPS, CSAT and dimension sums per segment (customer type, channel, product, team, rep) for the period
-- and the previous one, in one pass with GROUPING SETS. `dimension` is the Filters dimension name.
-- Parameters: $date_from, $effective_to, $prev_from, $prev_to; /*survey_segment*/.
WITH responses AS (
    SELECT
        CASE WHEN s.submitted_on >= $date_from THEN 'current' ELSE 'previous' END AS period,
        s.*
    FROM survey_facts s
    WHERE (s.submitted_on BETWEEN $date_from AND $effective_to OR s.submitted_on BETWEEN $prev_from AND $prev_to)
        /*survey_segment*/
),
grouped AS (
    SELECT
        CASE
            WHEN grouping(customer_type) = 0 THEN 'customer_types'
            WHEN grouping(channel) = 0 THEN 'channels'
            WHEN grouping(product) = 0 THEN 'products'
            WHEN grouping(team) = 0 THEN 'teams'
            ELSE 'reps'
        END AS dimension,
        coalesce(customer_type, channel, product, team, rep_id) AS segment,
        period,
        any_value(rep_name) AS rep_name,
        count(*) AS responses,
        count(nps) AS nps_n,
        count(*) FILTER (WHERE nps >= 9) AS promoters,
        count(*) FILTER (WHERE nps <= 6) AS detractors,
        count(csat) AS csat_n,
        count(*) FILTER (WHERE csat >= 4) AS csat_satisfied,
        coalesce(sum(csat), 0) AS csat_sum,
        avg(product_quality) AS product_quality,
        avg(service_attitude) AS service_attitude,
        avg(response_speed) AS response_speed
    FROM responses
    GROUP BY GROUPING SETS ((period, customer_type), (period, channel), (period, product), (period, team), (period, rep_id))
),
final AS (
    SELECT * FROM grouped
)
SELECT * FROM final ORDER BY dimension, segment, period
