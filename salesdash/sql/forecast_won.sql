-- Won so far in a forecast period: deals won from $period_start to the period's end or $as_of, whichever
-- comes first, per team, rep, customer type and channel (the breakdown's groups).
WITH won AS (
    SELECT d.team, d.rep_id, coalesce(d.rep_name, d.rep_id) AS rep_name, d.customer_type, d.channel,
           coalesce(d.amount, 0) AS amount
    FROM deal_facts d
    WHERE d.status = 'won' AND d.closed_on BETWEEN $period_start AND least($period_end, $as_of) /*segment*/
),
final AS (
    SELECT team, rep_id, rep_name, customer_type, channel, count(*) AS won_count, sum(amount) AS won_value
    FROM won
    GROUP BY ALL
)
SELECT * FROM final
