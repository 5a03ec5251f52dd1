"""Forecast: will the period land — category roll-up, weighted pipeline, simulation, against the target.

A forecast period is a calendar month or quarter: the current one (holding the dataset's as-of date) or
one of the next ones. Its deals are the open deals whose expected close falls inside it (DESIGN.md
forecast categories); what is already won counts in full. Every method starts from the same won-to-date
and the same deals, so their figures differ only by how they weigh the open pipeline:

    commit            won + Σ commit deals                         (category roll-up, as the reps call it)
    best_case         won + Σ commit and best-case deals
    weighted_naive    won + Σ amount x stage default probability
    weighted_learned  won + Σ amount x learned probability         (salesdash.probability)
    simulation_p50    won + median of the Monte Carlo              (salesdash.simulation)
    time_series       the won-value trend carried forward          (salesdash.timeseries)

How far to trust each is measured in salesdash.backtest; the page's headline uses the best one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from salesdash import db, simulation
from salesdash.filters import Filters, add_months, quarter_start
from salesdash.probability import apply_probabilities, stage_win_probabilities
from salesdash.stalled import open_deal_health

METRICS = ("forecast_rollup", "forecast_target", "forecast_gap", "forecast_method")

PERIOD_KINDS = ("quarter", "month")
CATEGORIES = ("commit", "best_case", "pipeline")  # roll-up order after closed won; 'omitted' never counts
METHODS = ("commit", "best_case", "weighted_naive", "weighted_learned", "simulation_p50", "time_series")
SMALL_SAMPLE = 30  # fewer open deals and the chance of the target carries a small-sample mark
DEFAULT_METHOD = "weighted_learned"  # trusted when no backtest can say otherwise (DESIGN.md weighted pipeline)


# --- periods -------------------------------------------------------------------------------------------


def period_bounds(as_of: date, kind: str, offset: int = 0) -> tuple[date, date]:
    """First and last day of the month or quarter holding `as_of`, or `offset` periods after it."""
    if kind == "month":
        start = add_months(date(as_of.year, as_of.month, 1), offset)
        return start, add_months(start, 1) - timedelta(days=1)
    if kind == "quarter":
        start = add_months(quarter_start(as_of), 3 * offset)
        return start, add_months(start, 3) - timedelta(days=1)
    raise ValueError(f"unknown period kind {kind!r}")


def for_period(f: Filters, start: date, end: date) -> Filters:
    """The filters with the forecast period as their dates (segment choices and as-of kept), so cached
    results do not depend on the sidebar's date range, which the Forecast page does not use."""
    return replace(f, date_from=start, date_to=end, preset="custom")


def segment_only(f: Filters) -> Filters:
    """The filters without any dates but the as-of: the key for what depends on the segment alone."""
    return replace(f, date_from=f.as_of, date_to=f.as_of, preset="custom")


def whole_dataset(f: Filters) -> Filters:
    """No segment and no dates, only the as-of: the key for what is learned once per dataset (the backtest)."""
    return Filters(date_from=f.as_of, date_to=f.as_of, as_of=f.as_of)


def _period_params(f: Filters, start: date, end: date) -> dict[str, Any]:
    return f.params() | {"period_start": start, "period_end": end}


# --- the deals of a period -----------------------------------------------------------------------------


def normalise_category(values: pd.Series) -> pd.Series:
    """'Best Case' / 'best case' / 'best_case' -> best_case; unknown or missing -> pipeline."""
    text = values.astype("string").str.strip().str.lower().str.replace(" ", "_", regex=False)
    known = text.isin([*CATEGORIES, "omitted"]).fillna(False).astype(bool)
    return text.where(known, "pipeline").fillna("pipeline").astype(str)


@dataclass(frozen=True)
class Learned:
    """What the dataset's history up to `as_of` teaches, whatever the filters: the stage win probabilities
    (probability.stage_win_probabilities) and the age-in-stage factors (simulation.stage_age_factors).
    Computed once per dataset and as-of date, and handed to every period's forecast."""

    as_of: date
    probabilities: pd.DataFrame
    age_factors: pd.DataFrame


