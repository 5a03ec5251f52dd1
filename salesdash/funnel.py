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
# A stage's conversion is settled when at most this share of the cohort deals that reached it still sit
# there, open: before that, a young cohort's shortfall says more about its age than about the stage.
SETTLED = 0.2

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


def _cohort(
    conn: db.Connection, f: Filters, group_sql: str, cohort_from: date, params: Mapping[str, object] | None = None
) -> pd.DataFrame:
    sql = f.apply(stage_history.sql(conn, "funnel_cohort")).replace("/*group*/", group_sql)
    return db.query(conn, sql, f.params() | {"cohort_from": cohort_from} | dict(params or {}))


def _reached(groups: pd.DataFrame, stages: pd.DataFrame, keys: list[object] | None = None) -> pd.DataFrame:
    """Per group and stage: reached (furthest >= position), reached_value, still_open, the two shares,
    the next stage's reached (converted, converted_value), and the group's cohort (deals at the first
    stage) and cohort_open (of them still open) — all groups at once, in numpy.

    `groups` has grp, position, deals, value, open_deals; `keys` (default: the groups in order of first
    appearance) lists the groups to return, so a group without deals gets a row of zeros.
    """
    grp = groups["grp"].astype(object).where(groups["grp"].notna(), None).tolist()
    if keys is None:
        keys = list(dict.fromkeys(grp))
    index = {k: i for i, k in enumerate(keys)}
    codes = np.array([index.get(g, -1) for g in grp], dtype=np.int64)
    keep = codes >= 0
    # a position the stage list cannot give (no won stage, say) reaches no stage
    pos = groups["position"].fillna(0).to_numpy(dtype=np.int64)[keep]
    stage_pos = stages["position"].to_numpy(dtype=np.int64)
    n_groups, n_stages = len(keys), len(stage_pos)
    past = pos[:, None] >= stage_pos[None, :]
    here = pos[:, None] == stage_pos[None, :]
    reached = np.zeros((n_groups, n_stages))
    value = np.zeros((n_groups, n_stages))
    still_open = np.zeros((n_groups, n_stages))
    np.add.at(reached, codes[keep], past * groups["deals"].to_numpy(dtype=float)[keep, None])
    np.add.at(value, codes[keep], past * groups["value"].to_numpy(dtype=float)[keep, None])
    np.add.at(still_open, codes[keep], here * groups["open_deals"].to_numpy(dtype=float)[keep, None])
    nan_col = np.full((n_groups, 1), np.nan)
    before = np.hstack([nan_col, reached[:, :-1]])
    first = reached[:, :1]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct_of_previous = np.where(before > 0, reached / np.where(before > 0, before, 1), np.nan)
        pct_of_first = np.where(first > 0, reached / np.where(first > 0, first, 1), np.nan)
    key_array = np.empty(n_groups, dtype=object)
    key_array[:] = keys
    next_stage = np.array([*stages["stage"].tolist()[1:], None], dtype=object)
    return pd.DataFrame(
        {
            "grp": np.repeat(key_array, n_stages),
            "stage": np.tile(stages["stage"].to_numpy(dtype=object), n_groups),
            "position": np.tile(stage_pos, n_groups),
            "kind": np.tile(stages["kind"].to_numpy(dtype=object), n_groups),
            "target_conversion": np.tile(stages["target_conversion"].to_numpy(dtype=float), n_groups),
            "reached": reached.ravel().astype(np.int64),
            "reached_value": value.ravel(),
            "still_open": still_open.ravel().astype(np.int64),
            "pct_of_previous": pct_of_previous.ravel(),
            "pct_of_first": pct_of_first.ravel(),
            "next_stage": np.tile(next_stage, n_groups),
            "converted": np.hstack([reached[:, 1:], nan_col]).ravel(),
            "converted_value": np.hstack([value[:, 1:], nan_col]).ravel(),
            "cohort": np.repeat(reached[:, 0] if n_stages else np.zeros(n_groups), n_stages).astype(np.int64),
            "cohort_open": np.repeat(still_open.sum(axis=1), n_stages).astype(np.int64),
        }
    )


