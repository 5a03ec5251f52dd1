-- The follow-up list: detractors (NPS 0–6) and low CSAT (1–2) of the period, newest first, with the
-- account, rep, scores and comment; `total` is how many there are before the $limit.
-- The newest $limit are picked first, then named (account, rep, deal), so the joins touch few rows.
-- Parameters: $date_from, $effective_to, $limit; /*survey_segment*/. Reads survey_facts, or the bare
-- surveys table when no filter needs the joined columns.
WITH flagged AS (
    SELECT
        s.submitted_on, s.response_id, s.account_id, s.rep_id, s.deal_id,
        s.nps, s.csat, s.product_quality, s.service_attitude, s.response_speed, s.comment
    FROM survey_facts s
    WHERE s.submitted_on BETWEEN $date_from AND $effective_to
        AND (s.nps <= 6 OR s.csat <= 2) /*survey_segment*/
),
newest AS (
    SELECT *, count(*) OVER () AS total
    FROM flagged
    ORDER BY submitted_on DESC, response_id DESC
    LIMIT $limit
),
final AS (
    SELECT
        n.submitted_on,
        n.response_id,
        n.account_id,
        a.name AS account_name,
        a.customer_type,
        n.rep_id,
        r.name AS rep_name,
        r.team,
        d.product,
        d.channel,
        n.deal_id,
        n.nps,
        n.csat,
        n.product_quality,
        n.service_attitude,
        n.response_speed,
        n.comment,
        n.nps <= 6 AS detractor,
        n.csat <= 2 AS low_csat,
        n.total
    FROM newest n
    LEFT JOIN accounts a ON a.account_id = n.account_id
    LEFT JOIN deals d ON d.deal_id = n.deal_id
    LEFT JOIN reps r ON r.rep_id = n.rep_id
)
SELECT * FROM final ORDER BY submitted_on DESC, response_id DESC
