"""The weekly review a page builds from what a week holds for every deal (weekly.week_state, weekly_risk.risk_list,
narrowed per filter by Filters.segment_mask) is the review computed with the filter in SQL, to the cent; and
building it changes nothing of what every filter shares.

Demo company: 12,000 deals, seed 11, as of Tue 2025-11-25.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from salesdash import forecast, pack, weekly, weekly_risk
from salesdash.demo import build_demo
from salesdash.filters import Filters

AS_OF = date(2025, 11, 25)
F = Filters(date_from=date(2025, 10, 1), date_to=date(2025, 12, 31), as_of=AS_OF)
WEEKS = [date(2025, 11, 17), date(2025, 10, 27), date(2025, 9, 29), date(2025, 3, 31)]
FILTERS = {
    "all": F,
    "partner": replace(F, channels=("Partner",)),
    "enterprise-north": replace(F, customer_types=("Enterprise", "Public sector"), regions=("North",)),
    "cedar-analytics": replace(F, teams=("Cedar",), products=("Analytics Cloud", "CRM Suite")),
    "two-reps": replace(F, reps=("R03", "R17")),
    "nothing": replace(F, channels=("Partner",), customer_types=("'; DROP TABLE deals; --",)),
}


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    from salesdash import db

    path = tmp_path_factory.mktemp("weekly_cache") / "demo.duckdb"
    build_demo(path, deals=12_000, seed=11, as_of=AS_OF)
    c = db.open_company(path)
    yield c
    c.close()


@pytest.fixture(scope="module")
def shared(conn):
    """What a page caches: per dataset, per week (each filter narrows it), the at-risk list of every deal."""
    learned = forecast.learn(conn, AS_OF)
    stays = weekly_risk.stay_lengths(conn)
    states = {week: weekly.week_state(conn, weekly.Week(week), AS_OF, learned, stays) for week in WEEKS}
    return learned, stays, states, weekly_risk.risk_list(conn, AS_OF)


def in_sql(conn, f: Filters, week: weekly.Week, learned, stays) -> dict[str, pd.DataFrame | tuple[float, float]]:
    """The review's parts with the segment filter in the queries (the way before the cache)."""
    flow = weekly.flow(conn, f, week)
    stalled = weekly_risk.stalled_flags(conn, flow, week.start, stays)
    p50 = weekly_risk.forecast_p50(flow, learned, weekly_risk.stage_defaults(conn))
    return {
        "flow": flow,
        "waterfall": weekly.waterfall(flow),
        "cards": weekly.cards(flow, stalled, p50),
        "movers": weekly.movers(flow),
        "by_rep": weekly.by_rep(flow),
        "at_risk": weekly_risk.at_risk(conn, f),
    }


def by_deal(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("deal_id").reset_index(drop=True)


@pytest.mark.parametrize("week_start", WEEKS)
@pytest.mark.parametrize("name", list(FILTERS))
def test_the_cached_review_is_the_one_filtered_in_sql(conn, shared, week_start, name):
    learned, stays, states, risks = shared
    f = FILTERS[name]
    expected = in_sql(conn, f, weekly.Week(week_start), learned, stays)
    review = weekly.review_of(states[week_start], risks, f)
    # the waterfall in whole cents, bar by bar, with its deal counts
    assert review.waterfall.equals(expected["waterfall"])
    # the cards to the cent (money summed in another order may differ in its last bits), counts exactly
    got, want = review.cards.set_index("metric"), expected["cards"].set_index("metric")
    for column in ("value", "previous", "change"):
        assert np.allclose(got[column], want[column], rtol=0, atol=0.005, equal_nan=True), column
    assert got[["count", "previous_count"]].fillna(-1).equals(want[["count", "previous_count"]].fillna(-1))
    # the lists row for row: the flow's deals, the movers and at risk in their order
    assert_same(by_deal(review.flow), by_deal(expected["flow"]))
    assert_same(review.movers, expected["movers"])
    assert_same(review.at_risk, expected["at_risk"])
    reps, want_reps = review.by_rep.set_index("rep_id").sort_index(), expected["by_rep"].set_index("rep_id").sort_index()
    assert reps.drop(columns="won_value").equals(want_reps.drop(columns="won_value"))
    assert np.allclose(reps["won_value"], want_reps["won_value"], rtol=0, atol=0.005)
    if name == "nothing":
        assert len(review.flow) == 0 and review.quiet and len(review.at_risk) == 0
    elif week_start == WEEKS[0]:  # a live week: the comparison compares something
        assert len(review.movers) > 5 and got.loc["weekly_forecast_p50", "value"] > 0


def assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """The same columns and values. (Not always the same dtypes: a whole-number column with a NULL comes from
    DuckDB as floats, so the dtype of a column of the filter's rows follows whether any row of the week has one.)"""
    assert list(got.columns) == list(want.columns)
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True), want.reset_index(drop=True), check_exact=True, check_dtype=False
    )


def test_the_at_risk_list_of_every_deal_holds_each_filters(conn, shared):
    risks = shared[3]
    # the SQL path carries the segment columns too, and every deal of every filter's list is in it
    assert {"customer_type", "channel", "team", "rep_id", "product", "region"} <= set(risks.columns)
    assert len(risks) > 20 and risks["amount"].is_monotonic_decreasing


def snapshot(state: weekly.WeekState, risks: pd.DataFrame) -> dict[str, object]:
    out: dict[str, object] = {"risks": risks.copy(deep=True), "flow": state.flow.copy(deep=True)}
    out["movers"] = state.movers.copy(deep=True)
    for name in ("stalled_start", "stalled_end", "mover_rows"):
        out[name] = np.array(getattr(state, name), copy=True)
    out["pipelines"] = copy.deepcopy(state.pipelines)
    return out


def test_nothing_shared_is_changed(conn, shared):
    _, _, states, risks = shared
    state = states[WEEKS[0]]
    before = snapshot(state, risks)
    for f in FILTERS.values():
        review = weekly.review_of(state, risks, f)
        # what the page and the pack do with a review
        for step in weekly.STEPS:
            weekly.bar_deals(review.flow, step)
        pack.movers_table(review.movers, "en", "USD", limit=50)
        pack.risk_table(review.at_risk, "zh", "USD", limit=50)
        pack.workbook(review, "en", "USD")
        pack.html_pack(review, "zh", "USD", "x", AS_OF)
        weekly.movers(review.flow), weekly.by_rep(review.flow)
    after = snapshot(state, risks)
    for name in ("risks", "flow", "movers"):
        pd.testing.assert_frame_equal(after[name], before[name], check_exact=True)
    for name in ("stalled_start", "stalled_end", "mover_rows"):
        assert np.array_equal(after[name], before[name]), name
    for old, new in zip(before["pipelines"], after["pipelines"], strict=True):  # type: ignore[call-overload]
        assert all(np.array_equal(getattr(old, k), getattr(new, k)) for k in ("rows", "amounts", "chances", "won_rows"))
    # the arrays refuse a write outright
    for values in (state.stalled_start, state.mover_rows, state.pipelines[0].chances, state.pipelines[1].won_amounts):
        with pytest.raises(ValueError):
            values[:1] = 0


def test_no_filter_shares_the_frames_and_a_filter_copies_only_its_rows(shared):
    _, _, states, risks = shared
    state = states[WEEKS[0]]
    everything = weekly.review_of(state, risks, F)
    assert everything.flow is state.flow and everything.movers is state.movers and everything.at_risk is risks
    partner = weekly.review_of(state, risks, FILTERS["partner"])
    assert 0 < len(partner.flow) < len(state.flow) and set(partner.flow["channel"]) == {"Partner"}
