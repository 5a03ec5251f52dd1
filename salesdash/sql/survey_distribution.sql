-- How many responses of the period gave each score: NPS 0–10, CSAT and the three dimensions 1–5.
-- Every score of each scale appears, 0 when nobody gave it. Parameters: $date_from, $effective_to.
WITH responses AS (
    SELECT s.nps, s.csat, s.product_quality, s.service_attitude, s.response_speed
    FROM survey_facts s
    WHERE s.submitted_on BETWEEN $date_from AND $effective_to /*survey_segment*/
),
scores AS (
    UNPIVOT responses
    ON nps, csat, product_quality, service_attitude, response_speed
    INTO NAME measure VALUE score
),
counted AS (
    SELECT measure, score, count(*) AS responses FROM scores GROUP BY measure, score
),
scale AS (
    SELECT 'nps' AS measure, unnest(range(0, 11)) AS score
    UNION ALL
    SELECT m.measure, unnest(range(1, 6)) AS score
    FROM (VALUES ('csat'), ('product_quality'), ('service_attitude'), ('response_speed')) AS m(measure)
),
final AS (
    SELECT scale.measure, scale.score::INTEGER AS score, coalesce(c.responses, 0) AS responses
    FROM scale LEFT JOIN counted c ON c.measure = scale.measure AND c.score = scale.score
)
SELECT * FROM final ORDER BY measure, score