def reached_by_stage(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """The cohort funnel of deals created in the period.

    Columns: stage, position, kind, target_conversion, reached, reached_value, still_open (cohort deals
    still open whose furthest stage is this one), pct_of_previous (reached ÷ reached at the stage before;
    NaN for the first), pct_of_first (reached ÷ reached at the first stage).
    """
    out = _reached(_cohort(conn, f, "NULL", f.date_from), funnel_stages(conn), keys=[None])
    return out.drop(columns=["grp", "next_stage", "converted", "converted_value", "cohort", "cohort_open"])


def reached_with_part(
    conn: db.Connection, f: Filters, part_sql: str, params: Mapping[str, object]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """reached_by_stage of the period's cohort, and of the part of it where `part_sql` holds, from one scan.

    `part_sql` is a fixed boolean expression over deal_stage_summary `d` (never user text) whose values
    travel in `params`, e.g. "d.rep_id = $rep_id": a rep's funnel beside their team's.
    """
    groups = _cohort(conn, f, part_sql, f.date_from, params)
    stages = funnel_stages(conn)
    drop = ["grp", "next_stage", "converted", "converted_value", "cohort", "cohort_open"]
    whole = _reached(groups.assign(grp=None), stages, keys=[None]).drop(columns=drop)
    part = _reached(groups[groups["grp"].eq(True).fillna(False)].assign(grp=None), stages, keys=[None])
    return whole, part.drop(columns=drop)


def _conversion(reached: pd.DataFrame, targets: Mapping[str, float | None] | None) -> pd.DataFrame:
    """Stage-to-stage conversion from `_reached` rows (one or many groups; open stages with a next one)."""
    if "next_stage" not in reached:
        reached = _with_next(reached)
    out = reached[(reached["kind"] == "open").to_numpy() & reached["next_stage"].notna().to_numpy()]
    columns = ["stage", "next_stage", "position", "reached", "converted", "reached_value", "converted_value", "still_open"]
    extra = [c for c in ("grp", "cohort", "cohort_open") if c in out]
    out = out[extra + columns].copy()
    out["converted"] = out["converted"].astype(np.int64)
    out["conversion"] = out["converted"] / out["reached"].where(out["reached"] > 0)
    out["value_conversion"] = out["converted_value"] / out["reached_value"].where(out["reached_value"] > 0)
    chosen = chosen_targets(dict(zip(reached["stage"], reached["target_conversion"], strict=True)), targets)
    out["target"] = out["stage"].map(lambda s: chosen.get(s, float("nan"))).astype(float)
    out["gap"] = out["conversion"] - out["target"]
    out["below_target"] = (out["gap"] < 0).fillna(False).astype(bool)
    out["still_open_share"] = out["still_open"] / out["reached"].where(out["reached"] > 0)
    out["settled"] = (out["still_open_share"] <= SETTLED).fillna(False).astype(bool)
    out["small_sample"] = out["reached"] < SMALL_SAMPLE
    return out.reset_index(drop=True)


def chosen_targets(defaults: Mapping[str, object], targets: Mapping[str, float | None] | Targets | None) -> dict[str, float]:
    """Stage -> target share in force: the stage table's default, unless the manager set one (NaN = none)."""
    chosen = {str(stage): _num(value) for stage, value in defaults.items()}
    chosen.update({str(stage): _num(value) for stage, value in dict(targets or ()).items()})
    return chosen


def _with_next(reached: pd.DataFrame) -> pd.DataFrame:
    """A single funnel (reached_by_stage) with the next stage's figures beside each stage."""
    nxt = reached.shift(-1)
    return reached.assign(next_stage=nxt["stage"], converted=nxt["reached"], converted_value=nxt["reached_value"])


def stage_conversion_of(reached: pd.DataFrame, targets: Targets | None = None) -> pd.DataFrame:
    """`stage_conversion` from an already computed `reached_by_stage` table (no second query)."""
    return _conversion(reached, dict(targets) if targets else None)


def stage_conversion(conn: db.Connection, f: Filters, targets: Targets | None = None) -> pd.DataFrame:
    """Each open stage's conversion to the next for the period's cohort, against its target.

    `targets` (stage -> share 0..1) overrides `stages.target_conversion` for the stages it names.
    Columns: stage, next_stage, position, reached, converted (reached the next stage), reached_value,
    converted_value, still_open (reached it and still sit there, open), conversion, value_conversion,
    target, gap (conversion − target), below_target, still_open_share (still_open ÷ reached), settled
    (still_open_share ≤ SETTLED), small_sample (reached < 30).
    """
    return stage_conversion_of(reached_by_stage(conn, f), targets)


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
    out = _reached(groups, funnel_stages(conn), keys=list(keep)).rename(columns={"grp": "segment"})
    out = out.drop(columns=["target_conversion", "still_open", "next_stage", "converted", "converted_value", "cohort_open"])
    out["segment"] = out["segment"].where(out["segment"] != NONE, None)
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


YOUNG = 0.3  # a cohort with more than this share still open gets a note that its conversion will rise


def young_share(reached: pd.DataFrame) -> float | None:
    """The cohort's open share when it is young enough to say so on the page, else None."""
    share = open_share(reached)
    return share if share == share and share > YOUNG else None


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
    groups["grp"] = pd.to_datetime(groups["grp"]).dt.date.astype(object) if len(groups) else groups["grp"]
    reached = _reached(groups, funnel_stages(conn), keys=list(periods))
    out = _conversion(reached, dict(targets) if targets else None).rename(columns={"grp": "period"})
    out["open_share"] = out["cohort_open"] / out["cohort"].where(out["cohort"] > 0)
    out["in_period"] = [_period_end(p, grain) >= f.date_from for p in out["period"]]
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
