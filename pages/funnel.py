"""Funnel: how the period's deals move through the stages, against each stage's target, and where they leak."""

import streamlit as st

from salesdash import fmt, funnel, funnel_deals
from salesdash.charts import funnel as charts
from salesdash.ui import current_filters, data, lang, missing_note, t, tl
from salesdash.ui.core import currency
from salesdash.ui.funnel import choice, deal_list, parts_and_stages, stage_targets, target_editor

f = current_filters()
st.title(t("funnel.title"))
st.caption(t("funnel.caption", start=fmt.day(f.date_from, lang()), end=fmt.day(f.effective_to, lang())))

present, stages = parts_and_stages()
history = present["deal_events"]
if not history:
    missing_note("funnel.no_history")

controls = st.columns([4, 2, 2])
with controls[0]:
    view = choice(t("funnel.view"), ["cohort", "snapshot"], "funnel_view", "cohort" if history else "snapshot",
                  lambda v: t(f"funnel.view_{v}"))  # fmt: skip
with controls[1]:
    measure = choice(t("funnel.measure"), ["count", "value"], "funnel_measure", "count", lambda v: t(f"funnel.measure_{v}"))
by_value = measure == "value"
st.caption(t(f"funnel.view_{view}_help"))

goals = stage_targets()
reached = data(funnel.reached_by_stage, f)
table = reached if view == "cohort" else data(funnel_deals.snapshot_by_stage, f)
conversion = funnel.stage_conversion_of(reached, goals)
if funnel_deals.headcount(table) == 0:
    st.warning(t(f"funnel.empty_{view}"), icon=":material/filter_alt_off:")
else:
    left, right = st.columns([3, 2], gap="large")
    picked = st.session_state.get("funnel_stage")
    with left:
        event = st.plotly_chart(
            charts.stage_funnel(table, lang(), view, by_value, currency(), picked),
            on_select="rerun",
            selection_mode="points",
            key=f"funnel_chart_{view}",
            width="stretch",
            config={"displayModeBar": False},
        )
        points = event.selection.points if event and event.selection else []
        clicked = points[0].get("customdata") if points else None
        if isinstance(clicked, list):
            clicked = clicked[0] if clicked else None
        if not clicked:
            st.session_state["_funnel_last_click"] = None
        elif clicked != st.session_state.get("_funnel_last_click"):
            st.session_state["_funnel_last_click"] = clicked
            st.session_state["funnel_stage"] = clicked
            st.rerun()  # redraw the funnel with the clicked stage highlighted
        if view == "cohort":
            young = funnel.young_share(table)
            if young is not None:
                st.caption(t("funnel.young_cohort", pct=fmt.pct(young, lang(), 0)))
    with right:
        st.plotly_chart(charts.conversion_vs_target(conversion, lang()), width="stretch")
        if conversion["small_sample"].any():
            st.caption(t("core.small_sample", n=int(conversion["reached"].min())))
    with st.expander(t("funnel.targets_title"), icon=":material/flag:"):
        target_editor("funnel")

    st.subheader(t("funnel.deals_title"))
    options = table["stage"].tolist()
    if st.session_state.get("funnel_stage") not in options:
        st.session_state["funnel_stage"] = None
    stage = st.selectbox(
        t("funnel.pick_stage"),
        options,
        key="funnel_stage",
        format_func=lambda s: tl("stage", s),
        index=None,
        placeholder=t("funnel.pick_stage_placeholder"),
    )
    if stage is None:
        st.caption(t("funnel.pick_stage_hint"))
    else:
        deals = data(funnel_deals.stage_deals, f, stage, view)
        st.caption(t(f"funnel.deals_caption_{view}", n=fmt.count(len(deals), lang()), stage=tl("stage", stage),
                     value=fmt.money(funnel_deals.total_value(deals), lang(), currency())))  # fmt: skip
        columns = {"deal_id": "funnel.col.deal_id", "name": "funnel.col.name", "account_name": "funnel.col.account",
                   "owner": "funnel.col.owner", "team": "funnel.col.team", "channel": "funnel.col.channel",
                   "customer_type": "funnel.col.customer_type", "amount": "funnel.col.amount",
                   "created_on": "funnel.col.created_on", "stage": "funnel.col.stage", "status": "funnel.col.status",
                   "furthest_stage": "funnel.col.furthest_stage", "expected_close": "funnel.col.expected_close",
                   "closed_on": "funnel.col.closed_on", "lost_reason": "funnel.col.lost_reason"}
        deal_list(
            deals,
            {c: columns[c] for c in ("deal_id", "name", "owner", "amount", "stage", "status", "furthest_stage")},
            name=f"deals-{view}-{stage}",
            key="funnel_deals",
            column_config={"deal_id": st.column_config.TextColumn(width=90),
                           "name": st.column_config.TextColumn(width=220),
                           "owner": st.column_config.TextColumn(width=120),
                           "amount": st.column_config.NumberColumn(format="localized", width=90),
                           "stage": st.column_config.TextColumn(width=130),
                           "status": st.column_config.TextColumn(width=60),
                           "furthest_stage": st.column_config.TextColumn(width=130)},
            translate={"stage": "stage", "furthest_stage": "stage", "channel": "channel",
                       "customer_type": "customer_type", "status": "funnel.status."},
            download=columns,
        )  # fmt: skip

st.divider()
st.subheader(t("funnel.segments_title"))
dimension = choice(t("funnel.compare_by"), list(funnel.SEGMENT_DIMENSIONS), "funnel_dimension", "channel",
                   lambda d: t(f"funnel.dimension.{d}"))  # fmt: skip
segments = data(funnel.segment_funnel, f, dimension)
if segments.empty:
    st.info(t("funnel.empty_cohort"), icon=":material/info:")
else:
    st.plotly_chart(charts.segment_matrix(funnel.segment_steps(segments, conversion), dimension, lang()), width="stretch")
    st.plotly_chart(charts.segment_lines(segments, dimension, lang(), by_value), width="stretch")

st.divider()
st.subheader(t("funnel.trend_heading"))
grain = choice(t("funnel.grain"), ["month", "quarter"], "funnel_grain", "month", lambda g: t(f"funnel.grain_{g}"))
trend = data(funnel.conversion_trend, f, grain, goals)
st.plotly_chart(charts.conversion_trend(trend, lang(), grain), width="stretch")
st.caption(t("funnel.trend_caption"))

st.divider()
st.subheader(t("funnel.lost_heading"))
lost = data(funnel_deals.lost_by_stage, f)
if lost.empty:
    st.info(t("funnel.no_lost"), icon=":material/info:")
else:
    st.plotly_chart(charts.lost_by_stage(lost, lang(), by_value, currency()), width="stretch")
    deal_list(
        lost,
        {"stage": "funnel.col.stage_at_loss", "lost_reason": "funnel.col.lost_reason", "deals": "funnel.col.deals",
         "value": "funnel.col.amount", "share_of_value": "funnel.col.share_of_lost"},
        name="lost-by-stage-and-reason",
        key="funnel_lost",
        column_config={"value": st.column_config.NumberColumn(format="localized"),
                       "share_of_value": st.column_config.NumberColumn(format="percent")},
        translate={"stage": "stage", "lost_reason": "lost_reason"},
    )  # fmt: skip
