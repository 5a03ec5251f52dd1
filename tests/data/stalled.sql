-- stalled: open deals against the Qualification norm, as of 2025-06-30 (expected values in tests/test_stalled.py).
INSERT INTO stages VALUES
    ('Lead identification', 1, 'open', 0.10, 0.60),
    ('Qualification',       2, 'open', 0.20, 0.65),
    ('Needs analysis',      3, 'open', 0.40, 0.70),
    ('Won',                 4, 'won',  1.00, NULL),
    ('Lost',                5, 'lost', 0.00, NULL);
INSERT INTO reps VALUES ('A1', 'Ann Archer', 'T1', 'North', 'Mia Boss', '2020-01-01');
INSERT INTO accounts VALUES ('ACC1', 'Acme', 'Enterprise', 'Software', 'North', 'Large');

INSERT INTO deals (deal_id, name, account_id, rep_id, channel, amount, created_on, closed_on, stage, status) VALUES
    ('C1', 'c1', 'ACC1', 'A1', 'Direct', 10, '2025-01-01', '2025-03-01', 'Won', 'won'),
    ('C2', 'c2', 'ACC1', 'A1', 'Direct', 10, '2025-01-01', '2025-03-01', 'Won', 'won'),
    ('C3', 'c3', 'ACC1', 'A1', 'Direct', 10, '2025-01-01', '2025-03-01', 'Needs analysis', 'lost'),
    ('C4', 'c4', 'ACC1', 'A1', 'Direct', 10, '2025-01-01', '2025-03-01', 'Needs analysis', 'lost'),
    ('O1', 'o1', 'ACC1', 'A1', 'Direct', 100, '2025-04-20', NULL, 'Qualification', 'open'),
    ('O2', 'o2', 'ACC1', 'A1', 'Partner', 200, '2025-06-01', NULL, 'Qualification', 'open'),
    ('O3', 'o3', 'ACC1', 'A1', 'Direct', 300, '2025-06-15', NULL, 'Qualification', 'open'),
    ('O4', 'o4', 'ACC1', 'A1', 'Direct', 400, '2025-06-20', NULL, 'Qualification', 'open'),
    ('O5', 'o5', 'ACC1', 'A1', 'Direct', 500, '2025-05-01', NULL, 'Qualification', 'open');

-- completed stays in Qualification: 10, 20, 30, 40 days -> p75 = 30 + 0.25 * (40 - 30) = 32.5
INSERT INTO deal_events VALUES
    ('C1', '2025-01-01 09:00', 'stage', NULL, 'Lead identification'),
    ('C1', '2025-01-05 09:00', 'stage', 'Lead identification', 'Qualification'),
    ('C1', '2025-01-15 09:00', 'stage', 'Qualification', 'Needs analysis'),
    ('C2', '2025-01-05 09:00', 'stage', NULL, 'Qualification'),
    ('C2', '2025-01-25 09:00', 'stage', 'Qualification', 'Needs analysis'),
    ('C3', '2025-01-05 09:00', 'stage', NULL, 'Qualification'),
    ('C3', '2025-02-04 09:00', 'stage', 'Qualification', 'Needs analysis'),
    ('C4', '2025-01-05 09:00', 'stage', NULL, 'Qualification'),
    ('C4', '2025-02-14 09:00', 'stage', 'Qualification', 'Needs analysis'),
    ('O1', '2025-04-20 09:00', 'stage', NULL, 'Lead identification'),
    ('O1', '2025-05-01 09:00', 'stage', 'Lead identification', 'Qualification'),
    ('O2', '2025-06-01 09:00', 'stage', NULL, 'Lead identification'),
    ('O2', '2025-06-10 09:00', 'stage', 'Lead identification', 'Qualification'),
    ('O3', '2025-06-15 09:00', 'stage', NULL, 'Lead identification'),
    ('O3', '2025-06-20 09:00', 'stage', 'Lead identification', 'Qualification');

INSERT INTO activities VALUES
    ('X1', 'O1', 'ACC1', 'A1', 'call',  '2025-06-25 10:00', 'reached'),
    ('X2', 'O2', 'ACC1', 'A1', 'email', '2025-06-01 10:00', 'sent'),
    ('X3', 'O3', 'ACC1', 'A1', 'demo',  '2025-06-28 10:00', 'held'),
    ('X4', 'O3', 'ACC1', 'A1', 'call',  '2025-07-05 10:00', 'future: after as_of, ignored');
