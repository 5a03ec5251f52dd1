-- The open deals of the filtered segment (as they stand now) whose expected close falls in a forecast
-- period; the same columns as open_pipeline.sql, so probability.apply_probabilities weighs them.
WITH final AS (
    SELECT d.deal_id, d.name, d.account_name, d.rep_id, coalesce(d.rep_name, d.rep_id) AS rep_name, d.team,
           d.customer_type, d.channel, d.product, d.stage, s.position, d.amount, d.expected_close,
           d.forecast_category, d.created_on, s.default_probability
    FROM deal_facts d LEFT JOIN stages s ON s.stage = d.stage
    -- an open deal whose creation date the source left blank (an upload) is open now all the same
    WHERE d.status = 'open' AND coalesce(d.created_on, $as_of) <= $as_of
      AND d.expected_close BETWEEN $period_start AND $period_end /*segment*/
)
SELECT * FROM final
