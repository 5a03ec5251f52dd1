"""Stalled deals (DESIGN.md): open, older in the current stage than that stage's p75, or untouched for 14 days.

One definition for every page that shows them: Bottlenecks, Reps, Forecast (commit at risk), Weekly review.
"""

from __future__ import annotations

import pandas as pd

from salesdash import db, stage_history
from salesdash.filters import Filters

METRICS = ("stalled_deal",)
INACTIVE_DAYS = 14


def open_deal_health(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """Every open deal (segment filters apply; as of f.as_of) with why it is or is not stalled.

    Columns: deal_id, name, account_name, rep_id, rep_name, team, stage, amount, forecast_category,
    expected_close, created_on, entered_stage_on, age_in_stage_days, stage_p75_days,
    last_activity_on, days_since_activity, slow_in_stage, inactive, stalled.
    age_in_stage_days is NaN without stage history; days_since_activity is NaN when the dataset
    tracks no activities (a deal never touched counts from its creation).
    """
    sql = f.apply(stage_history.sql(conn, "open_deal_health", f.as_of))
    out = db.query(conn, sql, f.params() | {"as_of_end": stage_history.as_of_end(f.as_of)})
    age = out["age_in_stage_days"].astype("Float64")
    norm = out["stage_p75_days"].astype("Float64")
    idle = out["days_since_activity"].astype("Float64")
    out["slow_in_stage"] = (age > norm).fillna(False).astype(bool)
    out["inactive"] = (idle > INACTIVE_DAYS).fillna(False).astype(bool)
    out["stalled"] = out["slow_in_stage"] | out["inactive"]
    return out


def stalled_deals(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """The stalled open deals, largest amount first (columns as open_deal_health)."""
    health = open_deal_health(conn, f)
    stalled = health[health["stalled"]]
    return stalled.sort_values(["amount", "deal_id"], ascending=[False, True]).reset_index(drop=True)
