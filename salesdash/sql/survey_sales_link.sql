-- Satisfaction and later sales, per NPS group of the period's responses (docs/metrics.md):
-- repeat purchase = the account won another deal (not the surveyed one) closed within 12 months after
-- the response (and by $as_of); later deals = other deals of the account closed (won or lost) after one
-- of these responses and within 12 months of it, each counted once, in the group of the account's
-- latest response before its close. Parameters: $date_from, $effective_to, $as_of; /*survey_segment*/.
-- Later deals are not narrowed by the segment filters: a customer may buy through another channel.
WITH responses AS (
    SELECT
        s.response_id,
        s.account_id,
        s.deal_id,
        s.submitted_on,
        (s.submitted_on + INTERVAL 12 MONTH)::DATE AS window_end,
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
pairs AS (
    -- every (response, another deal of the same account closed within the response's 12 months)
    SELECT r.response_id, r.submitted_on, r.nps_group, d.deal_id, d.status
    FROM responses r
    JOIN closed_deals d
        ON d.account_id = r.account_id AND d.closed_on > r.submitted_on AND d.closed_on <= r.window_end
        AND d.deal_id IS DISTINCT FROM r.deal_id
),
repeat_buyers AS (
    SELECT DISTINCT response_id FROM pairs WHERE status = 'won'
),
by_response AS (
    SELECT
        r.nps_group,
        count(*) AS responses,
        count(DISTINCT r.account_id) AS accounts,
        count(b.response_id) AS repeat_responses,
        count(*) FILTER (WHERE r.window_end <= $as_of) AS full_window
    FROM responses r LEFT JOIN repeat_buyers b USING (response_id)
    GROUP BY r.nps_group
),
later AS (
    -- each later deal in the group of its account's latest response before the close
    SELECT deal_id, any_value(status) AS status, arg_max(nps_group, (submitted_on, response_id)) AS nps_group
    FROM pairs
    GROUP BY deal_id
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
