-- stages: the seven stages of the demo's process (name, position, kind, default probability, target
-- conversion to the next stage), shared by the hand-built fixtures: a fixture pulls them in with the
-- line `-- include: stages.sql` (tests/conftest.py fixture_sql).
INSERT INTO stages VALUES
    ('Lead identification', 1, 'open', 0.10, 0.60),
    ('Qualification',       2, 'open', 0.20, 0.65),
    ('Needs analysis',      3, 'open', 0.40, 0.70),
    ('Solution design',     4, 'open', 0.60, 0.70),
    ('Quote & negotiation', 5, 'open', 0.80, 0.60),
    ('Won',                 6, 'won',  1.00, NULL),
    ('Lost',                7, 'lost', 0.00, NULL);
