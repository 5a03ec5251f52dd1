"""Forecast page widgets: the period picker, the target input, the headline cards and labelled tables."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from salesdash import fmt, forecast
from salesdash.charts.forecast import period_label
from salesdash.filters import Filters
from salesdash.ui.core import currency, lang, t, tl
from salesdash.ui.widgets import download_buttons


def controls(as_of: date) -> tuple[str, date, date, Any]:
    """The period (month or quarter; the current one or one of the next two) and a slot for the target
    input on the same row: (kind, start, end, target_slot)."""
    left, middle, right = st.columns([1, 2, 2])
    with left:
        kind = st.segmented_control(
            t("forecast.period_kind"),
            options=list(forecast.PERIOD_KINDS),
            format_func=lambda k: t(f"forecast.kind.{k}"),
            default="quarter",
            key="fc_kind",
        ) or "quarter"
    labels = {o: period_label(forecast.period_bounds(as_of, kind, o)[0], kind, lang()) for o in range(3)}
    with middle:
        offset = st.selectbox(
            t("forecast.which_period"),
            options=[0, 1, 2],
            format_func=lambda o: t(f"forecast.offset_{o}", label=labels[o]),
            key="fc_offset",
        )
    start, end = forecast.period_bounds(as_of, kind, int(offset or 0))
    return kind, start, end, right


def target_input(quota_total: float, f: Filters, start: date) -> tuple[float | None, bool]:
    """The target: the quota of the selected reps unless another figure is typed. Returns (target, typed).

    The widget is keyed by period and segment, so each keeps its own typed figure and starts at its quota.
    """
    has_quota = not math.isnan(quota_total) and quota_total > 0
    key = f"fc_target_{start.isoformat()}_{abs(hash(forecast.segment_only(f))) % 10**8}"
    money = fmt.money(quota_total, lang(), currency()) if has_quota else fmt.DASH
    value = st.number_input(
        t("forecast.target_input"),
        min_value=0.0,
        value=float(round(quota_total)) if has_quota else 0.0,
        step=1000.0,
        format="%.0f",
        key=key,
        help=t("forecast.target_help_quota", value=money) if has_quota else t("forecast.target_help_typed"),
    )
    target = float(value) if value and value > 0 else None
    typed = target is not None and (not has_quota or abs(target - round(quota_total)) > 0.5)
    return target, typed


def headline_cards(head: dict[str, Any], method_label: str) -> None:
    """Forecast of the trusted method (P10–P90 beneath), target (won so far beneath), gap, chance of reaching it."""
    language, cur = lang(), currency()
    small_sample = bool(head["small_sample"])
    gap = head["gap"]
    gap_note = None if math.isnan(gap) else t("forecast.gap_ahead") if gap < 0 else t("forecast.gap_short")
    chance = fmt.pct(head["p_target"], language, 0)
    if small_sample and chance != fmt.DASH:
        chance += " ⚠"
    spread = t("forecast.range_value", low=fmt.money(head["low"], language, cur), high=fmt.money(head["high"], language, cur))
    won = fmt.money(head["won_to_date"], language, cur)
    won_note = (
        t("forecast.won_note", won=won)
        if math.isnan(head["attained"])
        else t("forecast.won_share", won=won, share=fmt.pct(head["attained"], language, 0))
    )
    entries = [
        ("forecast", fmt.money(head["forecast"], language, cur), spread, t("forecast.card.forecast", method=method_label)),
        ("target", fmt.money(head["target"], language, cur), won_note, None),
        ("gap", fmt.money(gap, language, cur), gap_note, None),
        ("p_target", chance, None, None),
    ]
    for col, (key, value, delta, label) in zip(st.columns(len(entries)), entries, strict=True):
        help_text = t(f"forecast.card_help.{key}")
        if key == "p_target" and head.get("chance_from") == "time_series":
            help_text = t("forecast.card_help.p_target_series")
        if key == "p_target" and small_sample:
            help_text += "\n\n" + t("core.small_sample", n=int(head["open_deals"]))
        col.metric(
            label or t(f"forecast.card.{key}"), value, delta=delta, delta_color="off", delta_arrow="off",
            help=help_text, border=True,
        )  # fmt: skip


def with_labels(df: pd.DataFrame) -> pd.DataFrame:
    """Stage and forecast category in the user's language (for tables)."""
    out = df.copy()
    if "stage" in out:
        out["stage"] = out["stage"].map(lambda s: tl("stage", s))
    if "forecast_category" in out:
        out["forecast_category"] = out["forecast_category"].map(lambda c: t(f"forecast.category.{c}"))
    if "team" in out:
        out["team"] = out["team"].map(lambda v: tl("team", v))
    return out


def group_labels(df: pd.DataFrame, by: str) -> pd.DataFrame:
    """The breakdown's group column in the user's language (reps by name)."""
    out = df.copy()
    kinds = {"team": "team", "customer_type": "customer_type", "channel": "channel"}
    if by in kinds:
        out["label"] = out["group"].map(lambda v: tl(kinds[by], v))
    return out


def method_names(df: pd.DataFrame, trusted: str) -> pd.DataFrame:
    out = df.copy()
    out["method"] = out["method"].map(lambda m: t(f"forecast.method.{m}") + (" ★" if m == trusted else ""))
    return out


SHOWN_ROWS = 200  # a longer list is for the download, not for the screen


def table(
    df: pd.DataFrame,
    columns: dict[str, str],
    name: str,
    money: tuple[str, ...] = (),
    shares: tuple[str, ...] = (),
) -> None:
    """ui.table with money in whole units and shares as %, the first 200 rows on screen, and CSV / Excel
    files of every row made when a button is clicked rather than on every run: the commit-at-risk list of
    a large company runs to thousands of rows, and an Excel file of it takes seconds to write."""
    shown = df[list(columns)].copy()
    for col in money:
        shown[col] = pd.to_numeric(shown[col], errors="coerce").round(0)
    config: dict[str, Any] = {t(columns[c]): st.column_config.NumberColumn(format="localized") for c in money}
    config |= {t(columns[c]): st.column_config.NumberColumn(format="percent") for c in shares}
    shown = shown.rename(columns={c: t(k) for c, k in columns.items()})
    st.dataframe(shown.head(SHOWN_ROWS), hide_index=True, width="stretch", column_config=config)
    if len(shown) > SHOWN_ROWS:
        st.caption(t("forecast.rows_shown", shown=f"{SHOWN_ROWS:,}", total=f"{len(shown):,}"))
    download_buttons(shown, name)
