"""Bottlenecks: where deals leak and where they wait, what it costs, and the deals to talk about."""

import streamlit as st

from salesdash import bottlenecks, findings, fmt, funnel, funnel_deals, stalled
from salesdash.charts import bottlenecks as charts
from salesdash.ui import current_filters, data, lang, missing_note, t
from salesdash.ui.core import currency
from salesdash.ui.funnel import choice, deal_list, fitted_table, parts_and_stages, stage_targets, target_editor

f = current_filters()
st.title(t("bottlenecks.title"))
st.caption(t("bottlenecks.caption", start=fmt.day(f.date_from, lang()), end=fmt.day(f.effective_to, lang()),
             as_of=fmt.day(f.as_of, lang())))  # fmt: skip

present, stages = parts_and_stages()
history = present["deal_events"]
if not history:
    missing_note("bottlenecks.no_history")
if not present["activities"]:
    missing_note("bottlenecks.no_activities")

goals = stage_targets()
reached = data(funnel.reached_by_stage, f)
conversion = funnel.stage_conversion_of(reached, goals)
times = data(bottlenecks.time_in_stage, f)
lost = data(funnel_deals.lost_by_stage, f)
stuck = data(stalled.stalled_deals, f)
ranked = bottlenecks.rank_bottlenecks(conversion, times, bottlenecks.leak_by_stage(lost, stuck))
by_segment = data(bottlenecks.conversion_by_segment, f, goals)
segment_times = bottlenecks.against_norm(data(bottlenecks.segment_stays, f), times)
found = findings.findings(ranked, by_segment, segment_times, times)

st.subheader(t("bottlenecks.findings_title"))
if found.empty:
    st.success(t("bottlenecks.no_findings"), icon=":material/check_circle:")
else:
    with st.container(border=True):
        st.markdown("\n".join(f"- {findings.finding_text(row, lang(), currency())}" for _, row in found.iterrows()))
young = funnel.young_share(reached)
if young is not None:
    st.caption(t("funnel.young_cohort", pct=fmt.pct(young, lang(), 0)))

st.subheader(t("bottlenecks.table_title"))
st.caption(t("bottlenecks.table_help"))
cur = currency()
table = bottlenecks.readable(ranked, lang(), cur)
fitted_table(
    table,
    {"rank": "bottlenecks.col.rank", "flag": "bottlenecks.col.flag", "step": "bottlenecks.col.step",
     "conversion": "bottlenecks.col.conversion", "gap": "bottlenecks.col.gap",
     "still_open_share": "bottlenecks.col.still_open", "lost_exit_share": "bottlenecks.col.lost_exits",
     "leaked_value": "bottlenecks.col.leaked", "stalled_deals": "bottlenecks.col.stalled_deals",
     "median_days": "bottlenecks.col.days_vs_norm"},
    name="bottlenecks",
    key="bottlenecks_table",
)  # fmt: skip
with st.expander(t("funnel.targets_title"), icon=":material/flag:"):
    target_editor("bottlenecks")

st.divider()
st.subheader(t("bottlenecks.times_heading"))
if not history:
    missing_note("bottlenecks.no_times")
else:
    st.plotly_chart(charts.time_in_stage(times, lang()), width="stretch")
    dimension = choice(t("funnel.compare_by"), list(bottlenecks.DIMENSIONS), "bottlenecks_dimension", "team",
                       lambda d: t(f"funnel.dimension.{d}"))  # fmt: skip
    st.plotly_chart(charts.segment_times(segment_times, dimension, lang()), width="stretch")
    fitted_table(
        bottlenecks.readable_times(times, lang()),
        {"stage": "bottlenecks.col.stage", "stays": "bottlenecks.col.stays", "median_days": "bottlenecks.col.median_days",
         "p75_days": "bottlenecks.col.p75_days", "p90_days": "bottlenecks.col.p90_days",
         "norm_median_days": "bottlenecks.col.norm_days", "norm_p75_days": "bottlenecks.col.norm_p75_days",
         "open_deals": "bottlenecks.col.open_deals", "age_median_days": "bottlenecks.col.age_median_days"},
        name="time-in-stage",
        key="bottlenecks_times",
    )  # fmt: skip

