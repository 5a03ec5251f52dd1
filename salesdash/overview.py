"""Overview: the headline KPIs of a period against the previous period, and won value by month.

Definitions are in docs/metrics.md; every figure here means the same on every page.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from salesdash import db, i18n
from salesdash.filters import Filters, add_months

# metric name -> unit kind (see salesdash.fmt.value); the order is the order of the cards.
KPI_UNITS: dict[str, str] = {
    "open_pipeline_value": "money",
    "open_pipeline_count": "count",
    "won_value": "money",
    "won_count": "count",
    "win_rate": "pct",
    "avg_won_deal": "money",
    "median_sales_cycle": "days",
    "sales_velocity": "money_per_day",
    "quota_attainment": "pct",
    "nps": "score",
}
METRICS = tuple(KPI_UNITS)


def period_figures(conn: db.Connection, f: Filters) -> dict[str, float]:
    """Every KPI of one period, plus the sample sizes behind the ratios."""
    row = db.query(conn, f.apply(db.sql_text("overview_period")), f.params()).iloc[0]
    won, lost = float(row["won_count"]), float(row["lost_count"])
    won_value = float(row["won_value"])
    win_rate = won / (won + lost) if won + lost else math.nan
    avg_won = won_value / won if won else math.nan
    avg_cycle = _num(row["avg_cycle_days"])
    velocity = (
        float(row["open_count"]) * avg_won * win_rate / avg_cycle
        if avg_cycle and avg_cycle > 0 and not math.isnan(avg_won * win_rate)
        else math.nan
    )
    quota = _num(row["quota"])
    return {
        "open_pipeline_value": float(row["open_value"]),
        "open_pipeline_count": float(row["open_count"]),
        "won_value": won_value,
        "won_count": won,
        "win_rate": win_rate,
        "avg_won_deal": avg_won,
        "median_sales_cycle": _num(row["median_cycle_days"]),
        "sales_velocity": velocity,
        "quota_attainment": won_value / quota if quota and quota > 0 else math.nan,
        "nps": _num(row["nps"]),
        "closed_count": won + lost,
        "survey_responses": float(row["responses"]),
        "quota": quota if quota is not None else math.nan,
    }


def kpis(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """One row per KPI: metric, value, previous, change, unit, sample (the n behind a ratio).

    `previous` is the period of equal length before, cut at the same elapsed day (Filters.previous).
    """
    now, before = period_figures(conn, f), period_figures(conn, f.previous())
    samples = {"win_rate": now["closed_count"], "nps": now["survey_responses"]}
    rows = [
        {
            "metric": name,
            "value": now[name],
            "previous": before[name],
            "change": now[name] - before[name],
            "unit": unit,
            "sample": samples.get(name, math.nan),
        }
        for name, unit in KPI_UNITS.items()
    ]
    return pd.DataFrame(rows)


def labelled(kpis: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The kpis frame with a `label` column in the user's language (for the table and its export)."""
    out = kpis.copy()
    out["label"] = [i18n.t(f"metric.{m}", lang) for m in out["metric"]]
    return out


def nothing_matches(kpis: pd.DataFrame) -> bool:
    """No open, won or lost deal in the period: the filters select nothing to show."""
    values = kpis.set_index("metric")["value"]
    return bool(values["open_pipeline_count"] == 0 and values["won_count"] == 0 and math.isnan(values["win_rate"]))


def chart_start(f: Filters) -> date:
    """Won-by-month shows at least the 12 months up to the period's end, so a trend is visible."""
    period_month = date(f.date_from.year, f.date_from.month, 1)
    return min(period_month, add_months(f.effective_to, -11))


def won_by_month(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """Columns: month (date), won_value, won_count, in_period (bool). Months without wins are 0."""
    params = f.params() | {"chart_from": chart_start(f)}
    out = db.query(conn, f.apply(db.sql_text("won_by_month")), params)
    out["month"] = pd.to_datetime(out["month"]).dt.date
    return out


def _num(value: object) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return math.nan
    return float(value)  # type: ignore[arg-type]
