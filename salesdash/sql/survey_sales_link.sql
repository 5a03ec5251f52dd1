-- Satisfaction and later sales, per NPS group of the period's responses (docs/metrics.md):
-- repeat purchase = the account won another deal (not the surveyed one) closed within 12 months after
-- the response (and by $as_of); later deals = deals of the account closed (won or lost) after one of
-- these responses and within 12 months of it, each counted once, in the group of the account's latest
-- response before its close. Parameters: $date_from, $effective_to, $as_of; /*survey_segment*/.
WITH responses AS (
    SELECT
        s.response_id,
        s.account_id,
        s.deal_id,
        s.submitted_on,
        CASE WHEN s.nps >= 9 THEN 'promoter' WHEN s.nps >= 7 THEN 'passive' ELSE 'detractor' END AS nps_group
    FROM survey_facts s
    WHERE s.nps IS NOT NULL AND s.submitted_on BETWEEN $date_from AND $effective_to /*survey_segment*/
),
closed_deals AS (
    SELECT deal_id, account_id, status, closed_on
    FROM deals
    WHERE status IN ('won', 'lost') AND closed_on > $date_from AND closed_on <= $as_of
        AND account_id IN (SELECT account_id FROM responses)
),
repeat_buyers AS (
    SELECT r.response_id
    FROM responses r
    JOIN closed_deals d
        ON d.account_id = r.account_id
        AND d.status = 'won'
        AND d.deal_id IS DISTINCT FROM r.deal_id
        AND d.closed_on > r.submitted_on
        AND d.closed_on <= r.submitted_on + INTERVAL 12 MONTH
    GROUP BY r.response_id
),
by_response AS (
    SELECT
        r.nps_group,
        count(*) AS responses,
        count(DISTINCT r.account_id) AS accounts,
        count(b.response_id) AS repeat_responses,
        count(*) FILTER (WHERE r.submitted_on + INTERVAL 12 MONTH <= $as_of) AS full_window
    FROM responses r LEFT JOIN repeat_buyers b USING (response_id)
    GROUP BY r.nps_group
),
later AS (
    -- each closed deal meets its account's latest response before the close
    SELECT d.deal_id, d.status, r.nps_group
    FROM closed_deals d
    ASOF JOIN responses r ON r.account_id = d.account_id AND d.closed_on > r.submitted_on
    WHERE d.closed_on <= r.submitted_on + INTERVAL 12 MONTH
),
by_deal AS (
    SELECT
        nps_group,
        count(*) FILTER (WHERE status = 'won') AS later_won,
        count(*) FILTER (WHERE status = 'lost') AS later_lost
    FROM later
    GROUP BY nps_group
),
groups AS (
    SELECT * FROM (VALUES ('promoter', 1), ('passive', 2), ('detractor', 3)) AS g(nps_group, position)
),
final AS (
    SELECT
        g.nps_group,
        coalesce(r.responses, 0) AS responses,
        coalesce(r.accounts, 0) AS accounts,
        coalesce(r.repeat_responses, 0) AS repeat_responses,
        coalesce(r.full_window, 0) AS full_window,
        coalesce(d.later_won, 0) AS later_won,
        coalesce(d.later_lost, 0) AS later_lost
    FROM groups g
    LEFT JOIN by_response r USING (nps_group)
    LEFT JOIN by_deal d USING (nps_group)
    ORDER BY g.position
)
SELECT * FROM final
