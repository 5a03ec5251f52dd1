-- funnel: 20 hand-built deals with stage histories for the Funnel and Bottlenecks metrics.
-- As of 2025-03-31; the main period is Q1 2025 (2025-01-01..2025-03-31). Every event is at midnight,
-- so every time in stage is a whole number of days. Stage letters in the comments:
-- L Lead identification (1), Q Qualification (2), N Needs analysis (3), S Solution design (4),
-- P Quote & negotiation (5), W Won (6), X Lost (7). The expected figures are worked out in
-- tests/test_funnel.py and tests/test_bottlenecks.py.
-- include: stages.sql

INSERT INTO reps VALUES
    ('O1', 'Olga Oakes',  'Oak',   'North', 'Mia Boss', '2020-01-01'),
    ('O2', 'Omar Ortiz',  'Oak',   'North', 'Mia Boss', '2021-01-01'),
    ('C1', 'Cleo Cedar',  'Cedar', 'South', 'Max Chef', '2022-01-01'),
    ('C2', 'Carl Crane',  'Cedar', 'South', 'Max Chef', '2022-06-01');

INSERT INTO accounts VALUES
    ('AE', 'Everest Ltd', 'Enterprise',     'Software', 'North', 'Large'),
    ('AS', 'Sparrow Co',  'Small business', 'Retail',   'South', 'Small');

-- id, name, account, rep, product, channel, lead_source, type, amount, currency, created, expected, closed, stage, status, lost_reason, competitor, forecast
INSERT INTO deals VALUES
    ('F01', 'F01', 'AE', 'O1', 'Suite', 'Direct',  'Web',   'new_business',  100, 'USD', '2025-01-02', '2025-02-28', '2025-02-21', 'Won',                 'won',  NULL,        NULL, 'commit'),
    ('F02', 'F02', 'AS', 'O2', 'Suite', 'Direct',  'Web',   'new_business',  200, 'USD', '2025-01-03', '2025-03-01', '2025-03-01', 'Won',                 'won',  NULL,        NULL, 'commit'),
    ('F03', 'F03', 'AE', 'C1', 'Suite', 'Partner', 'Event', 'new_business',  300, 'USD', '2025-01-05', '2025-03-15', '2025-03-03', 'Solution design',     'lost', 'Price',     NULL, 'omitted'),
    ('F04', 'F04', 'AS', 'C1', 'Cloud', 'Partner', 'Event', 'new_business',  400, 'USD', '2025-01-06', '2025-04-30', NULL,         'Solution design',     'open', NULL,        NULL, 'best_case'),
    ('F05', 'F05', 'AE', 'O1', 'Cloud', 'Partner', 'Web',   'expansion',     500, 'USD', '2025-01-10', '2025-03-01', '2025-02-20', 'Solution design',     'lost', 'Competitor', 'Rival', 'omitted'),
    ('F06', 'F06', 'AS', 'C2', 'Suite', 'Direct',  'Web',   'new_business',  600, 'USD', '2025-01-12', '2025-05-31', NULL,         'Qualification',       'open', NULL,        NULL, 'pipeline'),
    ('F07', 'F07', 'AE', 'O2', 'Suite', 'Direct',  'Web',   'new_business',  700, 'USD', '2025-03-20', '2025-06-30', NULL,         'Lead identification', 'open', NULL,        NULL, 'pipeline'),
    ('F08', 'F08', 'AS', 'O1', 'Cloud', 'Partner', 'Event', 'new_business',  800, 'USD', '2025-02-01', '2025-03-31', '2025-03-10', 'Won',                 'won',  NULL,        NULL, 'commit'),
    ('F09', 'F09', 'AE', 'C1', 'Suite', 'Direct',  'Web',   'new_business',  900, 'USD', '2025-02-03', '2025-04-30', '2025-02-13', 'Lead identification', 'lost', 'No budget', NULL, 'omitted'),
    ('F10', 'F10', 'AS', 'C2', 'Cloud', 'Partner', 'Event', 'new_business', 1000, 'USD', '2025-02-05', '2025-05-31', NULL,         'Needs analysis',      'open', NULL,        NULL, 'pipeline'),
    ('F11', 'F11', 'AE', 'O2', 'Suite', 'Direct',  'Web',   'renewal',      1100, 'USD', '2025-02-10', '2025-04-30', NULL,         'Needs analysis',      'open', NULL,        NULL, 'pipeline'),
    ('F12', 'F12', 'AS', 'O1', 'Cloud', 'Partner', 'Event', 'new_business', 1200, 'USD', '2025-02-15', '2025-03-31', '2025-03-15', 'Solution design',     'lost', 'Price',     'Rival', 'omitted'),
    ('F13', 'F13', 'AE', 'C2', 'Suite', 'Direct',  'Web',   'new_business', 1300, 'USD', '2025-02-20', '2025-03-31', '2025-03-20', 'Won',                 'won',  NULL,        NULL, 'commit'),
    ('F14', 'F14', 'AS', 'C1', 'Cloud', 'Partner', 'Event', 'new_business', 1400, 'USD', '2025-03-01', '2025-04-30', '2025-03-05', NULL,                  'lost', 'Timing',    NULL, 'omitted'),
    ('F15', 'F15', 'AE', 'O2', 'Suite', 'Direct',  'Web',   'new_business', 1500, 'USD', '2025-03-01', '2025-06-30', NULL,         'Needs analysis',      'open', NULL,        NULL, 'pipeline'),
    ('F16', 'F16', 'AS', 'C2', 'Cloud', 'Partner', 'Event', 'new_business', 1600, 'USD', '2025-03-05', '2025-06-30', NULL,         'Qualification',       'open', NULL,        NULL, 'pipeline'),
    ('F17', 'F17', 'AE', 'O1', 'Suite', 'Direct',  'Web',   'new_business', 1700, 'USD', '2024-11-01', '2025-03-31', '2025-03-05', 'Won',                 'won',  NULL,        NULL, 'commit'),
    ('F18', 'F18', 'AS', 'C1', 'Cloud', 'Partner', 'Event', 'new_business', 1800, 'USD', '2024-12-01', '2025-04-30', NULL,         'Solution design',     'open', NULL,        NULL, 'best_case'),
    ('F19', 'F19', 'AE', 'C2', 'Suite', 'Direct',  'Web',   'new_business', 1900, 'USD', '2024-10-01', '2024-12-31', '2024-10-31', 'Qualification',       'lost', 'Price',     NULL, 'omitted'),
    ('F20', 'F20', 'AS', 'O2', 'Cloud', 'Partner', 'Event', 'new_business', 2000, 'USD', '2024-12-20', '2025-04-30', NULL,         'Quote & negotiation', 'open', NULL,        NULL, 'commit');

