-- The period's cohort (deals created in it, and those still open) by comparison dimension value and
-- furthest stage, and the deals lost in the period by dimension value and stage at loss. GROUPING SETS
-- over the two, so each dimension is one pass.
WITH counted AS (
    SELECT d.customer_type, d.channel, d.team, d.product, d.lead_source, d.amount,
           d.furthest_position AS position, 1 AS reached, (d.status = 'open')::INTEGER AS still_open, 0 AS lost
    FROM /*history*/deal_stage_summary d
    WHERE d.created_on BETWEEN $date_from AND $effective_to /*segment*/
    UNION ALL
    SELECT d.customer_type, d.channel, d.team, d.product, d.lead_source, d.amount,
           d.stage_position, 0, 0, 1
    FROM /*history*/deal_stage_summary d
    WHERE d.status = 'lost' AND d.closed_on BETWEEN $date_from AND $effective_to
      AND d.stage_position IS NOT NULL /*segment*/
),
grouped AS (
    SELECT
        CASE
            WHEN grouping(customer_type) = 0 THEN 'customer_type'
            WHEN grouping(channel) = 0 THEN 'channel'
            WHEN grouping(team) = 0 THEN 'team'
            WHEN grouping(product) = 0 THEN 'product'
            ELSE 'lead_source'
        END AS dimension,
        coalesce(customer_type, channel, team, product, lead_source) AS segment,
        position,
        sum(reached)::BIGINT AS deals,
        coalesce(sum(amount * reached), 0)::DOUBLE AS value,
        sum(still_open)::BIGINT AS open_deals,
        sum(lost)::BIGINT AS lost_deals,
        coalesce(sum(amount * lost), 0)::DOUBLE AS lost_value
    FROM counted
    GROUP BY GROUPING SETS (
        (customer_type, position), (channel, position), (team, position), (product, position), (lead_source, position)
    )
),
final AS (
    SELECT * FROM grouped
)
SELECT * FROM final ORDER BY dimension, segment, position
