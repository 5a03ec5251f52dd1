"""Screen pieces of the Reps page: numeric tables that sort as numbers, rep cards, findings.

Tables keep numbers numeric (so clicking a header sorts 9 before 10) and let the column format
write them: money compact in English, in 万 for Chinese; shares as percentages. Downloads carry the
same columns with full amounts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from salesdash import fmt, i18n
from salesdash.ui.core import currency, lang, t
from salesdash.ui.widgets import download_buttons

# column -> (catalogue key of its header, kind): text, money, count, pct, points, days, ratio, decimal
Columns = Mapping[str, tuple[str, str]]

BOARD_COLUMNS: dict[str, tuple[str, str]] = {
    "rank": ("reps.col.rank", "count"),
    "label": ("reps.col.rep", "text"),
    "team": ("reps.col.team", "text"),
    "won_value": ("reps.col.won_value", "money"),
    "won_count": ("reps.col.won_count", "count"),
    "closed_count": ("reps.col.closed_count", "count"),
    "win_rate": ("reps.col.win_rate", "pct"),
    "interval": ("reps.col.win_rate_interval", "text"),
    "win_rate_low": ("reps.col.win_rate_low", "pct"),
    "win_rate_value": ("reps.col.win_rate_value", "pct"),
    "avg_won_deal": ("reps.col.avg_won_deal", "money"),
    "median_cycle_days": ("reps.col.median_cycle", "days"),
    "open_value": ("reps.col.open_value", "money"),
    "weighted_pipeline": ("reps.col.weighted_pipeline", "money"),
    "quota": ("reps.col.quota", "money"),
    "attainment": ("reps.col.attainment", "pct"),
    "pacing": ("reps.col.pacing", "pct"),
    "coverage": ("reps.col.coverage", "ratio"),
    "activities": ("reps.col.activities", "count"),
}
QUOTA_COLUMNS = ("quota", "attainment", "pacing", "coverage")
_PINNED = ("rank", "label")  # stay in view while the wide leaderboard scrolls sideways
_HELP = {
    "win_rate": "reps.col_help.win_rate",
    "interval": "reps.col_help.win_rate_interval",
    "win_rate_low": "reps.col_help.win_rate_low",
    "pacing": "reps.col_help.pacing",
    "coverage": "reps.col_help.coverage",
    "weighted_pipeline": "reps.col_help.weighted_pipeline",
    "label": "reps.col_help.small_sample",
}


TABS = ("leaderboard", "quota", "stages", "activity", "detail")


def page_tabs() -> tuple[dict[str, Any], str]:
    """The page's tabs, run lazily: only the open tab's content is computed and drawn.

    Returns the tab containers by name and the name of the open one. The open tab is kept across a
    language switch (the widget's key carries the language, as the sidebar's filters do).
    """
    labels = [t(f"reps.tab.{name}") for name in TABS]
    key = f"reps_tab.{lang()}"
    if key not in st.session_state:
        # seeded through session state, not `default`: a changing default would make a new widget
        st.session_state[key] = labels[TABS.index(st.session_state.get("_reps_tab", TABS[0]))]
    containers = st.tabs(labels, key=key, on_change="rerun")
    opened = next((name for name, tab in zip(TABS, containers, strict=True) if tab.open), TABS[0])
    st.session_state["_reps_tab"] = opened
    return dict(zip(TABS, containers, strict=True)), opened


_KEPT = "_reps_kept"


def sticky(name: str, per_language: bool = False, default: object = None) -> str:
    """The key of a widget that keeps its value while another tab is open.

    Streamlit forgets a widget's value when a run does not draw it (lazy tabs draw one tab), so the
    last value is kept aside and put back. A widget whose options show translated labels gets one
    key per language (as the sidebar's filters do).
    """
    key = f"{name}.{lang()}" if per_language else name
    kept: dict[str, object] = st.session_state.setdefault(_KEPT, {})
    if key not in st.session_state and name in kept:
        st.session_state[key] = kept[name]
    elif key not in st.session_state and default is not None:
        st.session_state[key] = default
    return key


def remember(name: str, value: object) -> None:
    """Keep a sticky widget's value for the next time its tab opens."""
    st.session_state.setdefault(_KEPT, {})[name] = value


def board_columns(show_quota: bool, show_activities: bool, rollup: bool = False) -> dict[str, tuple[str, str]]:
    """The leaderboard's columns (or a roll-up's: group and head count first), without quota
    figures or activities when the data has none."""
    cols = dict(BOARD_COLUMNS)
    if rollup:
        head = {"label": ("reps.col.group", "text"), "reps": ("reps.col.reps", "count")}
        cols = head | {k: v for k, v in cols.items() if k not in ("rank", "label", "team")}
    if not show_quota:
        cols = {k: v for k, v in cols.items() if k not in QUOTA_COLUMNS}
    if not show_activities:
        cols.pop("activities", None)
    return cols


def with_labels(board: pd.DataFrame) -> pd.DataFrame:
    """Add `label` (the rep's name, ⚠ for a small sample, Σ team for a subtotal) and `interval` text."""
    def label(row: pd.Series) -> str:
        kind = row.get("row_kind", row["level"])
        if kind in ("total",) or row["level"] == "total":
            return t("reps.board.total")
        if row["level"] != "rep":
            name = row["key"] if pd.notna(row["key"]) else t("core.none")
            return t("reps.board.subtotal", team=name) if kind == "subtotal" else str(name)
        name = str(row["rep_name"]) if pd.notna(row["rep_name"]) else t("core.none")
        return name + " ⚠" if row["small_sample"] else name

    out = board.copy()
    out["label"] = [label(r) for _, r in out.iterrows()] if len(out) else pd.Series(dtype=str)
    out["interval"] = [
        fmt.DASH if pd.isna(lo) else f"{lo * 100:.0f}–{hi * 100:.0f}%"
        for lo, hi in zip(out["win_rate_low"], out["win_rate_high"], strict=True)
    ]
    for dim in ("team", "manager", "region"):
        out[dim] = out[dim].astype(object).where(out[dim].notna(), "")
    return out


def number_table(
    df: pd.DataFrame,
    columns: Columns,
    name: str,
    key: str,
    extra_sheets: Mapping[str, pd.DataFrame] | None = None,
    height: int | str = "auto",
) -> None:
    """A table whose numbers sort as numbers, formatted by kind, with CSV/Excel downloads."""
    language, cur = lang(), currency()
    symbol = fmt.CURRENCY_SYMBOLS.get((cur or "").upper(), cur or "")
    shown = pd.DataFrame(index=df.index)
    config: dict[str, object] = {}
    for col, (label_key, kind) in columns.items():
        header = _header(label_key)
        if kind == "money" and symbol:
            header = f"{header} ({symbol})"
        shown[header] = _display(df[col], kind, language)
        config[header] = _column(kind, language, t(_HELP[col]) if col in _HELP else None, pinned=col in _PINNED)
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config, height=height)  # type: ignore[arg-type]
    download_buttons({name: download_frame(df, columns), **(extra_sheets or {})}, name, key=key)


