-- Each dimension (product quality, service attitude, response speed) in the period and the previous
-- one: n, Σx, Σx² for its mean, and its Pearson correlation with the 0–10 NPS score over the responses
-- that carry both. Parameters: $date_from, $effective_to, $prev_from, $prev_to; /*survey_segment*/.
WITH responses AS (
    SELECT
        CASE WHEN s.submitted_on >= $date_from THEN 'current' ELSE 'previous' END AS period,
        s.nps,
        s.product_quality,
        s.service_attitude,
        s.response_speed
    FROM survey_facts s
    WHERE (s.submitted_on BETWEEN $date_from AND $effective_to OR s.submitted_on BETWEEN $prev_from AND $prev_to)
        /*survey_segment*/
),
scores AS (
    -- one row per (response, dimension) with a score; UNPIVOT drops missing scores
    UNPIVOT responses
    ON product_quality, service_attitude, response_speed
    INTO NAME dimension VALUE score
),
final AS (
    SELECT
        period,
        dimension,
        count(*) AS n,
        sum(score) AS total,
        sum(score * score) AS total_sq,
        count(nps) AS pairs,
        corr(score, nps) AS r
    FROM scores
    GROUP BY period, dimension
)
SELECT * FROM final ORDER BY period, dimension
