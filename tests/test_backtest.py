"""The backtest on the forecast fixture: the past pipeline rebuilt without leakage, and WAPE by hand.

As it stood at the start of 2025-04-01 (see tests/data/forecast.sql), with expected close in Q2:
  W1  Quote & negotiation since Mar 1 (31 days)   100  commit     SMB x Online   (won Apr 10)
  L1  Qualification (no history: current stage)   900  pipeline   SMB x Partner  (lost May 2)
  O1  Qualification since Mar 20 (12 days)         300  pipeline   Ent x Direct   (400 / commit only later)
  O2  Solution design (no history)                 300  best_case  SMB x Partner
  O5  Needs analysis since Mar 15 (17 days)        250  commit     Ent x Direct   (expected Apr 30 then)
Not there: W0 (closed Mar 15), O3/O4/O6/O7/W2 (created later), O8 (expected Mar 31).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from conftest import build_from_sql

from salesdash import backtest, db, forecast
from salesdash.filters import Filters

AS_OF = date(2025, 6, 15)
F = Filters(date_from=AS_OF, date_to=AS_OF, as_of=AS_OF)
APR1, JUN30 = date(2025, 4, 1), date(2025, 6, 30)

# Changes made after Apr 1, each continuing from the state before it, plus a deal created after Apr 1
# whose (bad) history even claims an earlier event. None of it may change the Apr 1 pipeline.
LATER = """
INSERT INTO deal_events VALUES
    ('O1', '2025-06-05 09:00', 'stage', 'Quote & negotiation', 'Lost'),
    ('O1', '2025-06-02 09:00', 'amount', '400', '5000'),
    ('O1', '2025-06-03 09:00', 'forecast_category', 'commit', 'omitted'),
    ('O1', '2025-06-04 09:00', 'expected_close', '2025-06-20', '2025-12-31'),
    ('W1', '2025-04-02 09:00', 'amount', '100', '100'),
    ('O5', '2025-04-01 00:00', 'stage', 'Needs analysis', 'Quote & negotiation'),
    ('O9', '2025-03-01 09:00', 'stage', NULL, 'Quote & negotiation');
