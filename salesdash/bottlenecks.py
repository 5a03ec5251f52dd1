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

METRICS = ("time_in_stage", "stage_norm", "open_age_in_stage", "lost_on_exit", "leaked_value", "bottleneck", "stage_flow")

FAR_ABOVE = 1.5  # a median at least this many times the stage's norm median is "far above" it
MIN_EXTRA_DAYS = 2.0  # ...and at least this many days longer (1 day against a half-day norm is not a finding)
SMALL_SAMPLE = funnel.SMALL_SAMPLE
FLAGS = ("bottleneck", "young", "slow", "ok")
# The dimensions the page looks for findings in (lead source, which follows the channel, would only
# repeat what the channel says; the Funnel page still compares by it).
DIMENSIONS = ("customer_type", "channel", "team", "product")


def _bounds(f: Filters) -> dict[str, datetime]:
    return {
        "from_ts": datetime.combine(f.date_from, time()),
        "end_ts": datetime.combine(f.effective_to + timedelta(days=1), time()),
    }


def time_in_stage(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """Time in each open stage, in days.

    Columns: stage, position; for stays that ended in the period (segment filters apply): stays,
    lost_exits and lost_exit_share (of them, ended with the deal lost), p10_days, p25_days, median_days,
    p75_days, p90_days; the norm (every stay completed by the as-of
    date, whole dataset): norm_stays, norm_median_days, norm_p75_days, norm_p90_days; the deals open
    now: open_deals (with a known age), age_p10_days … age_p90_days; ratio (median ÷ norm median),
    slow (ratio ≥ FAR_ABOVE and at least MIN_EXTRA_DAYS more), small_sample (stays < 30).
    """
    sql = f.apply(stage_history.sql(conn, "stage_times", f.as_of))
    out = db.query(conn, sql, f.params() | _bounds(f) | {"as_of_end": stage_history.as_of_end(f.as_of)})
    out["lost_exit_share"] = out["lost_exits"] / out["stays"].where(out["stays"] > 0)
    return _with_ratio(out, out["median_days"], out["norm_median_days"], out["stays"])


def _with_ratio(out: pd.DataFrame, median: pd.Series, norm: pd.Series, n: pd.Series) -> pd.DataFrame:
    median, norm = median.astype(float), norm.astype(float)
    out["ratio"] = median / norm.where(norm > 0)
    out["slow"] = ((out["ratio"] >= FAR_ABOVE) & (median - norm >= MIN_EXTRA_DAYS)).fillna(False).astype(bool)
    out["small_sample"] = n < SMALL_SAMPLE
    return out


def segment_stays(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """The stays that ended in the period for every value of the dimensions in DIMENSIONS: how long they
    took and how many ended with the deal lost.

    Columns: dimension, segment (None when the deal has no value), stage, position, stays, median_days,
    lost_exits, lost_exit_value. Compare with the norm and the rest of the dimension through `against_norm`.
    """
    out = db.query(conn, f.apply(stage_history.sql(conn, "segment_times")), f.params() | _bounds(f))
    out["segment"] = out["segment"].astype(object).where(out["segment"].notna(), None)
    return out


def against_norm(by_segment: pd.DataFrame, times: pd.DataFrame) -> pd.DataFrame:
    """`segment_stays` rows with norm_median_days, ratio, slow and small_sample (time against the stage's
    norm), and lost_exit_share with rest_lost_exit_share (the dimension's other values together)."""
    norms = times.set_index("stage")["norm_median_days"]
    out = by_segment.copy()
    out["norm_median_days"] = out["stage"].map(norms).astype(float)
    out["lost_exit_share"] = out["lost_exits"] / out["stays"].where(out["stays"] > 0)
    totals = out.groupby(["dimension", "stage"])[["stays", "lost_exits"]].transform("sum")
    out["rest_stays"] = totals["stays"] - out["stays"]
    out["rest_lost_exit_share"] = (totals["lost_exits"] - out["lost_exits"]) / out["rest_stays"].where(out["rest_stays"] > 0)
    return _with_ratio(out, out["median_days"], out["norm_median_days"], out["stays"])


def conversion_by_segment(conn: db.Connection, f: Filters, targets: funnel.Targets | None = None) -> pd.DataFrame:
    """Stage conversion of the period's cohort for every value of the dimensions in DIMENSIONS, with the
    conversion of all the other values of the same dimension beside it, and the value lost at the stage.

    Columns: dimension, segment, stage, next_stage, position, reached, converted, reached_value,
    conversion, target, gap, settled (see funnel.SETTLED), rest_reached, rest_conversion (the
    dimension's other values together), lost_deals, lost_value (deals lost in the period at this stage).
    """
    out = db.query(conn, f.apply(stage_history.sql(conn, "segment_cohort")), f.params())
    columns = ["dimension", "segment", "stage", "next_stage", "position", "reached", "converted", "reached_value",
               "conversion", "target", "gap", "settled", "rest_reached", "rest_conversion", "lost_deals", "lost_value"]  # fmt: skip
    if out.empty:
        return pd.DataFrame(columns=columns)
    reached = out["reached"].astype(float)
    out["converted"] = out["converted"].astype(np.int64)
    out["conversion"] = out["converted"] / reached.where(reached > 0)
    rest = out["rest_reached"].astype(float)
    out["rest_conversion"] = out["rest_converted"] / rest.where(rest > 0)
    chosen = funnel.chosen_targets(dict(db.query_rows(conn, "SELECT stage, target_conversion FROM stages")), targets)
    out["target"] = out["stage"].map(lambda s: chosen.get(s, float("nan"))).astype(float)
    out["gap"] = out["conversion"] - out["target"]
    out["settled"] = (out["still_open"] / reached.where(reached > 0) <= funnel.SETTLED).fillna(False).astype(bool)
    out["segment"] = out["segment"].astype(object).where(out["segment"].notna(), None)
    return out[columns]


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

    Stages below target whose cohort has settled come first, largest leaked value first (flag
    "bottleneck"); then stages below target while many of their deals are still in them (flag "young": too
    early to call); then stages that are only slow ("slow"), then the rest ("ok"). Columns: rank, flag,
    stage, next_stage, conversion, target, gap, reached, still_open_share, small_sample, lost_deals,
    lost_value, stalled_deals, stalled_value, leaked_value, lost_exit_share, median_days, norm_median_days,
    ratio, slow.
    """
    out = conversion[["stage", "next_stage", "position", "conversion", "target", "gap", "below_target", "settled",
                      "reached", "still_open_share", "small_sample"]].merge(  # fmt: skip
        times[["stage", "median_days", "norm_median_days", "ratio", "slow", "lost_exit_share"]], on="stage", how="left"
    )
    out = out.merge(leak, on="stage", how="left")
    for col in ("lost_deals", "stalled_deals"):
        out[col] = out[col].fillna(0).astype(int)
    for col in ("lost_value", "stalled_value", "leaked_value"):
        out[col] = out[col].fillna(0.0).astype(float)
    out["slow"] = out["slow"].fillna(False).astype(bool)
    below, settled = out["below_target"].astype(bool), out["settled"].astype(bool)
    out["flag"] = np.select([below & settled, below, out["slow"]], ["bottleneck", "young", "slow"], default="ok")
    out["_order"] = out["flag"].map({flag: i for i, flag in enumerate(FLAGS)})
    out = out.sort_values(["_order", "leaked_value", "position"], ascending=[True, False, True], kind="stable")
    out.insert(0, "rank", range(1, len(out) + 1))
    return out.drop(columns=["_order", "below_target", "settled"]).reset_index(drop=True)


def bottleneck_table(conn: db.Connection, f: Filters, targets: funnel.Targets | None = None) -> pd.DataFrame:
    """The ranked bottleneck table (see `rank_bottlenecks`) computed from the database in one call."""
    leak = leak_by_stage(funnel_deals.lost_by_stage(conn, f), stalled.stalled_deals(conn, f))
    return rank_bottlenecks(funnel.stage_conversion(conn, f, targets), time_in_stage(conn, f), leak)


def readable(ranked: pd.DataFrame, lang: str, currency: str | None) -> pd.DataFrame:
    """The ranked table written for the screen: flag and step in `lang`, conversion against target,
    shares, money and days as the language reads them (columns keep their names)."""

    def stage(value: object) -> str:
        return i18n.label("stage", value, lang)

    def small(flag: bool) -> str:
        return " ⚠" if flag else ""

    return ranked.assign(
        flag=[i18n.t(f"bottlenecks.flag.{v}", lang) for v in ranked["flag"]],
        step=[f"{stage(a)} → {stage(b)}" for a, b in zip(ranked["stage"], ranked["next_stage"], strict=True)],
        conversion=[
            f"{fmt.pct(c, lang, 0)} / {fmt.pct(t, lang, 0)}{small(s)}"
            for c, t, s in zip(ranked["conversion"], ranked["target"], ranked["small_sample"], strict=True)
        ],
        gap=[fmt.points(v, lang) for v in ranked["gap"]],
        still_open_share=[fmt.pct(v, lang, 0) for v in ranked["still_open_share"]],
        lost_exit_share=[fmt.pct(v, lang, 0) for v in ranked["lost_exit_share"]],
        leaked_value=[fmt.money(v, lang, currency) for v in ranked["leaked_value"]],
        stalled_value=[fmt.money(v, lang, currency) for v in ranked["stalled_value"]],
        median_days=[
            f"{fmt.days(m, lang)} / {fmt.days(n, lang)}" for m, n in zip(ranked["median_days"], ranked["norm_median_days"], strict=True)
        ],
    )


def readable_times(times: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`time_in_stage` written for the screen: the stage in `lang`, counts and days as the language reads them."""
    out = times.assign(stage=[i18n.label("stage", v, lang) for v in times["stage"]])
    for col in ("stays", "open_deals", "norm_stays"):
        out[col] = [fmt.count(v, lang) for v in times[col]]
    for col in [c for c in times.columns if c.endswith("_days")]:
        out[col] = [fmt.days(v, lang) for v in times[col]]
    return out
