-- weekly: one hand-built week of pipeline changes, Monday 2025-06-09 .. Sunday 2025-06-15, as of 2025-06-18.
INSERT INTO dataset_info VALUES ('as_of', '2025-06-18');
-- The period is Q2 2025 (2025-04-01 .. 2025-06-30). Every expected figure is worked out in
-- tests/test_weekly.py. The cases: a deal created and won in the same week (W2), an amount raised then
-- lowered (W3), a close date pushed out and pulled back in (W5), pushed out for good (W6), pulled in
-- (W7), a deal lost before the week and reopened in it (W8), one lost and reopened inside the week (W11),
-- a deal raised then won (W9), won early from next quarter (W16), and changes after the week that the
-- end-of-week state must not see (W1, W3 on 2025-06-17).
-- include: stages.sql

INSERT INTO reps VALUES
    ('A1', 'Ann Archer', 'T1', 'North', 'Mia Boss', '2020-01-01'),
    ('A2', 'Al Avery',   'T1', 'North', 'Mia Boss', '2021-01-01'),
    ('B1', 'Bo Brandt',  'T2', 'South', 'Max Chef', '2022-01-01');

INSERT INTO accounts VALUES
    ('ACC1', 'Acme', 'Enterprise', 'Software', 'North', 'Large'),
    ('ACC2', 'Bolt', 'Small business', 'Retail', 'South', 'Small');

-- current state (as of 2025-06-18)
INSERT INTO deals VALUES
    ('W1',  'Acme – one',      'ACC1', 'A1', 'P1', 'Direct',  'Web', 'new_business', 1000, 'USD', '2025-04-01', '2025-07-10', NULL,         'Quote & negotiation', 'open', NULL, NULL, 'commit'),
    ('W2',  'Bolt – two',      'ACC2', 'A1', 'P1', 'Direct',  'Web', 'new_business',  300, 'USD', '2025-06-10', '2025-06-12', '2025-06-12', 'Won',                 'won',  NULL, NULL, 'commit'),
    ('W3',  'Acme – three',    'ACC1', 'A1', 'P1', 'Direct',  'Web', 'expansion',      650, 'USD', '2025-04-01', '2025-06-26', NULL,         'Solution design',     'open', NULL, NULL, 'best_case'),
    ('W4',  'Bolt – four',     'ACC2', 'A2', 'P2', 'Direct',  'Web', 'new_business',  250, 'USD', '2025-04-15', '2025-06-20', NULL,         'Needs analysis',      'open', NULL, NULL, 'pipeline'),
    ('W5',  'Acme – five',     'ACC1', 'A2', 'P1', 'Direct',  'Web', 'renewal',        700, 'USD', '2025-03-01', '2025-06-28', NULL,         'Quote & negotiation', 'open', NULL, NULL, 'commit'),
    ('W6',  'Bolt – six',      'ACC2', 'B1', 'P2', 'Partner', 'Web', 'new_business',  900, 'USD', '2025-04-10', '2025-08-01', NULL,         'Solution design',     'open', NULL, NULL, 'best_case'),
    ('W7',  'Acme – seven',    'ACC1', 'B1', 'P1', 'Direct',  'Web', 'new_business',  350, 'USD', '2025-05-01', '2025-06-27', NULL,         'Quote & negotiation', 'open', NULL, NULL, 'commit'),
    ('W8',  'Bolt – eight',    'ACC2', 'A1', 'P2', 'Direct',  'Web', 'new_business',  200, 'USD', '2025-04-01', '2025-06-29', NULL,         'Qualification',       'open', NULL, NULL, 'pipeline'),
    ('W9',  'Acme – nine',     'ACC1', 'A2', 'P1', 'Direct',  'Web', 'expansion',     1200, 'USD', '2025-03-15', '2025-06-13', '2025-06-13', 'Won',                 'won',  NULL, NULL, 'commit'),
    ('W10', 'Bolt – ten',      'ACC2', 'B1', 'P2', 'Direct',  'Web', 'new_business',  450, 'USD', '2025-06-03', '2025-06-14', '2025-06-14', 'Needs analysis',      'lost', 'Price', NULL, 'pipeline'),
    ('W11', 'Acme – eleven',   'ACC1', 'B1', 'P1', 'Direct',  'Web', 'renewal',        100, 'USD', '2025-04-01', '2025-06-30', NULL,         'Qualification',       'open', NULL, NULL, 'pipeline'),
    ('W12', 'Bolt – twelve',   'ACC2', 'A2', 'P2', 'Direct',  'Web', 'new_business', 5000, 'USD', '2025-06-11', '2025-09-15', NULL,         'Lead identification', 'open', NULL, NULL, 'pipeline'),
    ('W13', 'Acme – thirteen', 'ACC1', 'A1', 'P1', 'Direct',  'Web', 'new_business',  800, 'USD', '2025-04-01', '2025-08-15', NULL,         'Qualification',       'open', NULL, NULL, 'pipeline'),
    ('W14', 'Bolt – fourteen', 'ACC2', 'B1', 'P2', 'Direct',  'Web', 'new_business',   80, 'USD', '2025-06-13', '2025-06-30', NULL,         'Lead identification', 'open', NULL, NULL, 'pipeline'),
    ('W15', 'Acme – fifteen',  'ACC1', 'A1', 'P1', 'Direct',  'Web', 'new_business',  250, 'USD', '2025-05-01', '2025-06-03', '2025-06-03', 'Won',                 'won',  NULL, NULL, 'commit'),
    ('W16', 'Bolt – sixteen',  'ACC2', 'A2', 'P2', 'Direct',  'Web', 'new_business',  600, 'USD', '2025-04-20', '2025-06-12', '2025-06-12', 'Won',                 'won',  NULL, NULL, 'commit'),
    ('W17', 'Acme – seventeen','ACC1', 'A1', 'P1', 'Partner', 'Web', 'new_business',  150, 'USD', '2025-06-04', '2025-06-25', NULL,         'Lead identification', 'open', NULL, NULL, 'pipeline');