INSERT INTO deals (deal_id, account_id, rep_id, channel, amount, created_on, expected_close, stage, status, forecast_category)
VALUES ('O9', 'ENT', 'A1', 'Direct', 777, '2025-04-05', '2025-05-01', 'Quote & negotiation', 'open', 'commit');
"""


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    path = build_from_sql(tmp_path_factory.mktemp("backtest") / "forecast.duckdb", "forecast.sql")
    c = db.open_company(path)
    yield c
    c.close()


@pytest.fixture(scope="module")
def later(tmp_path_factory):
    path = build_from_sql(tmp_path_factory.mktemp("later") / "later.duckdb", "forecast.sql", then=LATER)
    c = db.open_company(path)
    yield c
    c.close()


def test_wape_and_bias_by_hand():
    forecasts, actuals = [110, 90, 100], [100, 100, 50]
    # |10| + |-10| + |50| = 70 over 250 actual -> 0.28; (10 - 10 + 50) / 250 = 0.2 (over-forecast)
    assert backtest.wape(forecasts, actuals) == pytest.approx(0.28)
    assert backtest.bias(forecasts, actuals) == pytest.approx(0.2)
    assert math.isnan(backtest.wape([1], [0]))


def test_pipeline_rebuilt_as_it_stood(conn):
    s = backtest.snapshot(conn, F, APR1, JUN30).set_index("deal_id")
    assert sorted(s.index) == ["L1", "O1", "O2", "O5", "W1"]
    assert s.loc["O1", ["stage", "amount", "forecast_category"]].tolist() == ["Qualification", 300, "pipeline"]
    assert s.loc["O1", "age_in_stage_days"] == 12  # Mar 20 -> Apr 1
    assert str(s.loc["O5", "expected_close"]) == "2025-04-30"  # before the push to May 31
    assert s.loc["W1", "stage"] == "Quote & negotiation"  # not Won: it was won only on Apr 10
    assert s.loc["L1", "stage"] == "Qualification" and s.loc["L1", "age_in_stage_days"] == 59  # since Feb 1


def test_a_deal_created_later_never_appears(conn, later):
    for c in (conn, later):
        assert not set(backtest.snapshot(c, F, APR1, JUN30)["deal_id"]) & {"O3", "O4", "O6", "O7", "O9"}
        # created May 1 or later: not there on May 1 either (a deal created on the day did not exist at its start)
        assert not set(backtest.snapshot(c, F, date(2025, 5, 1), JUN30)["deal_id"]) & {"O3", "O4", "O6", "O7"}
    # O9 does appear once it exists (created Apr 5, expected May 1)
    assert "O9" in set(backtest.snapshot(later, F, date(2025, 5, 1), date(2025, 5, 31))["deal_id"])


def test_an_event_after_the_day_never_changes_the_state(conn, later):
    cols = ["deal_id", "stage", "amount", "expected_close", "forecast_category", "age_in_stage_days"]
    before = backtest.snapshot(conn, F, APR1, JUN30)[cols].sort_values("deal_id").reset_index(drop=True)
    after = backtest.snapshot(later, F, APR1, JUN30)[cols].sort_values("deal_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(before, after)


def test_a_deal_won_later_starts_in_an_open_stage(conn):
    # W2 (created Apr 20, won May 5, no stage history) on May 1: first open stage, never "Won"
    s = backtest.snapshot(conn, F, date(2025, 5, 1), date(2025, 5, 31)).set_index("deal_id")
    assert sorted(s.index) == ["L1", "W2"]
    assert s.loc["W2", "stage"] == "Lead identification"


def test_past_forecasts_use_only_what_was_known(conn):
    deals = backtest.snapshot_deals(conn, F, APR1, JUN30).set_index("deal_id")
    # learned from deals closed by Mar 31: Ent x Direct Qualification+ 0.5; SMB segments: defaults
    assert deals.loc["O1", "p_learned"] == pytest.approx(0.5) and deals.loc["O1", "default_probability"] == 0.2
    methods, _ = forecast.pipeline_methods(0.0, deals.reset_index())
    m = methods.set_index("method")["forecast"]
    assert m["commit"] == 350  # W1 100 + O5 250
    assert m["best_case"] == 650  # + O2 300
    # naive: W1 100x0.8 + L1 900x0.2 + O1 300x0.2 + O2 300x0.6 + O5 250x0.4 = 80+180+60+180+100 = 600
    assert m["weighted_naive"] == pytest.approx(600)
    # learned: 80 + 180 + O1 300x0.5 + 180 + O5 250x0.5 = 715
    assert m["weighted_learned"] == pytest.approx(715)


def test_monthly_backtest(conn):
    bt = backtest.run(conn, F, "month")
    assert bt.status == "ok"
    # a year of won history is needed first (first win Feb 1 2024): Feb .. May 2025
    starts = sorted(bt.results["period_start"].unique())
    assert starts == [date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1), date(2025, 5, 1)]
    r = bt.results.set_index(["period_start", "method"])
    # April: W1 (expected Apr 10) and O5 (expected Apr 30) were committed -> 350; W1 100 came in
    assert r.loc[(date(2025, 4, 1), "commit"), ["forecast", "actual"]].tolist() == [350, 100]
    # May: W2 (commit, 200) was there on May 1 and won -> exact
    assert r.loc[(date(2025, 5, 1), "commit"), ["forecast", "actual"]].tolist() == [200, 200]
    acc = bt.accuracy.set_index("method")
    assert acc["trusted"].sum() == 1 and bt.trusted == acc.index[acc["trusted"]][0]
    assert acc.loc[bt.trusted, "wape"] == acc["wape"].min()
    commit = bt.results[bt.results["method"] == "commit"]
    assert acc.loc["commit", "wape"] == pytest.approx(backtest.wape(commit["forecast"], commit["actual"]))
    assert bt.trusted_wape == acc.loc[bt.trusted, "wape"]
    # the scorecard puts today's forecast of each method beside its record
    today = pd.DataFrame({"method": list(forecast.METHODS), "forecast": [1.0, 2, 3, 4, 5, 6]})
    card = backtest.scorecard(bt, today).set_index("method")
    assert card.loc["weighted_naive", "forecast"] == 3 and card["trusted"].sum() == 1
    assert card.loc["commit", "wape"] == acc.loc["commit", "wape"]


def test_without_stage_history_the_backtest_says_why(tmp_path):
    build_from_sql(tmp_path / "flat.duckdb", "forecast.sql", then="DELETE FROM deal_events WHERE field = 'stage'")
    c = db.open_company(tmp_path / "flat.duckdb")
    try:
        bt = backtest.run(c, F, "quarter")
        assert bt.status == "no_stage_history" and not bt.ok
        assert bt.trusted == forecast.DEFAULT_METHOD and len(bt.results) == 0
    finally:
        c.close()


def test_too_little_history(conn):
    assert backtest.run(conn, F, "quarter").status == "too_little_history"  # one quarter after Feb 2025


def test_segment_filter_applies(conn):
    direct = backtest.run(conn, replace(F, channels=("Direct",)), "month")
    april = direct.results[(direct.results["period_start"] == APR1) & (direct.results["method"] == "commit")]
    assert april[["forecast", "actual"]].iloc[0].tolist() == [250, 0]  # O5 only; W1 was Online