def learn(conn: db.Connection, as_of: date) -> Learned:
    f = Filters(date_from=as_of, date_to=as_of, as_of=as_of)
    return Learned(as_of, stage_win_probabilities(conn, f), simulation.stage_age_factors(conn, as_of))


def period_deals(
    conn: db.Connection, f: Filters, start: date, end: date, learned: Learned | None = None
) -> pd.DataFrame:
    """The open deals (segment filters, as of f.as_of) whose expected close falls in start..end.

    Columns: deal_id, name, account_name, rep_id, rep_name, team, customer_type, channel, product, stage,
    amount, expected_close, forecast_category (normalised), default_probability, p_learned, source,
    weighted_default, weighted_learned (probability.apply_probabilities, the weighted pipeline's rule),
    age_in_stage_days, stage_p75_days, last_activity_on, days_since_activity, slow_in_stage, inactive,
    stalled (salesdash.stalled), pushes (times the close date was pushed later), first_expected_close,
    overdue (expected close already passed), slipped (first promised before the period, or overdue),
    p_simulated (simulation.win_chances).
    """
    f = for_period(f, start, end)
    learned = learned if learned is not None and learned.as_of == f.as_of else learn(conn, f.as_of)
    params = _period_params(f, start, end)
    deals = apply_probabilities(db.query(conn, f.apply(db.sql_text("forecast_open")), params), learned.probabilities)
    health = open_deal_health(conn, f)[
        ["deal_id", "age_in_stage_days", "stage_p75_days", "last_activity_on", "days_since_activity",
         "slow_in_stage", "inactive", "stalled"]
    ]  # fmt: skip
    slips = db.query(conn, f.apply(db.sql_text("forecast_slips")), params)
    out = deals.merge(health, on="deal_id", how="left").merge(slips, on="deal_id", how="left")
    out["forecast_category"] = normalise_category(out["forecast_category"])
    out["pushes"] = out["pushes"].fillna(0).astype(int)
    # never changed: the first close date on record is the current one
    out["first_expected_close"] = out["first_expected_close"].where(out["first_expected_close"].notna(), out["expected_close"])
    for flag in ("slow_in_stage", "inactive", "stalled"):
        out[flag] = out[flag].astype("boolean").fillna(False).astype(bool)
    out["overdue"] = (pd.to_datetime(out["expected_close"]) < pd.Timestamp(f.as_of)).to_numpy()
    # slipped: promised for an earlier period and pushed into this one, or its date has passed. (A single
    # push is everyday re-estimating: nine in ten committed deals of the demo have one.)
    promised_before = (pd.to_datetime(out["first_expected_close"]) < pd.Timestamp(start)).fillna(False)
    out["slipped"] = promised_before.to_numpy(dtype=bool) | out["overdue"]
    out["p_simulated"] = simulation.win_chances(out, learned.age_factors)
    return out.reset_index(drop=True)


def won_groups(conn: db.Connection, f: Filters, start: date, end: date) -> pd.DataFrame:
    """Won so far in the period per team, rep, customer type and channel: team, rep_id, rep_name,
    customer_type, channel, won_count, won_value (nothing yet for a period that has not started)."""
    return db.query(conn, f.apply(db.sql_text("forecast_won")), _period_params(f, start, end))


def quota_by_rep(conn: db.Connection, f: Filters, start: date, end: date) -> pd.DataFrame:
    """The period's quota of each filtered rep (prorated by overlapping days): rep_id, rep_name, team, quota.

    Only the team, rep and region filters narrow it: a quota belongs to a rep, not to a channel.
    """
    return db.query(conn, f.apply(db.sql_text("forecast_quota")), _period_params(f, start, end))


# --- the methods ---------------------------------------------------------------------------------------


