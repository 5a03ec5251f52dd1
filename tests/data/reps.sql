-- reps: three reps in two teams, with quotas, for the Reps page (expected numbers in tests/test_reps.py).
-- Main period: April 2025 (30 days), as of 2025-04-15 -> half the period has elapsed.
-- A1 (team T1) has many deals, A2 (T1) only two -- both won --, B1 (T2) is busy but rarely wins.
-- include: stages.sql

INSERT INTO reps VALUES
    ('A1', 'Ann Archer', 'T1', 'North', 'Mia Boss', '2020-01-01'),
    ('A2', 'Al Avery',   'T1', 'North', 'Mia Boss', '2024-01-01'),
    ('B1', 'Bo Brandt',  'T2', 'South', 'Max Chef', '2022-01-01');

-- Q2 2025 has 91 days: 9100 / 4550 / 1820 are 100 / 50 / 20 a day -> April (30 days): 3000 / 1500 / 600.
INSERT INTO quotas VALUES
    ('A1', '2025-01-01', '2025-03-31', 9000),   -- ends before April: no part of it counts
    ('A1', '2025-04-01', '2025-06-30', 9100),
    ('A2', '2025-04-01', '2025-06-30', 4550),
    ('B1', '2025-04-01', '2025-06-30', 1820);

-- A1 and A2 sell Enterprise x Direct, B1 Small business x Partner: no segment has 30 closed deals,
-- so the weighted pipeline uses each stage's default probability.
INSERT INTO accounts VALUES
    ('ACC1', 'Acme', 'Enterprise', 'Software', 'North', 'Large'),
    ('ACC2', 'Bolt', 'Small business', 'Retail', 'South', 'Small');

-- A1: 12 won of 100 each, created Mar 1 + i (i = 0..11), closed Apr 10 -> cycles 40 .. 29 days.
INSERT INTO deals
SELECT 'A1W' || i, 'a1 won ' || i, 'ACC1', 'A1', 'P1', 'Direct', 'Web', 'new_business', 100, 'USD',
       DATE '2025-03-01' + i::INTEGER, DATE '2025-04-10', DATE '2025-04-10', 'Won', 'won', NULL, NULL, 'commit'
FROM range(12) t(i);
-- A1: 8 lost of 50 each, created Mar 1, closed Apr 5: 4 at Lead, 2 at Qualification, 2 at Quote.
INSERT INTO deals
SELECT 'A1L' || i, 'a1 lost ' || i, 'ACC1', 'A1', 'P1', 'Direct', 'Web', 'new_business', 50, 'USD',
       DATE '2025-03-01', DATE '2025-04-05', DATE '2025-04-05',
       CASE WHEN i < 4 THEN 'Lead identification' WHEN i < 6 THEN 'Qualification' ELSE 'Quote & negotiation' END,
       'lost', 'Price', NULL, 'pipeline'
FROM range(8) t(i);
-- A2: 2 won of 300 each, created Mar 20, closed Apr 12 -> 23 days.
INSERT INTO deals
SELECT 'A2W' || i, 'a2 won ' || i, 'ACC1', 'A2', 'P1', 'Direct', 'Web', 'new_business', 300, 'USD',
       DATE '2025-03-20', DATE '2025-04-12', DATE '2025-04-12', 'Won', 'won', NULL, NULL, 'commit'
FROM range(2) t(i);
-- B1: 1 won of 600 (created Feb 1, closed Apr 2 -> 60 days), 9 lost of 100 at Lead (closed Apr 3).
INSERT INTO deals VALUES
    ('B1W0', 'b1 won 0', 'ACC2', 'B1', 'P2', 'Partner', 'Web', 'new_business', 600, 'USD', '2025-02-01', '2025-04-02', '2025-04-02', 'Won', 'won', NULL, NULL, 'commit');
INSERT INTO deals
SELECT 'B1L' || i, 'b1 lost ' || i, 'ACC2', 'B1', 'P2', 'Partner', 'Web', 'new_business', 100, 'USD',
       DATE '2025-02-01', DATE '2025-04-03', DATE '2025-04-03', 'Lead identification', 'lost', 'Price', NULL, 'pipeline'
