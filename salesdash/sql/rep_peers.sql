-- A rep's team and how many reps it has (in the reps table).
WITH final AS (
    SELECT r.rep_id, r.team, (SELECT count(*) FROM reps t WHERE t.team = r.team) AS team_reps
    FROM reps r
    WHERE r.rep_id = $rep_id
)
SELECT * FROM final
