-- tiny: a hand-built company small enough to compute every Overview figure by hand.
-- As of 2025-06-30. Q2 2025 = 2025-04-01..2025-06-30 (91 days); its previous period of equal
-- length is 2024-12-31..2025-03-31. The expected numbers are worked out in tests/test_overview.py.
-- include: stages.sql

INSERT INTO reps VALUES
    ('A1', 'Ann Archer', 'T1', 'North', 'Mia Boss', '2020-01-01'),
    ('A2', 'Al Avery',   'T1', 'North', 'Mia Boss', '2021-01-01'),
    ('B1', 'Bo Brandt',  'T2', 'South', 'Max Chef', '2022-01-01');

INSERT INTO quotas VALUES
    ('A1', '2024-10-01', '2024-12-31', 920),   -- 92 days: 1 of them (Dec 31) falls in the previous period
    ('A1', '2025-01-01', '2025-03-31', 800),
    ('A2', '2025-01-01', '2025-03-31', 400),
    ('B1', '2025-01-01', '2025-03-31', 400),
    ('A1', '2025-04-01', '2025-06-30', 1000),
    ('A2', '2025-04-01', '2025-06-30', 500),
    ('B1', '2025-04-01', '2025-06-30', 500);

INSERT INTO accounts VALUES
    ('ACC1', 'Acme', 'Enterprise', 'Software', 'North', 'Large'),
    ('ACC2', 'Bolt', 'Small business', 'Retail', 'South', 'Small');

INSERT INTO deals VALUES
    ('D1', 'Acme – A', 'ACC1', 'A1', 'P1', 'Direct',  'Web', 'new_business', 100, 'USD', '2025-01-10', '2025-04-10', '2025-04-10', 'Won', 'won', NULL, NULL, 'commit'),
    ('D2', 'Bolt – B', 'ACC2', 'A2', 'P2', 'Partner', 'Web', 'new_business', 200, 'USD', '2025-02-01', '2025-05-01', '2025-05-01', 'Won', 'won', NULL, NULL, 'commit'),
    ('D3', 'Acme – C', 'ACC1', 'B1', 'P1', 'Direct',  'Web', 'expansion',    300, 'USD', '2025-04-05', '2025-05-20', '2025-05-20', 'Needs analysis', 'lost', 'Price', 'Rival', 'pipeline'),
    ('D4', 'Bolt – D', 'ACC2', 'A1', 'P2', 'Partner', 'Web', 'new_business', 400, 'USD', '2025-04-15', '2025-07-15', NULL, 'Solution design', 'open', NULL, NULL, 'best_case'),
    ('D5', 'Acme – E', 'ACC1', 'B1', 'P1', 'Direct',  'Web', 'renewal',      500, 'USD', '2025-05-01', '2025-06-30', NULL, 'Qualification', 'open', NULL, NULL, 'pipeline'),
    ('D6', 'Bolt – F', 'ACC2', 'A2', 'P1', 'Direct',  'Web', 'new_business',  50, 'USD', '2024-12-01', '2025-03-01', '2025-03-01', 'Won', 'won', NULL, NULL, 'commit'),
    ('D7', 'Acme – G', 'ACC1', 'A1', 'P2', 'Online',  'Web', 'new_business',  60, 'USD', '2025-01-05', '2025-02-15', '2025-02-15', 'Qualification', 'lost', 'Timing', NULL, 'pipeline'),
    ('D8', 'Acme – H', 'ACC1', 'A1', 'P1', 'Direct',  'Web', 'new_business', 700, 'USD', '2025-06-10', '2025-06-25', '2025-06-25', 'Won', 'won', NULL, NULL, 'commit');

-- D4 went to Quote & negotiation and back: its furthest stage is Quote (5), its current Solution design (4).
INSERT INTO deal_events VALUES
    ('D4', '2025-04-15 09:00', 'stage', NULL, 'Lead identification'),
    ('D4', '2025-04-20 09:00', 'stage', 'Lead identification', 'Qualification'),
    ('D4', '2025-05-01 09:00', 'stage', 'Qualification', 'Needs analysis'),
    ('D4', '2025-05-15 09:00', 'stage', 'Needs analysis', 'Solution design'),
    ('D4', '2025-06-01 09:00', 'stage', 'Solution design', 'Quote & negotiation'),
    ('D4', '2025-06-10 09:00', 'stage', 'Quote & negotiation', 'Solution design');

INSERT INTO surveys VALUES
    ('S1', 'ACC1', 'D1', 'A1', '2025-05-01', 10, 5, 5, 5, 5, 'Great'),
    ('S2', 'ACC2', 'D2', 'A2', '2025-05-20',  9, 4, 4, 5, 4, '很好'),
    ('S3', 'ACC1', 'D1', 'A1', '2025-06-01',  7, 4, 4, 4, 3, NULL),
    ('S4', 'ACC2', 'D2', 'A2', '2025-06-15',  3, 2, 3, 3, 1, '响应太慢'),
    ('S5', 'ACC2', 'D6', 'A2', '2025-02-10',  6, 3, 3, 3, 3, 'ok');