def rollup(won_to_date: float, deals: pd.DataFrame) -> pd.DataFrame:
    """Closed won -> + Commit -> + Best case -> + Pipeline: columns level, added, total, deals.

    `deals` needs forecast_category (normalised) and amount; omitted deals never count.
    """
    amount = deals["amount"].fillna(0.0)
    rows = [{"level": "closed_won", "added": won_to_date, "deals": math.nan}]
    for category in CATEGORIES:
        mine = deals["forecast_category"] == category
        rows.append({"level": category, "added": float(amount[mine].sum()), "deals": float(mine.sum())})
    out = pd.DataFrame(rows)
    out["total"] = out["added"].cumsum()
    return out[["level", "added", "total", "deals"]]


def pipeline_methods(
    won_to_date: float, deals: pd.DataFrame, runs: int = simulation.RUNS, seed: int = simulation.SEED
) -> tuple[pd.DataFrame, np.ndarray]:
    """Every pipeline method's forecast for one period, and the simulated period totals.

    `deals` needs amount, forecast_category, weighted_default, weighted_learned, p_simulated.
    Columns: method, forecast, low, high (low/high: the simulation's P10/P90; NaN for the others).
    The backtest calls this very function on a rebuilt past pipeline, so what it measures is what the
    page shows.
    """
    levels = rollup(won_to_date, deals).set_index("level")["total"]
    outcomes = won_to_date + simulation.simulate_runs(deals["amount"], deals["p_simulated"], runs, seed)
    sim = simulation.summarize(outcomes)
    rows = [
        ("commit", levels["commit"], math.nan, math.nan),
        ("best_case", levels["best_case"], math.nan, math.nan),
        ("weighted_naive", won_to_date + float(deals["weighted_default"].sum()), math.nan, math.nan),
        ("weighted_learned", won_to_date + float(deals["weighted_learned"].sum()), math.nan, math.nan),
        ("simulation_p50", sim["p50"], sim["p10"], sim["p90"]),
    ]
    return pd.DataFrame(rows, columns=["method", "forecast", "low", "high"]), outcomes


@dataclass(frozen=True)
class Outlook:
    """Everything the Forecast page shows about one period that does not depend on the typed target."""

    start: date
    end: date
    as_of: date
    deals: pd.DataFrame  # period_deals
    won: pd.DataFrame  # won_groups
    quota: pd.DataFrame  # quota_by_rep
    won_to_date: float
    quota_total: float  # NaN when the dataset has no quota for these reps and dates
    rollup: pd.DataFrame
    methods: pd.DataFrame  # pipeline_methods (time_series is added by with_time_series)
    outcomes: np.ndarray  # simulated period totals, won to date included

    @property
    def empty(self) -> bool:
        """Nothing won and nothing open: the filters leave nothing to forecast in this period."""
        return self.won_to_date == 0 and len(self.deals) == 0

    @property
    def learned_share(self) -> float:
        """Share of the open value weighted with learned (not default) probabilities."""
        amount = self.deals["amount"].fillna(0.0)
        total = float(amount.sum())
        return float(amount[self.deals["source"] == "learned"].sum()) / total if total > 0 else math.nan

    @property
    def has_categories(self) -> bool:
        """False when no deal carries a forecast category other than the default pipeline."""
        return bool((self.deals["forecast_category"] != "pipeline").any())


def outlook(
    conn: db.Connection,
    f: Filters,
    start: date,
    end: date,
    learned: Learned | None = None,
    runs: int = simulation.RUNS,
    seed: int = simulation.SEED,
) -> Outlook:
    """One period's deals, won to date, quota, roll-up, pipeline methods and simulation.

    `learned` (from `learn`, cached per dataset) saves relearning the history on every filter change.
    """
    deals = period_deals(conn, f, start, end, learned)
    won = won_groups(conn, f, start, end)
    quota = quota_by_rep(conn, f, start, end)
    won_to_date = float(won["won_value"].sum())
    methods, outcomes = pipeline_methods(won_to_date, deals, runs, seed)
    total_quota = float(quota["quota"].sum()) if len(quota) else math.nan
    return Outlook(
        start=start, end=end, as_of=f.as_of, deals=deals, won=won, quota=quota, won_to_date=won_to_date,
        quota_total=total_quota, rollup=rollup(won_to_date, deals), methods=methods, outcomes=outcomes,
    )  # fmt: skip


