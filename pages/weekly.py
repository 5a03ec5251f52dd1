"""Weekly review: what changed this week, for the pipeline meeting on a shared screen, and a pack to mail after.

Normal mode shows every section on one page; presentation mode (?present=1) shows one section per slide.
"""

import math

import streamlit as st

from salesdash import fmt, pack, weekly
from salesdash.charts import weekly as weekly_charts
from salesdash.ui import current_filters, lang, missing_note, t
from salesdash.ui import weekly as ui
from salesdash.ui.core import currency, dataset_span

SLIDE_ROWS = 12  # table rows on one slide: fits 1280×720 and 1920×1080 alike (type scales with the height)
BAR_ROWS = 10
PAGE_ROWS = 100

f = current_filters()
present = ui.presenting()
ui.page_style(present)
language, cur = lang(), currency()
span = dataset_span()
week = ui.week_picker(f.as_of, span.first, show=False, last=span.last)
# cached per week for every deal, and per filter for what it computes (salesdash.ui.weekly)
review = ui.review(week, f)
movers_list, risk_list = review.movers, review.at_risk  # each a selection made when asked for: once a run
period = pack.period_label(review.period, language)
risk_period = pack.period_label(review.at_risk_period, language)
week_text = {"start": fmt.day(week.start, language), "end": fmt.day(week.end, language)}


def what_changed() -> None:
    ui.cards(review.cards, per_row=4)


def pipeline_flow() -> None:
    if not review.has_history:
        missing_note("weekly.no_history")
        return
    if review.quiet:  # bars of zero say nothing: say it
        st.info(t("weekly.quiet_week", period=period), icon=":material/info:")
        return
    if not review.waterfall["reconciles"].all():
        st.error(t("weekly.not_reconciled"), icon=":material/error:")
    fig = weekly_charts.waterfall(review.waterfall, language, cur, period, height=440, large=present)
    chart_side, deals_side = st.columns([2, 1] if present else [5, 3], gap="medium")
    with chart_side:
        event = st.plotly_chart(
            fig, on_select="rerun", selection_mode="points", key="weekly_flow_chart", width="stretch",
            height="stretch" if present else "content", config={"displayModeBar": False},
        )  # fmt: skip
    points = event.selection.get("points", []) if event else []
    step = review.waterfall["step"].iloc[points[0]["point_index"]] if points else None
    with deals_side:
        if step is None:
            st.info(t("weekly.click_a_bar"), icon=":material/touch_app:")
            ui.html_table(pack.flow_table(review, language, cur))
            st.caption(t("weekly.reconciled"))
            return
        deals = weekly.bar_deals(review.flow, step)
        st.markdown(f"**{t('weekly.bar_deals', step=t(f'weekly.step.{step}'), n=f'{len(deals):,}')}**")
        if deals.empty:
            st.caption(t("weekly.no_bar_deals"))
            return
        table = pack.bar_deals_table(deals.head(BAR_ROWS), step, language, cur)
        ui.html_table(table.iloc[:, [0, 2, 3, 4]] if present else table.iloc[:, [0, 2, 3]])
        if len(deals) > BAR_ROWS:
            st.caption(t("weekly.bar_deals_more", shown=BAR_ROWS, n=f"{len(deals):,}"))
    if not present:
        st.dataframe(pack.bar_deals_table(deals, step, language, cur), hide_index=True, width="stretch", height=280)


def movers() -> None:
    if movers_list.empty:
        st.info(t("weekly.no_movers") if review.has_history else t("weekly.no_history"), icon=":material/info:")
        return
    shown = SLIDE_ROWS if present else PAGE_ROWS
    st.caption(t("weekly.movers_caption"))
    table = pack.movers_table(movers_list, language, cur, limit=shown)
    if present:  # the account is usually in the deal's name; the room needs what changed
        ui.html_table(table.drop(columns=table.columns[1]), widths=(27, 15, 47, 11))
    else:
        st.dataframe(table, hide_index=True, width="stretch")
    if len(movers_list) > shown:
        st.caption(t("weekly.more_rows", shown=shown, n=f"{len(movers_list):,}"))


