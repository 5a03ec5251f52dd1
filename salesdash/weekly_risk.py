"""Deal health and the forecast for the weekly review: stalled deals at the week's start and end, the
forecast P50 of the period at both moments, and the commit / best-case deals at risk now.

Stalled means what salesdash.stalled means (one definition): here it is evaluated at a past moment,
from the stage a deal was in then, that stage's norm as known then, and its last activity by then.
tests/test_weekly_demo.py checks that at the as-of date this gives exactly stalled.open_deal_health's set.
The forecast P50 is the Forecast page's simulation (salesdash.forecast, salesdash.simulation) run on the
period's pipeline as it stood at each moment; tests/test_weekly_demo.py checks the two pages agree.

What does not depend on the filters or the week is computed once per dataset and handed in: the stays'
lengths (`stay_lengths`, from which the norm as of any day follows) and what the history teaches
(`forecast.learn`, shared with the Forecast page). Nothing here depends on which other deals a filter keeps,
so the week's stalled flags and forecast inputs (`p50_inputs`) and the at-risk list (`risk_list`) are
computed once for every deal, and a filter's figures come from its rows of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from salesdash import db, probability, simulation, stage_history
from salesdash.filters import Filters, preset_range
from salesdash.forecast import Learned
from salesdash.stalled import INACTIVE_DAYS

METRICS = ("weekly_stalled", "weekly_forecast_p50", "at_risk")

AT_RISK_CATEGORIES = ("commit", "best_case")
SLIPS_AT_RISK = 2  # "slipped twice": the expected close date moved later at least this often
QUIET_MIN_BEFORE = 2  # went quiet: at least this many activities in the 4 weeks before the last 7 days, none since
REASONS = ("stalled_in_stage", "no_activity", "slipped_twice", "went_quiet")
NORM_QUANTILE = 0.75  # a stage's norm: the p75 of its completed stays (stage_norms.sql)

# the two moments of a week in weekly.flow's columns: its start (suffix _0) and its end (_1)
_MOMENTS = (("_0", "in_start", "start"), ("_1", "in_end", "end"))


# --- stalled at a moment -------------------------------------------------------------------------------


def stay_lengths(conn: db.Connection, since: datetime | None = None) -> pd.DataFrame:
    """Completed stays in open stages by stage and length: stage, days, stays (every one; with `since`,
    those that ended at or after it). Without `since` it depends on the dataset alone: cache it per dataset."""
    return db.query(conn, stage_history.sql(conn, "weekly_stay_lengths"), {"since": since})


def norms_at(conn: db.Connection, lengths: pd.DataFrame, moment: datetime) -> pd.Series:
    """Each open stage's norm (p75 days) from the stays completed before `moment` — what stage_norms.sql
    gives as of the day before it: every stay (`lengths`, from stay_lengths) less those that ended since."""
    later = stay_lengths(conn, moment).rename(columns={"stays": "later"})
    counted = lengths.merge(later, on=["stage", "days"], how="left")
    counted["stays"] = counted["stays"] - counted["later"].fillna(0).astype("int64")
    return quantile_cont(counted[counted["stays"] > 0], NORM_QUANTILE)


def quantile_cont(lengths: pd.DataFrame, q: float) -> pd.Series:
    """Per stage, DuckDB's quantile_cont of its stays' days, counted (stage, days, stays): the values at
    positions floor and ceil of q·(n − 1) in sorted order, interpolated linearly between."""
    out: dict[str, float] = {}
    for stage, rows in lengths.sort_values("days").groupby("stage", sort=False):
        days = rows["days"].to_numpy(dtype=float)
        upto = np.cumsum(rows["stays"].to_numpy(dtype="int64"))
        position = q * float(upto[-1] - 1)
        low, high = math.floor(position), math.ceil(position)
        at_low = days[np.searchsorted(upto, low, side="right")]
        at_high = days[np.searchsorted(upto, high, side="right")]
        out[str(stage)] = float(at_low + (position - low) * (at_high - at_low))
    return pd.Series(out, dtype="float64", name="norm_p75_days")


def stalled_flags(
    conn: db.Connection, flow: pd.DataFrame, week_start: date, lengths: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Whether each deal of `flow` was stalled at the week's start and at its end.

    `flow` is weekly.flow's frame (deal_id, stage_0/1, age_0/1, inactive_0/1, in_start, in_end …);
    `lengths` is stay_lengths(conn) (counted here when not given). Columns: deal_id, stalled_start,
    stalled_end (False for a deal not in the period's pipeline at that moment), for the deals in it at either.
    """
    lengths = stay_lengths(conn) if lengths is None else lengths
    columns = ["deal_id", *(f"{name}{suffix}" for suffix, _, _ in _MOMENTS for name in ("stage", "age", "inactive"))]
    chosen = flow.loc[flow["in_start"] | flow["in_end"], [*columns, "in_start", "in_end"]]
    out = pd.DataFrame({"deal_id": chosen["deal_id"]})
    for (suffix, inside, moment), starts in zip(_MOMENTS, (week_start, week_start + timedelta(days=7)), strict=True):
        norm = _lookup(chosen[f"stage{suffix}"], norms_at(conn, lengths, datetime.combine(starts, time())))
        slow = np.nan_to_num(chosen[f"age{suffix}"].to_numpy(dtype=float, na_value=np.nan), nan=-np.inf) > norm
        idle = chosen[f"inactive{suffix}"].to_numpy(dtype=bool)
        out[f"stalled_{moment}"] = (slow | idle) & chosen[inside].to_numpy(dtype=bool)
    return out.reset_index(drop=True)


