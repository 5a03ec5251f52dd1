-- Which survey fields a dataset carries at all (an upload may lack some). Each probe stops at the
-- first row it finds, so the answer costs nothing at a million responses.
WITH final AS (
    SELECT
        EXISTS (SELECT 1 FROM surveys) AS responses,
        EXISTS (SELECT 1 FROM surveys WHERE nps IS NOT NULL) AS nps,
        EXISTS (SELECT 1 FROM surveys WHERE csat IS NOT NULL) AS csat,
        EXISTS (
            SELECT 1 FROM surveys
            WHERE product_quality IS NOT NULL OR service_attitude IS NOT NULL OR response_speed IS NOT NULL
        ) AS dimensions,
        EXISTS (SELECT 1 FROM surveys WHERE trim(comment) <> '') AS comments,
        EXISTS (SELECT 1 FROM surveys WHERE submitted_on IS NOT NULL) AS dated,
        EXISTS (SELECT 1 FROM deals) AS deals
)
SELECT * FROM final
