"""The scores of the Satisfaction page — headline, monthly trend, distributions, drivers — from one scan.

`score_profiles` collapses the responses of the trend window into score profiles (month, period and
answers, with a count); every score here is a weighted sum over them. At a million responses that is
one grouping pass in DuckDB instead of four aggregate queries, and the rest is arithmetic on a few
thousand rows. Each score has a `*_of(profiles, f)` form for a page that holds the profiles, and a
`(conn, f)` form for everyone else. Definitions: docs/metrics.md, "Satisfaction".
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from salesdash import db
from salesdash import survey_stats as ss
from salesdash.filters import Filters
from salesdash.overview import chart_start

DIMENSIONS = ("product_quality", "service_attitude", "response_speed")
SCORES = ("nps", "csat", *DIMENSIONS)
PERIODS = ("current", "previous", "other")


def survey_params(f: Filters) -> dict[str, object]:
    """The filters' parameters plus the previous period's bounds (prev_from, prev_to)."""
    before = f.previous()
    return f.params() | {"prev_from": before.date_from, "prev_to": before.effective_to}


def score_profiles(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """Columns: month (datetime64, first day), period (categorical: current / previous / other), nps, csat, product_quality,
    service_attitude, response_speed (float, NaN when not answered), responses (how many gave exactly
    these answers). Covers the trend window and the previous period."""
    params = survey_params(f) | {"chart_from": chart_start(f)}
    out = db.query(conn, f.apply(db.sql_text("survey_profiles")), params)
    # datetime64 and a categorical: grouping on them is what a rerun of the page spends its time on
    out["month"] = pd.to_datetime(out["month"])
    out["period"] = pd.Categorical(out["period"], categories=list(PERIODS))
    for column in SCORES:
        out[column] = out[column].astype(float)
    out["responses"] = out["responses"].astype(float)
    return out


def _sums(profiles: pd.DataFrame, by: str) -> pd.DataFrame:
    """The additive counts and sums behind every score, per value of `by` (period or month).

    numpy on whole columns: this runs on every rerun of the page, so it stays a few milliseconds.
    """
    w = profiles["responses"].to_numpy(dtype=float)
    y = profiles["nps"].to_numpy(dtype=float)
    has_y = ~np.isnan(y)
    yz = np.nan_to_num(y)
    csat = profiles["csat"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        cols: dict[str, np.ndarray] = {
            "responses": w,
            "nps_n": w * has_y,
            "promoters": w * (y >= 9),
            "detractors": w * (y <= 6),
            "follow_up": w * ((y <= 6) | (csat <= 2)),
            "csat_satisfied": w * (csat >= 4),
        }
    for column in ("csat", *DIMENSIONS):
        x = profiles[column].to_numpy(dtype=float)
        xz = np.nan_to_num(x)
        cols[f"{column}_n"] = w * ~np.isnan(x)
        cols[f"{column}_sum"] = w * xz
        cols[f"{column}_sq"] = w * xz * xz
        if column in DIMENSIONS:
            both = w * (~np.isnan(x) & has_y)
            cols[f"{column}_pairs"] = both
            cols[f"{column}_pair_x"] = both * xz
            cols[f"{column}_pair_y"] = both * yz
            cols[f"{column}_pair_xx"] = both * xz * xz
            cols[f"{column}_pair_yy"] = both * yz * yz
            cols[f"{column}_pair_xy"] = both * xz * yz
    codes, keys = pd.factorize(profiles[by], sort=True)
    totals = {name: np.bincount(codes, weights=values, minlength=len(keys)) for name, values in cols.items()}
    return pd.DataFrame(totals, index=pd.Index(list(keys), name=by))


def _scores(sums: pd.DataFrame) -> pd.DataFrame:
    """NPS, CSAT and dimension means with their intervals, one row per row of sums."""
    col = {name: sums[name].to_numpy(dtype=float) for name in sums.columns}
    out: dict[str, object] = {"responses": col["responses"].astype(int), "nps_n": col["nps_n"].astype(int)}
    out["nps"], out["nps_low"], out["nps_high"] = ss.nps(col["promoters"], col["detractors"], col["nps_n"])
    out["csat_n"] = col["csat_n"].astype(int)
    out["csat_share"] = ss.share(col["csat_satisfied"], col["csat_n"])
    out["csat_share_low"], out["csat_share_high"] = ss.wilson(col["csat_satisfied"], col["csat_n"])
    out["csat_mean"], out["csat_mean_low"], out["csat_mean_high"] = ss.mean(
        col["csat_sum"], col["csat_sq"], col["csat_n"]
    )
    for dim in DIMENSIONS:
        out[dim] = ss.share(col[f"{dim}_sum"], col[f"{dim}_n"])
    out["follow_up"] = col["follow_up"].astype(int)
    return pd.DataFrame(out, index=sums.index)


def _by_period(profiles: pd.DataFrame) -> pd.DataFrame:
    return _sums(profiles, "period").reindex(list(PERIODS), fill_value=0)


_HEADLINE = (
    # metric, value column, low, high, n column
    ("nps", "nps", "nps_low", "nps_high", "nps_n"),
    ("csat_share", "csat_share", "csat_share_low", "csat_share_high", "csat_n"),
    ("csat_mean", "csat_mean", "csat_mean_low", "csat_mean_high", "csat_n"),
    ("survey_responses", "responses", None, None, "responses"),
    ("follow_up", "follow_up", None, None, "responses"),
)
_COUNTS = ("survey_responses", "follow_up")


def headline_of(profiles: pd.DataFrame) -> pd.DataFrame:
    """See `headline`."""
    scores = _scores(_by_period(profiles))
    now, before = scores.loc["current"], scores.loc["previous"]
    rows = [
        {
            "metric": metric,
            "value": float(now[value]) if now[n] > 0 or metric in _COUNTS else math.nan,
            "low": float(now[low]) if low else math.nan,
            "high": float(now[high]) if high else math.nan,
            "n": int(now[n]),
            "previous": float(before[value]) if before[n] > 0 else math.nan,
            "previous_n": int(before[n]),
        }
        for metric, value, low, high, n in _HEADLINE
    ]
    out = pd.DataFrame(rows)
    out["change"] = out["value"] - out["previous"]
    out["small_sample"] = ss.small(out["n"]) & ~out["metric"].isin(_COUNTS)
    return out


def headline(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """The headline scores of the period against the previous period (Filters.previous).

    One row per metric (nps, csat_share, csat_mean, survey_responses, follow_up) with columns:
    metric, value, low, high (95 % interval, NaN for counts), n (responses behind the figure),
    previous, previous_n, change (value − previous), small_sample (n < 30).
    """
    return headline_of(score_profiles(conn, f))


def nothing_matches(headline_table: pd.DataFrame) -> bool:
    """No survey response in the period under these filters."""
    return bool(headline_table.set_index("metric").loc["survey_responses", "value"] == 0)


def monthly_trend_of(profiles: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """See `monthly_trend`."""
    start = chart_start(f)
    months = pd.date_range(start.replace(day=1), pd.Timestamp(f.effective_to), freq="MS")
    sums = _sums(profiles, "month").reindex(months, fill_value=0)
    out = _scores(sums)
    out.insert(0, "month", months.date)
    out.insert(1, "in_period", months >= pd.Timestamp(f.date_from.replace(day=1)))
    out["small_sample"] = ss.small(out["nps_n"])
    return out.reset_index(drop=True)


def monthly_trend(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """NPS, CSAT and dimension means per month over the trend window (at least 12 months to the period end).

    Columns: month (date, first day), in_period (bool), responses, nps_n, nps, nps_low, nps_high,
    csat_n, csat_share, csat_share_low, csat_share_high, csat_mean, csat_mean_low, csat_mean_high,
    product_quality, service_attitude, response_speed, follow_up, small_sample (nps_n < 30).
    Months without responses are present with n = 0 and NaN scores.
    """
    return monthly_trend_of(score_profiles(conn, f), f)


def nps_group(score: float | None) -> str | None:
    """promoter (9–10), passive (7–8), detractor (0–6); None without a score."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return None
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def distributions_of(profiles: pd.DataFrame) -> pd.DataFrame:
    """See `distributions`."""
    now = profiles[profiles["period"] == "current"]
    weights = now["responses"].to_numpy(dtype=float)
    parts = []
    for measure in SCORES:
        low, high = (0, 10) if measure == "nps" else (1, 5)
        x = now[measure].to_numpy(dtype=float)
        known = ~np.isnan(x)
        counts = np.bincount(x[known].astype(int) - low, weights=weights[known], minlength=high - low + 1)
        scale = np.arange(low, high + 1)
        parts.append(pd.DataFrame({"measure": measure, "score": scale, "responses": counts[: len(scale)]}))
    out = pd.concat(parts, ignore_index=True)
    out["responses"] = out["responses"].astype(int)
    totals = out.groupby("measure")["responses"].transform("sum")
    out["share"] = ss.share(out["responses"], totals)
    out["group"] = [nps_group(s) if m == "nps" else None for m, s in zip(out["measure"], out["score"], strict=True)]
    return out


