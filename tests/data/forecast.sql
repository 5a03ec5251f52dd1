-- forecast: a company as of 2025-06-15 (mid Q2) small enough to work every forecast figure out by hand.
-- Expected numbers are in tests/test_forecast.py and tests/test_backtest.py.
INSERT INTO dataset_info VALUES ('as_of', '2025-06-15');

-- include: stages.sql

INSERT INTO reps VALUES
    ('A1', 'Ann Archer', 'T1', 'North', 'Mia Boss', '2020-01-01'),
    ('A2', 'Al Avery',   'T1', 'North', 'Mia Boss', '2021-01-01'),
    ('B1', 'Bo Brandt',  'T2', 'South', 'Max Chef', '2022-01-01');

-- Q2 quota 1000 + 500 + 500 = 2000; A1 also has a Q3 quota.
INSERT INTO quotas VALUES
    ('A1', '2025-04-01', '2025-06-30', 1000),
    ('A2', '2025-04-01', '2025-06-30', 500),
    ('B1', '2025-04-01', '2025-06-30', 500),
    ('A1', '2025-07-01', '2025-09-30', 1200);

INSERT INTO accounts VALUES
    ('ENT', 'Acme', 'Enterprise', 'Software', 'North', 'Large'),
    ('SMB', 'Bolt', 'Small business', 'Retail', 'South', 'Small');

-- History that teaches the learned probabilities, Enterprise x Direct, 60 deals closed in 2024:
-- H0..H14 won, H15..H29 lost at Quote & negotiation (position 5), H30..H59 lost at Lead identification.
--   Lead: 60 reached, 15 won -> 0.25;  Qualification..Quote: 30 reached, 15 won -> 0.5 (both >= 30 closed).
INSERT INTO deals
SELECT 'H' || i, 'history ' || i, 'ENT', 'A1', 'P1', 'Direct', 'Web', 'new_business', 10, 'USD',
       DATE '2024-01-01' + INTERVAL (i % 28) DAY, DATE '2024-03-01', DATE '2024-02-01' + INTERVAL (i % 28) DAY,
       CASE WHEN i < 15 THEN 'Won' WHEN i < 30 THEN 'Quote & negotiation' ELSE 'Lead identification' END,
       CASE WHEN i < 15 THEN 'won' ELSE 'lost' END, NULL, NULL, 'pipeline'
FROM range(60) t(i);
INSERT INTO deal_events
SELECT 'H' || i, DATE '2024-01-01' + INTERVAL (i % 28) DAY, 'stage', NULL, 'Lead identification' FROM range(60) t(i);

