-- Completed stays in open stages, counted by stage and length in calendar days: the stays whose p75 is a
-- stage's norm (stage_norms.sql). With $since, only the stays that ended at or after it: taken away from all
-- of them (counted once per dataset), they leave the stays completed before $since, so the norm as of any
-- day costs a read of stage_moves' recent tail (it is sorted by exit), not of the whole history.
WITH final AS (
    SELECT stage, days, count(*) AS stays
    FROM /*history*/stage_moves
    WHERE kind = 'open' AND exited_at IS NOT NULL AND exited_at >= coalesce($since::TIMESTAMP, '-infinity'::TIMESTAMP)
    GROUP BY ALL
)
SELECT * FROM final