-- F11, F12, F13, F14 and F20 have no history (as an upload without events would): their furthest stage
-- is the current stage (open), the stage at loss (lost) or all stages (won).
INSERT INTO deal_events VALUES
    -- F01: L → Q → N → S → P → W, 10 days in each stage
    ('F01', '2025-01-02', 'stage', NULL, 'Lead identification'),
    ('F01', '2025-01-12', 'stage', 'Lead identification', 'Qualification'),
    ('F01', '2025-01-22', 'stage', 'Qualification', 'Needs analysis'),
    ('F01', '2025-02-01', 'stage', 'Needs analysis', 'Solution design'),
    ('F01', '2025-02-11', 'stage', 'Solution design', 'Quote & negotiation'),
    ('F01', '2025-02-21', 'stage', 'Quote & negotiation', 'Won'),
    ('F01', '2025-02-21', 'status', 'open', 'won'),
    -- F02: L → Q → S (skips N) → P, then won on Mar 1 with no stage event (the close ends P)
    ('F02', '2025-01-03', 'stage', NULL, 'Lead identification'),
    ('F02', '2025-01-08', 'stage', 'Lead identification', 'Qualification'),
    ('F02', '2025-01-18', 'stage', 'Qualification', 'Solution design'),
    ('F02', '2025-02-07', 'stage', 'Solution design', 'Quote & negotiation'),
    ('F02', '2025-03-01', 'status', 'open', 'won'),
    -- F03: L → Q → N → S → X on Mar 3
    ('F03', '2025-01-05', 'stage', NULL, 'Lead identification'),
    ('F03', '2025-01-25', 'stage', 'Lead identification', 'Qualification'),
    ('F03', '2025-02-04', 'stage', 'Qualification', 'Needs analysis'),
    ('F03', '2025-02-14', 'stage', 'Needs analysis', 'Solution design'),
    ('F03', '2025-03-03', 'stage', 'Solution design', 'Lost'),
    -- F04: L → Q → N → S → P → back to S on Mar 11, still there
    ('F04', '2025-01-06', 'stage', NULL, 'Lead identification'),
    ('F04', '2025-01-30', 'stage', 'Lead identification', 'Qualification'),
    ('F04', '2025-02-09', 'stage', 'Qualification', 'Needs analysis'),
    ('F04', '2025-02-19', 'stage', 'Needs analysis', 'Solution design'),
    ('F04', '2025-03-01', 'stage', 'Solution design', 'Quote & negotiation'),
    ('F04', '2025-03-11', 'stage', 'Quote & negotiation', 'Solution design'),
    -- F05: L → Q → N → S, lost on Feb 20 with no stage event (the close ends S)
    ('F05', '2025-01-10', 'stage', NULL, 'Lead identification'),
    ('F05', '2025-01-15', 'stage', 'Lead identification', 'Qualification'),
    ('F05', '2025-01-25', 'stage', 'Qualification', 'Needs analysis'),
    ('F05', '2025-02-04', 'stage', 'Needs analysis', 'Solution design'),
    ('F05', '2025-02-20', 'status', 'open', 'lost'),
    -- F06: L → Q → X on Feb 21, reopened into Q on Mar 1 and open there (a repeated Q event is no move)
    ('F06', '2025-01-12', 'stage', NULL, 'Lead identification'),
    ('F06', '2025-02-11', 'stage', 'Lead identification', 'Qualification'),
    ('F06', '2025-02-21', 'stage', 'Qualification', 'Lost'),
    ('F06', '2025-03-01', 'stage', 'Lost', 'Qualification'),
    ('F06', '2025-03-02', 'stage', 'Qualification', 'Qualification'),
    -- F07: new lead, open
    ('F07', '2025-03-20', 'stage', NULL, 'Lead identification'),
    -- F08: L → Q → P (skips N and S) → W
    ('F08', '2025-02-01', 'stage', NULL, 'Lead identification'),
    ('F08', '2025-02-06', 'stage', 'Lead identification', 'Qualification'),
    ('F08', '2025-02-16', 'stage', 'Qualification', 'Quote & negotiation'),
    ('F08', '2025-03-10', 'stage', 'Quote & negotiation', 'Won'),
    -- F09: L → X
    ('F09', '2025-02-03', 'stage', NULL, 'Lead identification'),
    ('F09', '2025-02-13', 'stage', 'Lead identification', 'Lost'),
    -- F10: L → Q → N, open
    ('F10', '2025-02-05', 'stage', NULL, 'Lead identification'),
    ('F10', '2025-02-10', 'stage', 'Lead identification', 'Qualification'),
    ('F10', '2025-02-20', 'stage', 'Qualification', 'Needs analysis'),
    -- F15: L → N (skips Q), open
    ('F15', '2025-03-01', 'stage', NULL, 'Lead identification'),
    ('F15', '2025-03-06', 'stage', 'Lead identification', 'Needs analysis'),
    -- F16: L → Q, open
    ('F16', '2025-03-05', 'stage', NULL, 'Lead identification'),
    ('F16', '2025-03-10', 'stage', 'Lead identification', 'Qualification'),
    -- F17 (created before Q1): L 10 d → Q 20 d → N 40 d → S 30 d → P 24 d → W on Mar 5
    ('F17', '2024-11-01', 'stage', NULL, 'Lead identification'),
    ('F17', '2024-11-11', 'stage', 'Lead identification', 'Qualification'),
    ('F17', '2024-12-01', 'stage', 'Qualification', 'Needs analysis'),
    ('F17', '2025-01-10', 'stage', 'Needs analysis', 'Solution design'),
    ('F17', '2025-02-09', 'stage', 'Solution design', 'Quote & negotiation'),
    ('F17', '2025-03-05', 'stage', 'Quote & negotiation', 'Won'),
    -- F18 (created before Q1): L 10 d → Q 40 d → N 12 d → S since Feb 1, open
    ('F18', '2024-12-01', 'stage', NULL, 'Lead identification'),
    ('F18', '2024-12-11', 'stage', 'Lead identification', 'Qualification'),
    ('F18', '2025-01-20', 'stage', 'Qualification', 'Needs analysis'),
    ('F18', '2025-02-01', 'stage', 'Needs analysis', 'Solution design'),
    -- F19 (2024): L 10 d → Q 20 d → X
    ('F19', '2024-10-01', 'stage', NULL, 'Lead identification'),
    ('F19', '2024-10-11', 'stage', 'Lead identification', 'Qualification'),
    ('F19', '2024-10-31', 'stage', 'Qualification', 'Lost');

