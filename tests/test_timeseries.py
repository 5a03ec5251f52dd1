"""The time-series forecast's bookkeeping on synthetic series: buckets, shares of a period, totals."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from salesdash import simulation, timeseries


def monthly(values: list[float], first: date) -> pd.DataFrame:
    buckets, day = [], first
    for _ in values:
        buckets.append(day)
        day = timeseries.next_bucket(day, "month")
    return pd.DataFrame({"bucket": buckets, "won_value": values, "won_count": [1] * len(values)})


def test_buckets():
    assert timeseries.bucket_start(date(2025, 11, 26), "week") == date(2025, 11, 24)  # a Monday
    assert timeseries.bucket_end(date(2025, 2, 1), "month") == date(2025, 2, 28)
    # as of Nov 25 the last complete month is October; as of Nov 30, November itself
    assert timeseries.last_complete(date(2025, 11, 25), "month") == date(2025, 10, 1)
    assert timeseries.last_complete(date(2025, 11, 30), "month") == date(2025, 11, 1)


def test_period_share():
    q4 = (date(2025, 10, 1), date(2025, 12, 31))
    # November as of Nov 25: 5 of its 30 days are still ahead
    assert timeseries.period_share(date(2025, 11, 1), "month", *q4, date(2025, 11, 25)) == pytest.approx(5 / 30)
    assert timeseries.period_share(date(2025, 12, 1), "month", *q4, date(2025, 11, 25)) == 1.0
    assert timeseries.period_share(date(2026, 1, 1), "month", *q4, date(2025, 11, 25)) == 0.0


def test_flat_history_forecasts_flat():
    # 24 months of exactly 100, as of Nov 25 2025 with 60 won so far in November: the model carries 100 on,
    # so Q4 = Oct 100 + Nov so far 60 + 100 x 5/30 + Dec 100 = 276.7
    values = [100.0] * 24 + [60.0]
    series = monthly(values, date(2023, 11, 1))
    out = timeseries.forecast_series(series, "month", date(2025, 10, 1), date(2025, 12, 31), date(2025, 11, 25))
    assert out.model is not None and out.history == 24
    assert out.period["mean"] == pytest.approx(100 + 60 + 100 * 5 / 30 + 100, rel=0.02)
    assert out.period["low"] <= out.period["mean"] <= out.period["high"]
    assert len(out.outcomes) == timeseries.PATHS and (out.outcomes >= 160).all()  # never below what is won
    ahead = out.frame.dropna(subset=["forecast"])
    assert list(ahead["bucket"]) == [date(2025, 11, 1), date(2025, 12, 1)]
    assert (ahead["lo80"] <= ahead["forecast"]).all() and (ahead["forecast"] <= ahead["hi80"]).all()
    assert (ahead["lo95"] <= ahead["lo80"]).all()


def test_too_short_a_history_gives_no_model():
    series = monthly([100.0] * 8, date(2025, 3, 1))
    out = timeseries.forecast_series(series, "month", date(2025, 10, 1), date(2025, 12, 31), date(2025, 11, 25))
    assert out.model is None and math.isnan(out.period["mean"]) and out.history == 0


def test_season_is_learned_from_two_years():
    # a quarter-end spike every third month: the seasonal model wins and forecasts December above November
    values = [300.0 if (i + 1) % 3 == 0 else 100.0 for i in range(36)]
    series = monthly(values, date(2022, 10, 1))  # Dec, Mar, Jun, Sep are the spikes
    out = timeseries.forecast_series(series, "month", date(2025, 10, 1), date(2025, 12, 31), date(2025, 9, 30))
    assert out.model == "ETS(A,Ad,A)"
    ahead = out.frame.dropna(subset=["forecast"]).set_index("bucket")["forecast"]
    assert ahead[date(2025, 12, 1)] > 2 * ahead[date(2025, 11, 1)]


def test_typed_target_spread_over_the_period(tmp_path):
    from salesdash import db
    from salesdash.filters import Filters

    conn = db.new_memory_db()
    f = Filters(date_from=date(2025, 10, 1), date_to=date(2025, 12, 31), as_of=date(2025, 11, 25))
    line = timeseries.target_line(conn, f, "month", date(2025, 9, 1), date(2025, 12, 1), *f_period(), 920.0)
    # 920 over Q4's 92 days = 10 a day: Oct 310, Nov 300, Dec 310; September is outside the period
    assert math.isnan(line["target"].iloc[0])
    assert line["target"].iloc[1:].tolist() == pytest.approx([310, 300, 310])


def f_period() -> tuple[date, date]:
    return date(2025, 10, 1), date(2025, 12, 31)


def test_histogram_of_runs():
    runs = np.array([0.0, 0.0, 1.0, 2.0, 2.0, 2.0, 3.0, 4.0])
    bins = simulation.histogram(runs, bins=4)
    assert bins["runs"].sum() == 8 and bins["share"].sum() == pytest.approx(1.0)
    assert bins["left"].iloc[0] == 0 and bins["right"].iloc[-1] == 4
