"""Plain-language findings for the Bottlenecks page, chosen and worded from the numbers.

`findings` picks the few facts worth a manager's attention from the ranked bottleneck table, the
conversion and time of every segment, and the stage times; `finding_text` writes one in the user's
language from catalogue templates filled with the figures. Nothing is canned: with no shortfall and no
slow stage the list is empty, and the page says so.
"""

from __future__ import annotations

import math

import pandas as pd

from salesdash import fmt, i18n

METRICS = ("finding",)

KINDS = ("stage_leak", "segment_exit_loss", "segment_slow", "segment_conversion", "stage_slow")
MIN_POINTS = 0.05  # a segment must trail both its target and the rest of its dimension by this much
MIN_LOSS_POINTS = 0.08  # ...or lose this much more often than the rest when its deals leave a stage
COLUMNS = ["kind", "stage", "next_stage", "dimension", "segment", "value", "reference", "other",
           "amount", "deals", "score"]  # fmt: skip


def findings(
    ranked: pd.DataFrame,
    by_segment: pd.DataFrame,
    segment_stays: pd.DataFrame,
    times: pd.DataFrame,
    min_deals: int = 30,
    most: int = 5,
) -> pd.DataFrame:
    """The findings, most important first, at most `most`.

    Inputs: bottlenecks.rank_bottlenecks, bottlenecks.conversion_by_segment, bottlenecks.against_norm
    and bottlenecks.time_in_stage. Kinds (KINDS): a settled stage below its target with the value leaking
    there; a segment whose deals are lost more often than the rest of its dimension when they leave a
    stage in the period; a segment much slower than the stage's norm; a segment whose settled conversion
    trails both its target and the rest; a stage much slower than its norm. The best of each kind come
    first, then the second best of each, so one kind cannot crowd out the others. A segment needs
    `min_deals` deals (or stays) behind a figure, and its comparison group as many.
    Columns: kind, stage, next_stage, dimension, segment, value (conversion, loss share or median
    days), reference (target or norm median days), other (the rest of the dimension), amount (value
    leaked, lost, or lost beyond the rest's rate), deals (stalled deals, or stays), score.
    """
    exit_losses = _segment_exit_losses(segment_stays, min_deals)
    said = {r["stage"] for r in exit_losses}
    by_kind = {
        "stage_leak": _stage_leaks(ranked),
        "segment_exit_loss": exit_losses,
        "segment_slow": _segment_slow(segment_stays, min_deals),
        "segment_conversion": _segment_conversions(by_segment, min_deals, said),
        "stage_slow": _stage_slow(times, min_deals),
    }
    rows: list[dict[str, object]] = []
    for turn in range(max(len(v) for v in by_kind.values())):
        rows += [found[turn] for found in by_kind.values() if turn < len(found)]
    return pd.DataFrame(rows[:most], columns=COLUMNS)


def _stage_leaks(ranked: pd.DataFrame) -> list[dict[str, object]]:
    short = ranked[ranked["flag"] == "bottleneck"]  # settled cohorts only: a young one says little yet
    out = []
    for r in short.head(2).itertuples(index=False):
        out.append(
            _row("stage_leak", r.stage, r.next_stage, None, None, r.conversion, r.target, None,
                 r.leaked_value, r.stalled_deals, r.leaked_value)  # fmt: skip
        )
    return out


def _segment_conversions(by_segment: pd.DataFrame, min_deals: int, said: set[object]) -> list[dict[str, object]]:
    """Settled segment conversions short of target and of the rest, at stages whose leak no loss finding
    (`said`) already tells, whatever the dimension (a channel and its lead sources tell the same story)."""
    if by_segment.empty:
        return []
    s = by_segment
    fit = s[
        (s["reached"] >= min_deals)
        & (s["rest_reached"] >= min_deals)
        & s["target"].notna()
        & s["settled"]
        & (s["gap"] <= -MIN_POINTS)
        & (s["conversion"] <= s["rest_conversion"] - MIN_POINTS)
    ].copy()
    fit["score"] = (fit["rest_conversion"] - fit["conversion"]) * fit["reached_value"]
    fit = fit.sort_values("score", ascending=False)
    out, seen = [], set()
    for r in fit.itertuples(index=False):
        if (r.dimension, r.segment) in seen or r.stage in said:
            continue
        seen.add((r.dimension, r.segment))
        out.append(
            _row("segment_conversion", r.stage, r.next_stage, r.dimension, r.segment, r.conversion, r.target,
                 r.rest_conversion, r.lost_value, r.reached, r.score)  # fmt: skip
        )
        if len(out) == 2:
            break
    return out


