"""Customer satisfaction after the sale: NPS, CSAT, the three service dimensions and what drives them.

Survey responses (table `surveys`, read through the `survey_facts` view) carry an NPS score 0–10, a
CSAT score 1–5 and three dimension scores 1–5: product quality, service attitude, response speed.
Every function takes the global filters: a response belongs to the period by its submission date and
to a segment by its account (customer type), deal (channel, product) and rep (team, region).
Definitions and intervals: docs/metrics.md, "Satisfaction"; interval maths: salesdash.survey_stats.
Validating uploaded survey rows and the survey template sheet: salesdash.survey_sheet (re-exported).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from salesdash import db
from salesdash import survey_stats as ss
from salesdash.filters import Filters
from salesdash.overview import chart_start
from salesdash.survey_sheet import survey_template, survey_template_xlsx, validate_survey_rows

METRICS = (
    "nps",
    "csat_share",
    "csat_mean",
    "survey_responses",
    "nps_interval",
    "dimension_mean",
    "driver_priority",
    "repeat_purchase_rate",
    "later_win_rate",
    "follow_up",
)
DIMENSIONS = ("product_quality", "service_attitude", "response_speed")
NPS_GROUPS = ("promoter", "passive", "detractor")
SEGMENT_DIMENSIONS = ("customer_types", "channels", "products", "teams", "reps")
FOLLOW_UP_LIMIT = 2000
COMMENT_LIMIT = 200

__all__ = [
    "METRICS",
    "available",
    "comments",
    "distributions",
    "drivers",
    "follow_up",
    "headline",
    "monthly_trend",
    "nothing_matches",
    "nps_group",
    "sales_link",
    "segments",
    "survey_template",
    "survey_template_xlsx",
    "validate_survey_rows",
]


def _sql(name: str, f: Filters) -> str:
    """The query salesdash/sql/<name>.sql with its filter slots filled."""
    return f.apply(db.sql_text(name))


def _params(f: Filters) -> dict[str, object]:
    before = f.previous()
    return f.params() | {"prev_from": before.date_from, "prev_to": before.effective_to}


def available(conn: db.Connection) -> dict[str, bool]:
    """Which parts the dataset can show: surveys, nps, csat, dimensions, comments, dated, deals."""
    row = db.query(conn, db.sql_text("survey_available")).iloc[0]
    return {name: bool(row[name]) for name in row.index}


def nps_group(score: float | None) -> str | None:
    """promoter (9–10), passive (7–8), detractor (0–6); None without a score."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return None
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def _period_sums(conn: db.Connection, f: Filters, window: bool = True) -> pd.DataFrame:
    """survey_period: rows current, previous, other (zeros when a period has no response).

    Without `window` the scan stops at the previous period ("other" stays empty): the headline needs
    no more, the drivers' relation window does.
    """
    params = _params(f) | {"chart_from": chart_start(f) if window else f.date_from}
    out = db.query(conn, _sql("survey_period", f), params).set_index("period")
    return out.reindex(["current", "previous", "other"], fill_value=0).astype(float)


def _scores(sums: pd.DataFrame) -> pd.DataFrame:
    """NPS, CSAT and dimension means with their intervals from additive sums (one row per row of sums)."""
    out = pd.DataFrame(index=sums.index)
    out["responses"] = sums["responses"].astype(int)
    out["nps_n"] = sums["nps_n"].astype(int)
    out["nps"], out["nps_low"], out["nps_high"] = ss.nps(sums["promoters"], sums["detractors"], sums["nps_n"])
    out["csat_n"] = sums["csat_n"].astype(int)
    out["csat_share"] = ss.share(sums["csat_satisfied"], sums["csat_n"])
    out["csat_share_low"], out["csat_share_high"] = ss.wilson(sums["csat_satisfied"], sums["csat_n"])
    out["csat_mean"], out["csat_mean_low"], out["csat_mean_high"] = ss.mean(
        sums["csat_sum"], sums["csat_sq"], sums["csat_n"]
    )
    for dim in DIMENSIONS:
        out[dim], _, _ = ss.mean(sums[f"{dim}_sum"], sums[f"{dim}_sq"], sums[f"{dim}_n"])
    out["follow_up"] = sums["follow_up"].astype(int)
    return out


_HEADLINE = (
    # metric, value column, low, high, n column
    ("nps", "nps", "nps_low", "nps_high", "nps_n"),
    ("csat_share", "csat_share", "csat_share_low", "csat_share_high", "csat_n"),
    ("csat_mean", "csat_mean", "csat_mean_low", "csat_mean_high", "csat_n"),
    ("survey_responses", "responses", None, None, "responses"),
    ("follow_up", "follow_up", None, None, "responses"),
)


