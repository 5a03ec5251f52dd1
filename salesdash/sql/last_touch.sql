-- Each deal's last activity before $as_of_end (the end of the as-of day). Stored once per dataset in
-- deal_stage_summary (with $as_of_end = infinity) and used as is whenever no activity is later.
WITH final AS (
    SELECT deal_id, max(occurred_at) AS last_activity_at
    FROM activities
    WHERE deal_id IS NOT NULL AND occurred_at < $as_of_end
    GROUP BY deal_id
)
SELECT * FROM final