INSERT INTO deal_events VALUES
    -- W1: pushed after the week: at the week's end its close date was still 2025-06-20
    ('W1',  '2025-06-17 10:00', 'expected_close', '2025-06-20', '2025-07-10'),
    -- W2: created and won in the week (no status events: its status comes from closed_on)
    ('W2',  '2025-06-10 09:00', 'stage', NULL, 'Lead identification'),
    ('W2',  '2025-06-12 16:00', 'stage', 'Lead identification', 'Won'),
    -- W3: raised 500 -> 800, lowered to 600 in the week (net +100); advanced; raised again after the week
    ('W3',  '2025-06-10 11:00', 'amount', '500', '800'),
    ('W3',  '2025-06-11 11:00', 'stage', 'Needs analysis', 'Solution design'),
    ('W3',  '2025-06-12 11:00', 'amount', '800', '600'),
    ('W3',  '2025-06-17 11:00', 'amount', '600', '650'),
    -- W4: lowered 400 -> 250 and moved back a stage
    ('W4',  '2025-06-11 12:00', 'amount', '400', '250'),
    ('W4',  '2025-06-12 12:00', 'stage', 'Solution design', 'Needs analysis'),
    -- W5: slipped in May, pushed out of the quarter and pulled back in during the week
    ('W5',  '2025-05-20 09:00', 'expected_close', '2025-06-10', '2025-06-25'),
    ('W5',  '2025-06-10 09:00', 'expected_close', '2025-06-25', '2025-07-15'),
    ('W5',  '2025-06-13 09:00', 'expected_close', '2025-07-15', '2025-06-28'),
    -- W6: pushed out of the quarter
    ('W6',  '2025-06-11 09:00', 'expected_close', '2025-06-30', '2025-08-01'),
    -- W7: pulled in from next quarter and committed
    ('W7',  '2025-06-12 09:00', 'expected_close', '2025-07-20', '2025-06-27'),
    ('W7',  '2025-06-12 09:00', 'forecast_category', 'best_case', 'commit'),
    -- W8: lost in May, reopened in the week with a new close date
    ('W8',  '2025-05-20 09:00', 'status', 'open', 'lost'),
    ('W8',  '2025-06-11 09:00', 'status', 'lost', 'open'),
    ('W8',  '2025-06-11 09:00', 'expected_close', '2025-05-20', '2025-06-29'),
    -- W9: raised 1000 -> 1200, then won the same day
    ('W9',  '2025-06-13 09:00', 'amount', '1000', '1200'),
    ('W9',  '2025-06-13 15:00', 'status', 'open', 'won'),
    ('W9',  '2025-06-13 15:00', 'stage', 'Quote & negotiation', 'Won'),
    -- W11: lost and reopened inside the week: no net change
    ('W11', '2025-06-10 09:00', 'status', 'open', 'lost'),
    ('W11', '2025-06-12 09:00', 'status', 'lost', 'open'),
    -- W16: expected next quarter, won early in the week
    ('W16', '2025-06-12 10:00', 'expected_close', '2025-07-25', '2025-06-12'),
    ('W16', '2025-06-12 10:00', 'status', 'open', 'won'),
    ('W16', '2025-06-12 10:00', 'stage', 'Quote & negotiation', 'Won');