INSERT INTO deals VALUES
    -- won: W0 in Q1, W1 and W2 in Q2 (won so far 100 + 200 = 300), small-business deals (defaults apply there)
    ('W0', 'Bolt – W0', 'SMB', 'A1', 'P2', 'Online',  'Web', 'new_business',  70, 'USD', '2025-01-20', '2025-03-15', '2025-03-15', 'Won', 'won', NULL, NULL, 'commit'),
    ('W1', 'Bolt – W1', 'SMB', 'A1', 'P2', 'Online',  'Web', 'new_business', 100, 'USD', '2025-02-01', '2025-04-10', '2025-04-10', 'Won', 'won', NULL, NULL, 'commit'),
    ('W2', 'Bolt – W2', 'SMB', 'B1', 'P2', 'Partner', 'Web', 'new_business', 200, 'USD', '2025-04-20', '2025-05-05', '2025-05-05', 'Won', 'won', NULL, NULL, 'commit'),
    ('L1', 'Bolt – L1', 'SMB', 'B1', 'P2', 'Partner', 'Web', 'new_business', 900, 'USD', '2025-02-01', '2025-05-01', '2025-05-02', 'Qualification', 'lost', 'Price', NULL, 'pipeline'),
    -- open, expected to close in Q2
    ('O1', 'Acme – O1', 'ENT', 'A1', 'P1', 'Direct',  'Web', 'new_business',  400, 'USD', '2025-03-10', '2025-06-20', NULL, 'Quote & negotiation', 'open', NULL, NULL, 'commit'),
    ('O2', 'Bolt – O2', 'SMB', 'A2', 'P2', 'Partner', 'Web', 'new_business',  300, 'USD', '2025-03-15', '2025-06-25', NULL, 'Solution design',     'open', NULL, NULL, 'best_case'),
    ('O3', 'Acme – O3', 'ENT', 'B1', 'P1', 'Direct',  'Web', 'new_business',  500, 'USD', '2025-05-01', '2025-06-30', NULL, 'Qualification',       'open', NULL, NULL, 'pipeline'),
    ('O4', 'Bolt – O4', 'SMB', 'A1', 'P2', 'Online',  'Web', 'new_business', 1000, 'USD', '2025-05-10', '2025-06-10', NULL, 'Needs analysis',      'open', NULL, NULL, 'omitted'),
    ('O5', 'Acme – O5', 'ENT', 'B1', 'P1', 'Direct',  'Web', 'renewal',       250, 'USD', '2025-03-01', '2025-05-31', NULL, 'Needs analysis',      'open', NULL, NULL, 'commit'),
    ('O6', 'Acme – O6', 'ENT', 'A1', 'P1', 'Direct',  'Web', 'new_business',   80, 'USD', '2025-06-01', '2025-06-28', NULL, 'Lead identification', 'open', NULL, NULL, NULL),
    -- open, outside Q2: Q3 (O7) and already overdue from Q1 (O8)
    ('O7', 'Bolt – O7', 'SMB', 'A2', 'P2', 'Partner', 'Web', 'new_business',  900, 'USD', '2025-05-01', '2025-08-01', NULL, 'Qualification',       'open', NULL, NULL, 'commit'),
    ('O8', 'Acme – O8', 'ENT', 'A1', 'P1', 'Direct',  'Web', 'new_business',  600, 'USD', '2025-01-10', '2025-03-31', NULL, 'Qualification',       'open', NULL, NULL, 'pipeline');

-- How the current state came about. On 2025-04-01 (the start of Q2):
--   O1 sat in Qualification since Mar 20 (12 days), worth 300 (raised to 400 on May 15), category pipeline
--      (commit since Jun 1);
--   O5 sat in Needs analysis since Mar 15, expected to close Apr 30 (pushed to May 31 on May 20);
--   O2 was expected Jun 25 (pushed there on Mar 25 from Mar 31: it slipped into Q2 from Q1);
--   W1 sat in Quote & negotiation since Mar 1 (won Apr 10).
INSERT INTO deal_events VALUES
    ('O1', '2025-03-10 09:00', 'stage', NULL, 'Lead identification'),
    ('O1', '2025-03-20 09:00', 'stage', 'Lead identification', 'Qualification'),
    ('O1', '2025-05-01 09:00', 'stage', 'Qualification', 'Solution design'),
    ('O1', '2025-06-01 09:00', 'stage', 'Solution design', 'Quote & negotiation'),
    ('O1', '2025-05-15 10:00', 'amount', '300', '400'),
    ('O1', '2025-06-01 10:00', 'forecast_category', 'pipeline', 'commit'),
    ('O5', '2025-03-01 09:00', 'stage', NULL, 'Lead identification'),
    ('O5', '2025-03-15 09:00', 'stage', 'Lead identification', 'Needs analysis'),
    ('O5', '2025-05-20 09:00', 'expected_close', '2025-04-30', '2025-05-31'),
    ('O2', '2025-03-25 09:00', 'expected_close', '2025-03-31', '2025-06-25'),
    ('W1', '2025-02-01 09:00', 'stage', NULL, 'Lead identification'),
    ('W1', '2025-03-01 09:00', 'stage', 'Lead identification', 'Quote & negotiation'),
    ('W1', '2025-04-10 09:00', 'stage', 'Quote & negotiation', 'Won'),
    ('O3', '2025-05-01 09:00', 'stage', NULL, 'Qualification');

-- O1 was called on Jun 10 (5 days before as-of); no other open deal was touched.
INSERT INTO activities VALUES
    ('X1', 'O1', 'ENT', 'A1', 'call', '2025-06-10 10:00', 'reached');
