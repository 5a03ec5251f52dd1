-- Counts and sums behind NPS, CSAT, the dimension means and each dimension's correlation with the NPS
-- score (over the responses carrying both), per period: "current", "previous" (Filters.previous) and
-- "other" (the rest of the trend window from $chart_from). All additive: satisfaction.py computes the
-- intervals, and the correlations over all three (the relation window, at least 12 months).
-- Parameters: $date_from, $effective_to, $prev_from, $prev_to, $chart_from; /*survey_segment*/.
WITH responses AS (
    SELECT
        CASE
            WHEN s.submitted_on >= $date_from THEN 'current'
            WHEN s.submitted_on BETWEEN $prev_from AND $prev_to THEN 'previous'
            ELSE 'other'
        END AS period,
        s.nps,
        s.csat,
        s.product_quality AS pq,
        s.service_attitude AS sa,
        s.response_speed AS rs
    FROM survey_facts s
    WHERE s.submitted_on BETWEEN least(date_trunc('month', $chart_from::DATE)::DATE, $prev_from::DATE) AND $effective_to
        /*survey_segment*/
),
final AS (
    SELECT
        period,
        count(*) AS responses,
        count(nps) AS nps_n,
        count(*) FILTER (WHERE nps >= 9) AS promoters,
        count(*) FILTER (WHERE nps <= 6) AS detractors,
        count(csat) AS csat_n,
        count(*) FILTER (WHERE csat >= 4) AS csat_satisfied,
        coalesce(sum(csat), 0) AS csat_sum,
        coalesce(sum(csat * csat), 0) AS csat_sq,
        count(*) FILTER (WHERE nps <= 6 OR csat <= 2) AS follow_up,
        count(pq) AS product_quality_n,
        coalesce(sum(pq), 0) AS product_quality_sum,
        coalesce(sum(pq * pq), 0) AS product_quality_sq,
        count(pq + nps) AS product_quality_pairs,
        coalesce(sum(pq) FILTER (WHERE nps IS NOT NULL), 0) AS product_quality_pair_x,
        coalesce(sum(pq * pq) FILTER (WHERE nps IS NOT NULL), 0) AS product_quality_pair_xx,
        coalesce(sum(nps) FILTER (WHERE pq IS NOT NULL), 0) AS product_quality_pair_y,
        coalesce(sum(nps * nps) FILTER (WHERE pq IS NOT NULL), 0) AS product_quality_pair_yy,
        coalesce(sum(pq * nps), 0) AS product_quality_pair_xy,
        count(sa) AS service_attitude_n,
        coalesce(sum(sa), 0) AS service_attitude_sum,
        coalesce(sum(sa * sa), 0) AS service_attitude_sq,
        count(sa + nps) AS service_attitude_pairs,
        coalesce(sum(sa) FILTER (WHERE nps IS NOT NULL), 0) AS service_attitude_pair_x,
        coalesce(sum(sa * sa) FILTER (WHERE nps IS NOT NULL), 0) AS service_attitude_pair_xx,
        coalesce(sum(nps) FILTER (WHERE sa IS NOT NULL), 0) AS service_attitude_pair_y,
        coalesce(sum(nps * nps) FILTER (WHERE sa IS NOT NULL), 0) AS service_attitude_pair_yy,
        coalesce(sum(sa * nps), 0) AS service_attitude_pair_xy,
        count(rs) AS response_speed_n,
        coalesce(sum(rs), 0) AS response_speed_sum,
        coalesce(sum(rs * rs), 0) AS response_speed_sq,
        count(rs + nps) AS response_speed_pairs,
        coalesce(sum(rs) FILTER (WHERE nps IS NOT NULL), 0) AS response_speed_pair_x,
        coalesce(sum(rs * rs) FILTER (WHERE nps IS NOT NULL), 0) AS response_speed_pair_xx,
        coalesce(sum(nps) FILTER (WHERE rs IS NOT NULL), 0) AS response_speed_pair_y,
        coalesce(sum(nps * nps) FILTER (WHERE rs IS NOT NULL), 0) AS response_speed_pair_yy,
        coalesce(sum(rs * nps), 0) AS response_speed_pair_xy
    FROM responses
    GROUP BY period
)
SELECT * FROM final
