-- For each open stage and segment (customer type x channel): of the deals closed by the as-of date that
-- reached the stage, how many closed, how many won. Learned from the whole dataset's history.
-- $as_of_days is a list of as-of dates (one for the page; one per past period for the forecast backtest);
-- each row carries its as_of. Closed deals are counted per close day first, so many dates cost little more
-- than one. Deals come from deal_stage_summary (one row per deal, as deal_facts, stored sorted by status:
-- the closed deals are read without the open ones).
WITH days AS (
    SELECT unnest($as_of_days::DATE[]) AS as_of
),
closed AS (
    SELECT d.status, d.customer_type, d.channel, d.closed_on, d.furthest_position
    FROM /*history*/deal_stage_summary d
    WHERE d.status IN ('won', 'lost') AND d.closed_on <= (SELECT max(as_of) FROM days)
),
by_day AS (
    SELECT closed_on, furthest_position, customer_type, channel,
           count(*) FILTER (WHERE status = 'won') AS won, count(*) AS closed
    FROM closed
    GROUP BY ALL
),
grouped AS (
    SELECT y.as_of, b.furthest_position, b.customer_type, b.channel, sum(b.won) AS won, sum(b.closed) AS closed
    FROM days y JOIN by_day b ON b.closed_on <= y.as_of
    GROUP BY ALL
),
open_stages AS (
    SELECT stage, position, default_probability FROM stages WHERE kind = 'open'
),
final AS (
    SELECT g.as_of, s.stage, s.position, s.default_probability, g.customer_type, g.channel,
           sum(g.won)::BIGINT AS won, sum(g.closed)::BIGINT AS closed
    FROM open_stages s JOIN grouped g ON g.furthest_position >= s.position
    GROUP BY ALL
)
SELECT * FROM final ORDER BY as_of, position, customer_type, channel
