"""Funnel: how far the deals created in a period got, stage by stage, against each stage's target.

The cohort is DESIGN.md's: deals created in the period; a deal reached stage s when its furthest stage
is at or past s (skipped stages count as passed, won deals passed all). Conversion s→next = reached(next)
÷ reached(s). The same cohort is split by a dimension (segment comparison) or by creation month or
quarter (conversion trend). Snapshot, lost deals and the drill-down list live in `funnel_deals`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import numpy as np
import pandas as pd

from salesdash import db, stage_history
from salesdash.filters import Filters, add_months, quarter_start

METRICS = ("stage_reached", "stage_conversion", "segment_funnel", "conversion_trend")

# Dimensions a manager can compare the funnel across -> the column of deal_stage_summary (fixed text).
SEGMENT_DIMENSIONS: dict[str, str] = {
    "customer_type": "d.customer_type",
    "channel": "d.channel",
    "team": "d.team",
    "product": "d.product",
    "lead_source": "d.lead_source",
}
GRAINS: dict[str, str] = {
    "month": "date_trunc('month', d.created_on)",
    "quarter": "date_trunc('quarter', d.created_on)",
}
OTHER = "\x00other"  # the segment that gathers the smaller values beyond the top ones
NONE = "\x00none"  # deals without a value for the dimension (None in the output)
SMALL_SAMPLE = 30

Targets = tuple[tuple[str, float | None], ...]


def funnel_stages(conn: db.Connection) -> pd.DataFrame:
    """The open stages and the won stage in process order: stage, position, kind, target_conversion."""
    return db.query(
        conn,
        "SELECT stage, position, kind, target_conversion FROM stages WHERE kind IN ('open', 'won') ORDER BY position",
    )


def all_stages(conn: db.Connection) -> pd.DataFrame:
    """Every stage, won and lost included, in process order: stage, position, kind."""
    return db.query(conn, "SELECT stage, position, kind FROM stages ORDER BY position")


def _cohort(conn: db.Connection, f: Filters, group_sql: str, cohort_from: date) -> pd.DataFrame:
    sql = f.apply(stage_history.sql(conn, "funnel_cohort")).replace("/*group*/", group_sql)
    return db.query(conn, sql, f.params() | {"cohort_from": cohort_from})


def _reached(groups: pd.DataFrame, stages: pd.DataFrame) -> pd.DataFrame:
    """Per group and stage: reached (furthest >= position), reached_value, still_open, the two shares."""
    rows = []
    for grp, part in groups.groupby("grp", dropna=False, sort=False):
        pos = part["position"].to_numpy()
        for s in stages.itertuples(index=False):
            past = pos >= s.position
            rows.append(
                {
                    "grp": grp,
                    "stage": s.stage,
                    "position": s.position,
                    "kind": s.kind,
                    "target_conversion": s.target_conversion,
                    "reached": int(part["deals"].to_numpy()[past].sum()),
                    "reached_value": float(part["value"].to_numpy()[past].sum()),
                    "still_open": int(part["open_deals"].to_numpy()[pos == s.position].sum()),
                }
            )
    out = pd.DataFrame(
        rows,
        columns=["grp", "stage", "position", "kind", "target_conversion", "reached", "reached_value", "still_open"],
    )
    reached = out["reached"].astype(float)
    before = out.groupby("grp", dropna=False, sort=False)["reached"].shift(1).astype(float)
    first = out.groupby("grp", dropna=False, sort=False)["reached"].transform("first").astype(float)
    out["pct_of_previous"] = reached / before.where(before > 0)
    out["pct_of_first"] = reached / first.where(first > 0)
    return out


def reached_by_stage(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """The cohort funnel of deals created in the period.

    Columns: stage, position, kind, target_conversion, reached, reached_value, still_open (cohort deals
    still open whose furthest stage is this one), pct_of_previous (reached ÷ reached at the stage before;
    NaN for the first), pct_of_first (reached ÷ reached at the first stage).
    """
    stages = funnel_stages(conn)
    groups = _cohort(conn, f, "NULL", f.date_from)
    if groups.empty:  # keep one row per stage, at zero, so callers can always index by stage
        groups = pd.DataFrame({"grp": [None], "position": [0], "deals": [0], "value": [0.0], "open_deals": [0]})
    return _reached(groups, stages).drop(columns="grp").reset_index(drop=True)


def _conversion(reached: pd.DataFrame, targets: Mapping[str, float | None] | None) -> pd.DataFrame:
    """Stage-to-stage conversion from one funnel (rows in stage order, all of one group)."""
    nxt = reached.shift(-1)
    out = pd.DataFrame(
        {
            "stage": reached["stage"],
            "next_stage": nxt["stage"],
            "position": reached["position"],
            "reached": reached["reached"],
            "converted": nxt["reached"],
            "reached_value": reached["reached_value"],
            "converted_value": nxt["reached_value"],
            "still_open": reached["still_open"],
        }
    )
    out = out[reached["kind"].to_numpy() == "open"].dropna(subset=["next_stage"]).copy()
    out["converted"] = out["converted"].astype(int)
    out["conversion"] = out["converted"] / out["reached"].where(out["reached"] > 0)
    out["value_conversion"] = out["converted_value"] / out["reached_value"].where(out["reached_value"] > 0)
    defaults = dict(zip(reached["stage"], reached["target_conversion"], strict=True))
    chosen = {**defaults, **(dict(targets) if targets else {})}
    out["target"] = [_num(chosen.get(s)) for s in out["stage"]]
    out["gap"] = out["conversion"] - out["target"]
    out["below_target"] = (out["gap"] < 0).fillna(False).astype(bool)
    out["small_sample"] = out["reached"] < SMALL_SAMPLE
    return out.reset_index(drop=True)


def stage_conversion(conn: db.Connection, f: Filters, targets: Targets | None = None) -> pd.DataFrame:
    """Each open stage's conversion to the next for the period's cohort, against its target.

    `targets` (stage -> share 0..1) overrides `stages.target_conversion` for the stages it names.
    Columns: stage, next_stage, position, reached, converted (reached the next stage), reached_value,
    converted_value, still_open, conversion, value_conversion, target, gap (conversion − target),
    below_target, small_sample (reached < 30).
    """
    return _conversion(reached_by_stage(conn, f), dict(targets) if targets else None)


def segment_funnel(conn: db.Connection, f: Filters, dimension: str, top: int = 6) -> pd.DataFrame:
    """The cohort funnel side by side for the values of one dimension (SEGMENT_DIMENSIONS).

    The `top` largest values (by cohort size) keep their own funnel; the rest are summed into OTHER.
    Columns: segment (None when the deal has no value), stage, position, kind, reached, reached_value,
    pct_of_previous, pct_of_first, cohort (deals in the segment's cohort).
    """
    if dimension not in SEGMENT_DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    groups = _cohort(conn, f, SEGMENT_DIMENSIONS[dimension], f.date_from)
    if groups.empty:
        return pd.DataFrame(columns=["segment", "stage", "position", "kind", "reached", "reached_value",
                                     "pct_of_previous", "pct_of_first", "cohort"])  # fmt: skip
    groups = groups.assign(grp=groups["grp"].astype(object).where(groups["grp"].notna(), NONE).astype(str))
    sizes = groups.groupby("grp")["deals"].sum().sort_values(ascending=False, kind="stable")
    keep = list(sizes.index[:top])
    if len(sizes) > top:
        groups = groups.assign(grp=groups["grp"].where(groups["grp"].isin(keep), OTHER))
        groups = groups.groupby(["grp", "position"], as_index=False)[["deals", "value", "open_deals"]].sum()
        keep.append(OTHER)
    out = _reached(groups, funnel_stages(conn)).rename(columns={"grp": "segment"})
    out["cohort"] = out.groupby("segment")["reached"].transform("first")
    out["_order"] = out["segment"].map({g: i for i, g in enumerate(keep)})
    out = out.sort_values(["_order", "position"], kind="stable").drop(columns=["_order", "target_conversion", "still_open"])
    out["segment"] = out["segment"].astype(object).where(out["segment"] != NONE, None)
    return out.reset_index(drop=True)


def segment_steps(seg: pd.DataFrame, conversion: pd.DataFrame) -> pd.DataFrame:
    """`segment_funnel` rows as stage steps, each with the target from `stage_conversion`.

    Columns: segment, stage, next_stage, reached, converted, conversion, target, gap.
    """
    targets = conversion.set_index("stage")["target"]
    out = seg[["segment", "stage", "kind", "reached"]].copy()
    by_segment = out.groupby(out["segment"].astype(str), sort=False)
    out["next_stage"] = by_segment["stage"].shift(-1)
    out["converted"] = by_segment["reached"].shift(-1)
    out = out[(out["kind"] == "open") & out["next_stage"].notna()].drop(columns="kind")
    out["converted"] = out["converted"].astype(int)
    out["conversion"] = out["converted"] / out["reached"].where(out["reached"] > 0)
    out["target"] = out["stage"].map(targets).astype(float)
    out["gap"] = out["conversion"] - out["target"]
    return out.reset_index(drop=True)


def open_share(reached: pd.DataFrame) -> float:
    """Share of the period's cohort still open (from `reached_by_stage`): how young the cohort is."""
    total = float(reached["reached"].iloc[0]) if len(reached) else 0.0
    return float(reached["still_open"].sum()) / total if total else float("nan")


def trend_start(f: Filters, grain: str) -> date:
    """The first cohort the trend shows: 12 months or 8 quarters up to the period's end, or the period's start if earlier."""
    end = f.effective_to
    if grain == "quarter":
        start = add_months(quarter_start(end), -21)
        return min(start, quarter_start(f.date_from))
    start = add_months(end, -11)
    return min(start, date(f.date_from.year, f.date_from.month, 1))


def conversion_trend(conn: db.Connection, f: Filters, grain: str = "month", targets: Targets | None = None) -> pd.DataFrame:
    """Stage-to-stage conversion of each month's (or quarter's) cohort of new deals.

    Columns: period (first day), stage, next_stage, position, reached, converted, conversion, target,
    cohort (deals created in the period), open_share (share of them still open: a young cohort's later
    stages will still rise), in_period (the period overlaps the selected dates), small_sample.
    """
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}")
    start = trend_start(f, grain)
    groups = _cohort(conn, f, GRAINS[grain], start)
    periods = _periods(start, f.effective_to, grain)
    stages = funnel_stages(conn)
    frames = []
    for period in periods:
        part = groups[pd.to_datetime(groups["grp"]).dt.date == period] if not groups.empty else groups
        if part.empty:
            part = pd.DataFrame({"grp": [period], "position": [0], "deals": [0], "value": [0.0], "open_deals": [0]})
        reached = _reached(part, stages)
        conv = _conversion(reached, dict(targets) if targets else None)
        cohort = int(reached["reached"].iloc[0]) if len(reached) else 0
        conv.insert(0, "period", period)
        conv["cohort"] = cohort
        conv["open_share"] = float(part["open_deals"].sum()) / cohort if cohort else np.nan
        conv["in_period"] = _period_end(period, grain) >= f.date_from
        frames.append(conv)
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    return out[["period", "stage", "next_stage", "position", "reached", "converted", "conversion", "target",
                "cohort", "open_share", "in_period", "small_sample"]]  # fmt: skip


def _periods(start: date, end: date, grain: str) -> list[date]:
    step = 3 if grain == "quarter" else 1
    out, current = [], start
    while current <= end:
        out.append(current)
        current = add_months(current, step)
    return out


def _period_end(start: date, grain: str) -> date:
    return add_months(start, 3 if grain == "quarter" else 1) - timedelta(days=1)


def _num(value: object) -> float:
    if value is None or value is pd.NA:
        return float("nan")
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")
