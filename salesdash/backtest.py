"""How accurate each forecast method has been: a leakage-free backtest over past periods.

For each past month or quarter, the open pipeline is rebuilt as it stood at the start of its first day
from deal_events (stage, amount, expected close and forecast category as of that day; deals created
later or closed earlier are not there — sql/forecast_asof.sql). Probabilities are learned only from
deals closed before that day, the time series only from months that had ended. Each method then
forecasts the period exactly as the page does today (forecast.pipeline_methods, timeseries), and the
forecast is compared with what was actually won in the period.

Accuracy is WAPE = Σ|forecast − actual| ÷ Σ actual over the backtested periods (DESIGN.md); bias =
Σ(forecast − actual) ÷ Σ actual (positive: the method promised more than came in). The page trusts the
method with the lowest WAPE. Without stage history no past pipeline can be rebuilt, and the backtest
says so instead of guessing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from salesdash import db, forecast, simulation, timeseries
from salesdash.filters import Filters, add_months
from salesdash.probability import apply_probabilities, stage_win_probabilities, stage_win_probabilities_on

METRICS = ("forecast_accuracy", "forecast_bias", "trusted_method")

PERIODS = {"quarter": 8, "month": 12}  # most recent complete periods backtested
MIN_PERIODS = 3  # fewer and no method can be told apart from luck
HISTORY_MONTHS = 12  # won history a period needs before it (the time series learns from it)
RUNS = 2000  # simulation runs per backtested period (the P50 settles well before 2,000)


def wape(forecasts: np.ndarray | pd.Series, actuals: np.ndarray | pd.Series) -> float:
    """Σ|forecast − actual| ÷ Σ actual (NaN when nothing was won)."""
    f, a = np.asarray(forecasts, dtype=float), np.asarray(actuals, dtype=float)
    total = a.sum()
    return float(np.abs(f - a).sum() / total) if total > 0 else math.nan


def bias(forecasts: np.ndarray | pd.Series, actuals: np.ndarray | pd.Series) -> float:
    """Σ(forecast − actual) ÷ Σ actual: positive = over-forecast (NaN when nothing was won)."""
    f, a = np.asarray(forecasts, dtype=float), np.asarray(actuals, dtype=float)
    total = a.sum()
    return float((f - a).sum() / total) if total > 0 else math.nan


def has_stage_history(conn: db.Connection) -> bool:
    return bool(db.query_rows(conn, "SELECT count(*) > 0 FROM deal_events WHERE field = 'stage'")[0][0])


def past_periods(conn: db.Connection, as_of: date, kind: str, count: int | None = None) -> list[tuple[date, date]]:
    """The most recent complete periods before the current one that have a year of won history before them
    and stage history by their first day, oldest first."""
    count = count or PERIODS[kind]
    first_won = timeseries.first_won_day(conn)
    first_event = db.query_rows(conn, "SELECT min(changed_at)::DATE FROM deal_events WHERE field = 'stage'")[0][0]
    if first_won is None or first_event is None:
        return []
    earliest = max(add_months(date(first_won.year, first_won.month, 1), HISTORY_MONTHS), first_event)
    out = []
    for offset in range(1, count + 1):
        start, end = forecast.period_bounds(as_of, kind, -offset)
        if start >= earliest:
            out.append((start, end))
    return sorted(out)


def snapshots(conn: db.Connection, f: Filters, periods: list[tuple[date, date]]) -> pd.DataFrame:
    """For each period, the open deals as they stood at the start of its first day whose expected close
    (then) fell in the period — one pass over deal_events for all periods (sql/forecast_asof.sql).

    Columns: period_start, period_end, deal_id, name, account_name, rep_id, rep_name, team, customer_type,
    channel, product, region, created_on, stage, entered_stage_on, amount, expected_close,
    forecast_category, position, default_probability, age_in_stage_days — all as of that day.
    """
    params = f.params() | {"days": [p[0] for p in periods], "period_ends": [p[1] for p in periods]}
    out = db.query(conn, f.apply(db.sql_text("forecast_asof")), params)
    out["period_start"] = pd.to_datetime(out["period_start"]).dt.date
    return out


def snapshot(conn: db.Connection, f: Filters, day: date, period_end: date) -> pd.DataFrame:
    """snapshots() for one period starting on `day` (without the period columns)."""
    return snapshots(conn, f, [(day, period_end)]).drop(columns=["period_start", "period_end"])


def weigh(
    conn: db.Connection,
    f: Filters,
    deals: pd.DataFrame,
    day: date,
    probabilities: pd.DataFrame | None = None,
    age_factors: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A snapshot's deals weighed as the page weighs today's, with what was known the day before `day`:
    forecast_category normalised, p_learned / weighted_* (probability.apply_probabilities) and p_simulated.

    `probabilities` (as of the day before) and `age_factors` (as of then or earlier: the run learns them
    once, before its first period) are learned here when not given.
    """
    known = replace(f, as_of=day - timedelta(days=1))
    if probabilities is None:
        probabilities = stage_win_probabilities(conn, known)
    deals = apply_probabilities(deals, probabilities)
    deals["forecast_category"] = forecast.normalise_category(deals["forecast_category"])
    if age_factors is None:
        age_factors = simulation.stage_age_factors(conn, known.as_of)
    deals["p_simulated"] = simulation.win_chances(deals, age_factors)
    return deals


def snapshot_deals(conn: db.Connection, f: Filters, day: date, period_end: date) -> pd.DataFrame:
    """snapshot() weighed with what was known the day before `day` (see `weigh`)."""
    return weigh(conn, f, snapshot(conn, f, day, period_end), day)


