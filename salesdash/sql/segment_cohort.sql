-- Stage conversion of the period's cohort (deals created in it) for every value of every comparison
-- dimension, with the rest of the dimension beside it and the deals lost in the period at the stage.
-- GROUPING SETS count the cohort by furthest stage and the losses by stage at loss in one pass; the
-- funnel (reached = furthest >= position, as in funnel_cohort.sql) is then built per segment.
WITH counted AS (
    SELECT d.customer_type, d.channel, d.team, d.product, d.amount,
           d.furthest_position AS position, 1 AS reached, (d.status = 'open')::INTEGER AS still_open, 0 AS lost
    FROM /*history*/deal_stage_summary d
    WHERE d.created_on BETWEEN $date_from AND $effective_to /*segment*/
    UNION ALL
    SELECT d.customer_type, d.channel, d.team, d.product, d.amount,
           d.stage_position, 0, 0, 1
    FROM /*history*/deal_stage_summary d
    WHERE d.status = 'lost' AND d.closed_on BETWEEN $date_from AND $effective_to
      AND d.stage_position IS NOT NULL /*segment*/
),
fine AS (
    -- the finest grain first (a few thousand rows at a million deals), which the four groupings then add up
    SELECT customer_type, channel, team, product, position,
           sum(reached) AS reached, sum(amount * reached) AS reached_value, sum(still_open) AS still_open,
           sum(lost) AS lost, sum(amount * lost) AS lost_value
    FROM counted
    GROUP BY ALL
),
grouped AS (
    SELECT
        CASE
            WHEN grouping(customer_type) = 0 THEN 'customer_type'
            WHEN grouping(channel) = 0 THEN 'channel'
            WHEN grouping(team) = 0 THEN 'team'
            ELSE 'product'
        END AS dimension,
        coalesce(customer_type, channel, team, product) AS segment,
        position,
        sum(reached)::BIGINT AS deals,
        coalesce(sum(reached_value), 0)::DOUBLE AS value,
        sum(still_open)::BIGINT AS open_deals,
        sum(lost)::BIGINT AS lost_deals,
        coalesce(sum(lost_value), 0)::DOUBLE AS lost_value
    FROM fine
    GROUP BY GROUPING SETS (
        (customer_type, position), (channel, position), (team, position), (product, position)
    )
),
segments AS (
    SELECT DISTINCT dimension, segment FROM grouped
),
funnel_stages AS (
    SELECT stage, position, kind, lead(stage) OVER (ORDER BY position) AS next_stage
    FROM stages
    WHERE kind IN ('open', 'won')
),
reached AS (
    SELECT
        s.dimension,
        s.segment,
        f.stage,
        f.position,
        f.kind,
        f.next_stage,
        coalesce(sum(g.deals) FILTER (WHERE g.position >= f.position), 0)::BIGINT AS reached,
        coalesce(sum(g.value) FILTER (WHERE g.position >= f.position), 0)::DOUBLE AS reached_value,
        coalesce(sum(g.open_deals) FILTER (WHERE g.position = f.position), 0)::BIGINT AS still_open,
        coalesce(sum(g.lost_deals) FILTER (WHERE g.position = f.position), 0)::BIGINT AS lost_deals,
        coalesce(sum(g.lost_value) FILTER (WHERE g.position = f.position), 0)::DOUBLE AS lost_value
    FROM segments s
    CROSS JOIN funnel_stages f
    LEFT JOIN grouped g ON g.dimension = s.dimension AND g.segment IS NOT DISTINCT FROM s.segment
    GROUP BY ALL
),
steps AS (
    SELECT *, lead(reached) OVER (PARTITION BY dimension, segment ORDER BY position) AS converted
    FROM reached
),
final AS (
    SELECT
        *,
        (sum(reached) OVER by_stage - reached)::BIGINT AS rest_reached,
        (sum(converted) OVER by_stage - converted)::BIGINT AS rest_converted
    FROM steps
    WHERE kind = 'open' AND next_stage IS NOT NULL
    WINDOW by_stage AS (PARTITION BY dimension, position)
)
SELECT * FROM final ORDER BY dimension, segment, position
