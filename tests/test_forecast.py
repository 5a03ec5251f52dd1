"""Forecast figures on the forecast fixture (as of 2025-06-15, mid Q2), worked out by hand.

The fixture (tests/data/forecast.sql), Q2 2025 = Apr 1 .. Jun 30:
  won so far: W1 100 (Apr 10) + W2 200 (May 5) = 300
  open, expected close in Q2:                       default p   learned p (Enterprise x Direct history)
    O1 A1 T1 Ent Direct   Quote      commit    400    0.8         0.5
    O2 A2 T1 SMB Partner  Solution   best_case 300    0.6         0.6 (no 30 closed: default)
    O3 B1 T2 Ent Direct   Qualif.    pipeline  500    0.2         0.5
    O4 A1 T1 SMB Online   Needs      omitted  1000    0.4         0.4 (default)
    O5 B1 T2 Ent Direct   Needs      commit    250    0.4         0.5
    O6 A1 T1 Ent Direct   Lead       (none)     80    0.1         0.25
  O7 (Aug) and O8 (expected Mar 31, still open) close outside Q2.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from conftest import build_from_sql

from salesdash import db, drivers, forecast, simulation
from salesdash.filters import Filters

AS_OF = date(2025, 6, 15)
Q2 = (date(2025, 4, 1), date(2025, 6, 30))
F = Filters(date_from=Q2[0], date_to=Q2[1], as_of=AS_OF)


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    path = build_from_sql(tmp_path_factory.mktemp("forecast") / "forecast.duckdb", "forecast.sql")
    c = db.open_company(path)
    yield c
    c.close()


@pytest.fixture(scope="module")
def view(conn):
    return forecast.outlook(conn, F, *Q2)


def test_period_bounds():
    assert forecast.period_bounds(AS_OF, "quarter") == Q2
    assert forecast.period_bounds(AS_OF, "quarter", 1) == (date(2025, 7, 1), date(2025, 9, 30))
    assert forecast.period_bounds(date(2025, 11, 25), "quarter", 1) == (date(2026, 1, 1), date(2026, 3, 31))
    assert forecast.period_bounds(AS_OF, "month") == (date(2025, 6, 1), date(2025, 6, 30))
    assert forecast.period_bounds(date(2025, 12, 31), "month", 2) == (date(2026, 2, 1), date(2026, 2, 28))


def test_period_deals_are_the_open_deals_closing_in_the_period(view):
    deals = view.deals.set_index("deal_id")
    assert sorted(deals.index) == ["O1", "O2", "O3", "O4", "O5", "O6"]
    assert deals.loc["O6", "forecast_category"] == "pipeline"  # no category: counts as pipeline
    assert deals.loc["O1", "p_learned"] == pytest.approx(0.5)
    assert deals.loc["O6", "p_learned"] == pytest.approx(0.25)
    assert deals.loc["O2", "p_learned"] == pytest.approx(0.6)
    # every age band has the same win rate in this history: the simulation uses the learned p as is
    assert deals["p_simulated"].to_numpy() == pytest.approx(deals["p_learned"].to_numpy())


def test_category_rollup_against_quota(view):
    assert view.won_to_date == 300  # W1 100 + W2 200
    assert view.quota_total == pytest.approx(2000)  # 1000 + 500 + 500
    r = forecast.rollup_against_target(view, view.quota_total).set_index("level")
    # closed won 300 -> + commit O1 400 + O5 250 = 950 -> + best case O2 300 = 1250
    # -> + pipeline O3 500 + O6 80 = 1830; O4 is omitted and never counts
    assert r["total"].tolist() == [300, 950, 1250, 1830]
    assert r["added"].tolist() == [300, 650, 300, 580]
    assert r.loc["commit", "deals"] == 2
    assert r["gap"].tolist() == [1700, 1050, 750, 170]  # 2000 - total


def test_weighted_methods(view):
    m = view.methods.set_index("method")["forecast"]
    assert m["commit"] == 950 and m["best_case"] == 1250
    # naive: 400x0.8 + 300x0.6 + 500x0.2 + 1000x0.4 + 250x0.4 + 80x0.1 = 320+180+100+400+100+8 = 1108, + won 300
    assert m["weighted_naive"] == pytest.approx(1408)
    # learned: 400x0.5 + 300x0.6 + 500x0.5 + 1000x0.4 + 250x0.5 + 80x0.25 = 200+180+250+400+125+20 = 1175, + 300
    assert m["weighted_learned"] == pytest.approx(1475)
    # the simulation's P50 sits near the learned expectation, P10 < P50 < P90, never below what is won
    low, mid, high = view.methods.set_index("method").loc["simulation_p50", ["low", "forecast", "high"]]
    assert 300 <= low < mid < high <= 300 + 2530
    assert view.outcomes.mean() == pytest.approx(1475, rel=0.03)


def test_headline_and_typed_target(view):
    methods = forecast.with_time_series(view.methods, {"mean": math.nan, "low": math.nan, "high": math.nan})
    h = forecast.headline(view, methods, "weighted_learned", 2000)
    assert h["forecast"] == pytest.approx(1475)
    assert h["gap"] == pytest.approx(525)  # 2000 - 1475
    assert h["attained"] == pytest.approx(0.15)  # 300 / 2000
    # the chance of reaching 2000: share of simulated totals >= 2000
    assert h["p_target"] == pytest.approx(float(np.mean(view.outcomes >= 2000)))
    typed = forecast.headline(view, methods, "weighted_learned", 1000)
    assert typed["gap"] == pytest.approx(-475)  # ahead of a typed target of 1000
    none = forecast.headline(view, methods, "weighted_learned", None)
    assert math.isnan(none["gap"]) and math.isnan(none["p_target"])


def test_quota_narrows_only_by_rep_dimensions(conn):
    # a channel filter narrows the deals, never the quota (quotas belong to reps)
    assert forecast.quota_by_rep(conn, replace(F, channels=("Direct",)), *Q2)["quota"].sum() == pytest.approx(2000)
    assert forecast.quota_by_rep(conn, replace(F, teams=("T2",)), *Q2)["quota"].sum() == pytest.approx(500)
    # a quota overlapping the period partly counts for its share of days: June holds 30 of Q2's 91 days
    june = forecast.quota_by_rep(conn, F, date(2025, 6, 1), date(2025, 6, 30))["quota"].sum()
    assert june == pytest.approx(2000 * 30 / 91)


def test_filters_change_the_forecast(conn):
    direct = forecast.outlook(conn, replace(F, channels=("Direct",)), *Q2)
    # Direct only: no win so far (W1 Online, W2 Partner); O1, O3, O5, O6 -> learned 200+250+125+20 = 595
    assert direct.won_to_date == 0
    assert direct.methods.set_index("method").loc["weighted_learned", "forecast"] == pytest.approx(595)


def test_breakdown_by_team_adds_up(view):
    b = drivers.breakdown(view, "team").set_index("group")
    # T1 (A1, A2): won W1 100; commit O1 400; best case O2 300; pipeline O6 80 (O4 omitted);
    #   learned = 100 + 200 (O1) + 180 (O2) + 400 (O4) + 20 (O6) = 900; quota 1500 -> gap 600
    assert b.loc["T1", ["won", "commit", "best_case", "pipeline"]].tolist() == [100, 400, 300, 80]
    assert b.loc["T1", "weighted_learned"] == pytest.approx(900)
    assert b.loc["T1", "gap"] == pytest.approx(600)
    # T2 (B1): won W2 200; commit O5 250; pipeline O3 500; learned 200 + 125 + 250 = 575; quota 500 -> gap -75
    assert b.loc["T2", "weighted_learned"] == pytest.approx(575)
    assert b.loc["T2", "gap"] == pytest.approx(-75)
    assert b["weighted_learned"].sum() == pytest.approx(1475)  # expected values add up to the total
    by_channel = drivers.breakdown(view, "channel").set_index("group")
    assert by_channel.loc["Direct", "weighted_learned"] == pytest.approx(595)
    assert by_channel["quota"].isna().all()  # a channel has no quota
    reps = drivers.breakdown(view, "rep_id").set_index("group")
    assert reps.loc["B1", "label"] == "Bo Brandt"


def test_drivers(view):
    top = drivers.largest_contributions(view)
    # learned weighted: O4 400, O3 250, O1 200, O2 180, O5 125, O6 20
    assert top["deal_id"].tolist() == ["O4", "O3", "O1", "O2", "O5", "O6"]
    assert top["share"].iloc[0] == pytest.approx(400 / 1175)
    risk = drivers.commit_at_risk(view).set_index("deal_id")
    # O1 (commit): in Quote 14 days (norm 40), called 5 days ago, close Jun 20 not passed -> fine.
    # O5 (commit): expected Apr 30, pushed to May 31 (passed), never touched since Mar 1 -> at risk
    assert list(risk.index) == ["O5"]
    assert risk.loc["O5", "pushes"] == 1 and risk.loc["O5", "slipped"] and risk.loc["O5", "inactive"]
    assert str(risk.loc["O5", "first_expected_close"]) == "2025-04-30"
    # O2 (best case) was first promised for Mar 31 and pushed into Q2: slipped, though not overdue
    o2 = view.deals.set_index("deal_id").loc["O2"]
    assert o2["slipped"] and not o2["overdue"] and o2["pushes"] == 1
    assert not view.deals.set_index("deal_id").loc["O1", "slipped"]


def test_next_period(conn):
    q3 = forecast.outlook(conn, F, date(2025, 7, 1), date(2025, 9, 30))
    # nothing won yet; O7 (commit 900, SMB x Partner: default 0.2) is the only deal; A1's Q3 quota 1200
    assert q3.won_to_date == 0 and q3.quota_total == pytest.approx(1200)
    assert q3.methods.set_index("method").loc["weighted_learned", "forecast"] == pytest.approx(180)
    assert q3.rollup.set_index("level").loc["commit", "total"] == 900


def test_simulate_period_for_other_pages(conn, view):
    out = forecast.simulate_period(conn, F, *Q2, runs=5000, seed=7)
    assert out["won_to_date"] == 300 and out["open_deals"] == 6 and out["open_value"] == 2530
    assert out["p50"] == pytest.approx(view.methods.set_index("method").loc["simulation_p50", "forecast"])
    assert math.isnan(out["p_target"])
    assert forecast.simulate_period(conn, F, *Q2, target=300)["p_target"] == 1.0  # already won


def test_no_quota_means_no_target(tmp_path):
    def fill(c):
        c.execute("INSERT INTO stages VALUES ('Open', 1, 'open', 0.5, NULL), ('Won', 2, 'won', 1, NULL)")
        c.execute("INSERT INTO deals (deal_id, amount, created_on, expected_close, stage, status) "
                  "VALUES ('D', 100, '2025-05-01', '2025-06-01', 'Open', 'open')")  # fmt: skip

    db.build_database_file(tmp_path / "bare.duckdb", fill)
    c = db.open_company(tmp_path / "bare.duckdb")
    try:
        v = forecast.outlook(c, F, *Q2)
        assert math.isnan(v.quota_total) and not v.has_categories
        assert v.methods.set_index("method").loc["weighted_learned", "forecast"] == pytest.approx(50)
    finally:
        c.close()


def test_simulation_on_three_deals_matches_the_exact_distribution():
    # amounts 100, 200, 400 (every subset has its own total); chances 0.5, 0.8, 0.3
    amounts, p = np.array([100.0, 200.0, 400.0]), np.array([0.5, 0.8, 0.3])
    runs = simulation.simulate_runs(amounts, p, runs=40_000, seed=11)
    exact = {}
    for mask in range(8):
        won = [(mask >> i) & 1 for i in range(3)]
        total = float(sum(a * w for a, w in zip(amounts, won, strict=True)))
        exact[total] = math.prod(pi if w else 1 - pi for pi, w in zip(p, won, strict=True))
    # e.g. P(all three) = 0.5 x 0.8 x 0.3 = 0.12; P(none) = 0.5 x 0.2 x 0.7 = 0.07
    assert exact[700.0] == pytest.approx(0.12) and exact[0.0] == pytest.approx(0.07)
    for total, prob in exact.items():
        assert np.mean(runs == total) == pytest.approx(prob, abs=0.01)
    # sorted totals: 0 (.07), 100 (.07), 200 (.28), 300 (.28), 400 (.03), 500 (.03), 600 (.12), 700 (.12)
    # cumulative: .07 .14 .42 .70 .73 .76 .88 1.0 -> P10 = 100, P50 = 300, P90 = 700
    s = simulation.summarize(runs, target=600)
    assert (s["p10"], s["p50"], s["p90"]) == (100, 300, 700)
    assert s["p_target"] == pytest.approx(0.24, abs=0.01)  # 600 or 700: 0.12 + 0.12
    assert s["mean"] == pytest.approx(100 * 0.5 + 200 * 0.8 + 400 * 0.3, rel=0.01)  # 330
    # the same seed gives the same runs
    assert np.array_equal(runs, simulation.simulate_runs(amounts, p, runs=40_000, seed=11))


def test_many_small_deals_keep_mean_and_spread():
    # 5,000 deals of 10 at p = 0.5, with only 100 drawn one by one: the rest enter by mean and variance
    amounts, p = np.full(5000, 10.0), np.full(5000, 0.5)
    runs = simulation.simulate_runs(amounts, p, runs=4000, seed=3, exact_deals=100)
    assert runs.mean() == pytest.approx(25_000, rel=0.002)  # 5000 x 10 x 0.5
    assert runs.std() == pytest.approx(math.sqrt(5000 * 100 * 0.25), rel=0.05)  # sqrt(Σ a²p(1-p)) = 353.6


def test_age_in_stage_lowers_the_chance():
    import pandas as pd

    factors = pd.DataFrame(
        {"stage": ["S"] * 4, "band": [0, 1, 2, 3], "min_days": [0.0, 10.0, 20.0, 40.0], "factor": [1.0, 1.0, 0.5, 0.25]}
    )
    deals = pd.DataFrame(
        {"stage": ["S", "S", "S", "S", "T"], "p_learned": [0.8] * 5, "age_in_stage_days": [5, 25, 45, None, 99]}
    )
    chances = simulation.win_chances(deals, factors).tolist()
    # 5 days: band 0 (x1); 25: band 2 (x0.5); 45: band 3 (x0.25); unknown age and unknown stage: x1
    assert chances == pytest.approx([0.8, 0.4, 0.2, 0.8, 0.8])
