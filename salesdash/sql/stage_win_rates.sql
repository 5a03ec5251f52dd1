-- For each open stage and segment (customer type x channel): of the deals closed by $as_of that
-- reached the stage, how many closed, how many won. Learned from the whole dataset's history.
WITH closed AS (
    SELECT d.status, d.customer_type, d.channel, fs.furthest_position
    FROM deal_facts d JOIN deal_furthest_stage fs USING (deal_id)
    WHERE d.status IN ('won', 'lost') AND d.closed_on <= $as_of
),
grouped AS (
    SELECT furthest_position, customer_type, channel,
           count(*) FILTER (WHERE status = 'won') AS won, count(*) AS closed
    FROM closed
    GROUP BY ALL
),
open_stages AS (
    SELECT stage, position, default_probability FROM stages WHERE kind = 'open'
),
final AS (
    SELECT s.stage, s.position, s.default_probability, g.customer_type, g.channel,
           sum(g.won)::BIGINT AS won, sum(g.closed)::BIGINT AS closed
    FROM open_stages s JOIN grouped g ON g.furthest_position >= s.position
    GROUP BY ALL
)
SELECT * FROM final ORDER BY position, customer_type, channel
