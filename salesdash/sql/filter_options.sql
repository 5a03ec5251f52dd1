-- The distinct values of every filter dimension present in the deals (sidebar options).
WITH final AS (
    SELECT DISTINCT 'customer_types' AS dimension, customer_type AS value FROM deal_facts WHERE customer_type IS NOT NULL
    UNION ALL SELECT DISTINCT 'channels', channel FROM deal_facts WHERE channel IS NOT NULL
    UNION ALL SELECT DISTINCT 'teams', team FROM deal_facts WHERE team IS NOT NULL
    UNION ALL SELECT DISTINCT 'reps', rep_id FROM deal_facts WHERE rep_id IS NOT NULL
    UNION ALL SELECT DISTINCT 'products', product FROM deal_facts WHERE product IS NOT NULL
    UNION ALL SELECT DISTINCT 'regions', region FROM deal_facts WHERE region IS NOT NULL
)
SELECT dimension, value FROM final ORDER BY dimension, value
