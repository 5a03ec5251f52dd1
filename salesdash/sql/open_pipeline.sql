-- The open deals of the filtered segment as they stand now (current state), with their segment keys.
WITH final AS (
    SELECT d.deal_id, d.name, d.account_name, d.rep_id, coalesce(d.rep_name, d.rep_id) AS rep_name, d.team,
           d.customer_type, d.channel, d.product, d.stage, s.position, d.amount, d.expected_close,
           d.forecast_category, d.created_on, s.default_probability
    FROM deal_facts d LEFT JOIN stages s ON s.stage = d.stage
    -- an open deal whose creation date the source left blank (an upload) is open now all the same
    WHERE d.status = 'open' AND coalesce(d.created_on, $as_of) <= $as_of /*segment*/
)
SELECT * FROM final
