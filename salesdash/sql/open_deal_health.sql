-- Every open deal with its age in the current stage against that stage's norm, and its last activity.
-- Norm = p75 of the completed stays in that stage across the whole dataset up to $as_of (a stable yard-
-- stick that a narrow filter does not make noisy). Without stage history, age in stage is NULL.
WITH current_stay AS (
    SELECT deal_id, stage, entered_at
    FROM stage_intervals
    WHERE exited_at IS NULL
),
completed AS (
    SELECT stage, datediff('day', entered_at, exited_at) AS days
    FROM stage_intervals
    WHERE exited_at IS NOT NULL AND exited_at <= $as_of
),
norms AS (
    SELECT stage, quantile_cont(days, 0.75) AS stage_p75_days, count(*) AS completed_stays
    FROM completed
    GROUP BY stage
),
last_touch AS (
    SELECT deal_id, max(occurred_at) AS last_activity_at
    FROM activities
    WHERE deal_id IS NOT NULL AND occurred_at <= $as_of
    GROUP BY deal_id
),
has_activities AS (
    SELECT count(*) > 0 AS tracked FROM activities
),
final AS (
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
        cs.entered_at::DATE AS entered_stage_on,
        datediff('day', cs.entered_at, $as_of::DATE) AS age_in_stage_days,
        n.stage_p75_days,
        lt.last_activity_at::DATE AS last_activity_on,
        CASE WHEN (SELECT tracked FROM has_activities)
             THEN datediff('day', coalesce(lt.last_activity_at, d.created_on), $as_of::DATE) END AS days_since_activity
    FROM deal_facts d
    LEFT JOIN current_stay cs ON cs.deal_id = d.deal_id AND cs.stage = d.stage
    LEFT JOIN norms n ON n.stage = d.stage
    LEFT JOIN last_touch lt ON lt.deal_id = d.deal_id
    WHERE d.status = 'open' AND d.created_on <= $as_of /*segment*/
)
SELECT * FROM final