def headline(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """The headline scores of the period against the previous period (Filters.previous).

    One row per metric (nps, csat_share, csat_mean, survey_responses, follow_up) with columns:
    metric, value, low, high (95 % interval, NaN for counts), n (responses behind the figure),
    previous, previous_n, change (value − previous), small_sample (n < 30).
    """
    scores = _scores(_period_sums(conn, f, window=False))
    now, before = scores.loc["current"], scores.loc["previous"]
    rows = []
    for metric, value, low, high, n in _HEADLINE:
        rows.append(
            {
                "metric": metric,
                "value": float(now[value]) if now[n] > 0 or metric in ("survey_responses", "follow_up") else math.nan,
                "low": float(now[low]) if low else math.nan,
                "high": float(now[high]) if high else math.nan,
                "n": int(now[n]),
                "previous": float(before[value]) if before[n] > 0 else math.nan,
                "previous_n": int(before[n]),
            }
        )
    out = pd.DataFrame(rows)
    out["change"] = out["value"] - out["previous"]
    out["small_sample"] = ss.small(out["n"]) & ~out["metric"].isin(["survey_responses", "follow_up"])
    return out


def nothing_matches(headline_table: pd.DataFrame) -> bool:
    """No survey response in the period under these filters."""
    return bool(headline_table.set_index("metric").loc["survey_responses", "value"] == 0)


def monthly_trend(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """NPS, CSAT and dimension means per month over the trend window (at least 12 months to the period end).

    Columns: month (date, first day), in_period (bool), responses, nps_n, nps, nps_low, nps_high,
    csat_n, csat_share, csat_share_low, csat_share_high, csat_mean, csat_mean_low, csat_mean_high,
    product_quality, service_attitude, response_speed, follow_up, small_sample (nps_n < 30).
    Months without responses are present with n = 0 and NaN scores.
    """
    start = chart_start(f)
    params = f.params() | {"chart_from": start}
    sums = db.query(conn, _sql("survey_monthly", f), params)
    months = pd.date_range(start.replace(day=1), pd.Timestamp(f.effective_to), freq="MS").date
    by_month = sums.assign(month=pd.to_datetime(sums["month"]).dt.date).set_index("month")
    by_month = by_month.reindex(months, fill_value=0).astype(float)
    out = _scores(by_month)
    out.insert(0, "month", by_month.index)
    out.insert(1, "in_period", [m >= f.date_from.replace(day=1) for m in by_month.index])
    out["small_sample"] = ss.small(out["nps_n"])
    return out.reset_index(drop=True)


def distributions(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """How many responses gave each score in the period.

    Columns: measure (nps, csat, product_quality, service_attitude, response_speed), score,
    responses, share (of that measure's responses), group (NPS measure only: promoter / passive /
    detractor; None elsewhere). Every score of each scale is present (0–10, 1–5).
    """
    out = db.query(conn, _sql("survey_distribution", f), f.params())
    totals = out.groupby("measure")["responses"].transform("sum")
    out["share"] = ss.share(out["responses"], totals)
    out["group"] = [nps_group(s) if m == "nps" else None for m, s in zip(out["measure"], out["score"], strict=True)]
    return out


def drivers(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """The three dimensions ranked "what to fix first" (docs/metrics.md, `driver_priority`).

    The score is the period's; the relation to NPS is learned over the relation window — the trend
    window (at least the 12 months to the period's end) plus the previous period — because within one
    bad quarter a collapsed dimension has no spread left to correlate with (everyone answers 1).
    Columns: dimension, n, mean, mean_low, mean_high, previous_mean, change, r (Pearson correlation
    with the 0–10 NPS score over the window), pairs (window responses with both scores), gap
    ((5 − mean) ÷ 4: room to improve, 0..1), priority (gap × max(r, 0)), rank (1 = fix first),
    small_sample (n < 30), relation_from, relation_to, relation_n (the window and its responses with an
    NPS score). Sorted by rank; a dimension
    without scores in the period is left out.
    """
    sums = _period_sums(conn, f)
    now, before, window = sums.loc["current"], sums.loc["previous"], sums.sum()
    relation_from = min(chart_start(f).replace(day=1), f.previous().date_from)
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
    out["relation_from"], out["relation_to"] = relation_from, f.effective_to
    out["relation_n"] = int(window["nps_n"])
    return out


# segment dimension -> (column of survey_facts, label column); fixed pieces for survey_segments.sql
SEGMENT_COLUMNS = {
    "customer_types": ("customer_type", "customer_type"),
    "channels": ("channel", "channel"),
    "products": ("product", "product"),
    "teams": ("team", "team"),
    "reps": ("rep_id", "rep_name"),
}


def segments(conn: db.Connection, f: Filters, dimension: str = SEGMENT_DIMENSIONS[0]) -> pd.DataFrame:
    """Scores per segment of one dimension (customer_types, channels, products, teams or reps).

    Columns: dimension, segment (the value; rep_id for reps; None when unknown), label (rep name for
    reps, else the value), responses, nps_n, nps, nps_low, nps_high, csat_n, csat_share, csat_mean,
    product_quality, service_attitude, response_speed, previous_nps, previous_n, nps_change,
    small_sample (nps_n < 30). Rows: segments with responses in the period, largest first.
    """
    if dimension not in SEGMENT_COLUMNS:
        raise ValueError(f"unknown segment dimension {dimension!r}")
    column, label = SEGMENT_COLUMNS[dimension]
    sql = (
        _sql("survey_segments", f)
        .replace("/*segment_column*/", f"s.{column}")
        .replace("/*segment_label*/", f"s.{label}")
    )
    raw = db.query(conn, sql, _params(f))
    now = raw[raw["period"] == "current"].reset_index(drop=True)
    before = raw[raw["period"] == "previous"]
    out = pd.DataFrame({"dimension": dimension, "segment": now["segment"]})
    out["label"] = now["label"].where(now["label"].notna(), now["segment"])
    out["responses"] = now["responses"].astype(int)
    out["nps_n"] = now["nps_n"].astype(int)
    out["nps"], out["nps_low"], out["nps_high"] = ss.nps(now["promoters"], now["detractors"], now["nps_n"])
    out["csat_n"] = now["csat_n"].astype(int)
    out["csat_share"] = ss.share(now["csat_satisfied"], now["csat_n"])
    out["csat_mean"] = ss.share(now["csat_sum"], now["csat_n"])
    for dim in DIMENSIONS:
        out[dim] = now[dim].astype(float)
    prev_nps, _, _ = ss.nps(before["promoters"], before["detractors"], before["nps_n"])
    previous = pd.DataFrame(
        {"segment": before["segment"].to_numpy(), "previous_nps": prev_nps, "previous_n": before["nps_n"].to_numpy()}
    )
    out = out.merge(previous, on="segment", how="left")
    out["previous_n"] = out["previous_n"].fillna(0).astype(int)
    out["nps_change"] = out["nps"] - out["previous_nps"]
    out["small_sample"] = ss.small(out["nps_n"])
    return out.sort_values(["responses", "segment"], ascending=[False, True]).reset_index(drop=True)


def follow_up(conn: db.Connection, f: Filters, limit: int = FOLLOW_UP_LIMIT) -> pd.DataFrame:
    """Detractors (NPS 0–6) and low CSAT (1–2) in the period, newest first: the Monday call list.

    Columns: submitted_on, response_id, account_id, account_name, customer_type, rep_id, rep_name,
    team, product, channel, deal_id, nps, csat, product_quality, service_attitude, response_speed,
    comment, detractor, low_csat (bools), reason ("detractor", "low_csat" or "detractor+low_csat"),
    total (how many match before the limit; the same on every row).
    """
    params = f.params() | {"limit": int(limit)}
    out = db.query(conn, _sql("survey_follow_up", f), params)
    detractor = out["detractor"].fillna(False).astype(bool)
    low = out["low_csat"].fillna(False).astype(bool)
    out["detractor"], out["low_csat"] = detractor, low
    out["reason"] = np.where(detractor & low, "detractor+low_csat", np.where(detractor, "detractor", "low_csat"))
    out["submitted_on"] = pd.to_datetime(out["submitted_on"]).dt.date
    return out


def comments(
    conn: db.Connection,
    f: Filters,
    search: str = "",
    groups: tuple[str, ...] = (),
    limit: int = COMMENT_LIMIT,
) -> pd.DataFrame:
    """Comments of the period containing `search` (any language, case-insensitive), newest first.

    `groups` keeps only responses of those NPS groups (promoter / passive / detractor); empty = all.
    Columns: submitted_on, response_id, account_name, rep_name, nps, csat, nps_group,
    comment, total (matches before the limit).
    """
    unknown = set(groups) - set(NPS_GROUPS)
    if unknown:
        raise ValueError(f"unknown NPS groups {sorted(unknown)}")
    search = search.strip()
    sql = (
        _sql("survey_comments", f)
        .replace("/*search_filter*/", " AND contains(lower(c.comment), lower($search))" if search else "")
        .replace("/*group_filter*/", " AND list_contains($groups, c.nps_group)" if groups else "")
    )
    params = f.params() | {"search": search, "groups": list(groups), "limit": int(limit)}
    out = db.query(conn, sql, params)
    out["submitted_on"] = pd.to_datetime(out["submitted_on"]).dt.date
    return out


def sales_link(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """Whether satisfied customers buy again, per NPS group of the period's responses.

    Columns: nps_group, responses, accounts, repeat_responses, repeat_rate (another won deal of the
    account within 12 months of the response), repeat_low, repeat_high (Wilson 95 %), full_window
    (responses whose 12 months have fully passed by as_of), later_won, later_lost, later_win_rate
    (won ÷ closed among later deals), later_closed, small_sample (responses < 30), cohort_responses and
    cohort_full_window (all groups together, the same on every row).
    """
    out = db.query(conn, _sql("survey_sales_link", f), f.params())
    out["repeat_rate"] = ss.share(out["repeat_responses"], out["responses"])
    out["repeat_low"], out["repeat_high"] = ss.wilson(out["repeat_responses"], out["responses"])
    out["later_closed"] = out["later_won"] + out["later_lost"]
    out["later_win_rate"] = ss.share(out["later_won"], out["later_closed"])
    out["small_sample"] = ss.small(out["responses"])
    out["cohort_responses"] = int(out["responses"].sum())
    out["cohort_full_window"] = int(out["full_window"].sum())
    return out
