-- A rep's team and how many reps it has (in the reps table; 0 for a rep without a team).
WITH teams AS (
    SELECT rep_id, team, CASE WHEN team IS NOT NULL THEN count(*) OVER (PARTITION BY team) ELSE 0 END AS team_reps
    FROM reps
),
final AS (
    SELECT rep_id, team, team_reps FROM teams WHERE rep_id = $rep_id
)
SELECT * FROM final
