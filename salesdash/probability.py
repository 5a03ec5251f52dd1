"""Learned win probabilities and the weighted pipeline (DESIGN.md "Weighted pipeline").

p(stage, segment) = of the deals closed by the as-of date that reached the stage, the share that won,
per segment (customer type x channel) when that segment has at least 30 such closed deals; else the
stage's default_probability. Won counts 1, lost 0. The naive weighting uses default_probability only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from salesdash import db, stage_history
from salesdash.filters import Filters

METRICS = ("stage_win_probability", "weighted_pipeline")
MIN_CLOSED = 30
SEGMENT = ["customer_type", "channel"]


def stage_win_probabilities(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """Columns: stage, position, customer_type, channel, closed, won, empirical, default_probability,
    probability (the one used), source ('learned' or 'default'). Only f.as_of matters: the whole
    history up to it is the evidence, whatever the segment filters."""
    return learned_probabilities(conn, f.as_of).drop(columns=["as_of"])


def learned_probabilities(conn: db.Connection, as_of: date) -> pd.DataFrame:
    """stage_win_probabilities as of one day, with its as_of column. It depends on the dataset and the
    day only (the whole closed history is the evidence), so a page computes it once per dataset and
    hands it to every filter's query (reps.performance)."""
    return stage_win_probabilities_on(conn, [as_of])


def stage_win_probabilities_on(conn: db.Connection, days: Sequence[date]) -> pd.DataFrame:
    """stage_win_probabilities as of each of several days, in one pass (the forecast backtest asks for one
    per past period). Columns: as_of and those of stage_win_probabilities."""
    out = db.query(conn, stage_history.sql(conn, "stage_win_rates"), {"as_of_days": list(days)})
    out["as_of"] = pd.to_datetime(out["as_of"]).dt.date
    out["empirical"] = out["won"] / out["closed"].where(out["closed"] > 0)
    learned = out["closed"] >= MIN_CLOSED
    out["probability"] = np.where(learned, out["empirical"], out["default_probability"])
    out["source"] = np.where(learned, "learned", "default")
    return out


def weighted_pipeline(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """Every open deal of the filtered segment with its learned and naive weights.

    Columns: deal_id, name, account_name, rep_id, rep_name, team, customer_type, channel, product,
    stage, position, amount, expected_close, forecast_category, created_on, default_probability,
    p_learned, source, weighted_learned (amount x p_learned), weighted_default (amount x default).
    A deal in a stage the stages table does not know gets p = 0 and source 'unknown_stage'.
    """
    deals = db.query(conn, f.apply(db.sql_text("open_pipeline")), f.params())
    return apply_probabilities(deals, stage_win_probabilities(conn, f))


def apply_probabilities(deals: pd.DataFrame, probabilities: pd.DataFrame) -> pd.DataFrame:
    """Weigh open deals (columns stage, customer_type, channel, amount, default_probability, …) with
    `stage_win_probabilities` output; adds p_learned, source, weighted_learned, weighted_default.

    The one place the weighting rule lives: weighted_pipeline uses it on today's pipeline, the
    forecast backtest on a pipeline rebuilt as it stood on a past day (with probabilities learned
    only from deals closed before that day).
    """
    probs = probabilities[["stage", *SEGMENT, "probability", "source"]]
    merged = deals.merge(probs, on=["stage", *SEGMENT], how="left")
    # a segment with no closed history at all has no row: it falls back to the stage default
    no_row = merged["probability"].isna()
    merged["p_learned"] = merged["probability"].where(~no_row, merged["default_probability"])
    merged["source"] = merged["source"].where(~no_row, "default")
    unknown = merged["default_probability"].isna() & merged["p_learned"].isna()
    merged.loc[unknown, "source"] = "unknown_stage"
    merged["p_learned"] = merged["p_learned"].fillna(0.0)
    amount = merged["amount"].fillna(0.0)
    merged["weighted_learned"] = amount * merged["p_learned"]
    merged["weighted_default"] = amount * merged["default_probability"].fillna(0.0)
    return merged.drop(columns=["probability"])


def sql_params(probabilities: pd.DataFrame) -> dict[str, list[Any]]:
    """`stage_win_probabilities` output as bound list parameters, for a query that weighs deals itself
    instead of bringing them to pandas (reps_board.sql: Σ amount × p per rep over a few dozen rows of
    probabilities). $learned_stage, $learned_customer_type, $learned_channel and $learned_probability are
    parallel lists; a missing value travels as NULL (never NaN, which SQL would compare and multiply).

    The query applies apply_probabilities' rule: p = the learned row matching the deal's stage, customer
    type and channel (a blank segment value matches a blank one, as a pandas merge does), else the stage's
    default_probability, else 0; a blank amount weighs 0. tests/test_probability.py holds the two to the same
    numbers.
    """

    def values(column: str) -> list[Any]:
        return [None if pd.isna(v) else v for v in probabilities[column].tolist()]

    return {
        "learned_stage": values("stage"),
        "learned_customer_type": values("customer_type"),
        "learned_channel": values("channel"),
        "learned_probability": values("probability"),
    }
