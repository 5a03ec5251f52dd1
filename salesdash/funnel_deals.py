"""The funnel's other views: the snapshot of open deals per stage, where and why deals were lost, and
the list of deals behind a stage (the drill-down a manager downloads)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pandas as pd

from salesdash import db, stage_history
from salesdash.filters import Filters

METRICS = ("snapshot_stage", "lost_at_stage")

VIEWS = ("cohort", "snapshot")


def _end_ts(f: Filters) -> datetime:
    """The first moment after the period: a move made on its last day counts as made by the end."""
    return datetime.combine(f.effective_to + timedelta(days=1), time())


def snapshot_by_stage(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """Deals open at the end of the period, by the stage they were in then (not a cohort).

    Columns: stage, position, deals, value, share_of_deals, share_of_value (of all open deals).
    """
    sql = f.apply(stage_history.sql(conn, "funnel_snapshot"))
    out = db.query(conn, sql, f.params() | {"end_ts": _end_ts(f)})
    total_deals, total_value = float(out["deals"].sum()), float(out["value"].sum())
    out["share_of_deals"] = out["deals"] / total_deals if total_deals else float("nan")
    out["share_of_value"] = out["value"] / total_value if total_value else float("nan")
    return out


def lost_by_stage(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """Deals lost in the period by stage at loss and reason.

    Columns: stage and position (None / NaN when the source does not say where it was lost), lost_reason
    (None when not given), deals, value, stage_deals / stage_value (totals of the stage), share_of_value
    (of all lost value).
    """
    out = db.query(conn, f.apply(stage_history.sql(conn, "funnel_lost")), f.params())
    for col in ("stage", "lost_reason"):
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    by_stage = out.groupby("stage", sort=False, dropna=False)
    out["stage_deals"] = by_stage["deals"].transform("sum")
    out["stage_value"] = by_stage["value"].transform("sum")
    total = float(out["value"].sum())
    out["share_of_value"] = out["value"] / total if total else float("nan")
    return out


def headcount(table: pd.DataFrame) -> int:
    """Deals in a funnel table: the first stage's reached (cohort) or all open deals (snapshot)."""
    if "reached" in table:
        return int(table["reached"].iloc[0]) if len(table) else 0
    return int(table["deals"].sum())


def total_value(deals: pd.DataFrame) -> float:
    """Σ amount of a deal list (amounts not given count 0)."""
    return float(deals["amount"].fillna(0).sum())


def stage_deals(conn: db.Connection, f: Filters, stage: str, view: str = "cohort") -> pd.DataFrame:
    """The deals behind one stage of the funnel, largest first.

    view "cohort": deals created in the period that reached `stage`; view "snapshot": deals open at the
    end of the period that were in `stage` then. Columns: deal_id, name, account_name, owner, team,
    customer_type, channel, product, amount, created_on, stage (current), status, furthest_stage,
    expected_close, closed_on, lost_reason.
    """
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    rows = db.query_rows(conn, "SELECT position FROM stages WHERE stage = ?", [stage])
    if not rows:
        return db.query(conn, f.apply(stage_history.sql(conn, "funnel_stage_deals")),
                        f.params() | {"view": "none", "position": -1, "end_ts": _end_ts(f)})  # fmt: skip
    params = f.params() | {"view": view, "position": int(rows[0][0]), "end_ts": _end_ts(f)}
    return db.query(conn, f.apply(stage_history.sql(conn, "funnel_stage_deals")), params)
