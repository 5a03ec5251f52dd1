-- surveys: 15 hand-built survey responses in Q2 2025 (+ 4 in the quarter before) small enough to work
-- out NPS, CSAT, means, intervals, drivers, segments and the link to sales by hand.
-- As of 2025-06-30. Q2 2025 = 2025-04-01..2025-06-30; its previous period is 2024-12-31..2025-03-31.
-- The expected numbers are worked out in tests/test_satisfaction.py.
INSERT INTO dataset_info VALUES ('as_of', '2025-06-30');

-- include: stages.sql

INSERT INTO reps VALUES
    ('R1', 'Ann Archer', 'T1', 'North', 'Mia Boss', '2020-01-01'),
    ('R2', 'Ben Brandt', 'T1', 'North', 'Mia Boss', '2021-01-01'),
    ('R3', '陈静',        'T2', 'East',  'Max Chef', '2022-01-01');

INSERT INTO accounts VALUES
    ('A1', 'Acme',     'Enterprise',     'Software',      'North', 'Large'),
    ('A2', 'Bolt',     'Small business', 'Retail',        'North', 'Small'),
    ('A3', 'Cato',     'Enterprise',     'Finance',       'East',  'Large'),
    ('A4', '华东制造', 'Mid-market',     'Manufacturing', 'East',  'Medium');

-- D1..D4: the deals the surveys are about (won in 2024). D5..D9: what the accounts did afterwards.
INSERT INTO deals VALUES
    ('D1', 'Acme – Platform',  'A1', 'R1', 'Platform',  'Direct',  'Web', 'new_business', 100, 'USD', '2024-06-01', '2024-09-01', '2024-09-01', 'Won', 'won', NULL, NULL, 'commit'),
    ('D2', 'Bolt – Platform',  'A2', 'R2', 'Platform',  'Partner', 'Web', 'new_business', 200, 'USD', '2024-06-01', '2024-10-01', '2024-10-01', 'Won', 'won', NULL, NULL, 'commit'),
    ('D3', 'Cato – Analytics', 'A3', 'R3', 'Analytics', 'Partner', 'Web', 'new_business', 300, 'USD', '2024-07-01', '2024-11-01', '2024-11-01', 'Won', 'won', NULL, NULL, 'commit'),
    ('D4', '华东 – Analytics', 'A4', 'R3', 'Analytics', 'Online',  'Web', 'new_business', 400, 'USD', '2024-07-01', '2024-12-01', '2024-12-01', 'Won', 'won', NULL, NULL, 'commit'),
    ('D5', 'Acme – expansion', 'A1', 'R1', 'Platform',  'Direct',  'Web', 'expansion',    150, 'USD', '2025-04-01', '2025-05-20', '2025-05-20', 'Won', 'won', NULL, NULL, 'commit'),
    ('D6', 'Bolt – renewal',   'A2', 'R2', 'Platform',  'Partner', 'Web', 'renewal',      120, 'USD', '2025-05-01', '2025-06-25', '2025-06-25', 'Quote & negotiation', 'lost', 'Price', NULL, 'pipeline'),
    ('D7', 'Cato – expansion', 'A3', 'R3', 'Analytics', 'Partner', 'Web', 'expansion',    130, 'USD', '2025-03-01', '2025-04-18', '2025-04-18', 'Won', 'won', NULL, NULL, 'commit'),
    ('D8', '华东 – expansion', 'A4', 'R3', 'Analytics', 'Online',  'Web', 'expansion',    140, 'USD', '2025-05-01', '2025-06-05', '2025-06-05', 'Solution design', 'lost', 'Service', NULL, 'pipeline'),
    ('D9', 'Bolt – add-on',    'A2', 'R2', 'Platform',  'Partner', 'Web', 'expansion',     90, 'USD', '2025-05-10', '2025-05-30', '2025-05-30', 'Won', 'won', NULL, NULL, 'commit');

-- response_id, account, deal, rep, submitted_on, nps, csat, product_quality, service_attitude, response_speed, comment
INSERT INTO surveys VALUES
    ('S01', 'A1', 'D1', 'R1', '2025-04-03', 10, 5, 5, 5, 5, 'Excellent support'),
    ('S02', 'A1', 'D1', 'R1', '2025-04-10', 10, 5, 4, 5, 5, NULL),
    ('S03', 'A2', 'D2', 'R2', '2025-04-15',  9, 5, 5, 4, 4, '产品很好，服务周到'),
    ('S04', 'A3', 'D3', 'R3', '2025-04-20',  9, 4, 4, 4, 4, 'Good value'),
    ('S05', 'A1', 'D1', 'R1', '2025-05-02',  9, 4, 5, 5, 4, NULL),
    ('S06', 'A2', 'D2', 'R2', '2025-05-06',  8, 4, 4, 4, 3, 'Fine'),
    ('S07', 'A3', 'D3', 'R3', '2025-05-12',  8, 4, 5, 4, 3, NULL),
    ('S08', 'A4', 'D4', 'R3', '2025-05-18',  7, 2, 4, 4, 3, '还可以，但是发票总是出错'),
    ('S09', 'A2', 'D2', 'R2', '2025-05-25',  7, 4, 4, 3, 2, 'Slow replies'),
    ('S10', 'A4', 'D4', 'R3', '2025-06-01',  6, 3, 5, 3, 2, '回复太慢了'),
    ('S11', 'A3', 'D3', 'R3', '2025-06-05',  5, 3, 4, 4, 2, 'Waited a week for an answer'),
    ('S12', 'A2', 'D2', 'R2', '2025-06-10',  4, 2, 4, 3, 1, '响应速度太慢，问题一直没解决'),
    ('S13', 'A4', 'D4', 'R3', '2025-06-15',  3, 2, 5, 3, 1, 'Nobody called back'),
    ('S14', 'A1', 'D1', 'R1', '2025-06-20',  2, 1, 4, 2, 1, 'Terrible response time'),
    ('S15', 'A4', 'D4', 'R3', '2025-06-28',  0, 1, 4, 2, 1, '客服态度差，响应慢'),
    ('P1',  'A1', 'D1', 'R1', '2025-01-10', 10, 5, 5, 5, 5, NULL),
    ('P2',  'A2', 'D2', 'R2', '2025-02-10',  9, 5, 4, 4, 4, NULL),
    ('P3',  'A3', 'D3', 'R3', '2025-03-05',  8, 4, 4, 4, 4, NULL),
    ('P4',  'A4', 'D4', 'R3', '2025-03-20',  6, 3, 4, 3, 3, NULL);
