-- salesdash data contract (DESIGN.md, "Data contract").
-- Tables hold the current state; deal_events hold how it got there. Views derive what the
-- metrics need so that every metric reads the same definition.
-- Conventions:
--   deals.stage is the stage the deal is in (open), the won stage (won), or the last open stage it
--   reached before it was lost (lost; NULL when the source does not say).
--   deal_events with field = 'stage' start with a creation row (old_value NULL, new_value = first stage,
--   changed_at = created_on) when the source knows it.

CREATE TABLE IF NOT EXISTS stages (
    stage               VARCHAR PRIMARY KEY,
    position            INTEGER NOT NULL,          -- 1..n in process order; won after the last open stage
    kind                VARCHAR NOT NULL CHECK (kind IN ('open', 'won', 'lost')),
    default_probability DOUBLE,                    -- 0..1
    target_conversion   DOUBLE                     -- 0..1, to the next stage
);

CREATE TABLE IF NOT EXISTS reps (
    rep_id    VARCHAR PRIMARY KEY,
    name      VARCHAR,
    team      VARCHAR,
    region    VARCHAR,
    manager   VARCHAR,
    hired_on  DATE
);

CREATE TABLE IF NOT EXISTS quotas (
    rep_id       VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    period_end   DATE NOT NULL,                    -- inclusive
    amount       DOUBLE NOT NULL,
    PRIMARY KEY (rep_id, period_start)
);

CREATE TABLE IF NOT EXISTS accounts (
    account_id    VARCHAR PRIMARY KEY,
    name          VARCHAR,
    customer_type VARCHAR,
    industry      VARCHAR,
    region        VARCHAR,
    size_band     VARCHAR
);

CREATE TABLE IF NOT EXISTS deals (
    deal_id           VARCHAR PRIMARY KEY,
    name              VARCHAR,
    account_id        VARCHAR,
    rep_id            VARCHAR,
    product           VARCHAR,
    channel           VARCHAR,
    lead_source       VARCHAR,
    deal_type         VARCHAR,                     -- new_business / expansion / renewal
    amount            DOUBLE,
    currency          VARCHAR,
    created_on        DATE,
    expected_close    DATE,
    closed_on         DATE,
    stage             VARCHAR,
    status            VARCHAR NOT NULL CHECK (status IN ('open', 'won', 'lost')),
    lost_reason       VARCHAR,
    competitor        VARCHAR,
    forecast_category VARCHAR                      -- pipeline / best_case / commit / omitted
);

CREATE TABLE IF NOT EXISTS deal_events (
    deal_id    VARCHAR NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    field      VARCHAR NOT NULL CHECK (field IN ('stage', 'amount', 'expected_close', 'forecast_category', 'status')),
    old_value  VARCHAR,
    new_value  VARCHAR
);

CREATE TABLE IF NOT EXISTS activities (
    activity_id VARCHAR PRIMARY KEY,
    deal_id     VARCHAR,
    account_id  VARCHAR,
    rep_id      VARCHAR,
    type        VARCHAR,                           -- call / email / meeting / demo / visit / social
    occurred_at TIMESTAMP,
    outcome     VARCHAR
);

CREATE TABLE IF NOT EXISTS surveys (
    response_id      VARCHAR PRIMARY KEY,
    account_id       VARCHAR,
    deal_id          VARCHAR,
    rep_id           VARCHAR,
    submitted_on     DATE,
    nps              INTEGER CHECK (nps BETWEEN 0 AND 10),
    csat             INTEGER CHECK (csat BETWEEN 1 AND 5),
    product_quality  INTEGER CHECK (product_quality BETWEEN 1 AND 5),
    service_attitude INTEGER CHECK (service_attitude BETWEEN 1 AND 5),
    response_speed   INTEGER CHECK (response_speed BETWEEN 1 AND 5),
    comment          VARCHAR
);

-- Which optional parts a dataset carries (written by whoever builds the database).
CREATE TABLE IF NOT EXISTS dataset_info (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

-- Stage intervals: each stage a deal entered, when, and when it left (NULL while still there).
CREATE OR REPLACE VIEW stage_intervals AS
WITH moves AS (
    SELECT deal_id, changed_at, new_value AS stage,
           row_number() OVER (PARTITION BY deal_id ORDER BY changed_at, new_value) AS seq
    FROM deal_events
    WHERE field = 'stage'
),
final AS (
    SELECT
        m.deal_id,
        m.seq,
        m.stage,
        m.changed_at AS entered_at,
        lead(m.changed_at) OVER w AS exited_at,
        lead(m.stage) OVER w AS next_stage
    FROM moves m
    WINDOW w AS (PARTITION BY m.deal_id ORDER BY m.seq)
)
SELECT * FROM final;

-- Furthest stage position each deal reached (DESIGN.md "Reached stage").
-- Won deals passed every open stage; otherwise the highest open-stage position seen in the history
-- or in the current / at-loss stage. A lost deal whose stage is unknown reached position 1.
CREATE OR REPLACE VIEW deal_furthest_stage AS
WITH open_stages AS (
    SELECT stage, position FROM stages WHERE kind = 'open'
),
won_position AS (
    SELECT min(position) AS position FROM stages WHERE kind = 'won'
),
from_history AS (
    SELECT e.deal_id, max(s.position) AS position
    FROM deal_events e JOIN open_stages s ON s.stage = e.new_value
    WHERE e.field = 'stage'
    GROUP BY e.deal_id
),
final AS (
    SELECT
        d.deal_id,
        CASE
            WHEN d.status = 'won' THEN (SELECT position FROM won_position)
            ELSE greatest(coalesce(h.position, 1), coalesce(cur.position, 1))
        END AS furthest_position
    FROM deals d
    LEFT JOIN from_history h USING (deal_id)
    LEFT JOIN open_stages cur ON cur.stage = d.stage
)
SELECT * FROM final;

-- One row per deal with every dimension the global filters use.
-- region is the rep's territory, falling back to the account's region when the rep has none;
-- furthest_position is the deal's furthest stage (deal_furthest_stage), kept here so that funnel
-- and win-probability queries need no second join over every deal.
CREATE OR REPLACE VIEW deal_facts AS
SELECT
    d.*,
    a.customer_type,
    a.industry,
    a.size_band,
    a.name AS account_name,
    r.name AS rep_name,
    r.team,
    r.manager,
    coalesce(r.region, a.region) AS region,
    fs.furthest_position
FROM deals d
LEFT JOIN accounts a USING (account_id)
LEFT JOIN reps r USING (rep_id)
LEFT JOIN deal_furthest_stage fs USING (deal_id);

-- Survey responses with the dimensions of the deal, account and rep they belong to.
CREATE OR REPLACE VIEW survey_facts AS
SELECT
    s.*,
    a.customer_type,
    a.name AS account_name,
    d.channel,
    d.product,
    r.name AS rep_name,
    r.team,
    coalesce(r.region, a.region) AS region
FROM surveys s
LEFT JOIN accounts a USING (account_id)
LEFT JOIN deals d USING (deal_id)
LEFT JOIN reps r ON r.rep_id = s.rep_id;

-- Activities with the dimensions of the deal, account and rep they belong to.
CREATE OR REPLACE VIEW activity_facts AS
SELECT
    x.*,
    a.customer_type,
    d.channel,
    d.product,
    r.team,
    coalesce(r.region, a.region) AS region
FROM activities x
LEFT JOIN accounts a USING (account_id)
LEFT JOIN deals d USING (deal_id)
LEFT JOIN reps r ON r.rep_id = x.rep_id;
