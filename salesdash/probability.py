"""Learned win probabilities and the weighted pipeline (DESIGN.md "Weighted pipeline").

p(stage, segment) = of the deals closed by the as-of date that reached the stage, the share that won,
per segment (customer type x channel) when that segment has at least 30 such closed deals; else the
stage's default_probability. Won counts 1, lost 0. The naive weighting uses default_probability only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesdash import db
from salesdash.filters import Filters

METRICS = ("stage_win_probability", "weighted_pipeline")
MIN_CLOSED = 30
SEGMENT = ["customer_type", "channel"]


def stage_win_probabilities(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """Columns: stage, position, customer_type, channel, closed, won, empirical, default_probability,
    probability (the one used), source ('learned' or 'default'). Only f.as_of matters: the whole
    history up to it is the evidence, whatever the segment filters."""
    out = db.query(conn, db.sql_text("stage_win_rates"), {"as_of": f.as_of})
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
    probs = stage_win_probabilities(conn, f)[["stage", *SEGMENT, "probability", "source"]]
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
