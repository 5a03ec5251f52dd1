"""The demo generator: deterministic, consistent with its own history, and carrying its patterns.

One 25,000-deal database (as of Monday 2025-06-30, the last day of Q2) is built once for the module;
every check is plain SQL on the contract tables and views. docs/demo-data.md quotes the figures
these tests measure.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from salesdash import db
from salesdash.demo import build_demo, generate
from salesdash.demo.__main__ import main

AS_OF = date(2025, 6, 30)
DEALS = 25_000
SEED = 7
CONTRACT = ("stages", "reps", "quotas", "accounts", "deals", "deal_events", "activities", "surveys")


@pytest.fixture(scope="module")
def demo_25k_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path, deals=DEALS, seed=SEED, as_of=AS_OF)
    return path


@pytest.fixture(scope="module")
def demo(demo_25k_path: Path) -> Iterator[db.Connection]:
    connection = db.open_company(demo_25k_path)
    yield connection
    connection.close()


def rows(conn: db.Connection, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    return db.query_rows(conn, sql, params)


def one(conn: db.Connection, sql: str, params: list[Any] | None = None) -> Any:
    return rows(conn, sql, params)[0][0]


def nps_sql(where: str) -> str:
    # `where` is a fixed fragment written in this file, never user input.
    return f"""
        SELECT 100.0 * (avg((s.nps >= 9)::INT) - avg((s.nps <= 6)::INT)), count(*)
        FROM surveys s JOIN deal_facts d USING (deal_id)
        WHERE {where}
    """


# --- determinism and shape ---------------------------------------------------------------------

def test_same_arguments_give_identical_contents(demo_25k_path: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.duckdb"
    build_demo(again, deals=DEALS, seed=SEED, as_of=AS_OF)
    first, second = db.open_company(demo_25k_path), db.open_company(again)
    try:
        for table in (*CONTRACT, "dataset_info"):
            sql = f"SELECT * FROM {table} ORDER BY ALL"  # table names from the fixed tuple above
            assert db.query_rows(first, sql) == db.query_rows(second, sql), table
    finally:
        first.close()
        second.close()


def test_another_seed_gives_other_deals() -> None:
    a = generate(deals=500, seed=1, as_of=AS_OF)["deals"]
    b = generate(deals=500, seed=2, as_of=AS_OF)["deals"]
    assert a.column("amount").to_pylist() != b.column("amount").to_pylist()


def test_dataset_info(demo: db.Connection) -> None:
    info = dict(rows(demo, "SELECT key, value FROM dataset_info"))
    assert info == {"source": "demo", "as_of": "2025-06-30", "seed": "7", "deals": "25000"}


def test_row_counts_are_plausible(demo: db.Connection) -> None:
    counts = db.row_counts(demo)
    assert counts["stages"] == 7 and counts["reps"] == 40 and counts["deals"] == DEALS
    assert counts["accounts"] == round(DEALS / 6)
    assert 5 * DEALS <= counts["deal_events"] <= 9 * DEALS
    per_deal = one(demo, "SELECT count(*) / (SELECT count(*) FROM deals) FROM activities WHERE deal_id IS NOT NULL")
    assert 4.0 <= per_deal <= 6.0
    assert one(demo, "SELECT count(*) FROM activities WHERE deal_id IS NULL") > 0.05 * counts["activities"]
    won = one(demo, "SELECT count(*) FROM deals WHERE status = 'won' AND closed_on <= ?::DATE - 56", [AS_OF])
    assert 0.3 * won <= counts["surveys"] <= 0.5 * won
    # 13 quarters of history (Q3 2022 .. Q2 2025) + next quarter, less the new hires' months before joining.
    assert 40 * 10 <= counts["quotas"] <= 40 * 14


def test_stages_are_the_contract_process(demo: db.Connection) -> None:
    assert rows(demo, "SELECT * FROM stages ORDER BY position") == [
        ("Lead identification", 1, "open", 0.10, 0.60),
        ("Qualification", 2, "open", 0.20, 0.65),
        ("Needs analysis", 3, "open", 0.40, 0.70),
        ("Solution design", 4, "open", 0.60, 0.70),
        ("Quote & negotiation", 5, "open", 0.80, 0.60),
        ("Won", 6, "won", 1.0, None),
        ("Lost", 7, "lost", 0.0, None),
    ]


def test_reps_teams_regions_and_hires(demo: db.Connection) -> None:
    teams = rows(demo, """
        SELECT team, count(*), count(DISTINCT manager), mode(region), count(*) FILTER (WHERE region <> mode_region)
        FROM (SELECT *, mode(region) OVER (PARTITION BY team) AS mode_region FROM reps)
        GROUP BY team ORDER BY team
    """)
    assert [t[0] for t in teams] == ["Atlas", "Beacon", "Cedar", "Delta", "Summit"]
    assert sorted(t[3] for t in teams) == sorted(["North", "South", "East", "West", "Central"])
    for _, size, managers, _, elsewhere in teams:
        assert size == 8 and managers == 1 and 1 <= elsewhere <= 2
    assert one(demo, "SELECT min(rep_id) || '..' || max(rep_id) FROM reps") == "R01..R40"
    recent = one(demo, "SELECT count(*) FROM reps WHERE hired_on > ?::DATE - 365", [AS_OF])
    assert 2 <= recent <= 8


# --- the history replays to the current state ------------------------------------------------------

def test_every_deal_starts_with_one_creation_row(demo: db.Connection) -> None:
    bad = one(demo, """
        WITH firsts AS (
            SELECT deal_id, arg_min(field, changed_at) AS field, arg_min(old_value IS NULL, changed_at) AS opens_empty,
                   min(changed_at) AS first_at,
                   count(*) FILTER (WHERE field = 'stage' AND old_value IS NULL) AS creations
            FROM deal_events GROUP BY deal_id
        )
        SELECT count(*) FROM deals d LEFT JOIN firsts f USING (deal_id)
        WHERE f.creations IS DISTINCT FROM 1 OR f.field <> 'stage' OR NOT f.opens_empty
           OR f.first_at::DATE <> d.created_on
    """)
    assert bad == 0


def test_replaying_events_gives_the_deal(demo: db.Connection) -> None:
    last = """
        WITH last AS (
            SELECT deal_id, field, arg_max(old_value, changed_at) AS old, arg_max(new_value, changed_at) AS new,
                   max(changed_at) AS at
            FROM deal_events GROUP BY deal_id, field
        )
    """
    stage_mismatch = one(demo, last + """
        SELECT count(*) FROM deals d JOIN last l ON l.deal_id = d.deal_id AND l.field = 'stage'
        WHERE CASE WHEN d.status = 'lost' THEN l.new <> 'Lost' OR l.old <> d.stage ELSE l.new <> d.stage END
    """)
    status_mismatch = one(demo, last + """
        SELECT count(*) FROM deals d LEFT JOIN last l ON l.deal_id = d.deal_id AND l.field = 'status'
        WHERE coalesce(l.new, 'open') <> d.status
           OR (d.status <> 'open' AND l.at::DATE IS DISTINCT FROM d.closed_on)
    """)
    value_mismatch = one(demo, last + """
        SELECT count(*) FROM deals d JOIN last l USING (deal_id)
        WHERE (l.field = 'amount' AND l.new::DOUBLE <> d.amount)
           OR (l.field = 'expected_close' AND l.new::DATE <> d.expected_close)
           OR (l.field = 'forecast_category' AND l.new <> d.forecast_category)
    """)
    assert (stage_mismatch, status_mismatch, value_mismatch) == (0, 0, 0)


def test_each_change_starts_where_the_last_one_ended(demo: db.Connection) -> None:
    broken, ties = rows(demo, """
        SELECT count(*) FILTER (WHERE prev_new IS NOT NULL AND old_value IS DISTINCT FROM prev_new),
               count(*) FILTER (WHERE changed_at = prev_at)
        FROM (
            SELECT *, lag(new_value) OVER w AS prev_new, lag(changed_at) OVER w AS prev_at
            FROM deal_events WINDOW w AS (PARTITION BY deal_id, field ORDER BY changed_at)
        )
    """)[0]
    assert broken == 0 and ties == 0


def test_events_stay_inside_the_deal_and_the_history(demo: db.Connection) -> None:
    outside = one(demo, """
        SELECT count(*) FROM deal_events e JOIN deals d USING (deal_id)
        WHERE e.changed_at::DATE < d.created_on OR e.changed_at >= ?::DATE + 1
           OR (d.closed_on IS NOT NULL AND e.changed_at::DATE > d.closed_on)
    """, [AS_OF])
    assert outside == 0
    assert one(demo, "SELECT count(*) FROM deals WHERE (status = 'open') = (closed_on IS NOT NULL)") == 0
    assert one(demo, "SELECT count(*) FROM deals WHERE (status = 'lost') <> (lost_reason IS NOT NULL)") == 0
    assert one(demo, "SELECT count(*) FROM deals WHERE closed_on < created_on") == 0


def test_stage_moves_skip_step_back_and_reopen_now_and_then(demo: db.Connection) -> None:
    skipped, stepped_back, reopened = rows(demo, """
        WITH moves AS (
            SELECT e.deal_id, o.position AS from_pos, n.position AS to_pos
            FROM deal_events e JOIN stages o ON o.stage = e.old_value JOIN stages n ON n.stage = e.new_value
            WHERE e.field = 'stage'
        )
        SELECT count(DISTINCT deal_id) FILTER (WHERE to_pos = from_pos + 2 AND to_pos <= 5),
               count(DISTINCT deal_id) FILTER (WHERE to_pos < from_pos AND from_pos <= 5),
               count(DISTINCT deal_id) FILTER (WHERE from_pos = 7)
        FROM moves
    """)[0]
    assert 0.03 * DEALS <= skipped <= 0.07 * DEALS
    assert 0.02 * DEALS <= stepped_back <= 0.045 * DEALS
    assert 0.002 * DEALS <= reopened <= 0.03 * DEALS


def test_activities_fall_within_each_deals_life(demo: db.Connection) -> None:
    outside = one(demo, """
        SELECT count(*) FROM activities a JOIN deals d USING (deal_id)
        WHERE a.occurred_at::DATE < d.created_on OR a.occurred_at >= ?::DATE + 1
           OR a.occurred_at::DATE > d.closed_on OR a.rep_id <> d.rep_id OR a.account_id <> d.account_id
    """, [AS_OF])
    assert outside == 0


def test_stalled_open_deals_have_gone_quiet(demo: db.Connection) -> None:
    quiet_share, stalled = rows(demo, """
        WITH norms AS (
            SELECT stage, quantile_cont(date_diff('second', entered_at, exited_at) / 86400.0, 0.75) AS p75
            FROM stage_intervals WHERE exited_at IS NOT NULL GROUP BY stage
        ),
        current_stay AS (
            SELECT i.deal_id, i.stage, date_diff('second', i.entered_at, ?::TIMESTAMP) / 86400.0 AS age
            FROM stage_intervals i JOIN deals d USING (deal_id)
            WHERE d.status = 'open' AND i.exited_at IS NULL
        ),
        last_touch AS (SELECT deal_id, max(occurred_at) AS at FROM activities GROUP BY deal_id)
        SELECT avg((t.at IS NULL OR t.at < ?::DATE - 14)::INT), count(*)
        FROM current_stay c JOIN norms n USING (stage) LEFT JOIN last_touch t USING (deal_id)
        WHERE c.age > n.p75
    """, [AS_OF + timedelta(days=1), AS_OF])[0]
    assert stalled > 200 and quiet_share >= 0.9


def test_open_pipeline_in_every_stage_this_week_and_this_quarter(demo: db.Connection) -> None:
    by_stage = dict(rows(demo, "SELECT stage, count(*) FROM deals WHERE status = 'open' GROUP BY stage"))
    assert set(by_stage) == {"Lead identification", "Qualification", "Needs analysis", "Solution design",
                             "Quote & negotiation"}
    assert min(by_stage.values()) >= 100
    week, quarter, old = rows(demo, """
        SELECT count(*) FILTER (WHERE expected_close BETWEEN ?::DATE AND ?::DATE + 6),
               count(*) FILTER (WHERE expected_close BETWEEN date_trunc('quarter', ?::DATE) AND ?::DATE),
               count(*) FILTER (WHERE created_on < ?::DATE - 365)
        FROM deals WHERE status = 'open'
    """, [AS_OF, AS_OF, AS_OF, AS_OF, AS_OF])[0]
    assert week >= 30 and quarter >= 100 and old >= 20


def test_cli_as_of_gives_live_pipeline_that_week_and_quarter(tmp_path: Path) -> None:
    out = tmp_path / "cli.duckdb"
    assert main(["--deals", "4000", "--seed", "3", "--as-of", "2025-06-30", "--out", str(out), "--quiet"]) == 0
    conn = db.open_company(out)
    try:
        week, quarter_end = db.query_rows(conn, """
            SELECT count(*) FILTER (WHERE expected_close BETWEEN DATE '2025-06-30' AND DATE '2025-07-06'),
                   count(*) FILTER (WHERE expected_close = DATE '2025-06-30')
            FROM deals WHERE status = 'open'
        """)[0]
        assert db.query_rows(conn, "SELECT value FROM dataset_info WHERE key = 'as_of'") == [("2025-06-30",)]
    finally:
        conn.close()
    assert week > 0 and quarter_end > 0


def test_progress_runs_from_zero_to_one(tmp_path: Path) -> None:
    seen: list[tuple[float, str]] = []
    build_demo(tmp_path / "p.duckdb", deals=300, as_of=AS_OF, progress=lambda f, s: seen.append((f, s)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(isinstance(step, str) and step for _, step in seen)


def test_survey_count_can_exceed_won_deals() -> None:
    tables = generate(deals=1000, seed=5, as_of=AS_OF, surveys=5000)
    won = sum(1 for s in tables["deals"].column("status").to_pylist() if s == "won")
    assert tables["surveys"].num_rows == 5000 > won
    assert max(tables["surveys"].column("submitted_on").to_pylist()) <= AS_OF


# --- surveys -------------------------------------------------------------------------------------

def test_surveys_follow_won_deals_in_both_languages(demo: db.Connection) -> None:
    bad = one(demo, """
        SELECT count(*) FROM surveys s JOIN deals d USING (deal_id)
        WHERE d.status <> 'won' OR s.submitted_on NOT BETWEEN d.closed_on + 14 AND d.closed_on + 56
           OR s.submitted_on > ?::DATE OR s.rep_id <> d.rep_id OR s.account_id <> d.account_id
    """, [AS_OF])
    assert bad == 0
    chinese, english, distinct = rows(demo, """
        SELECT count(*) FILTER (WHERE regexp_matches(comment, '[\u4e00-\u9fff]')),
               count(*) FILTER (WHERE NOT regexp_matches(comment, '[\u4e00-\u9fff]')),
               count(DISTINCT comment)
        FROM surveys WHERE comment IS NOT NULL
    """)[0]
    assert chinese > 50 and english > 50 and distinct >= 50
    assert one(demo, "SELECT corr(nps, response_speed) FROM surveys") > 0.3


# --- planted patterns (docs/demo-data.md) ----------------------------------------------------------

def test_overall_win_rate(demo: db.Connection) -> None:
    win_rate = one(demo, "SELECT avg((status = 'won')::INT) FROM deals WHERE status <> 'open'")
    assert 0.25 <= win_rate <= 0.35


def test_pattern_1_partner_deals_leak_at_solution_design(demo: db.Connection) -> None:
    conversion = dict(rows(demo, """
        WITH cohort AS (
            SELECT d.channel = 'Partner' AS partner, f.furthest_position AS reached
            FROM deals d JOIN deal_furthest_stage f USING (deal_id)
            WHERE d.created_on <= ?::DATE - 180
        )
        SELECT partner, count(*) FILTER (WHERE reached >= 5) / count(*) FILTER (WHERE reached >= 4)
        FROM cohort GROUP BY partner
    """, [AS_OF]))
    assert conversion[True] <= conversion[False] - 0.12
    assert conversion[True] < 0.70 <= conversion[False]


def test_pattern_2_cedar_is_slow_at_qualification(demo: db.Connection) -> None:
    medians = dict(rows(demo, """
        SELECT f.team, median(date_diff('second', i.entered_at, i.exited_at) / 86400.0)
        FROM stage_intervals i JOIN deal_facts f USING (deal_id)
        WHERE i.stage = 'Qualification' AND i.exited_at IS NOT NULL
        GROUP BY f.team
    """))
    others = sorted(v for team, v in medians.items() if team != "Cedar")
    assert max(others) <= 1.2 * min(others)
    assert 1.8 <= medians["Cedar"] / (sum(others) / len(others)) <= 2.8


def test_pattern_3_busy_reps_win_less(demo: db.Connection) -> None:
    per_rep = {r[0]: r[1:] for r in rows(demo, """
        WITH touches AS (SELECT rep_id, count(*) AS n FROM activities GROUP BY rep_id),
        results AS (
            SELECT rep_id, avg((status = 'won')::INT) AS win_rate
            FROM deals WHERE status <> 'open' GROUP BY rep_id
        )
        SELECT rep_id, n, win_rate FROM touches JOIN results USING (rep_id)
    """)}
    overall = one(demo, "SELECT avg((status = 'won')::INT) FROM deals WHERE status <> 'open'")
    peers = sorted(n for rep, (n, _) in per_rep.items() if rep not in ("R07", "R23"))
    median_peer = peers[len(peers) // 2]
    for rep in ("R07", "R23"):
        n, win_rate = per_rep[rep]
        assert 2.0 * median_peer <= n <= 3.2 * median_peer, rep
        assert win_rate <= 0.6 * overall, rep
    busy_total = per_rep["R07"][0] + per_rep["R23"][0]
    assert 2.2 <= busy_total / 2 / median_peer <= 2.8


def test_pattern_4_data_platform_support_crisis(demo: db.Connection) -> None:
    by_quarter = {r[0]: r[1:] for r in rows(demo, """
        SELECT date_trunc('quarter', s.submitted_on)::DATE AS quarter,
               100.0 * (avg((s.nps >= 9)::INT) - avg((s.nps <= 6)::INT)) AS nps, count(*) AS responses,
               avg(s.response_speed), avg(s.product_quality), avg(s.service_attitude)
        FROM surveys s JOIN deals d USING (deal_id)
        WHERE d.product = 'Data Platform'
        GROUP BY quarter
    """)}
    crisis, before, after = date(2024, 10, 1), date(2024, 7, 1), date(2025, 1, 1)
    normal = [v for q, v in by_quarter.items() if q != crisis and v[1] >= 30]
    normal_nps = sum(v[0] for v in normal) / len(normal)
    nps, responses, speed, quality, attitude = by_quarter[crisis]
    assert responses >= 30
    assert nps <= normal_nps - 30
    assert nps <= by_quarter[before][0] - 30 and by_quarter[after][0] >= nps + 30  # it recovers
    assert speed <= 2.0
    assert abs(quality - sum(v[3] for v in normal) / len(normal)) <= 0.3
    assert abs(attitude - sum(v[4] for v in normal) / len(normal)) <= 0.3


def test_pattern_5_end_of_quarter_push(demo: db.Connection) -> None:
    share = one(demo, """
        SELECT avg((closed_on > date_trunc('quarter', closed_on) + INTERVAL 3 MONTH - INTERVAL 15 DAY)::INT)
        FROM deals WHERE status = 'won'
    """)
    assert 0.33 <= share <= 0.45


def test_pattern_6_enterprise_a_little_less_happy_than_small_business(demo: db.Connection) -> None:
    enterprise, n_enterprise = rows(demo, nps_sql("d.customer_type = 'Enterprise'"))[0]
    small, n_small = rows(demo, nps_sql("d.customer_type = 'Small business'"))[0]
    assert n_enterprise >= 300 and n_small >= 300
    assert 3 <= small - enterprise <= 25