def _segment_exit_losses(stays: pd.DataFrame, min_deals: int) -> list[dict[str, object]]:
    if stays.empty:
        return []
    fit = stays[
        (stays["stays"] >= min_deals)
        & (stays["rest_stays"] >= min_deals)
        & (stays["lost_exit_share"] >= stays["rest_lost_exit_share"] + MIN_LOSS_POINTS)
    ].copy()
    # the value lost beyond what the rest's loss rate would have lost
    fit["score"] = fit["lost_exit_value"] * (1 - fit["rest_lost_exit_share"] / fit["lost_exit_share"])
    out, stages = [], set()
    for r in fit.sort_values("score", ascending=False, kind="stable").itertuples(index=False):
        if r.stage in stages:  # the same leak seen through a related dimension (channel, lead source) says nothing new
            continue
        stages.add(r.stage)
        out.append(
            _row("segment_exit_loss", r.stage, None, r.dimension, r.segment, r.lost_exit_share, None,
                 r.rest_lost_exit_share, r.lost_exit_value, r.stays, r.score)  # fmt: skip
        )
        if len(out) == 2:
            break
    return out


def _segment_slow(segment_times: pd.DataFrame, min_deals: int) -> list[dict[str, object]]:
    if segment_times.empty:
        return []
    s = segment_times
    fit = s[s["slow"] & (s["stays"] >= min_deals)].copy()
    fit["score"] = (fit["median_days"] - fit["norm_median_days"]) * fit["stays"]
    out = []
    for r in fit.sort_values("score", ascending=False).head(2).itertuples(index=False):
        out.append(
            _row("segment_slow", r.stage, None, r.dimension, r.segment, r.median_days, r.norm_median_days, None,
                 0.0, r.stays, r.score)  # fmt: skip
        )
    return out


def _stage_slow(times: pd.DataFrame, min_deals: int) -> list[dict[str, object]]:
    fit = times[times["slow"] & (times["stays"] >= min_deals)].copy()
    fit["score"] = (fit["median_days"] - fit["norm_median_days"]) * fit["stays"]
    return [
        _row("stage_slow", r.stage, None, None, None, r.median_days, r.norm_median_days, None, 0.0, r.stays, r.score)
        for r in fit.sort_values("score", ascending=False).head(1).itertuples(index=False)
    ]


def _row(kind: str, stage: object, next_stage: object, dimension: object, segment: object, value: object,
         reference: object, other: object, amount: object, deals: object, score: object) -> dict[str, object]:  # fmt: skip
    return dict(zip(COLUMNS, (kind, stage, next_stage, dimension, segment, value, reference, other,
                              amount, deals, score), strict=True))  # fmt: skip


def _points(share: float, reference: float) -> str:
    """Points between two shares as the reader sees them: the difference of the rounded percentages
    (62% against 70% reads as 8 points, whatever the decimals behind them)."""
    return str(abs(int(f"{share * 100:.0f}") - int(f"{reference * 100:.0f}")))


def subject(dimension: str, segment: object, lang: str) -> str:
    """'Partner deals' / 'Team Cedar' / '合作伙伴渠道的商机' for a dimension value."""
    value = i18n.label(dimension, segment, lang) if segment is not None else i18n.t("core.none", lang)
    return i18n.t(f"findings.subject.{dimension}", lang, value=value)


def finding_text(row: pd.Series, lang: str, currency: str | None = None) -> str:
    """One finding as a sentence in `lang`, every figure taken from the row."""
    stage = i18n.label("stage", row["stage"], lang)
    nxt = i18n.label("stage", row["next_stage"], lang) if isinstance(row["next_stage"], str) else ""
    kind = row["kind"]
    if kind == "stage_leak":
        return i18n.t(
            "findings.stage_leak", lang, stage=stage, next=nxt,
            conversion=fmt.pct(row["value"], lang, 0), target=fmt.pct(row["reference"], lang, 0),
            points=_points(float(row["value"]), float(row["reference"])), leaked=fmt.money(row["amount"], lang, currency), stalled=fmt.count(row["deals"], lang),
        )  # fmt: skip
    if kind == "segment_conversion":
        return i18n.t(
            "findings.segment_conversion", lang, who=subject(str(row["dimension"]), row["segment"], lang),
            stage=stage, next=nxt, conversion=fmt.pct(row["value"], lang, 0),
            points=_points(float(row["value"]), float(row["reference"])), target=fmt.pct(row["reference"], lang, 0),
            rest_points=_points(float(row["value"]), float(row["other"])),
            others=i18n.t(f"findings.others.{row['dimension']}", lang),
            lost=fmt.money(row["amount"], lang, currency),
        )  # fmt: skip
    if kind == "segment_exit_loss":
        return i18n.t(
            "findings.segment_exit_loss", lang, who=subject(str(row["dimension"]), row["segment"], lang),
            stage=stage, share=fmt.pct(row["value"], lang, 0), rest=fmt.pct(row["other"], lang, 0),
            others=i18n.t(f"findings.others.{row['dimension']}", lang),
            lost=fmt.money(row["amount"], lang, currency), stays=fmt.count(row["deals"], lang),
        )  # fmt: skip
    ratio = float(row["value"]) / float(row["reference"]) if row["reference"] else math.nan
    common = {
        "stage": stage, "median": fmt.days(row["value"], lang), "norm": fmt.days(row["reference"], lang),
        "ratio": f"{ratio:.1f}", "stays": fmt.count(row["deals"], lang),
    }  # fmt: skip
    if kind == "segment_slow":
        return i18n.t("findings.segment_slow", lang, who=subject(str(row["dimension"]), row["segment"], lang), **common)
    return i18n.t("findings.stage_slow", lang, **common)