def _lookup(keys: pd.Series, values: Mapping[str, float] | pd.Series) -> np.ndarray:
    """values[key] per row (NaN for a key it lacks): one comparison per key, not per row (few stages;
    ~4 ms for 80k rows against ~15 ms for Series.map)."""
    out = np.full(len(keys), np.nan)
    for key, value in dict(values).items():
        out[(keys == key).to_numpy(dtype=bool, na_value=False)] = value
    return out


# --- the forecast at a moment --------------------------------------------------------------------------


@dataclass(frozen=True)
class Pipeline:
    """The forecast's inputs at one moment for every deal of a week's flow, whatever the filters: the period's
    open deals then, in the order the simulation draws them (by deal key), with their amounts and chances,
    and the deals won so far in the period. A filter's forecast draws for the deals it keeps, in the same
    order: the chances of a deal do not depend on which other deals are drawn. Read-only arrays."""

    rows: np.ndarray  # positions in the flow of the open deals, in drawing order
    amounts: np.ndarray
    chances: np.ndarray
    won_rows: np.ndarray  # positions in the flow of the deals won so far
    won_amounts: np.ndarray


def forecast_p50(flow: pd.DataFrame, learned: Learned, stages: pd.DataFrame) -> tuple[float, float]:
    """The Forecast page's simulation P50 of the period at the week's start and at its end.

    At each moment: won so far in the period (won_0/1) + the median of the Monte Carlo over the period's
    open pipeline then (simulation.simulate_runs, 5,000 runs, the same seed), each deal winning with the
    chance the Forecast page gives it (simulation.win_chances: the learned probability of its stage and
    segment then, times the factor of its age in that stage then). `learned` is forecast.learn's, once per
    dataset as on the Forecast page, the same for both moments: the change shows what the pipeline did.
    When the week ends on the as-of day, the end figure is the Forecast page's (tested).
    """
    return p50_of(p50_inputs(flow, learned, stages))


def p50_inputs(flow: pd.DataFrame, learned: Learned, stages: pd.DataFrame) -> tuple[Pipeline, Pipeline]:
    """forecast_p50's inputs at the week's start and end for every deal of `flow` (see Pipeline)."""
    defaults = stages[["stage", "default_probability"]]
    out = []
    for suffix, inside, _ in _MOMENTS:
        columns = {f"stage{suffix}": "stage", f"amount{suffix}": "amount", f"age{suffix}": "age_in_stage_days"}
        rows = np.flatnonzero(flow[inside].to_numpy(dtype=bool))
        deals = flow[["deal_key", *columns, *probability.SEGMENT]].take(rows).rename(columns=columns)
        # sorted by a key of the deal id, so the draws fall on the deals in the same order whatever order the
        # query returned them in (a number sorts faster than the text)
        order = np.argsort(deals["deal_key"].to_numpy(), kind="stable")
        deals, rows = deals.iloc[order], rows[order]
        # the weighting rule runs on each distinct stage and segment (a few dozen), not on every deal
        groups = deals.groupby(["stage", *probability.SEGMENT], sort=False, dropna=False)
        kinds = groups.size().reset_index()[["stage", *probability.SEGMENT]].assign(amount=0.0)
        kinds = probability.apply_probabilities(kinds.merge(defaults, on="stage", how="left"), learned.probabilities)
        deals = deals.assign(p_learned=kinds["p_learned"].to_numpy()[groups.ngroup().to_numpy()])
        chances = simulation.win_chances(deals, learned.age_factors)
        won_rows = np.flatnonzero(flow[f"won{suffix}"].to_numpy(dtype=bool))
        won_amounts = flow[f"amount{suffix}"].to_numpy(dtype=float, na_value=np.nan)[won_rows]
        out.append(
            Pipeline(
                rows=read_only(rows),
                amounts=read_only(deals["amount"].to_numpy(dtype=float, na_value=np.nan)),
                chances=read_only(chances.to_numpy(dtype=float)),
                won_rows=read_only(won_rows),
                won_amounts=read_only(np.nan_to_num(won_amounts, nan=0.0)),
            )
        )
    return out[0], out[1]


