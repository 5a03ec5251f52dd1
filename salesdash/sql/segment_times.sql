-- The stays that ended in the period (segment filters apply) for each value of each comparison
-- dimension: how many, their median days, and how many (and how much value) ended with the deal lost.
-- One scan with GROUPING SETS; `dimension` names the set.
WITH stays AS (
    SELECT d.stage, d.days, d.exit_move = 'lost' AS lost, d.amount, d.customer_type, d.channel, d.team, d.product
    FROM /*history*/stage_moves d
    WHERE d.kind = 'open' AND d.exited_at >= $from_ts AND d.exited_at < $end_ts /*segment*/
),
grouped AS (
    SELECT
        stage,
        CASE
            WHEN grouping(customer_type) = 0 THEN 'customer_type'
            WHEN grouping(channel) = 0 THEN 'channel'
            WHEN grouping(team) = 0 THEN 'team'
            ELSE 'product'
        END AS dimension,
        coalesce(customer_type, channel, team, product) AS segment,
        count(*) AS stays,
        quantile_cont(days, 0.5) AS median_days,
        count(*) FILTER (WHERE lost) AS lost_exits,
        coalesce(sum(amount) FILTER (WHERE lost), 0) AS lost_exit_value
    FROM stays
    GROUP BY GROUPING SETS (
        (stage, customer_type), (stage, channel), (stage, team), (stage, product)
    )
),
final AS (
    SELECT g.dimension, g.segment, g.stage, s.position, g.stays, g.median_days, g.lost_exits, g.lost_exit_value
    FROM grouped g JOIN stages s USING (stage)
)
SELECT * FROM final ORDER BY dimension, segment, position