def download_frame(df: pd.DataFrame, columns: Columns) -> pd.DataFrame:
    """The same columns with translated headers, full amounts and percentages as numbers."""
    out = pd.DataFrame(index=df.index)
    for col, (label_key, kind) in columns.items():
        header = _header(label_key)
        values = df[col]
        if kind in ("pct", "points"):
            out[f"{header} (%)"] = (values.astype(float) * 100).round(2)
        else:
            out[header] = values
    return out.reset_index(drop=True)


def _header(label: str) -> str:
    """A catalogue key's text, or the text itself (a data value such as an activity type)."""
    return t(label) if i18n.has(label) else label


def _display(values: pd.Series, kind: str, language: str) -> pd.Series:
    if kind == "text":
        return values.astype(object).where(values.notna(), "")
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    if kind in ("pct", "points"):
        return numbers * 100
    if kind == "money" and language == "zh":
        return numbers / 1e4
    return numbers


def _column(kind: str, language: str, help_text: str | None, pinned: bool = False) -> object:
    if kind == "text":
        return st.column_config.TextColumn(help=help_text, pinned=pinned)
    formats = {
        "money": "%.1f万" if language == "zh" else "compact",
        "count": "%d",
        "pct": "%.1f%%",
        "points": "%+.1f",
        "days": "%.0f 天" if language == "zh" else "%.0f d",
        "ratio": "%.2f×",
        "decimal": "%.1f",
    }
    return st.column_config.NumberColumn(format=formats[kind], help=help_text, pinned=pinned)


def rep_cards(rep: pd.Series, show_quota: bool, show_activities: bool) -> None:
    """The chosen rep's headline figures as metric cards."""
    language, cur = lang(), currency()
    small = rep["closed_count"] < 30
    win = fmt.pct(rep["win_rate"], language) + (" ⚠" if small else "")
    interval = (
        f"{fmt.pct(rep['win_rate_low'], language, 0)}–{fmt.pct(rep['win_rate_high'], language, 0)}"
        if pd.notna(rep["win_rate_low"])
        else fmt.DASH
    )
    cards: list[tuple[str, str, str | None]] = [
        (t("reps.col.won_value"), fmt.money(rep["won_value"], language, cur), None),
        (t("reps.col.win_rate"), win, f"{t('reps.col.win_rate_interval')}: {interval} · n = {int(rep['closed_count'])}"),
        (t("reps.col.open_value"), fmt.money(rep["open_value"], language, cur), None),
        (t("reps.col.weighted_pipeline"), fmt.money(rep["weighted_pipeline"], language, cur), t("reps.col_help.weighted_pipeline")),
    ]
    if show_quota:
        cards += [
            (t("reps.col.attainment"), fmt.pct(rep["attainment"], language, 0), None),
            (t("reps.col.pacing"), fmt.pct(rep["pacing"], language, 0), t("reps.col_help.pacing")),
            (t("reps.col.coverage"), _coverage(rep), t("reps.col_help.coverage")),
        ]
    if show_activities:
        cards.append((t("reps.col.activities"), fmt.count(rep["activities"], language), None))
    for col, (label, value, help_text) in zip(st.columns(len(cards)), cards, strict=True):
        col.metric(label, value, help=help_text, border=True)


