-- The follow-up list: detractors (NPS 0–6) and low CSAT (1–2) of the period, newest first, with the
-- account, rep, scores and comment; `total` is how many there are before the $limit.
-- The newest rows and the count are two reads of survey_facts (not one shared CTE), so the top-N
-- fetches its wide columns for $limit rows only. Parameters: $date_from, $effective_to, $limit;
-- /*survey_segment*/ (in both reads).
WITH newest AS (
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
    ORDER BY s.submitted_on DESC, s.response_id DESC
    LIMIT $limit
),
counted AS (
    SELECT count(*) AS total
    FROM survey_facts s
    WHERE s.submitted_on BETWEEN $date_from AND $effective_to
        AND (s.nps <= 6 OR s.csat <= 2) /*survey_segment*/
),
final AS (
    SELECT newest.*, counted.total FROM newest, counted
)
SELECT * FROM final ORDER BY submitted_on DESC, response_id DESC