def distributions(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """How many responses gave each score in the period.

    Columns: measure (nps, csat, product_quality, service_attitude, response_speed), score,
    responses, share (of that measure's responses), group (NPS measure only: promoter / passive /
    detractor; None elsewhere). Every score of each scale is present (0–10, 1–5).
    """
    return distributions_of(score_profiles(conn, f))


def drivers_of(profiles: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """See `drivers`."""
    sums = _by_period(profiles)
    now, before, window = sums.loc["current"], sums.loc["previous"], sums.sum()
    rows = []
    for dim in DIMENSIONS:
        n = now[f"{dim}_n"]
        if n == 0:
            continue
        mean, low, high = (float(x[0]) for x in ss.mean([now[f"{dim}_sum"]], [now[f"{dim}_sq"]], [n]))
        previous = before[f"{dim}_sum"] / before[f"{dim}_n"] if before[f"{dim}_n"] else math.nan
        pair_sums = (window[f"{dim}_{k}"] for k in ("pairs", "pair_x", "pair_y", "pair_xx", "pair_yy", "pair_xy"))
        r = float(ss.correlation(*pair_sums))
        gap = (5 - mean) / 4
        rows.append(
            {
                "dimension": dim,
                "n": int(n),
                "mean": mean,
                "mean_low": low,
                "mean_high": high,
                "previous_mean": float(previous),
                "change": mean - previous,
                "r": r,
                "pairs": int(window[f"{dim}_pairs"]),
                "gap": gap,
                "priority": gap * max(r, 0.0) if not math.isnan(r) else math.nan,
            }
        )
    columns = ["dimension", "n", "mean", "mean_low", "mean_high", "previous_mean", "change", "r", "pairs", "gap",
               "priority"]  # fmt: skip
    out = pd.DataFrame(rows, columns=columns)
    out = out.sort_values(["priority", "mean"], ascending=[False, True], na_position="last").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    out["small_sample"] = ss.small(out["n"])
    out["relation_from"] = min(chart_start(f).replace(day=1), f.previous().date_from)
    out["relation_to"] = f.effective_to
    out["relation_n"] = int(window["nps_n"])
    return out


def drivers(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """The three dimensions ranked "what to fix first" (docs/metrics.md, `driver_priority`).

    The score is the period's; the relation to NPS is learned over the relation window — the trend
    window (at least the 12 months to the period's end) plus the previous period — because within one
    bad quarter a collapsed dimension has no spread left to correlate with (everyone answers 1).
    Columns: dimension, n, mean, mean_low, mean_high, previous_mean, change, r (Pearson correlation
    with the 0–10 NPS score over the window), pairs (window responses with both scores), gap
    ((5 − mean) ÷ 4: room to improve, 0..1), priority (gap × max(r, 0)), rank (1 = fix first),
    small_sample (n < 30), relation_from, relation_to, relation_n (the window and its responses with
    an NPS score). Sorted by rank; a dimension without scores in the period is left out.
    """
    return drivers_of(score_profiles(conn, f), f)