FROM range(9) t(i);
-- Open on Apr 15. O6 was expected to close in March: open, but not "closing in the period".
INSERT INTO deals VALUES
    ('O1', 'o1', 'ACC1', 'A1', 'P1', 'Direct',  'Web', 'new_business', 1000, 'USD', '2025-04-02', '2025-04-25', NULL, 'Quote & negotiation', 'open', NULL, NULL, 'commit'),
    ('O2', 'o2', 'ACC1', 'A1', 'P1', 'Direct',  'Web', 'new_business',  500, 'USD', '2025-04-03', '2025-05-20', NULL, 'Qualification',       'open', NULL, NULL, 'pipeline'),
    ('O6', 'o6', 'ACC1', 'A1', 'P1', 'Direct',  'Web', 'new_business',  700, 'USD', '2025-01-10', '2025-03-25', NULL, 'Needs analysis',      'open', NULL, NULL, 'best_case'),
    ('O4', 'o4', 'ACC1', 'A2', 'P1', 'Direct',  'Web', 'new_business',  300, 'USD', '2025-04-04', '2025-04-28', NULL, 'Solution design',     'open', NULL, NULL, 'best_case'),
    ('O5', 'o5', 'ACC2', 'B1', 'P2', 'Partner', 'Web', 'new_business',  200, 'USD', '2025-04-05', '2025-04-30', NULL, 'Lead identification', 'open', NULL, NULL, 'pipeline');

-- Activities in April up to Apr 15 count; Mar 30 (before) and Apr 16 (after as-of) do not.
INSERT INTO activities
SELECT 'XA1c' || i, 'O1', 'ACC1', 'A1', 'call', TIMESTAMP '2025-04-01 10:00' + INTERVAL (i) DAY, 'done' FROM range(10) t(i);
INSERT INTO activities
SELECT 'XA1e' || i, 'O1', 'ACC1', 'A1', 'email', TIMESTAMP '2025-04-02 10:00' + INTERVAL (i) DAY, 'done' FROM range(5) t(i);
INSERT INTO activities VALUES
    ('XA1old', 'O1', 'ACC1', 'A1', 'call', '2025-03-30 10:00', 'done'),
    ('XA1new', 'O1', 'ACC1', 'A1', 'call', '2025-04-16 10:00', 'done'),
    ('XA2m0', 'O4', 'ACC1', 'A2', 'meeting', '2025-04-07 10:00', 'done'),
    ('XA2m1', 'O4', 'ACC1', 'A2', 'meeting', '2025-04-15 16:00', 'done');
INSERT INTO activities
SELECT 'XB1c' || i, 'O5', 'ACC2', 'B1', 'call', TIMESTAMP '2025-04-01 09:00' + INTERVAL (i % 15) DAY, 'done' FROM range(30) t(i);
INSERT INTO activities
SELECT 'XB1d' || i, 'O5', 'ACC2', 'B1', 'demo', TIMESTAMP '2025-04-08 09:00', 'done' FROM range(5) t(i);

-- Surveys in April: A1 nps 10, 9, 5 / csat 5, 4, 2; A2 nps 6 / csat 3; B1 nps 9 / csat 5.
INSERT INTO surveys VALUES
    ('S1', 'ACC1', 'A1W0', 'A1', '2025-04-11', 10, 5, 5, 5, 4, NULL),
    ('S2', 'ACC1', 'A1W1', 'A1', '2025-04-12',  9, 4, 4, 4, 4, NULL),
    ('S3', 'ACC1', 'A1W2', 'A1', '2025-04-13',  5, 2, 3, 2, 1, 'slow'),
    ('S4', 'ACC1', 'A2W0', 'A2', '2025-04-13',  6, 3, 3, 3, 3, NULL),
    ('S5', 'ACC2', 'B1W0', 'B1', '2025-04-14',  9, 5, 5, 5, 5, NULL),
    ('S6', 'ACC1', 'A1W3', 'A1', '2025-03-01',  0, 1, 1, 1, 1, 'before the period');

INSERT INTO dataset_info VALUES ('as_of', '2025-04-15');
