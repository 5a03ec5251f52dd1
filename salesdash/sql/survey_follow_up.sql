-- The follow-up list: detractors (NPS 0–6) and low CSAT (1–2) of the period, newest first, with the
-- account, rep, scores and comment; `total` is how many there are before the $limit.
-- Parameters: $date_from, $effective_to, $limit; /*survey_segment*/.
WITH flagged AS (
    SELECT
        s.submitted_on,
        s.response_id,
        s.account_id,
        s.account_name,
        s.customer_type,
        s.rep_id,
        s.rep_name,
        s.team,
        s.product,
        s.channel,
        s.deal_id,
        s.nps,
        s.csat,
        s.product_quality,
        s.service_attitude,
        s.response_speed,
        s.comment,
        s.nps <= 6 AS detractor,
        s.csat <= 2 AS low_csat
    FROM survey_facts s
    WHERE s.submitted_on BETWEEN $date_from AND $effective_to
        AND (s.nps <= 6 OR s.csat <= 2) /*survey_segment*/
),
newest AS (
    SELECT * FROM flagged ORDER BY submitted_on DESC, response_id DESC LIMIT $limit
),
final AS (
    SELECT n.*, (SELECT count(*) FROM flagged) AS total FROM newest n
)
SELECT * FROM final ORDER BY submitted_on DESC, response_id DESC
