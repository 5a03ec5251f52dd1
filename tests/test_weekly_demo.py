"""The weekly review on a demo company (20,000 deals, seed 11, as of Tue 2025-11-25).

The waterfall must reconcile to the cent for any week and any filter; the week's end must be the next
week's start; the stalled count and the forecast P50 must agree with the shared definitions
(salesdash.stalled, the Forecast page's simulation) where both can be evaluated.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from salesdash import db, forecast, stage_history, weekly, weekly_risk
from salesdash.demo import build_demo
from salesdash.filters import Filters
from salesdash.stalled import open_deal_health
from salesdash.weekly_risk import stalled_flags

AS_OF = date(2025, 11, 25)
F = Filters(date_from=date(2025, 10, 1), date_to=date(2025, 12, 31), as_of=AS_OF)


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    path = tmp_path_factory.mktemp("weekly_demo") / "demo.duckdb"
    build_demo(path, deals=20_000, seed=11, as_of=AS_OF)
    c = db.open_company(path)
    yield c
    c.close()


WEEKS = [date(2025, 11, 17), date(2025, 10, 27), date(2025, 9, 29), date(2025, 6, 30), date(2025, 3, 31)]
FILTERS = [
    F,
    replace(F, channels=("Partner",)),
    replace(F, customer_types=("Enterprise", "Public sector"), regions=("North",)),
    replace(F, teams=("Cedar",)),
]


@pytest.mark.parametrize("week_start", WEEKS)
@pytest.mark.parametrize("f", FILTERS, ids=["all", "partner", "enterprise-north", "cedar"])
def test_waterfall_reconciles(conn, week_start, f):
    week = weekly.Week(week_start)
    flow = weekly.flow(conn, f, week)
    bars = weekly.waterfall(flow).set_index("step")["cents"]
    moved = (
        bars["start"] + bars["new"] + bars["increased"] - bars["decreased"] - bars["won"] - bars["lost"]
        - bars["pushed_out"] + bars["pulled_in"]
    )  # fmt: skip
    assert moved == bars["end"]
    assert bars["start"] > 0 and bars["end"] > 0  # a live pipeline, not an empty reconciliation
    per_deal = (
        flow["start_cents"] + flow["new_cents"] + flow["increased_cents"] - flow["decreased_cents"]
        - flow["won_cents"] - flow["lost_cents"] - flow["pushed_out_cents"] + flow["pulled_in_cents"]
    )  # fmt: skip
    assert (per_deal == flow["end_cents"]).all()


def test_a_week_ends_where_the_next_begins(conn):
    # Nov 10-16 and Nov 17-23 both move Q4's pipeline: the first's end is the second's start, deal by deal
    first = weekly.flow(conn, F, weekly.Week(date(2025, 11, 10)))
    second = weekly.flow(conn, F, weekly.Week(date(2025, 11, 17)))
    end = first.loc[first["in_end"]].set_index("deal_id")["end_cents"].sort_index()
    start = second.loc[second["in_start"]].set_index("deal_id")["start_cents"].sort_index()
    assert end.equals(start)
    # so do the stalled deals (judged on the Sunday between) and the forecast P50 (the same model weighs both)
    before = weekly.review(conn, F, date(2025, 11, 10)).cards.set_index("metric")
    after = weekly.review(conn, F, date(2025, 11, 17)).cards.set_index("metric")
    for card in ("weekly_open_pipeline", "weekly_stalled", "weekly_forecast_p50"):
        assert before.loc[card, "value"] == after.loc[card, "previous"], card
    assert after.loc["weekly_stalled", "previous"] > 20


def test_planted_activity_shows(conn):
    review = weekly.review(conn, F)
    cards = review.cards.set_index("metric")
    # the demo's pipeline is live: deals were created, won and lost last week, and some moved
    assert cards.loc["weekly_new", "count"] > 50 and cards.loc["weekly_won", "count"] > 10
    assert cards.loc["weekly_lost", "count"] > 10 and len(review.movers) > 100
    assert review.waterfall["reconciles"].all()
    # new + won + lost deals of the week show in the rep table, rep by rep
    assert review.by_rep["won"].sum() == cards.loc["weekly_won", "count"]
    assert review.by_rep["new"].sum() == cards.loc["weekly_new", "count"]
    # Q4 2025 ends on Wed Dec 31: every deal won in the week counts in the won bar
    assert review.waterfall.set_index("step").loc["won", "value"] == -cards.loc["weekly_won", "value"]


def test_stalled_at_a_moment_is_the_shared_definition(conn):
    # The week holding the as-of day: its end state is today's (the demo has no event after as_of), and
    # its reference day is the Sunday after. open_deal_health as of that Sunday must flag the same deals.
    week = weekly.Week(weekly.monday(AS_OF))
    flow = weekly.flow(conn, F, week)
    flags = stalled_flags(conn, flow, week.start).set_index("deal_id")["stalled_end"]
    health = open_deal_health(conn, replace(F, as_of=week.end)).set_index("deal_id")
    start, end = week.period
    closing = health["expected_close"].between(start, end)
    expected = set(health.index[health["stalled"] & closing])
    assert set(flags.index[flags]) == expected
    assert len(expected) > 20


@pytest.mark.parametrize("segment", [{}, {"channels": ("Partner",)}], ids=["all", "partner"])
def test_forecast_p50_is_the_forecast_pages(conn, segment):
    # The week holding the as-of day, seen on its Sunday: its end is the pipeline as it stands now (the demo
    # has no event after as_of), and the Forecast page as of that Sunday simulates the same quarter from the
    # same deals, won so far and chances: the two pages show the same P50.
    week = weekly.Week(weekly.monday(AS_OF))
    f = replace(F, as_of=week.end, **segment)
    review = weekly.review(conn, f, week.start)
    start, end = week.period
    view = forecast.outlook(conn, forecast.for_period(f, start, end), start, end)
    cards = review.cards.set_index("metric")
    p50 = view.methods.set_index("method").loc["simulation_p50", "forecast"]
    assert cards.loc["weekly_forecast_p50", "value"] == pytest.approx(p50, rel=1e-12)
    assert cards.loc["weekly_open_pipeline", "value"] == pytest.approx(view.deals["amount"].sum())
    flow = review.flow
    assert flow.loc[flow["won_1"], "amount_1"].sum() == pytest.approx(view.won_to_date)
    # a live figure at both moments, above what was already won
    assert cards.loc["weekly_forecast_p50", "previous"] > 0 and view.won_to_date < p50


def test_at_risk_deals_are_commit_or_best_case_closing_this_quarter(conn):
    risk = weekly.review(conn, F).at_risk
    assert len(risk) > 10
    assert set(risk["forecast_category"]) <= {"commit", "best_case"}
    assert risk["expected_close"].between(date(2025, 10, 1), date(2025, 12, 31)).all()
    assert (risk["reasons"] > 0).all()
    assert risk["amount"].is_monotonic_decreasing
    # the demo's stalled deals went quiet at least 15 days before as_of: they show as no activity
    assert risk["no_activity"].any() and risk["slipped_twice"].any()
    assert (risk["last_activity_on"].dropna() <= AS_OF).all()


@pytest.mark.parametrize("day", [date(2025, 11, 23), date(2025, 10, 5), date(2025, 3, 30)])
def test_norms_as_of_a_day_are_stage_norms(conn, day):
    # every stay counted once, less those that ended after the day, gives the p75 stage_norms.sql computes
    # from the stays completed by then (to the last bit: quantile_cont's own interpolation)
    moment = stage_history.as_of_end(day)
    live = db.query(conn, db.sql_text("stage_norms").replace("/*history*/", stage_history.prefix(conn)), {"as_of_end": moment})
    norms = weekly_risk.norms_at(conn, weekly_risk.stay_lengths(conn), moment)
    assert norms.sort_index().to_dict() == live.set_index("stage")["norm_p75_days"].sort_index().to_dict()
    assert len(norms) == 5
