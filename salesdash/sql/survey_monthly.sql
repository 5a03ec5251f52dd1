-- Survey responses per month from $chart_from to $effective_to, as additive counts and sums (NPS,
-- CSAT, dimension means); satisfaction.monthly_trend adds the intervals and the empty months.
WITH responses AS (
    SELECT
        date_trunc('month', s.submitted_on)::DATE AS month,
        s.nps,
        s.csat,
        s.product_quality,
        s.service_attitude,
        s.response_speed
    FROM survey_facts s
    WHERE s.submitted_on BETWEEN date_trunc('month', $chart_from::DATE) AND $effective_to /*survey_segment*/
),
final AS (
    SELECT
        month,
        count(*) AS responses,
        count(nps) AS nps_n,
        count(*) FILTER (WHERE nps >= 9) AS promoters,
        count(*) FILTER (WHERE nps <= 6) AS detractors,
        count(csat) AS csat_n,
        count(*) FILTER (WHERE csat >= 4) AS csat_satisfied,
        coalesce(sum(csat), 0) AS csat_sum,
        coalesce(sum(csat * csat), 0) AS csat_sq,
        count(*) FILTER (WHERE nps <= 6 OR csat <= 2) AS follow_up,
        count(product_quality) AS product_quality_n,
        coalesce(sum(product_quality), 0) AS product_quality_sum,
        coalesce(sum(product_quality * product_quality), 0) AS product_quality_sq,
        count(service_attitude) AS service_attitude_n,
        coalesce(sum(service_attitude), 0) AS service_attitude_sum,
        coalesce(sum(service_attitude * service_attitude), 0) AS service_attitude_sq,
        count(response_speed) AS response_speed_n,
        coalesce(sum(response_speed), 0) AS response_speed_sum,
        coalesce(sum(response_speed * response_speed), 0) AS response_speed_sq
    FROM responses
    GROUP BY month
)
SELECT * FROM final ORDER BY month
