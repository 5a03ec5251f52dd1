"""Bottlenecks: where deals wait (time in stage against its norm), where they leak (conversion short of
target, value lost or stalled at the stage), and how they actually move between stages.

DESIGN.md: a bottleneck is a stage whose conversion falls short of its target, ranked by the value that
leaks there (deals lost or stalled at that stage × amount), also flagged when its median time is far
above its norm. Stalled deals come from `salesdash.stalled` (the one shared definition).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import numpy as np
import pandas as pd

from salesdash import db, fmt, funnel, funnel_deals, i18n, stage_history, stalled
from salesdash.filters import Filters

METRICS = ("time_in_stage", "stage_norm", "open_age_in_stage", "leaked_value", "bottleneck", "stage_flow")

FAR_ABOVE = 1.5  # a median at least this many times the stage's norm median is "far above" it
MIN_EXTRA_DAYS = 2.0  # ...and at least this many days longer (1 day against a half-day norm is not a finding)
SMALL_SAMPLE = funnel.SMALL_SAMPLE
FLAGS = ("bottleneck", "slow", "ok")


def _bounds(f: Filters) -> dict[str, datetime]:
    return {
        "from_ts": datetime.combine(f.date_from, time()),
        "end_ts": datetime.combine(f.effective_to + timedelta(days=1), time()),
    }


def time_in_stage(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """Time in each open stage, in days.

    Columns: stage, position; for stays that ended in the period (segment filters apply): stays,
    p10_days, p25_days, median_days, p75_days, p90_days; the norm (every stay completed by the as-of
    date, whole dataset): norm_stays, norm_median_days, norm_p75_days, norm_p90_days; the deals open
    now: open_deals (with a known age), age_p10_days … age_p90_days; ratio (median ÷ norm median),
    slow (ratio ≥ FAR_ABOVE and at least MIN_EXTRA_DAYS more), small_sample (stays < 30).
    """
    out = db.query(conn, f.apply(stage_history.sql(conn, "stage_times")), f.params() | _bounds(f))
    return _with_ratio(out, out["median_days"], out["norm_median_days"], out["stays"])


def _with_ratio(out: pd.DataFrame, median: pd.Series, norm: pd.Series, n: pd.Series) -> pd.DataFrame:
    median, norm = median.astype(float), norm.astype(float)
    out["ratio"] = median / norm.where(norm > 0)
    out["slow"] = ((out["ratio"] >= FAR_ABOVE) & (median - norm >= MIN_EXTRA_DAYS)).fillna(False).astype(bool)
    out["small_sample"] = n < SMALL_SAMPLE
    return out


def time_by_segment(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """Median days per stage for every value of the comparison dimensions (funnel.SEGMENT_DIMENSIONS),
    over the stays that ended in the period.

    Columns: dimension, segment (None when the deal has no value), stage, position, stays, median_days.
    Compare with `time_in_stage`'s norm through `against_norm`.
    """
    out = db.query(conn, f.apply(stage_history.sql(conn, "segment_times")), f.params() | _bounds(f))
    out["segment"] = out["segment"].astype(object).where(out["segment"].notna(), None)
    return out


def against_norm(by_segment: pd.DataFrame, times: pd.DataFrame) -> pd.DataFrame:
    """`time_by_segment` rows with norm_median_days, ratio, slow and small_sample added."""
    norms = times.set_index("stage")["norm_median_days"]
    out = by_segment.copy()
    out["norm_median_days"] = out["stage"].map(norms).astype(float)
    return _with_ratio(out, out["median_days"], out["norm_median_days"], out["stays"])


def conversion_by_segment(conn: db.Connection, f: Filters, targets: funnel.Targets | None = None) -> pd.DataFrame:
    """Stage conversion of the period's cohort for every value of the comparison dimensions, with the
    conversion of all the other values of the same dimension beside it, and the value lost at the stage.

    Columns: dimension, segment, stage, next_stage, position, reached, converted, reached_value,
    conversion, target, gap, rest_reached, rest_conversion (the dimension's other values together),
    lost_deals, lost_value (deals lost in the period at this stage).
    """
    raw = db.query(conn, f.apply(stage_history.sql(conn, "segment_cohort")), f.params())
    stages = funnel.funnel_stages(conn)
    columns = ["dimension", "segment", "stage", "next_stage", "position", "reached", "converted", "reached_value",
               "conversion", "target", "gap", "rest_reached", "rest_conversion", "lost_deals", "lost_value"]  # fmt: skip
    if raw.empty or stages.empty:
        return pd.DataFrame(columns=columns)
    raw["segment"] = raw["segment"].astype(object).where(raw["segment"].notna(), funnel.NONE).astype(str)
    frames = []
    positions = stages["position"].to_numpy()
    for (dimension, segment), part in raw.groupby(["dimension", "segment"], sort=True):
        pos, deals, value = part["position"].to_numpy(), part["deals"].to_numpy(), part["value"].to_numpy()
        reached = np.array([deals[pos >= p].sum() for p in positions])
        reached_value = np.array([value[pos >= p].sum() for p in positions])
        lost = part.set_index("position")[["lost_deals", "lost_value"]]
        frames.append(
            pd.DataFrame(
                {
                    "dimension": dimension,
                    "segment": segment,
                    "stage": stages["stage"].to_numpy(),
                    "kind": stages["kind"].to_numpy(),
                    "position": positions,
                    "reached": reached,
                    "reached_value": reached_value,
                    "lost_deals": [int(lost["lost_deals"].get(p, 0)) for p in positions],
                    "lost_value": [float(lost["lost_value"].get(p, 0.0)) for p in positions],
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    by_segment = out.groupby(["dimension", "segment"], sort=False)
    out["next_stage"] = by_segment["stage"].shift(-1)
    out["converted"] = by_segment["reached"].shift(-1)
    totals = out.groupby(["dimension", "position"])["reached"].transform("sum")
    next_totals = out.groupby(["dimension", "position"])["converted"].transform("sum")
    out = out[(out["kind"] == "open") & out["next_stage"].notna()].copy()
    out["converted"] = out["converted"].astype(int)
    out["conversion"] = out["converted"] / out["reached"].where(out["reached"] > 0)
    out["rest_reached"] = totals[out.index] - out["reached"]
    rest_converted = next_totals[out.index] - out["converted"]
    out["rest_conversion"] = rest_converted / out["rest_reached"].where(out["rest_reached"] > 0)
    chosen = dict(zip(stages["stage"], stages["target_conversion"], strict=True)) | dict(targets or ())
    out["target"] = [funnel._num(chosen.get(s)) for s in out["stage"]]
    out["gap"] = out["conversion"] - out["target"]
    out["segment"] = out["segment"].astype(object).where(out["segment"] != funnel.NONE, None)
    return out[columns].reset_index(drop=True)


def stage_flow(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """Moves between stages made in the period: from_stage (None = a new deal), from_position, to_stage,
    to_position, move (created / forward / skip / backward / won / lost / reopened), deals, value."""
    out = db.query(conn, f.apply(stage_history.sql(conn, "stage_flow")), f.params() | _bounds(f))
    out["from_stage"] = out["from_stage"].astype(object).where(out["from_stage"].notna(), None)
    return out


def leak_by_stage(lost: pd.DataFrame, stalled_now: pd.DataFrame) -> pd.DataFrame:
    """Value leaking at each stage: deals lost there in the period plus open deals stalled there now.

    `lost` is funnel_deals.lost_by_stage; `stalled_now` is stalled.stalled_deals.
    Columns: stage, lost_deals, lost_value, stalled_deals, stalled_value, leaked_value.
    """
    lost_at = lost[lost["stage"].notna()].groupby("stage")[["deals", "value"]].sum()
    stalled_at = stalled_now.groupby("stage")["amount"].agg(["count", "sum"])
    out = pd.DataFrame(
        {
            "lost_deals": lost_at["deals"],
            "lost_value": lost_at["value"],
        }
    ).join(stalled_at.rename(columns={"count": "stalled_deals", "sum": "stalled_value"}), how="outer")
    out = out.fillna(0)
    out["lost_deals"] = out["lost_deals"].astype(int)
    out["stalled_deals"] = out["stalled_deals"].astype(int)
    out["leaked_value"] = out["lost_value"] + out["stalled_value"]
    return out.rename_axis("stage").reset_index()


def rank_bottlenecks(conversion: pd.DataFrame, times: pd.DataFrame, leak: pd.DataFrame) -> pd.DataFrame:
    """The ranked bottleneck table from `funnel.stage_conversion`, `time_in_stage` and `leak_by_stage`.

    Stages below target come first, largest leaked value first (flag "bottleneck"); then stages that are
    only slow (flag "slow"), then the rest ("ok"). Columns: rank, flag, stage, next_stage, conversion,
    target, gap, reached, small_sample, lost_deals, lost_value, stalled_deals, stalled_value, leaked_value,
    median_days, norm_median_days, ratio, slow.
    """
    out = conversion[["stage", "next_stage", "position", "conversion", "target", "gap", "below_target",
                      "reached", "small_sample"]].merge(  # fmt: skip
        times[["stage", "median_days", "norm_median_days", "ratio", "slow"]], on="stage", how="left"
    )
    out = out.merge(leak, on="stage", how="left")
    for col in ("lost_deals", "stalled_deals"):
        out[col] = out[col].fillna(0).astype(int)
    for col in ("lost_value", "stalled_value", "leaked_value"):
        out[col] = out[col].fillna(0.0).astype(float)
    out["slow"] = out["slow"].fillna(False).astype(bool)
    out["flag"] = np.select([out["below_target"], out["slow"]], ["bottleneck", "slow"], default="ok")
    out["_order"] = out["flag"].map({flag: i for i, flag in enumerate(FLAGS)})
    out = out.sort_values(["_order", "leaked_value", "position"], ascending=[True, False, True], kind="stable")
    out.insert(0, "rank", range(1, len(out) + 1))
    return out.drop(columns=["_order", "below_target"]).reset_index(drop=True)


def bottleneck_table(conn: db.Connection, f: Filters, targets: funnel.Targets | None = None) -> pd.DataFrame:
    """The ranked bottleneck table (see `rank_bottlenecks`) computed from the database in one call."""
    leak = leak_by_stage(funnel_deals.lost_by_stage(conn, f), stalled.stalled_deals(conn, f))
    return rank_bottlenecks(funnel.stage_conversion(conn, f, targets), time_in_stage(conn, f), leak)


def readable(ranked: pd.DataFrame, lang: str, currency: str | None) -> pd.DataFrame:
    """The ranked table with its figures written for the screen (percent, points, money, days) and the
    step and flag in `lang`; the numeric columns keep their names."""
    def stage(value: object) -> str:
        return i18n.label("stage", value, lang)

    return ranked.assign(
        flag=[i18n.t(f"bottlenecks.flag.{v}", lang) for v in ranked["flag"]],
        step=[f"{stage(a)} → {stage(b)}" for a, b in zip(ranked["stage"], ranked["next_stage"], strict=True)],
        conversion=[
            fmt.pct(v, lang, 0) + (" ⚠" if small else "")
            for v, small in zip(ranked["conversion"], ranked["small_sample"], strict=True)
        ],
        target=[fmt.pct(v, lang, 0) for v in ranked["target"]],
        gap=[fmt.points(v, lang) for v in ranked["gap"]],
        lost_value=[fmt.money(v, lang, currency) for v in ranked["lost_value"]],
        stalled_value=[fmt.money(v, lang, currency) for v in ranked["stalled_value"]],
        leaked_value=[fmt.money(v, lang, currency) for v in ranked["leaked_value"]],
        median_days=[fmt.days(v, lang) for v in ranked["median_days"]],
        norm_median_days=[fmt.days(v, lang) for v in ranked["norm_median_days"]],
    )
