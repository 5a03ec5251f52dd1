"""Customer satisfaction after the sale: NPS, CSAT, the three service dimensions and what drives them.

Survey responses (table `surveys`, read through the `survey_facts` view) carry an NPS score 0–10, a
CSAT score 1–5 and three dimension scores 1–5: product quality, service attitude, response speed.
Every function takes the global filters: a response belongs to the period by its submission date and
to a segment by its account (customer type), deal (channel, product) and rep (team, region).
Definitions and intervals: docs/metrics.md, "Satisfaction"; interval maths: salesdash.survey_stats;
headline, trend, distributions and drivers: salesdash.survey_scores (re-exported here).
Validating uploaded survey rows and the survey template sheet: salesdash.survey_sheet (re-exported).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesdash import db
from salesdash import survey_stats as ss
from salesdash.filters import Filters
from salesdash.survey_scores import (
    DIMENSIONS,
    distributions,
    distributions_of,
    drivers,
    drivers_of,
    headline,
    headline_of,
    monthly_trend,
    monthly_trend_of,
    nothing_matches,
    nps_group,
    score_profiles,
    survey_params,
)
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
NPS_GROUPS = ("promoter", "passive", "detractor")
SEGMENT_DIMENSIONS = ("customer_types", "channels", "products", "teams", "reps")
FOLLOW_UP_LIMIT = 2000
COMMENT_LIMIT = 200

__all__ = [
    "METRICS",
    "available",
    "comments",
    "distributions",
    "distributions_of",
    "drivers",
    "drivers_of",
    "follow_up",
    "headline",
    "headline_of",
    "monthly_trend",
    "monthly_trend_of",
    "nothing_matches",
    "nps_group",
    "sales_link",
    "score_profiles",
    "segments",
    "survey_template",
    "survey_template_xlsx",
    "validate_survey_rows",
]


def _sql(name: str, f: Filters) -> str:
    """The query salesdash/sql/<name>.sql with its filter slots filled."""
    return f.apply(db.sql_text(name))


def available(conn: db.Connection) -> dict[str, bool]:
    """Which parts the dataset can show: surveys, nps, csat, dimensions, comments, dated, deals."""
    row = db.query(conn, db.sql_text("survey_available")).iloc[0]
    return {name: bool(row[name]) for name in row.index}


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
    raw = db.query(conn, sql, survey_params(f))
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
    sql = (  # fixed fragments; the values are bound
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

    Columns: nps_group, responses, repeat_responses, repeat_rate (another won deal of the
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
