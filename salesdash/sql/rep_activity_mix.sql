-- Activities per rep and type in the period (up to $effective_to), for the activity-against-outcome view.
WITH final AS (
    SELECT x.rep_id, coalesce(x.type, 'other') AS type, count(*) AS activities
    FROM activity_facts x
    WHERE x.occurred_at >= $date_from AND x.occurred_at < $effective_to + INTERVAL 1 DAY /*activity_segment*/
    GROUP BY ALL
)
SELECT * FROM final ORDER BY rep_id, type