def _coverage(rep: pd.Series) -> str:
    if pd.notna(rep["remaining_quota"]) and rep["remaining_quota"] <= 0:
        return t("reps.detail.quota_met")
    value = rep["coverage"]
    return fmt.DASH if value is None or math.isnan(value) else f"{value:.2f}×"


def findings_list(lines: Sequence[tuple[str, str]]) -> None:
    """Strengths and weaknesses as short lines with a mark for each kind."""
    for kind, text in lines:
        icon = ":material/thumb_up:" if kind == "strength" else ":material/priority_high:"
        colour = "green" if kind == "strength" else "orange"
        st.markdown(f":{colour}[{icon} **{t('reps.detail.' + kind)}**] · {text}")


def with_activity_flags(table: pd.DataFrame) -> pd.DataFrame:
    """Add `flag`: the busy-but-not-converting mark as text."""
    mark = t("reps.col.busy_not_converting")
    return table.assign(flag=[mark if b else "" for b in table["busy_not_converting"]])


STALLED_COLUMNS: dict[str, tuple[str, str]] = {
    "name": ("reps.col.deal", "text"),
    "account_name": ("reps.col.account", "text"),
    "stage": ("reps.col.stage", "text"),
    "amount": ("reps.col.amount", "money"),
    "expected_close": ("reps.col.expected_close", "text"),
    "age_in_stage_days": ("reps.col.age_in_stage", "days"),
    "stage_p75_days": ("reps.col.stage_norm", "days"),
    "days_since_activity": ("reps.col.days_since_activity", "days"),
}


def stalled_table(stalled: pd.DataFrame, key: str) -> None:
    """The rep's stalled deals, largest first, with downloads."""
    language = lang()
    table = stalled.assign(
        stage=[i18n.label("stage", s, language) for s in stalled["stage"]],
        expected_close=[fmt.day(d, language) if pd.notna(d) else fmt.DASH for d in stalled["expected_close"]],
    )
    # without stage history (or activities) a column is empty for every deal: leave it out
    columns = {k: v for k, v in STALLED_COLUMNS.items() if table[k].notna().any()}
    number_table(table, columns, t("reps.detail.sheet_stalled"), key=key, height=min(38 + 35 * len(table), 420))


def satisfaction_frame(satisfaction: pd.DataFrame) -> pd.DataFrame:
    """Scores written for reading: NPS as a score, CSAT as a percentage, the rest as means of 5."""
    language = lang()

    def write(score: str, value: float) -> str:
        if score == "nps":
            return fmt.score(value, language)
        if score == "csat":
            return fmt.pct(value, language, 0)
        return fmt.DASH if pd.isna(value) else f"{value:.2f} / 5"

    return pd.DataFrame(
        {
            t("reps.col.score"): [t(f"reps.score.{s}") for s in satisfaction["score"]],
            t("reps.col.rep_score"): [write(s, v) for s, v in zip(satisfaction["score"], satisfaction["rep"], strict=True)],
            t("reps.col.peer_score"): [write(s, v) for s, v in zip(satisfaction["score"], satisfaction["peer"], strict=True)],
        }
    )


def satisfaction_table(satisfaction: pd.DataFrame, peers: str) -> None:
    """The rep's survey scores beside their peers', with the response counts and a small-sample mark."""
    n, peer_n = int(satisfaction["rep_responses"].iloc[0]), int(satisfaction["peer_responses"].iloc[0])
    st.caption(f"{t('reps.col.responses')}: {n} · {peers}: {peer_n}")
    if n < 30:
        st.caption("⚠ " + t("core.small_sample", n=n))
    st.dataframe(satisfaction_frame(satisfaction), hide_index=True, width="content")


def detail_downloads(
    rep_name: str,
    funnel: pd.DataFrame,
    trend: pd.DataFrame,
    stalled: pd.DataFrame,
    satisfaction: pd.DataFrame,
    lines: Sequence[tuple[str, str]],
) -> None:
    """One workbook with everything on the rep's page."""
    findings = pd.DataFrame(
        {t("reps.col.kind"): [t(f"reps.detail.{k}") for k, _ in lines], t("reps.col.finding"): [x for _, x in lines]}
    )
    sheets = {
        t("reps.detail.sheet_findings"): findings,
        t("reps.detail.sheet_funnel"): funnel,
        t("reps.detail.sheet_trend"): trend,
        t("reps.detail.sheet_stalled"): download_frame(stalled, STALLED_COLUMNS) if len(stalled) else stalled,
        t("reps.detail.sheet_satisfaction"): satisfaction_frame(satisfaction),
    }
    st.caption(t("reps.detail.download_all", rep=rep_name))
    download_buttons(sheets, f"{t('reps.detail.file')}-{rep_name}", key="reps_detail")