def simulate_period(
    conn: db.Connection,
    f: Filters,
    period_start: date,
    period_end: date,
    runs: int = simulation.RUNS,
    seed: int = simulation.SEED,
    target: float | None = None,
    learned: Learned | None = None,
) -> dict[str, float]:
    """The simulated won value of a period (won so far + open deals closing in it), for other pages.

    Keys: p10, p50, p90, mean, p_target (NaN without a target), won_to_date, open_deals, open_value.
    """
    deals = period_deals(conn, f, period_start, period_end, learned)
    won_to_date = float(won_groups(conn, f, period_start, period_end)["won_value"].sum())
    outcomes = won_to_date + simulation.simulate_runs(deals["amount"], deals["p_simulated"], runs, seed)
    return simulation.summarize(outcomes, target) | {
        "won_to_date": won_to_date,
        "open_deals": float(len(deals)),
        "open_value": float(deals["amount"].fillna(0.0).sum()),
    }


def with_time_series(methods: pd.DataFrame, time_series: dict[str, float]) -> pd.DataFrame:
    """The methods table with the time-series forecast (mean, low, high) as its last row."""
    row = pd.DataFrame(
        [{"method": "time_series", "forecast": time_series["mean"], "low": time_series["low"], "high": time_series["high"]}]
    )
    return pd.concat([methods, row], ignore_index=True)


# --- against the target --------------------------------------------------------------------------------


def headline(
    view: Outlook,
    methods: pd.DataFrame,
    trusted: str,
    target: float | None,
    series_outcomes: np.ndarray | None = None,
) -> dict[str, float | str]:
    """The figures the page leads with: the trusted method's forecast and range, the target, the gap
    (target − forecast; negative = ahead), the share of the target already won and the chance of
    reaching it — from the time series' simulated paths when it is the trusted method, else from the
    Monte Carlo over the deals — so the chance never contradicts the forecast beside it.

    Keys: method, forecast, low, high, target, gap, won_to_date, attained, p_target, chance_from
    ('time_series' / 'simulation'), open_deals, small_sample (1.0 below 30 open deals)."""
    table = methods.set_index("method")
    row = table.loc[trusted]
    # the range of the trusted method when it has one, else the simulation's
    ranged = row if pd.notna(row["low"]) else table.loc["simulation_p50"]
    goal = float(target) if target is not None and target > 0 else math.nan
    forecast = float(row["forecast"])
    use_series = trusted == "time_series" and series_outcomes is not None and len(series_outcomes) > 0
    outcomes = series_outcomes if use_series and series_outcomes is not None else view.outcomes
    return {
        "method": trusted,
        "forecast": forecast,
        "low": float(ranged["low"]),
        "high": float(ranged["high"]),
        "target": goal,
        "gap": goal - forecast,
        "won_to_date": view.won_to_date,
        "attained": view.won_to_date / goal,
        "p_target": simulation.chance_of_target(outcomes, target),
        "chance_from": "time_series" if use_series else "simulation",
        "open_deals": float(len(view.deals)),
        "small_sample": float(len(view.deals) < SMALL_SAMPLE),
    }


def rollup_against_target(view: Outlook, target: float | None) -> pd.DataFrame:
    """The roll-up with the gap at each level: level, added, total, deals, gap (target − total)."""
    out = view.rollup.copy()
    out["gap"] = (float(target) - out["total"]) if target is not None and target > 0 else math.nan
    return out
