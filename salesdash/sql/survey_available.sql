-- Which survey fields a dataset carries at all (an upload may lack some): non-empty values per field.
WITH final AS (
    SELECT
        count(*) AS responses,
        count(nps) AS nps,
        count(csat) AS csat,
        count(product_quality) + count(service_attitude) + count(response_speed) AS dimensions,
        count(nullif(trim(comment), '')) AS comments,
        count(submitted_on) AS dated,
        (SELECT count(*) FROM deals) AS deals
    FROM surveys
)
SELECT * FROM final
