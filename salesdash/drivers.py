"""Breakdown and drivers of a period's forecast: by team, rep, customer type and channel, and the deals
that decide the outcome — the largest weighted contributions and the commit deals at risk.

Everything here reads an `forecast.Outlook` (no query of its own), so a click between breakdowns costs
nothing but pandas on the period's deals.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from salesdash.forecast import CATEGORIES, Outlook

METRICS = ("commit_at_risk",)

BREAKDOWNS = ("team", "rep_id", "customer_type", "channel")
TOP_DRIVERS = 15


def breakdown(view: Outlook, by: str) -> pd.DataFrame:
    """The period's forecast per team, rep, customer type or channel (by = a BREAKDOWNS column).

    Columns: group, label, won, commit, best_case, pipeline (each category's open value), weighted_naive,
    weighted_learned (won + weighted open value: expected values, which add up to the total), quota and
    gap (quota − weighted_learned; team and rep only, NaN otherwise), deals (open deals in the period).
    """
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}")
    deals, won = view.deals, view.won
    key = by
    open_by = deals.assign(_amount=deals["amount"].fillna(0.0))
    parts = [
        won.groupby(key, dropna=False)["won_value"].sum().rename("won"),
        *(
            open_by[open_by["forecast_category"] == c].groupby(key, dropna=False)["_amount"].sum().rename(c)
            for c in CATEGORIES
        ),
        open_by.groupby(key, dropna=False)["weighted_default"].sum().rename("open_naive"),
        open_by.groupby(key, dropna=False)["weighted_learned"].sum().rename("open_learned"),
        open_by.groupby(key, dropna=False)["deal_id"].count().rename("deals"),
    ]
    out = pd.concat(parts, axis=1).fillna(0.0)
    out["weighted_naive"] = out["won"] + out.pop("open_naive")
    out["weighted_learned"] = out["won"] + out.pop("open_learned")
    if by in ("team", "rep_id") and len(view.quota):
        quota = view.quota.groupby(by, dropna=False)["quota"].sum()
        out = out.join(quota, how="outer")
        out[[c for c in out.columns if c != "quota"]] = out[[c for c in out.columns if c != "quota"]].fillna(0.0)
        out["gap"] = out["quota"] - out["weighted_learned"]
    else:
        out["quota"] = math.nan
        out["gap"] = math.nan
    out = out.reset_index(names="group")
    out["label"] = out["group"]
    if by == "rep_id":
        names = _rep_names(view)
        out["label"] = out["group"].map(lambda r: names.get(r, r))
    columns = ["group", "label", "won", *CATEGORIES, "weighted_naive", "weighted_learned", "quota", "gap", "deals"]
    return out[columns].sort_values("weighted_learned", ascending=False, kind="stable").reset_index(drop=True)


def _rep_names(view: Outlook) -> dict[Any, Any]:
    names: dict[Any, Any] = {}
    for frame in (view.quota, view.won, view.deals):
        if len(frame):
            names.update(dict(zip(frame["rep_id"], frame["rep_name"], strict=False)))
    return names


DRIVER_COLUMNS = [
    "deal_id", "name", "account_name", "rep_name", "team", "stage", "forecast_category", "amount",
    "p_learned", "weighted_learned", "expected_close", "first_expected_close", "pushes",
    "age_in_stage_days", "days_since_activity", "slow_in_stage", "stalled", "slipped", "inactive",
]  # fmt: skip


def largest_contributions(view: Outlook, limit: int = TOP_DRIVERS) -> pd.DataFrame:
    """The open deals that carry the most weighted value (amount x learned probability), largest first."""
    deals = view.deals.sort_values(["weighted_learned", "deal_id"], ascending=[False, True], kind="stable")
    out = deals.head(limit)[DRIVER_COLUMNS].reset_index(drop=True)
    total = float(view.deals["weighted_learned"].sum())
    out["share"] = out["weighted_learned"] / total if total > 0 else math.nan
    return out


def commit_at_risk(view: Outlook) -> pd.DataFrame:
    """Commit deals of the period that are stalled (salesdash.stalled), slipped (first promised for an earlier
    period, or the close date has passed) or without recent activity. Columns: DRIVER_COLUMNS and risks (how
    many of: slow in stage, slipped, idle); most risks first, then largest."""
    deals = view.deals.assign(
        risks=view.deals[["slow_in_stage", "slipped", "inactive"]].sum(axis=1).astype(int)
    )
    risky = (deals["forecast_category"] == "commit") & (deals["stalled"] | deals["slipped"] | deals["inactive"])
    out = deals[risky].sort_values(["risks", "amount", "deal_id"], ascending=[False, False, True], kind="stable")
    return out[[*DRIVER_COLUMNS, "risks"]].reset_index(drop=True)
