"""Satisfaction: NPS and CSAT after the sale, what drives them, whom to call on Monday, and whether it shows in sales."""

import streamlit as st

from salesdash import fmt, satisfaction
from salesdash.charts import satisfaction as charts
from salesdash.ui import current_filters, data, lang, missing_note, t
from salesdash.ui import satisfaction as sat_ui

f = current_filters()
before = f.previous()
st.title(t("satisfaction.title"))
st.caption(
    t(
        "satisfaction.caption",
        start=fmt.day(f.date_from, lang()),
        end=fmt.day(f.effective_to, lang()),
        prev_start=fmt.day(before.date_from, lang()),
        prev_end=fmt.day(before.effective_to, lang()),
    )
)

parts = data(satisfaction.available)
if not parts["responses"]:
    missing_note("satisfaction.no_surveys")
    sat_ui.template_download()
    st.stop()
if not parts["dated"]:
    missing_note("satisfaction.no_dated")
    st.stop()

profiles = data(satisfaction.score_profiles, f)  # one scan; the scores below are sums over it
headline = satisfaction.headline_of(profiles)
if satisfaction.nothing_matches(headline):
    st.warning(t("satisfaction.no_responses"), icon=":material/filter_alt_off:")
    st.stop()
sat_ui.score_cards(headline)

st.subheader(t("satisfaction.section.trend"))
st.caption(t("satisfaction.section.trend_caption"))
trend = satisfaction.monthly_trend_of(profiles, f)
dist = satisfaction.distributions_of(profiles)
left, right = st.columns(2)
with left:  # a part the data lacks gets a note in its place, never an empty chart
    if parts["nps"]:
        st.plotly_chart(charts.nps_trend(trend, lang()), width="stretch")
    else:
        missing_note("satisfaction.no_nps")
with right:
    if parts["csat"]:
        st.plotly_chart(charts.csat_trend(trend, lang()), width="stretch")
    else:
        missing_note("satisfaction.no_csat")

st.subheader(t("satisfaction.section.distribution"))
left, right = st.columns(2)
if parts["nps"]:
    left.plotly_chart(charts.nps_distribution(dist, lang()), width="stretch")
if parts["csat"] or parts["dimensions"]:
    right.plotly_chart(charts.dimension_distribution(dist, lang()), width="stretch")

st.subheader(t("satisfaction.section.drivers"))
drivers = satisfaction.drivers_of(profiles, f)
if not parts["dimensions"] or drivers.empty:
    missing_note("satisfaction.no_dimensions")
else:
    st.caption(
        t(
            "satisfaction.section.drivers_caption",
            start=fmt.day(drivers["relation_from"].iloc[0], lang()),
            end=fmt.day(drivers["relation_to"].iloc[0], lang()),
            n=fmt.count(drivers["relation_n"].iloc[0], lang()),
        )
    )
    left, right = st.columns(2)
    left.plotly_chart(charts.driver_matrix(drivers, lang()), width="stretch")
    right.plotly_chart(charts.dimension_trend(trend, lang()), width="stretch")
    sat_ui.driver_table(drivers)

st.subheader(t("satisfaction.section.segments"))
by = sat_ui.pick(
    "satisfaction.section.segments_by",
    list(satisfaction.SEGMENT_DIMENSIONS),
    lambda d: t(f"core.dim.{d}"),
    key="sat_segment_by",
)
rows = data(satisfaction.segments, f, by)
left, right = st.columns([2, 3])
left.plotly_chart(charts.segment_nps(rows, lang(), t(f"core.dim.{by}"), sat_ui.VALUE_KINDS.get(by)), width="stretch")
with right:
    sat_ui.segment_table(rows, by)

st.subheader(t("satisfaction.section.follow_up"))
follow = data(satisfaction.follow_up, f)
if follow.empty:
    st.success(t("satisfaction.section.follow_up_none"), icon=":material/check_circle:")
else:
    total, shown = int(follow["total"].iloc[0]), len(follow)
    st.caption(t("satisfaction.section.follow_up_caption", shown=fmt.count(shown, lang()), total=fmt.count(total, lang())))
    if total > shown:
        st.info(t("satisfaction.section.follow_up_more", shown=fmt.count(shown, lang()), total=fmt.count(total, lang())))
    sat_ui.follow_up_table(follow)

st.subheader(t("satisfaction.section.comments"))
if not parts["comments"]:
    missing_note("satisfaction.no_comments")
else:
    left, right = st.columns([3, 2])
    search = left.text_input(
        t("satisfaction.section.comments_search"), key="sat_search", help=t("satisfaction.section.comments_search_help")
    )
    groups = right.multiselect(
        t("satisfaction.section.comments_groups"),
        list(satisfaction.NPS_GROUPS),
        format_func=lambda g: t(f"satisfaction.group.{g}"),
        key="sat_groups",
        placeholder=t("core.all"),
    )
    found = data(satisfaction.comments, f, search, tuple(groups))
    if found.empty:
        st.info(t("satisfaction.section.comments_none"), icon=":material/search_off:")
    else:
        total = int(found["total"].iloc[0])
        st.caption(t("satisfaction.section.comments_found", total=fmt.count(total, lang()), shown=fmt.count(len(found), lang())))
        sat_ui.comments_table(found)

st.subheader(t("satisfaction.section.sales"))
if not parts["deals"] or not parts["nps"]:
    missing_note("satisfaction.no_deals" if not parts["deals"] else "satisfaction.no_nps")
else:
    link = data(satisfaction.sales_link, f)
    st.caption(
        t(
            "satisfaction.section.sales_caption",
            full=fmt.count(link["cohort_full_window"].iloc[0], lang()),
            responses=fmt.count(link["cohort_responses"].iloc[0], lang()),
            as_of=fmt.day(f.as_of, lang()),
        )
    )
    left, right = st.columns(2)
    left.plotly_chart(charts.sales_link(link, lang()), width="stretch")
    with right:
        sat_ui.sales_table(link)
