-- weekly_stalled: deals stalled (or not) at the start and the end of the week Mon 2025-06-09 .. Sun 2025-06-15,
-- as of Wed 2025-06-18; every expectation is worked out in tests/test_weekly_stalled.py.
-- The stalled rule looks at the day before each moment: Sun 2025-06-08 (start) and Sun 2025-06-15 (end).
-- H1..H4, H6: finished stays in Qualification (the norm's raw material), each left for Lost. H4's stay ends on
-- the Sunday before the week, in the afternoon: as of that Sunday it counts. S1..S8: open deals of Q2.
INSERT INTO dataset_info VALUES ('as_of', '2025-06-18');
-- include: stages.sql

INSERT INTO reps VALUES ('R1', 'Rae One', 'T1', 'North', 'Mia Boss', '2020-01-01');
INSERT INTO accounts VALUES ('A1', 'Acme', 'Enterprise', 'Software', 'North', 'Large');

INSERT INTO deals VALUES
    ('H1', 'H one',   'A1', 'R1', 'P1', 'Direct', 'Web', 'new_business', 100, 'USD', '2025-04-01', '2025-04-11', '2025-04-11', 'Qualification', 'lost', 'Price', NULL, 'pipeline'),
    ('H2', 'H two',   'A1', 'R1', 'P1', 'Direct', 'Web', 'new_business', 100, 'USD', '2025-04-01', '2025-04-21', '2025-04-21', 'Qualification', 'lost', 'Price', NULL, 'pipeline'),
    ('H3', 'H three', 'A1', 'R1', 'P1', 'Direct', 'Web', 'new_business', 100, 'USD', '2025-04-01', '2025-05-01', '2025-05-01', 'Qualification', 'lost', 'Price', NULL, 'pipeline'),
    ('H4', 'H four',  'A1', 'R1', 'P1', 'Direct', 'Web', 'new_business', 100, 'USD', '2025-05-09', '2025-06-08', '2025-06-08', 'Qualification', 'lost', 'Price', NULL, 'pipeline'),
    ('H6', 'H six',   'A1', 'R1', 'P1', 'Direct', 'Web', 'new_business', 100, 'USD', '2025-04-13', '2025-07-20', '2025-06-12', 'Qualification', 'lost', 'Price', NULL, 'pipeline'),
    ('S1', 'S one',   'A1', 'R1', 'P1', 'Direct', 'Web', 'new_business', 1000, 'USD', '2025-05-13', '2025-06-30', NULL, 'Qualification',  'open', NULL, NULL, 'pipeline'),
    ('S2', 'S two',   'A1', 'R1', 'P1', 'Direct', 'Web', 'new_business', 2000, 'USD', '2025-04-20', '2025-06-30', NULL, 'Needs analysis', 'open', NULL, NULL, 'pipeline'),
    ('S3', 'S three', 'A1', 'R1', 'P1', 'Direct', 'Web', 'new_business', 3000, 'USD', '2025-04-25', '2025-06-30', NULL, 'Qualification',  'open', NULL, NULL, 'pipeline'),
    ('S4', 'S four',  'A1', 'R1', 'P1', 'Direct', 'Web', 'new_business', 4000, 'USD', '2025-05-01', '2025-06-30', NULL, 'Qualification',  'open', NULL, NULL, 'pipeline'),
    ('S5', 'S five',  'A1', 'R1', 'P1', 'Direct', 'Web', 'new_business', 5000, 'USD', '2025-05-01', '2025-06-30', NULL, 'Lead identification', 'open', NULL, NULL, 'pipeline'),
    ('S6', 'S six',   'A1', 'R1', 'P1', 'Direct', 'Web', 'new_business', 6000, 'USD', '2025-04-01', '2025-06-30', NULL, 'Needs analysis', 'open', NULL, NULL, 'pipeline'),
    ('S7', 'S seven', 'A1', 'R1', 'P1', 'Direct', 'Web', 'new_business', 7000, 'USD', '2025-04-01', '2025-06-30', NULL, 'Needs analysis', 'open', NULL, NULL, 'pipeline'),
    ('S8', 'S eight', 'A1', 'R1', 'P1', 'Direct', 'Web', 'new_business', 8000, 'USD', NULL,         '2025-06-30', NULL, 'Needs analysis', 'open', NULL, NULL, 'pipeline');

INSERT INTO deal_events VALUES
    -- Qualification stays of 10, 20, 30, 30 (H4: Fri May 9 15:00 .. Sun Jun 8 15:00) and 60 days (H6, in the week)
    ('H1', '2025-04-01 00:00', 'stage', NULL, 'Qualification'), ('H1', '2025-04-11 00:00', 'stage', 'Qualification', 'Lost'),
    ('H2', '2025-04-01 00:00', 'stage', NULL, 'Qualification'), ('H2', '2025-04-21 00:00', 'stage', 'Qualification', 'Lost'),
    ('H3', '2025-04-01 00:00', 'stage', NULL, 'Qualification'), ('H3', '2025-05-01 00:00', 'stage', 'Qualification', 'Lost'),
    ('H4', '2025-05-09 15:00', 'stage', NULL, 'Qualification'), ('H4', '2025-06-08 15:00', 'stage', 'Qualification', 'Lost'),
    ('H6', '2025-04-13 09:00', 'stage', NULL, 'Qualification'), ('H6', '2025-06-12 09:00', 'stage', 'Qualification', 'Lost'),
    ('S1', '2025-05-13 00:00', 'stage', NULL, 'Qualification'),
    -- S2 leaves Qualification in the week (a 52-day stay that counts only at the end)
    ('S2', '2025-04-20 00:00', 'stage', NULL, 'Qualification'), ('S2', '2025-06-11 10:00', 'stage', 'Qualification', 'Needs analysis'),
    ('S3', '2025-04-25 00:00', 'stage', NULL, 'Qualification'),
    -- S4: a repeated event for the stage it is in is not a move (stage_moves): in Qualification since May 1
    ('S4', '2025-05-01 00:00', 'stage', NULL, 'Qualification'), ('S4', '2025-06-01 10:00', 'stage', 'Qualification', 'Qualification'),
    ('S5', '2025-05-01 00:00', 'stage', NULL, 'Lead identification'),
    ('S6', '2025-04-01 00:00', 'stage', NULL, 'Needs analysis'),
    ('S7', '2025-04-01 00:00', 'stage', NULL, 'Needs analysis');

INSERT INTO activities VALUES
    ('X11', 'S1', 'A1', 'R1', 'call', '2025-06-07 10:00', 'ok'), ('X12', 'S1', 'A1', 'R1', 'call', '2025-06-14 10:00', 'ok'),
    ('X21', 'S2', 'A1', 'R1', 'call', '2025-06-07 10:00', 'ok'), ('X22', 'S2', 'A1', 'R1', 'call', '2025-06-14 10:00', 'ok'),
    ('X31', 'S3', 'A1', 'R1', 'call', '2025-06-07 10:00', 'ok'), ('X32', 'S3', 'A1', 'R1', 'call', '2025-06-14 10:00', 'ok'),
    ('X41', 'S4', 'A1', 'R1', 'call', '2025-06-07 10:00', 'ok'), ('X42', 'S4', 'A1', 'R1', 'call', '2025-06-14 10:00', 'ok'),
    -- S5: touched on the Sunday before the week, in the afternoon: that counts for the Sunday
    ('X51', 'S5', 'A1', 'R1', 'call', '2025-05-20 10:00', 'ok'), ('X52', 'S5', 'A1', 'R1', 'call', '2025-06-08 15:00', 'ok'),
    -- S6, S7, S8: touched again after the week
    ('X61', 'S6', 'A1', 'R1', 'call', '2025-05-28 10:00', 'ok'), ('X62', 'S6', 'A1', 'R1', 'call', '2025-06-17 10:00', 'ok'),
    ('X71', 'S7', 'A1', 'R1', 'call', '2025-04-10 10:00', 'ok'), ('X72', 'S7', 'A1', 'R1', 'call', '2025-06-17 10:00', 'ok'),
    ('X81', 'S8', 'A1', 'R1', 'call', '2025-04-10 10:00', 'ok'), ('X82', 'S8', 'A1', 'R1', 'call', '2025-06-17 10:00', 'ok');
