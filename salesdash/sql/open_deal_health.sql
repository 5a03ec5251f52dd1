-- Every open deal with its age in the current stage against that stage's norm, and its last activity.
-- Norm = p75 of the completed stays in that stage across the whole dataset up to the as-of day (a stable
-- yardstick that a narrow filter does not make noisy; stage_norms.sql). Without stage history, age in
-- stage is NULL. Stays and activities come from the stage history derived once per dataset
-- (salesdash.stage_history): a repeated event for the stage a deal is already in is not a new stay,
-- and a close without a stage event ends the last stay. slow_in_stage / inactive / stalled apply the rule
-- ($inactive_days); with $only_stalled only the stalled deals are returned, largest amount first.
WITH open_deals AS (
    SELECT d.*
    FROM /*history*/deal_stage_summary d
    -- an open deal whose creation date the source left blank (an upload) is open now all the same
    WHERE d.status = 'open' AND coalesce(d.created_on, $as_of) <= $as_of /*segment*/
),
norms AS (/*stage_norms*/),
last_touch AS (/*last_touch*/),
has_activities AS (
    SELECT count(*) > 0 AS tracked FROM activities
),
health AS (
    SELECT
        d.deal_id,
        d.name,
        d.account_name,
        d.rep_id,
        coalesce(d.rep_name, d.rep_id) AS rep_name,
        d.team,
        d.stage,
        d.amount,
        d.forecast_category,
        d.expected_close,
        d.created_on,
        d.stage_entered_at::DATE AS entered_stage_on,
        datediff('day', d.stage_entered_at, $as_of::DATE) AS age_in_stage_days,
        n.norm_p75_days AS stage_p75_days,
        (/*last_activity*/)::DATE AS last_activity_on,
        CASE WHEN (SELECT tracked FROM has_activities)
             THEN datediff('day', coalesce(/*last_activity*/, d.created_on), $as_of::DATE) END AS days_since_activity
    FROM open_deals d
    LEFT JOIN norms n ON n.stage = d.stage
    LEFT JOIN last_touch lt ON lt.deal_id = d.deal_id
),
flagged AS (
    SELECT
        *,
        coalesce(age_in_stage_days > stage_p75_days, FALSE) AS slow_in_stage,
        coalesce(days_since_activity > $inactive_days, FALSE) AS inactive
    FROM health
),
final AS (
    SELECT *, slow_in_stage OR inactive AS stalled
    FROM flagged
    WHERE NOT $only_stalled OR slow_in_stage OR inactive
)
SELECT * FROM final ORDER BY amount DESC NULLS LAST, deal_id