-- Activities (for "no activity for 14 days"): the last touch of each open deal.
INSERT INTO activities VALUES
    ('A01', 'F04', 'AS', 'C1', 'call',    '2025-03-28 10:00', 'connected'),
    ('A02', 'F06', 'AS', 'C2', 'email',   '2025-03-05 10:00', 'sent'),
    ('A03', 'F07', 'AE', 'O2', 'call',    '2025-03-25 10:00', 'connected'),
    ('A04', 'F10', 'AS', 'C2', 'meeting', '2025-03-30 10:00', 'held'),
    ('A05', 'F11', 'AE', 'O2', 'email',   '2025-03-01 10:00', 'sent'),
    ('A06', 'F15', 'AE', 'O2', 'demo',    '2025-03-27 10:00', 'held'),
    ('A07', 'F16', 'AS', 'C2', 'call',    '2025-03-29 10:00', 'connected'),
    ('A08', 'F18', 'AS', 'C1', 'email',   '2025-03-26 10:00', 'sent'),
    ('A09', 'F20', 'AS', 'O2', 'visit',   '2025-03-30 10:00', 'held');

-- The dataset's reference date, as a build writes it (the app then looks at it as of the end of Q1).
INSERT INTO dataset_info VALUES ('as_of', '2025-03-31');
