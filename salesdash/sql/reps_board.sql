-- Per-rep figures of one period, with their roll-ups by team, manager and region and a grand total.
-- Same definitions as overview_period.sql (docs/metrics.md): won/lost = closed in the period up to
-- $effective_to; open = open at $effective_to; a quota overlapping the period counts for the
-- overlapping share of its days, and only the rep dimensions (team, rep, region) narrow quotas.
-- "Closing in the period" = open at $effective_to with an expected close inside $date_from..$date_to.
-- Roll-ups group reps by the team, manager and region of the reps table (NULL when unknown).
-- Weighted pipeline (docs/metrics.md): the deals open at $as_of, Σ amount × p per rep, p from the learned
-- probabilities bound as parallel lists (probability.sql_params, the rule of probability.apply_probabilities):
-- the row of the deal's stage and segment, else the stage's default, else 0. Only the few dozen probability
-- rows travel, not the open deals.
-- Deals are read from deal_stage_summary (salesdash.stage_history): one row per deal with deal_facts'
-- columns, stored sorted by status and creation, so the open deals are read without the closed ones.
WITH facts AS NOT MATERIALIZED (  -- each use below reads only its own rows
    SELECT d.rep_id, d.status, d.amount, d.created_on, d.closed_on, d.expected_close
    FROM /*history*/deal_stage_summary d
    WHERE TRUE /*segment*/
),
closed AS (
    SELECT rep_id, status, amount,
           CASE WHEN status = 'won' THEN datediff('day', created_on, closed_on) END AS cycle_days
    FROM facts
    WHERE status IN ('won', 'lost') AND closed_on BETWEEN $date_from AND $effective_to
),
open_at_end AS (
    SELECT rep_id, amount, coalesce(expected_close BETWEEN $date_from AND $date_to, FALSE) AS closing
    FROM facts
    -- as the Overview's open pipeline (docs/metrics.md): a blank creation date counts from as-of on,
    -- a closed deal with a blank close date is never open
    WHERE coalesce(created_on, $as_of) <= $effective_to
      AND (closed_on > $effective_to OR (closed_on IS NULL AND status = 'open'))
),
quota AS (
    SELECT q.rep_id, sum(
        q.amount
        * (datediff('day', greatest(q.period_start, $date_from), least(q.period_end, $date_to)) + 1)
        / (datediff('day', q.period_start, q.period_end) + 1)
    ) AS quota
    FROM quotas q JOIN reps r USING (rep_id)
    WHERE q.period_end >= $date_from AND q.period_start <= $date_to /*rep_segment*/
    GROUP BY q.rep_id
),
acts AS (
    SELECT x.rep_id, count(*) AS activities
    FROM activity_facts x
    WHERE x.occurred_at >= $date_from AND x.occurred_at < $effective_to + INTERVAL 1 DAY /*activity_segment*/
    GROUP BY x.rep_id
),
measures AS (
    SELECT rep_id, 'closed' AS kind, status, amount, cycle_days,
           FALSE AS closing, NULL::DOUBLE AS quota, 0::BIGINT AS activities
    FROM closed
    UNION ALL
    SELECT rep_id, 'open', NULL, amount, NULL, closing, NULL, 0 FROM open_at_end
    UNION ALL
    SELECT rep_id, 'quota', NULL, NULL, NULL, FALSE, quota, 0 FROM quota
    UNION ALL
    SELECT rep_id, 'activity', NULL, NULL, NULL, FALSE, NULL, activities FROM acts
),
learned AS (
    SELECT unnest($learned_stage::VARCHAR[]) AS stage,
           unnest($learned_customer_type::VARCHAR[]) AS customer_type,
           unnest($learned_channel::VARCHAR[]) AS channel,
           unnest($learned_probability::DOUBLE[]) AS probability
),
weighted AS (
    SELECT d.rep_id, sum(coalesce(d.amount, 0) * coalesce(p.probability, s.default_probability, 0)) AS weighted_pipeline
    FROM /*history*/deal_stage_summary d
    LEFT JOIN stages s ON s.stage = d.stage
    -- a blank customer type or channel is a segment of its own, as in the pandas rule
    LEFT JOIN learned p ON p.stage = d.stage AND p.customer_type IS NOT DISTINCT FROM d.customer_type
                       AND p.channel IS NOT DISTINCT FROM d.channel
    WHERE d.status = 'open' AND coalesce(d.created_on, $as_of) <= $as_of /*segment*/
    GROUP BY d.rep_id
),
per_rep AS (
    -- one pass over the period's deals; the roll-ups below then add up 40-odd rep rows, not deals
    SELECT
        m.rep_id,
        count(*) FILTER (WHERE m.status = 'won') AS won_count,
        coalesce(sum(m.amount) FILTER (WHERE m.status = 'won'), 0) AS won_value,
        count(*) FILTER (WHERE m.status = 'lost') AS lost_count,
        coalesce(sum(m.amount) FILTER (WHERE m.status = 'lost'), 0) AS lost_value,
        median(m.cycle_days) AS median_cycle_days,
        count(*) FILTER (WHERE m.kind = 'open') AS open_count,
        coalesce(sum(m.amount) FILTER (WHERE m.kind = 'open'), 0) AS open_value,
        coalesce(sum(m.amount) FILTER (WHERE m.kind = 'open' AND m.closing), 0) AS closing_value,
        sum(m.quota) AS quota,
        sum(m.activities) AS activities
    FROM measures m
    GROUP BY m.rep_id
),
rep_rows AS (
    -- a rep on the board gets the weight of their deals open now; a rep with nothing else in the period
    -- stays off the board, their weight with them
    SELECT p.*, coalesce(w.weighted_pipeline, 0) AS weighted_pipeline, r.name AS rep_name, r.team, r.manager, r.region
    FROM per_rep p
    LEFT JOIN reps r ON r.rep_id = p.rep_id
    LEFT JOIN weighted w ON w.rep_id IS NOT DISTINCT FROM p.rep_id
),
group_sums AS (
    SELECT
        CASE WHEN grouping(team) = 0 THEN 'team' WHEN grouping(manager) = 0 THEN 'manager'
             WHEN grouping(region) = 0 THEN 'region' ELSE 'total' END AS level,
        CASE WHEN grouping(team) = 0 THEN team WHEN grouping(manager) = 0 THEN manager
             WHEN grouping(region) = 0 THEN region END AS key,
        team, manager, region,
        count(*) AS reps,
        sum(won_count) AS won_count, sum(won_value) AS won_value,
        sum(lost_count) AS lost_count, sum(lost_value) AS lost_value,
        sum(open_count) AS open_count, sum(open_value) AS open_value, sum(closing_value) AS closing_value,
        sum(quota) AS quota, sum(activities) AS activities,
        sum(weighted_pipeline) AS weighted_pipeline
    FROM rep_rows
    GROUP BY GROUPING SETS ((team), (manager), (region), ())
),
group_cycles AS (
    -- a median does not add up: take it again over the won deals of each group
    SELECT
        CASE WHEN grouping(r.team) = 0 THEN 'team' WHEN grouping(r.manager) = 0 THEN 'manager'
             WHEN grouping(r.region) = 0 THEN 'region' ELSE 'total' END AS level,
        CASE WHEN grouping(r.team) = 0 THEN r.team WHEN grouping(r.manager) = 0 THEN r.manager
             WHEN grouping(r.region) = 0 THEN r.region END AS key,
        median(c.cycle_days) AS median_cycle_days
    FROM closed c LEFT JOIN reps r ON r.rep_id = c.rep_id
    WHERE c.status = 'won'
    GROUP BY GROUPING SETS ((r.team), (r.manager), (r.region), ())
),
final AS (
    SELECT 'rep' AS level, rep_id AS key, rep_id, rep_name, team, manager, region, 1 AS reps,
           won_count, won_value, lost_count, lost_value, median_cycle_days, open_count, open_value,
           closing_value, quota, activities, weighted_pipeline
    FROM rep_rows
    UNION ALL
    SELECT g.level, g.key, NULL, NULL, g.team, g.manager, g.region, g.reps,
           g.won_count, g.won_value, g.lost_count, g.lost_value, c.median_cycle_days, g.open_count, g.open_value,
           g.closing_value, g.quota, g.activities, g.weighted_pipeline
    FROM group_sums g
    LEFT JOIN group_cycles c ON c.level = g.level AND c.key IS NOT DISTINCT FROM g.key
)
SELECT * FROM final