def at_risk() -> None:
    if risk_list.empty:
        st.success(t("weekly.no_risk", period=risk_period), icon=":material/verified:")
        return
    st.caption(t("weekly.risk_caption", as_of=fmt.day(f.as_of, language), period=risk_period))
    shown = SLIDE_ROWS if present else PAGE_ROWS
    table = pack.risk_table(risk_list, language, cur, limit=shown)
    if present:
        ui.html_table(table, widths=(24, 14, 9, 9, 11, 33))
    else:
        st.dataframe(table, hide_index=True, width="stretch")
    if len(risk_list) > shown:
        st.caption(t("weekly.more_rows", shown=shown, n=f"{len(risk_list):,}"))


def by_rep(first: int = 0, count: int | None = None) -> None:
    if review.by_rep.empty:
        st.info(t("weekly.no_reps"), icon=":material/info:")
        return
    table = pack.reps_table(review.by_rep, language, cur)
    if present:  # two tables side by side, SLIDE_ROWS reps each
        for side, start in zip(st.columns(2, gap="large"), (first, first + SLIDE_ROWS), strict=True):
            part = table.iloc[start : min(start + SLIDE_ROWS, first + (count or len(table)))]
            if len(part):
                with side:
                    ui.html_table(part, widths=(28, 11, 13, 11, 15, 11, 11))
        return
    st.caption(t("weekly.reps_caption"))
    st.dataframe(table, hide_index=True, width="stretch")


if present:
    rep_pages = max(1, math.ceil(len(review.by_rep) / (2 * SLIDE_ROWS)))
    slides = [
        ("weekly.changed_title", what_changed),
        ("weekly.flow_title", pipeline_flow),
        ("weekly.movers_title", movers),
        ("weekly.risk_title", at_risk),
        *[
            ("weekly.reps_title", lambda i=i: by_rep(i * 2 * SLIDE_ROWS, 2 * SLIDE_ROWS))  # type: ignore[misc]
            for i in range(rep_pages)
        ],
    ]
    number = ui.slide_controls(len(slides))
    key, draw = slides[number]
    with st.container(key="slide_head"):
        title = t(key)
        if key == "weekly.reps_title" and rep_pages > 1:
            title += f" ({number - 3}/{rep_pages})"
        st.markdown(f"## {title}")
        st.markdown(t("weekly.slide_header", period=period, filters=ui.filters_text(f), **week_text))
    with st.container(
        key="slide_body", height=500
    ):  # a fixed height lets the chart stretch; CSS sizes it to the screen
        draw()
else:
    st.title(t("weekly.title"))
    picker, buttons = st.columns([2, 3], vertical_alignment="bottom")
    with picker:
        week = ui.week_picker(f.as_of, span.first, show=True, last=span.last)
    with buttons, st.container(horizontal=True):
        ui.present_button()
        ui.pack_buttons(review, f)
    st.caption(
        t("weekly.caption", period=period, period_start=fmt.day(review.period[0], language),
          period_end=fmt.day(review.period[1], language), **week_text)
        + " · " + ui.filters_text(f)
    )  # fmt: skip
    if ui.outside_data(week, span):
        st.info(t("weekly.outside_data", first=fmt.day(span.first, language), last=fmt.day(span.last, language)),
                icon=":material/event_busy:")  # fmt: skip
    if review.has_history and review.missing_history:
        fields = ", ".join(t(f"weekly.history_field.{name}") for name in review.missing_history)
        st.info(t("weekly.partial_history", fields=fields), icon=":material/info:")
    for key, draw in (
        ("weekly.changed_title", what_changed),
        ("weekly.flow_title", pipeline_flow),
        ("weekly.movers_title", movers),
        ("weekly.risk_title", at_risk),
        ("weekly.reps_title", by_rep),
    ):
        st.subheader(t(key))
        draw()
