"""Funnel: how far the deals created in a period got, stage by stage (DESIGN.md "Reached stage")."""

from __future__ import annotations

import pandas as pd

from salesdash import db
from salesdash.filters import Filters

METRICS = ("stage_reached", "stage_conversion")


def reached_by_stage(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """The cohort funnel of deals created in the period.

    Columns: stage, position, kind, target_conversion, reached, reached_value,
    pct_of_previous (reached ÷ reached at the stage before; NaN for the first),
    pct_of_first (reached ÷ reached at the first stage).
    """
    out = db.query(conn, f.apply(db.sql_text("funnel_reached")), f.params())
    reached = out["reached"].astype(float)
    first = reached.iloc[0] if len(reached) else 0.0
    out["pct_of_previous"] = reached / reached.shift(1).where(reached.shift(1) > 0)
    out["pct_of_first"] = reached / first if first else float("nan")
    return out