def p50_of(pipelines: tuple[Pipeline, Pipeline], keep: np.ndarray | None = None) -> tuple[float, float]:
    """The P50 at the week's start and end of the deals `keep` marks (one bool per flow row; None = all)."""

    def p50(pipeline: Pipeline) -> float:
        drawn = slice(None) if keep is None else keep[pipeline.rows]
        won_kept = slice(None) if keep is None else keep[pipeline.won_rows]
        won = float(pipeline.won_amounts[won_kept].sum())
        runs = simulation.simulate_runs(pipeline.amounts[drawn], pipeline.chances[drawn], simulation.RUNS, simulation.SEED)
        return simulation.summarize(won + runs)["p50"]

    # the two moments' runs side by side (numpy draws them without the GIL), one BLAS thread each: the limit
    # is held here, in the calling thread (simulation.one_blas_thread says why)
    with simulation.one_blas_thread(), ThreadPoolExecutor(max_workers=2) as pool:
        start, end = pool.map(p50, pipelines)
    return start, end


def read_only(values: np.ndarray) -> np.ndarray:
    """The array, made read-only (shared by every filter and session: never to be changed)."""
    values.flags.writeable = False
    return values


def stage_defaults(conn: db.Connection) -> pd.DataFrame:
    """stage, default_probability, position, kind of every stage."""
    return db.query(conn, "SELECT stage, default_probability, position, kind FROM stages")


# --- at risk now ---------------------------------------------------------------------------------------


def risk_signals(conn: db.Connection, as_of: date) -> pd.DataFrame:
    """Warning signs as of `as_of` of every deal the at-risk list for the quarter holding it may hold, whatever
    the filters (open commit and best-case deals closing in that quarter): deal_id, customer_type, channel,
    product, region (the segment columns at_risk's rows lack), slips (times the expected close moved later),
    activities_last_7, activities_before (the 28 days before those 7). It depends on the dataset and the day
    alone: cache it per dataset."""
    start, end = quarter_of(as_of)
    params = {"as_of": as_of, "categories": list(AT_RISK_CATEGORIES), "period_start": start, "period_end": end}
    return db.query(conn, stage_history.sql(conn, "weekly_risk_signals"), params)


def at_risk(conn: db.Connection, f: Filters, signals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Commit and best-case deals open now (f.as_of) and expected to close in the quarter holding it, with a
    reason to worry.

    Reasons: stalled_in_stage / no_activity (salesdash.stalled, the one stalled definition), slipped_twice
    (the expected close moved later at least twice), went_quiet (at least two activities in the four weeks
    before the last seven days, none in those seven). Columns: as open_deal_health, plus customer_type, channel,
    product, region, slips, activities_last_7, activities_before, one bool column per reason, reasons (how
    many). Largest first.
    `signals` is risk_signals(conn, f.as_of) (counted here when not given).
    """
    health_sql = stage_history.sql(conn, "open_deal_health", f.as_of)
    sql = f.apply(db.sql_text("weekly_at_risk").replace("/*open_deal_health*/", health_sql))
    start, end = quarter_of(f.as_of)
    params = f.params() | {
        "as_of_end": stage_history.as_of_end(f.as_of),
        "inactive_days": INACTIVE_DAYS,
        "only_stalled": False,
        "categories": list(AT_RISK_CATEGORIES),
        "period_start": start,
        "period_end": end,
    }
    chosen = db.query(conn, sql, params)
    signals = risk_signals(conn, f.as_of) if signals is None else signals
    out = chosen.merge(signals, on="deal_id", how="left")
    for column in ("slips", "activities_last_7", "activities_before"):
        out[column] = out[column].fillna(0).astype("int64")
    out["stalled_in_stage"] = out["slow_in_stage"].astype(bool)
    out["no_activity"] = out["inactive"].astype(bool)
    out["slipped_twice"] = out["slips"] >= SLIPS_AT_RISK
    out["went_quiet"] = (out["activities_last_7"] == 0) & (out["activities_before"] >= QUIET_MIN_BEFORE)
    out["reasons"] = out[list(REASONS)].sum(axis=1).astype("int64")
    out = out[out["reasons"] > 0]
    return out.sort_values(["amount", "deal_id"], ascending=[False, True]).reset_index(drop=True)


def quarter_of(day: date) -> tuple[date, date]:
    """The calendar quarter holding `day`: first and last day (the filters' "this quarter" as of that day)."""
    return preset_range("this_quarter", day)


def risk_list(conn: db.Connection, as_of: date, signals: pd.DataFrame | None = None) -> pd.DataFrame:
    """at_risk as of `as_of` for every deal, with each deal's segment columns: a filter's list is the rows of
    it Filters.segment_mask keeps (every part of the rule is the deal's own or the whole dataset's). It depends
    on the dataset and the day alone: cache it per dataset, and treat it as read-only."""
    return at_risk(conn, Filters(date_from=as_of, date_to=as_of, as_of=as_of), signals)