-- activities: W3 never touched (stalled), W6 untouched until after the week, W7 busy then quiet
INSERT INTO activities VALUES
    ('X1',  'W1',  'ACC1', 'A1', 'call',    '2025-06-05 10:00', 'ok'),
    ('X2',  'W1',  'ACC1', 'A1', 'email',   '2025-06-16 10:00', 'ok'),
    ('X3',  'W4',  'ACC2', 'A2', 'call',    '2025-06-05 10:00', 'ok'),
    ('X4',  'W4',  'ACC2', 'A2', 'call',    '2025-06-16 10:00', 'ok'),
    ('X5',  'W5',  'ACC1', 'A2', 'meeting', '2025-06-05 10:00', 'ok'),
    ('X6',  'W5',  'ACC1', 'A2', 'call',    '2025-06-16 10:00', 'ok'),
    ('X7',  'W6',  'ACC2', 'B1', 'call',    '2025-06-16 10:00', 'ok'),
    ('X8',  'W7',  'ACC1', 'B1', 'demo',    '2025-06-02 10:00', 'ok'),
    ('X9',  'W7',  'ACC1', 'B1', 'call',    '2025-06-06 10:00', 'ok'),
    ('X10', 'W7',  'ACC1', 'B1', 'email',   '2025-06-09 10:00', 'ok'),
    ('X11', 'W8',  'ACC2', 'A1', 'call',    '2025-06-05 10:00', 'ok'),
    ('X12', 'W8',  'ACC2', 'A1', 'call',    '2025-06-16 10:00', 'ok'),
    ('X13', 'W9',  'ACC1', 'A2', 'visit',   '2025-06-05 10:00', 'ok'),
    ('X14', 'W10', 'ACC2', 'B1', 'call',    '2025-06-05 10:00', 'ok'),
    ('X15', 'W11', 'ACC1', 'B1', 'call',    '2025-06-05 10:00', 'ok'),
    ('X16', 'W11', 'ACC1', 'B1', 'call',    '2025-06-16 10:00', 'ok'),
    ('X17', 'W12', 'ACC2', 'A2', 'email',   '2025-06-16 10:00', 'ok'),
    ('X18', 'W13', 'ACC1', 'A1', 'call',    '2025-06-05 10:00', 'ok'),
    ('X19', 'W13', 'ACC1', 'A1', 'call',    '2025-06-16 10:00', 'ok'),
    ('X20', 'W14', 'ACC2', 'B1', 'call',    '2025-06-16 10:00', 'ok'),
    ('X21', 'W17', 'ACC1', 'A1', 'call',    '2025-06-05 10:00', 'ok'),
    ('X22', 'W17', 'ACC1', 'A1', 'call',    '2025-06-16 10:00', 'ok');
