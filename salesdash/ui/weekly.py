"""Screen pieces of the Weekly review: its cached data, the week picker, the cards, presentation mode and the
pack buttons.

The review's data is cached in three parts (st.cache_resource: shared as they are, never copied or changed):
what a week holds for every deal (weekly.week_state: the costly part, its queries), the at-risk list for every
deal (weekly_risk.risk_list), and the few figures each segment filter computes from them (weekly.figures: the
forecast's simulations the costliest). So a new filter on a week already seen costs no query. Each is keyed
by the dataset's identity, as salesdash.ui.core keys its caches (DESIGN.md "Bad input").

Presentation mode (`?present=1`, or the Present button) hides the sidebar and Streamlit's chrome and shows
one section at a time as a slide. Type is sized in viewport-height units, so a slide lays out the same at
1280×720 and 1920×1080 (both 16:9) and never needs scrolling; ← / → (and PageUp / PageDown, which
presenter remotes send) step through the slides, Esc leaves.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from salesdash import datasets, db, fmt, forecast, pack, weekly, weekly_risk
from salesdash.filters import DIMENSIONS, Filters
from salesdash.ui.core import active, currency, data, lang, t, tl
from salesdash.ui.widgets import delta_style

_WEEK = "_weekly_week"  # the chosen week's Monday (survives runs where the picker is not drawn)
_SLIDE = "_weekly_slide"
_VALUE_KINDS = {"customer_types": "customer_type", "channels": "channel", "products": "product", "regions": "region"}


def presenting() -> bool:
    return st.query_params.get("present") == "1"


def _start_presenting() -> None:
    st.query_params["present"] = "1"
    st.session_state[_SLIDE] = 0


def _stop_presenting() -> None:
    st.query_params.pop("present", None)
    st.query_params.pop("slide", None)


# A week's state is ~55 MB at 1M deals (the flow of ~80k deals and its movers), ~0.5 GB at 10M: the week on
# screen and the one seen before it are kept, none past an hour unused. A filter's figures are a few small tables.
@st.cache_resource(show_spinner=False, max_entries=2, ttl="1h")
def _week_state(_conn: db.Connection, dataset_id: str, week_start: date, as_of: date) -> weekly.WeekState:
    # what the history teaches is the Forecast page's, cached per dataset (and shared with it)
    learned, stays = data(forecast.learn, as_of), data(weekly_risk.stay_lengths)
    return weekly.week_state(_conn, weekly.Week(week_start), as_of, learned, stays)


@st.cache_resource(show_spinner=False, max_entries=4, ttl="1h")
def _risk_list(_conn: db.Connection, dataset_id: str, as_of: date) -> pd.DataFrame:
    return weekly_risk.risk_list(_conn, as_of)


@st.cache_resource(show_spinner=False, max_entries=64, ttl="1h")
def _figures(dataset_id: str, week_start: date, as_of: date, segment: Filters, _state: weekly.WeekState) -> weekly.Figures:
    return weekly.figures(_state, segment)


def review(week: weekly.Week, f: Filters) -> weekly.Review:
    """The week's review for f's segment filters, from the caches above (the sidebar's dates play no part)."""
    ds = active()
    state = _week_state(ds.conn, ds.dataset_id, week.start, f.as_of)
    risks = _risk_list(ds.conn, ds.dataset_id, f.as_of)
    segment = forecast.segment_only(f)
    return weekly.review_of(state, risks, segment, _figures(ds.dataset_id, week.start, f.as_of, segment, state))


def week_picker(as_of: date, first: date | None, show: bool, last: date | None = None) -> weekly.Week:
    """The chosen week: from the URL on the first run, then from the picker; mirrored in the URL."""
    choices = weekly.week_choices(as_of, first, last=last)
    starts = [w.start for w in choices]
    if st.session_state.get(_WEEK) not in starts:
        picked = weekly.chosen_week(st.query_params.get("week"), as_of)
        st.session_state[_WEEK] = picked.start if picked.start in starts else starts[0]
    if show:
        st.session_state["weekly_week"] = st.session_state[_WEEK]
        st.selectbox(
            t("weekly.week"),
            options=starts,
            format_func=lambda d: t(
                "weekly.week_option", start=fmt.day(d, lang()), end=fmt.day(weekly.Week(d).end, lang())
            ),
            key="weekly_week",
            on_change=lambda: st.session_state.update({_WEEK: st.session_state["weekly_week"]}),
        )
    week = weekly.Week(st.session_state[_WEEK])
    if st.query_params.get("week") != week.start.isoformat():
        st.query_params["week"] = week.start.isoformat()
    return week


def outside_data(week: weekly.Week, span: datasets.Span) -> bool:
    """The week lies wholly after the data's last day or before its first (its figures are all nought)."""
    return (span.last is not None and week.start > span.last) or (span.first is not None and week.end < span.first)


def filters_text(f: Filters) -> str:
    """The active segment filters in words, e.g. 'Channel: Partner · Team: Atlas' (or 'All deals')."""
    names = data(datasets.rep_names)
    parts = []
    for name in DIMENSIONS:
        values = getattr(f, name)
        if not values:
            continue
        kind = _VALUE_KINDS.get(name)
        shown = [tl(kind, v) if kind else names.get(v, v) for v in values]
        parts.append(f"{t(f'core.dim.{name}')}: {', '.join(shown)}")
    return " · ".join(parts) or t("weekly.all_deals")


def cards(table: pd.DataFrame, per_row: int) -> None:
    """The 'what changed' cards: value, change (green when the change is good news), deal counts."""
    language, cur = lang(), currency()
    rows = [table.iloc[i : i + per_row] for i in range(0, len(table), per_row)]
    for chunk in rows:
        cols = st.columns(per_row)
        for col, (_, c) in zip(cols, chunk.iterrows(), strict=False):
            pipeline_card = c["metric"] in (
                "weekly_open_pipeline",
                "weekly_commit",
                "weekly_forecast_p50",
                "weekly_stalled",
            )
            against = t("weekly.vs_start" if pipeline_card else "weekly.vs_prev_week")
            with col.container(border=True, key=f"card_{c['metric']}"):
                st.metric(
                    t(f"metric.{c['metric']}"),
                    fmt.value(c["unit"], c["value"], language, cur),
                    delta=_delta(c, language, cur),
                    **delta_style(c["change"], rise_is_good=bool(c["rise_is_good"])),
                    help=t(f"metric_help.{c['metric']}"),
                )
                counts = ""
                if not math.isnan(c["count"]):
                    counts = t("weekly.deals_count", n=f"{c['count']:,.0f}") + " · "
                st.caption(counts + against)


def _delta(c: pd.Series, language: str, cur: str | None) -> str | None:
    change = c["change"]
    if change is None or math.isnan(change):
        return None
    if c["unit"] == "money":  # an ASCII minus: st.metric reads the sign to pick the arrow
        return ("+" if change >= 0 else "-") + fmt.money(abs(change), language, cur)
    return f"{change:+,.0f}"


def html_table(df: pd.DataFrame, widths: tuple[int, ...] = ()) -> None:
    """A table for a slide: large type, one line per row (longer text ends in … with a tooltip), no scrolling."""
    st.html(pack.html_table(df, "sd-slide-table", widths))


def slide_controls(count: int) -> int:
    """The slide number (0-based) after this run's clicks; draws previous / n of N / next / exit."""
    current = min(max(int(st.session_state.get(_SLIDE, _slide_from_url())), 0), count - 1)

    def go(step: int) -> Callable[[], None]:
        def move() -> None:
            st.session_state[_SLIDE] = min(max(current + step, 0), count - 1)

        return move

    with st.container(horizontal=True, key="slide_nav", vertical_alignment="center", horizontal_alignment="center"):
        st.button(t("weekly.previous"), icon=":material/arrow_back:", on_click=go(-1), disabled=current == 0,
                  key="slide_prev", shortcut="Left")  # fmt: skip
        st.markdown(t("weekly.slide_of", n=current + 1, total=count))
        st.button(t("weekly.next"), icon=":material/arrow_forward:", on_click=go(1), disabled=current == count - 1,
                  key="slide_next", shortcut="Right", type="primary")  # fmt: skip
        st.button(t("weekly.exit_present"), icon=":material/close_fullscreen:", on_click=_stop_presenting,
                  key="slide_exit", shortcut="Esc", type="tertiary")  # fmt: skip
    with st.container(key="slide_remote"):  # presenter remotes send PageDown / PageUp
        st.button("›", on_click=go(1), key="slide_pagedown", shortcut="PageDown")
        st.button("‹", on_click=go(-1), key="slide_pageup", shortcut="PageUp")
    slide = min(max(int(st.session_state.get(_SLIDE, current)), 0), count - 1)
    if st.query_params.get("slide") != str(slide + 1):
        st.query_params["slide"] = str(slide + 1)
    return slide


def _slide_from_url() -> int:
    try:
        return int(st.query_params.get("slide", "1")) - 1
    except ValueError:
        return 0


def present_button() -> None:
    st.button(t("weekly.present"), icon=":material/slideshow:", on_click=_start_presenting,
              help=t("weekly.present_help"), key="weekly_present", type="primary")  # fmt: skip


def pack_buttons(review: weekly.Review, f: Filters) -> None:
    """HTML and Excel downloads of the week, built only when clicked."""
    language, cur = lang(), currency()
    text = filters_text(f)
    stem = f"weekly-review-{review.week.start.isoformat()}"
    st.download_button(
        t("weekly.pack_html"),
        data=lambda: pack.html_pack(review, language, cur, text, f.as_of),
        file_name=f"{stem}.html",
        mime="text/html",
        icon=":material/download:",
        help=t("weekly.pack_help") + " " + t("weekly.pdf_note"),
        key="weekly_pack_html",
        on_click="ignore",
    )
    st.download_button(
        t("weekly.pack_xlsx"),
        data=lambda: pack.xlsx(review, language, cur, text, f.as_of),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="weekly_pack_xlsx",
        on_click="ignore",
    )


# Slides: the page in viewport-height units. 1rem = 2.1vh (15 px at 720 p, 23 px at 1080 p).
_PRESENTATION_CSS = """
<style>
html { font-size: 2.1vh !important; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"], footer,
[data-testid="stMainMenu"], [data-testid="stBottom"] { display: none !important; }
[data-testid="stAppViewContainer"] { overflow: hidden !important; }
[data-testid="stMain"] { overflow: hidden !important; }
[data-testid="stMainBlockContainer"] { padding: 1.2rem 2.4rem 0.6rem 2.4rem !important; max-width: 100% !important; }
.st-key-slide_head p { margin: 0; color: #2b333b; font-size: 1rem; }
.st-key-slide_head h2 { font-size: 1.9rem; padding: 0; margin: 0; color: #0b1f33; }
div:has(> .st-key-slide_body) { flex: 0 0 calc(100vh - 11.2rem) !important; height: calc(100vh - 11.2rem) !important; }
.st-key-slide_body { height: calc(100vh - 11.2rem) !important; max-height: none !important; overflow: hidden !important; }
div:has(> .st-key-slide_body) [data-testid="stLayoutWrapper"]:has(> [data-testid="stHorizontalBlock"]) {
    flex: 1 1 auto !important; height: 100% !important; }
.st-key-slide_body [data-testid="stHorizontalBlock"] { height: 100% !important; flex: 1 1 auto !important; }
.st-key-slide_body [data-testid="stColumn"] { height: 100% !important; }
.st-key-slide_nav { position: fixed; left: 0; right: 0; bottom: 0; height: 3.6rem; background: #f3f6f9;
                    border-top: 1px solid #cfd8e1; padding: 0 2.4rem; z-index: 100; }
.st-key-slide_nav p { font-size: 1.05rem; margin: 0 1rem; color: #1b1f24; }
.st-key-slide_remote { display: none !important; }
[data-testid="stMetricValue"] { font-size: 2.9rem !important; color: #0b1f33; }
[data-testid="stMetricLabel"] p { font-size: 1.2rem !important; color: #1b1f24; }
[data-testid="stMetricDelta"] { font-size: 1.15rem !important; }
[data-testid="stMainBlockContainer"] > div > [data-testid="stVerticalBlock"] { gap: 0.4rem !important; }
[data-testid="stCaptionContainer"] { font-size: .9rem !important; color: #3c4650 !important; }
.sd-slide-table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 1rem; color: #1b1f24; }
.sd-slide-table th { text-align: left; background: #e8eef4; padding: .32rem .5rem; border-bottom: 2px solid #8a99a8;
                     line-height: 1.15; }
.sd-slide-table td { padding: .3rem .6rem; border-bottom: 1px solid #d5dde5; white-space: nowrap; overflow: hidden;
                     text-overflow: ellipsis; }
.sd-slide-table tbody tr:nth-child(even) { background: #f6f8fa; }
</style>
"""

_NORMAL_CSS = """
<style>
.sd-slide-table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: .95rem; }
.sd-slide-table th { text-align: left; background: #eef3f8; padding: .3rem .5rem; border-bottom: 1px solid #b8c4ce; }
.sd-slide-table td { padding: .28rem .5rem; border-bottom: 1px solid #e5e9ee; white-space: nowrap; overflow: hidden;
                     text-overflow: ellipsis; }
</style>
"""


def page_style(present: bool) -> None:
    st.html(_PRESENTATION_CSS if present else _NORMAL_CSS)