@dataclass(frozen=True)
class Backtest:
    """The outcome of a backtest: status 'ok', 'no_stage_history' or 'too_little_history'."""

    kind: str
    status: str
    results: pd.DataFrame  # period_start, period_end, actual, method, forecast, error (forecast − actual)
    accuracy: pd.DataFrame  # method, periods, wape, bias, trusted
    trusted: str

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def trusted_wape(self) -> float:
        row = self.accuracy.loc[self.accuracy["method"] == self.trusted, "wape"]
        return float(row.iloc[0]) if len(row) else math.nan

    @property
    def periods(self) -> int:
        return int(self.results["period_start"].nunique()) if len(self.results) else 0


_RESULT_COLUMNS = ["period_start", "period_end", "actual", "method", "forecast", "error"]


def run(conn: db.Connection, f: Filters, kind: str) -> Backtest:
    """Backtest every method over the past periods of this kind, for the filtered segment.

    Depends only on the segment filters and the as-of date. The page calls it with
    forecast.whole_dataset(f): one backtest per dataset, whatever the filters.
    """
    empty = pd.DataFrame(columns=_RESULT_COLUMNS)
    if not has_stage_history(conn):
        return Backtest(kind, "no_stage_history", empty, accuracy(empty), forecast.DEFAULT_METHOD)
    periods = past_periods(conn, f.as_of, kind)
    if len(periods) < MIN_PERIODS:
        return Backtest(kind, "too_little_history", empty, accuracy(empty), forecast.DEFAULT_METHOD)
    snaps = snapshots(conn, f, periods)
    series = timeseries.won_series(conn, f, "month", f.as_of)
    # age factors move slowly; learning them once, before the first period, keeps every period free of
    # later knowledge at a seventh of the cost
    factors = simulation.stage_age_factors(conn, periods[0][0] - timedelta(days=1))
    eves = [start - timedelta(days=1) for start, _ in periods]
    probs = stage_win_probabilities_on(conn, eves)
    frames = [
        _one_period(
            conn, f, snaps[snaps["period_start"] == start], series,
            probs[probs["as_of"] == eve].drop(columns=["as_of"]), factors, start, end,
        )
        for (start, end), eve in zip(periods, eves, strict=True)
    ]  # fmt: skip
    results = pd.concat(frames, ignore_index=True)
    table = accuracy(results)
    trusted = table.loc[table["trusted"], "method"]
    return Backtest(kind, "ok", results, table, str(trusted.iloc[0]) if len(trusted) else forecast.DEFAULT_METHOD)


def _one_period(
    conn: db.Connection,
    f: Filters,
    snap: pd.DataFrame,
    series: pd.DataFrame,
    probabilities: pd.DataFrame,
    factors: pd.DataFrame,
    start: date,
    end: date,
) -> pd.DataFrame:
    deals = weigh(conn, f, snap.reset_index(drop=True), start, probabilities, factors)
    methods, _ = forecast.pipeline_methods(0.0, deals, runs=RUNS)
    ts = timeseries.forecast_series(series, "month", start, end, start - timedelta(days=1)).period
    methods = forecast.with_time_series(methods, ts)
    inside = (series["bucket"] >= start) & (series["bucket"] <= end)  # whole months: periods are months
    actual = float(series.loc[inside, "won_value"].sum())
    out = methods[["method", "forecast"]].assign(period_start=start, period_end=end, actual=actual)
    out["error"] = out["forecast"] - out["actual"]
    return out[_RESULT_COLUMNS]


def accuracy(results: pd.DataFrame) -> pd.DataFrame:
    """Per method: periods (with a forecast), wape, bias, trusted (the lowest WAPE; ties to the simpler).

    Methods are compared on the periods where every method had a forecast, so none is judged on easier
    periods than another.
    """
    rows = []
    if len(results):
        wide = results.pivot_table(index="period_start", columns="method", values="forecast", aggfunc="first")
        actual = results.groupby("period_start")["actual"].first()
        # a method with too few forecasts (e.g. the time series on a short history) is left out of the
        # common set rather than shrinking it for everyone
        counts = wide.notna().sum()
        judged = [m for m in forecast.METHODS if m in wide.columns and counts[m] >= MIN_PERIODS]
        common = wide[judged].dropna().index
        for method in forecast.METHODS:
            if method not in wide.columns:
                continue
            if method not in judged:
                rows.append({"method": method, "periods": int(counts[method]), "wape": math.nan, "bias": math.nan})
                continue
            f, a = wide.loc[common, method], actual.loc[common]
            rows.append({"method": method, "periods": len(common), "wape": wape(f, a), "bias": bias(f, a)})
    out = pd.DataFrame(rows, columns=["method", "periods", "wape", "bias"])
    out["trusted"] = False
    scored = out["wape"].notna() & (out["periods"] >= MIN_PERIODS)
    if scored.any():
        out.loc[out.loc[scored, "wape"].idxmin(), "trusted"] = True
    return out


def scorecard(bt: Backtest, methods: pd.DataFrame) -> pd.DataFrame:
    """The accuracy table beside today's forecast of each method: method, forecast, periods, wape, bias,
    trusted (methods the backtest could not judge keep NaN scores)."""
    now = methods[["method", "forecast"]]
    out = now.merge(bt.accuracy, on="method", how="left")
    out["trusted"] = out["method"] == bt.trusted
    return out[["method", "forecast", "periods", "wape", "bias", "trusted"]]
