"""Stalled deals (DESIGN.md): open, older in the current stage than that stage's p75, or untouched for 14 days.

One definition for every page that shows them: Bottlenecks, Reps, Forecast (commit at risk), Weekly review.
"""

from __future__ import annotations

import pandas as pd

from salesdash import db, stage_history
from salesdash.filters import Filters

METRICS = ("stalled_deal",)
INACTIVE_DAYS = 14


def _health(conn: db.Connection, f: Filters, only_stalled: bool) -> pd.DataFrame:
    sql = f.apply(stage_history.sql(conn, "open_deal_health", f.as_of))
    params = f.params() | {
        "as_of_end": stage_history.as_of_end(f.as_of),
        "inactive_days": INACTIVE_DAYS,
        "only_stalled": only_stalled,
    }
    return db.query(conn, sql, params)


def open_deal_health(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """Every open deal (segment filters apply; as of f.as_of) with why it is or is not stalled.

    Columns: deal_id, name, account_name, rep_id, rep_name, team, stage, amount, forecast_category,
    expected_close, created_on, entered_stage_on, age_in_stage_days, stage_p75_days,
    last_activity_on, days_since_activity, slow_in_stage, inactive, stalled.
    age_in_stage_days is NaN without stage history; days_since_activity is NaN when the dataset
    tracks no activities (a deal never touched counts from its creation).
    """
    return _health(conn, f, only_stalled=False)


def stalled_deals(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """The stalled open deals, largest amount first (columns as open_deal_health).

    The rule runs in the query, so only the stalled deals travel to pandas.
    """
    return _health(conn, f, only_stalled=True)
