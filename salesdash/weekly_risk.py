"""Deal health for the weekly review: stalled deals at the week's start and end, the expected value of
the period's pipeline, and the commit / best-case deals at risk now.

Stalled means what salesdash.stalled means (one definition): here it is evaluated at a past moment,
from the stage a deal was in then, that stage's norm as known then, and its last activity by then.
tests/test_weekly_demo.py checks that at the as-of date this gives exactly stalled.open_deal_health's set.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd

from salesdash import db, probability
from salesdash.filters import Filters, add_months, quarter_start
from salesdash.stalled import INACTIVE_DAYS, open_deal_health

METRICS = ("weekly_stalled", "weekly_expected_won", "at_risk")

AT_RISK_CATEGORIES = ("commit", "best_case")
SLIPS_AT_RISK = 2  # "slipped twice": the expected close date moved later at least this often
QUIET_MIN_BEFORE = 2  # went quiet: at least this many activities in the 4 weeks before the last 7 days, none since
REASONS = ("stalled_in_stage", "no_activity", "slipped_twice", "went_quiet")


def stalled_flags(conn: db.Connection, flow: pd.DataFrame, week_start: date) -> pd.DataFrame:
    """Whether each deal of `flow` was stalled at the week's start and at its end.

    `flow` is weekly.flow's frame (deal_id, stage_0, stage_1, in_start, in_end …). Columns: deal_id,
    stalled_start, stalled_end (False for a deal not in the period's pipeline at that moment).
    """
    chosen = flow.loc[flow["in_start"] | flow["in_end"], ["deal_id", "stage_0", "stage_1", "in_start", "in_end"]]
    if chosen.empty:
        return pd.DataFrame({"deal_id": pd.Series(dtype="str"), "stalled_start": False, "stalled_end": False})
    next_start = week_start + timedelta(days=7)
    params = {
        "deal_ids": chosen["deal_id"].astype(str).tolist(),
        "week_start": week_start,
        "next_start": next_start,
        "start_day": week_start - timedelta(days=1),
        "end_day": next_start - timedelta(days=1),
    }
    inputs = chosen.merge(db.query(conn, db.sql_text("weekly_stalled"), params), on="deal_id", how="left")
    out = pd.DataFrame({"deal_id": inputs["deal_id"]})
    for moment, state in (("start", "stage_0"), ("end", "stage_1")):
        # the age counts only when the last stage change entered the stage the deal was in (as open_deal_health)
        same_stage = inputs[f"entered_stage_{moment}"] == inputs[state]
        age = inputs[f"age_{moment}"].astype("Float64").where(same_stage)
        slow = (age > inputs[f"norm_{moment}"].astype("Float64")).fillna(False)
        idle = (inputs[f"idle_{moment}"].astype("Float64") > INACTIVE_DAYS).fillna(False)
        in_pipeline = inputs["in_start" if moment == "start" else "in_end"]
        out[f"stalled_{moment}"] = ((slow | idle) & in_pipeline).astype(bool)
    return out


def stage_probabilities(conn: db.Connection, f: Filters, learned_as_of: date) -> pd.DataFrame:
    """Learned p per stage and segment as of a day, with each stage's default (the weighted pipeline's rule)."""
    probs = probability.stage_win_probabilities(conn, replace(f, as_of=learned_as_of))
    return probs[["stage", *probability.SEGMENT, "probability"]]


def expected_won(flow: pd.DataFrame, probs: pd.DataFrame, defaults: pd.DataFrame) -> tuple[float, float]:
    """Σ amount × p over the period's open pipeline at the week's start and at its end.

    p is the learned stage win probability of the deal's stage and segment at that moment (the weighted
    pipeline's rule: the stage default when the segment has no learned value, 0 for an unknown stage),
    learned once as of the week's end so the change shows what the pipeline did, not what was learned.
    This stands in for the forecast's P50 until the Forecast page's simulation can be asked for a week.
    """
    totals = []
    for stage, amount, inside in (("stage_0", "amount_0", "in_start"), ("stage_1", "amount_1", "in_end")):
        deals = flow.loc[flow[inside], [stage, *probability.SEGMENT, amount]].rename(columns={stage: "stage"})
        merged = deals.merge(probs, on=["stage", *probability.SEGMENT], how="left").merge(
            defaults, on="stage", how="left"
        )
        p = merged["probability"].fillna(merged["default_probability"]).fillna(0.0)
        totals.append(float((merged[amount].fillna(0.0) * p).sum()))
    return totals[0], totals[1]


def stage_defaults(conn: db.Connection) -> pd.DataFrame:
    """stage, default_probability, position, kind of every stage."""
    return db.query(conn, "SELECT stage, default_probability, position, kind FROM stages")


def at_risk(conn: db.Connection, f: Filters, period: tuple[date, date]) -> pd.DataFrame:
    """Commit and best-case deals open now (f.as_of) and expected to close in `period`, with a reason to worry.

    Reasons: stalled_in_stage / no_activity (salesdash.stalled, the one stalled definition), slipped_twice
    (the expected close moved later at least twice), went_quiet (at least two activities in the four weeks
    before the last seven days, none in those seven). Columns: as open_deal_health, plus slips,
    activities_last_7, activities_before, one bool column per reason, reasons (how many). Largest first.
    """
    health = open_deal_health(conn, f)
    start, end = period
    # compared as timestamps: .dt.date of a column with no date at all (an upload) stays datetime64
    closing = pd.to_datetime(health["expected_close"])
    in_period = closing.between(pd.Timestamp(start), pd.Timestamp(end))
    chosen = health[health["forecast_category"].isin(AT_RISK_CATEGORIES) & in_period].reset_index(
        drop=True
    )
    if chosen.empty:
        return chosen.assign(
            **{c: pd.Series(dtype="int64") for c in ("slips", "activities_last_7", "activities_before")},
            **{r: pd.Series(dtype="bool") for r in REASONS},
            reasons=pd.Series(dtype="int64"),
        )
    params = {"deal_ids": chosen["deal_id"].astype(str).tolist(), "as_of": f.as_of}
    signals = db.query(conn, db.sql_text("weekly_risk_signals"), params)
    out = chosen.merge(signals, on="deal_id", how="left")
    out["stalled_in_stage"] = out["slow_in_stage"]
    out["no_activity"] = out["inactive"]
    out["slipped_twice"] = out["slips"] >= SLIPS_AT_RISK
    out["went_quiet"] = (out["activities_last_7"] == 0) & (out["activities_before"] >= QUIET_MIN_BEFORE)
    out["reasons"] = out[list(REASONS)].sum(axis=1).astype("int64")
    out = out[out["reasons"] > 0]
    return out.sort_values(["amount", "deal_id"], ascending=[False, True]).reset_index(drop=True)


def this_quarter(f: Filters) -> tuple[date, date]:
    """The calendar quarter holding the as-of day: the period at risk is judged for."""
    start = quarter_start(f.as_of)
    return start, add_months(start, 3) - timedelta(days=1)


def at_risk_now(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """at_risk for the quarter holding f.as_of (it does not depend on the week, so it caches apart)."""
    return at_risk(conn, f, this_quarter(f))
