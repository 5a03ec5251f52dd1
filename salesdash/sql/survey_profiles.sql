-- Score profiles: the responses from the start of the trend window (or of the previous period, when
-- earlier) to the period's end, collapsed to one row per month, period and set of answers with its
-- number of responses. There are at most 11 × 5⁴ answer sets, so a million responses become a few
-- thousand rows, and every score of the page (NPS, CSAT, means, intervals, distributions,
-- correlations) is a weighted sum over them (salesdash/survey_scores.py).
-- period: "current" (the filters' period), "previous" (Filters.previous) or "other".
-- Parameters: $chart_from, $date_from, $effective_to, $prev_from, $prev_to; /*survey_segment*/.
WITH responses AS (
    SELECT
        date_trunc('month', s.submitted_on)::DATE AS month,
        CASE
            WHEN s.submitted_on >= $date_from THEN 'current'
            WHEN s.submitted_on BETWEEN $prev_from AND $prev_to THEN 'previous'
            ELSE 'other'
        END AS period,
        s.nps,
        s.csat,
        s.product_quality,
        s.service_attitude,
        s.response_speed
    FROM survey_facts s
    WHERE s.submitted_on BETWEEN least(date_trunc('month', $chart_from::DATE)::DATE, $prev_from::DATE) AND $effective_to
        /*survey_segment*/
),
final AS (
    SELECT month, period, nps, csat, product_quality, service_attitude, response_speed, count(*) AS responses
    FROM responses
    GROUP BY ALL
)
SELECT * FROM final
