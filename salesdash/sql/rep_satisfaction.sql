-- Survey scores of the responses linked to one rep ($rep_id) and to their peers, in the period.
-- Filled with the peers' filters (the rep's team, or everyone). NPS and CSAT as in docs/metrics.md.
WITH responses AS (
    SELECT s.rep_id = $rep_id AS is_rep, s.nps, s.csat, s.product_quality, s.service_attitude, s.response_speed
    FROM survey_facts s
    WHERE s.submitted_on BETWEEN $date_from AND $effective_to /*survey_segment*/
),
scored AS (
    SELECT 'rep' AS who, * EXCLUDE (is_rep) FROM responses WHERE is_rep
    UNION ALL
    SELECT 'peers', * EXCLUDE (is_rep) FROM responses
),
final AS (
    SELECT
        who,
        count(*) AS responses,
        100.0 * (count(*) FILTER (WHERE nps >= 9) - count(*) FILTER (WHERE nps <= 6)) / nullif(count(nps), 0) AS nps,
        count(*) FILTER (WHERE csat >= 4) / nullif(count(csat), 0) AS csat,
        avg(csat) AS csat_mean,
        avg(product_quality) AS product_quality,
        avg(service_attitude) AS service_attitude,
        avg(response_speed) AS response_speed
    FROM scored
    GROUP BY who
)
SELECT * FROM final
