-- NPS, CSAT and dimension means per segment of one dimension, in the period and the previous one.
-- /*segment_column*/ and /*segment_label*/ are filled from a fixed list in satisfaction.py (customer
-- type, channel, product, team, or rep with its name). Parameters: $date_from, $effective_to,
-- $prev_from, $prev_to; /*survey_segment*/.
WITH responses AS (
    SELECT
        CASE WHEN s.submitted_on >= $date_from THEN 'current' ELSE 'previous' END AS period,
        /*segment_column*/ AS segment,
        /*segment_label*/ AS label,
        s.nps,
        s.csat,
        s.product_quality,
        s.service_attitude,
        s.response_speed
    FROM survey_facts s
    WHERE (s.submitted_on BETWEEN $date_from AND $effective_to OR s.submitted_on BETWEEN $prev_from AND $prev_to)
        /*survey_segment*/
),
final AS (
    SELECT
        segment,
        period,
        any_value(label) AS label,
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
    GROUP BY segment, period
)
SELECT * FROM final ORDER BY segment, period