st.divider()
st.subheader(t("bottlenecks.stalled_heading"))
if not history and not present["activities"]:
    missing_note("bottlenecks.no_stall_rule")
elif stuck.empty:
    st.success(t("bottlenecks.no_stalled"), icon=":material/check_circle:")
else:
    st.caption(t("bottlenecks.stalled_help", n=fmt.count(len(stuck), lang()),
                 value=fmt.money(funnel_deals.total_value(stuck), lang(), cur), days=stalled.INACTIVE_DAYS))  # fmt: skip
    deal_list(
        stuck,
        {"name": "funnel.col.name", "rep_name": "funnel.col.owner", "stage": "funnel.col.stage",
         "amount": "funnel.col.amount", "age_in_stage_days": "bottlenecks.col.age",
         "days_since_activity": "bottlenecks.col.days_since_activity",
         "slow_in_stage": "bottlenecks.col.slow_in_stage", "inactive": "bottlenecks.col.inactive"},
        name="stalled-deals",
        key="bottlenecks_stalled",
        column_config={"name": st.column_config.TextColumn(width=190),
                       "rep_name": st.column_config.TextColumn(width=110),
                       "stage": st.column_config.TextColumn(width=130),
                       "amount": st.column_config.NumberColumn(format="localized", width=85),
                       "age_in_stage_days": st.column_config.NumberColumn(format="%d", width=80),
                       "days_since_activity": st.column_config.NumberColumn(format="%d", width=65),
                       "slow_in_stage": st.column_config.CheckboxColumn(width=70),
                       "inactive": st.column_config.CheckboxColumn(width=70)},
        translate={"stage": "stage"},
        download={"deal_id": "funnel.col.deal_id", "name": "funnel.col.name", "account_name": "funnel.col.account",
                  "rep_name": "funnel.col.owner", "team": "funnel.col.team", "stage": "funnel.col.stage",
                  "amount": "funnel.col.amount", "forecast_category": "bottlenecks.col.forecast_category",
                  "expected_close": "funnel.col.expected_close", "entered_stage_on": "bottlenecks.col.entered_stage",
                  "age_in_stage_days": "bottlenecks.col.age", "stage_p75_days": "bottlenecks.col.norm_p75_days",
                  "last_activity_on": "bottlenecks.col.last_activity",
                  "days_since_activity": "bottlenecks.col.days_since_activity",
                  "slow_in_stage": "bottlenecks.col.slow_in_stage", "inactive": "bottlenecks.col.inactive"},
    )  # fmt: skip

st.divider()
st.subheader(t("bottlenecks.flow_heading"))
if not history:
    missing_note("bottlenecks.no_flow")
else:
    flow = data(bottlenecks.stage_flow, f)
    if flow.empty:
        st.info(t("bottlenecks.no_moves"), icon=":material/info:")
    else:
        by_value = choice(t("funnel.measure"), ["count", "value"], "bottlenecks_flow_measure", "count",
                          lambda v: t(f"funnel.measure_{v}")) == "value"  # fmt: skip
        st.plotly_chart(charts.stage_flow(flow, data(funnel.all_stages), lang(), by_value), width="stretch")
        st.caption(t("bottlenecks.flow_help"))
        deal_list(
            flow,
            {"from_stage": "bottlenecks.col.from", "to_stage": "bottlenecks.col.to", "move": "bottlenecks.col.move",
             "deals": "funnel.col.deals", "value": "funnel.col.amount"},
            name="stage-moves",
            key="bottlenecks_flow",
            column_config={"value": st.column_config.NumberColumn(format="localized")},
            translate={"from_stage": "stage", "to_stage": "stage", "move": "bottlenecks.move."},
            blanks={"from_stage": t("bottlenecks.new_deals")},
        )  # fmt: skip
