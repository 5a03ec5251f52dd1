-- Satisfaction and later sales, per NPS group of the period's responses (docs/metrics.md):
-- repeat purchase = the account won another deal (not the surveyed one) closed within 12 months after
-- the response (and by $as_of); later deals = other deals of the account closed (won or lost) after one
-- of these responses and within 12 months of it, each counted once, in the group of the account's
-- latest response before its close (on the same day, the less happy one).
-- Later deals are not narrowed by the segment filters: a customer may buy through another channel.
-- Responses (rid) and closed deals (did; numbered, not rowid: an upload's deals is a view) are numbered
-- and groups coded 1 promoter, 2 passive, 3 detractor, so the joins and
-- groupings after the first carry integers, not ids. Parameters: $date_from, $effective_to, $as_of;
-- /*survey_segment*/.
WITH responses AS (
    SELECT
        row_number() OVER () AS rid,
        s.account_id,
        s.deal_id,
        s.submitted_on,
        (s.submitted_on + INTERVAL 12 MONTH)::DATE AS window_end,
        CASE WHEN s.nps >= 9 THEN 1 WHEN s.nps >= 7 THEN 2 ELSE 3 END AS grp
    FROM survey_facts s
    WHERE s.nps IS NOT NULL AND s.submitted_on BETWEEN $date_from AND $effective_to /*survey_segment*/
),
closed_deals AS (
    SELECT row_number() OVER () AS did, deal_id, account_id, status = 'won' AS won, closed_on
    FROM deals
    WHERE status IN ('won', 'lost') AND closed_on > $date_from AND closed_on <= $as_of
),
pairs AS (
    -- every (response, another deal of the same account closed within the response's 12 months)
    SELECT r.rid, r.grp, r.submitted_on, d.did, d.won
    FROM responses r
    JOIN closed_deals d
        ON d.account_id = r.account_id AND d.closed_on > r.submitted_on AND d.closed_on <= r.window_end
        AND d.deal_id IS DISTINCT FROM r.deal_id
),
repeat_buyers AS (
    SELECT rid FROM pairs WHERE won GROUP BY rid
),
by_response AS (
    SELECT
        r.grp,
        count(*) AS responses,
        count(b.rid) AS repeat_responses,
        count(*) FILTER (WHERE r.window_end <= $as_of) AS full_window
    FROM responses r LEFT JOIN repeat_buyers b USING (rid)
    GROUP BY r.grp
),
later AS (
    -- each later deal in the group of its account's latest response before the close
    SELECT did, any_value(won) AS won, arg_max(grp, date_diff('day', DATE '2000-01-01', submitted_on) * 4 + grp) AS grp
    FROM pairs
    GROUP BY did
),
by_deal AS (
    SELECT grp, count(*) FILTER (WHERE won) AS later_won, count(*) FILTER (WHERE NOT won) AS later_lost
    FROM later
    GROUP BY grp
),
groups AS (
    SELECT * FROM (VALUES (1, 'promoter'), (2, 'passive'), (3, 'detractor')) AS g(grp, nps_group)
),
final AS (
    SELECT
        g.nps_group,
        coalesce(r.responses, 0) AS responses,
        coalesce(r.repeat_responses, 0) AS repeat_responses,
        coalesce(r.full_window, 0) AS full_window,
        coalesce(d.later_won, 0) AS later_won,
        coalesce(d.later_lost, 0) AS later_lost
    FROM groups g
    LEFT JOIN by_response r USING (grp)
    LEFT JOIN by_deal d USING (grp)
    ORDER BY g.grp
)
SELECT * FROM final
