"""Overview: the period's headline KPIs against the previous period, the funnel and won value by month."""

import streamlit as st

from salesdash import datasets, fmt, overview
from salesdash.charts import overview as overview_charts
from salesdash.funnel import reached_by_stage
from salesdash.ui import current_filters, data, kpi_cards, lang, missing_note, t, table
from salesdash.ui.core import currency

f = current_filters()
before = f.previous()
st.title(t("overview.title"))
st.caption(
    t(
        "overview.caption",
        start=fmt.day(f.date_from, lang()),
        end=fmt.day(f.date_to, lang()),
        prev_start=fmt.day(before.date_from, lang()),
        prev_end=fmt.day(before.effective_to, lang()),
    )
)

kpis = data(overview.kpis, f)
known = data(datasets.dates_known)  # an upload may carry no dates: say so rather than blame the period
if not known["closed_on"]:
    missing_note("overview.no_close_dates")
if overview.nothing_matches(kpis):
    st.warning(t("core.no_match"), icon=":material/filter_alt_off:")
    st.stop()
kpi_cards(kpis)
with st.expander(t("overview.kpi_table"), icon=":material/table:"):
    table(
        overview.labelled(kpis, lang()),
        {"label": "overview.col_metric", "value": "overview.col_value", "previous": "overview.col_previous",
         "change": "overview.col_change", "sample": "overview.col_sample"},
        name="overview-kpis",
    )  # fmt: skip
notes = kpis.set_index("metric")["value"]
present = data(datasets.has_rows)
if not present["quotas"]:
    missing_note("overview.no_quota")
elif notes.isna()["quota_attainment"]:
    missing_note("overview.no_quota_period")
if not present["surveys"]:
    missing_note("overview.no_surveys")

funnel = data(reached_by_stage, f)
monthly = data(overview.won_by_month, f)
left, right = st.columns(2)
with left:
    if not known["created_on"]:
        missing_note("overview.no_created_dates")
    elif funnel.empty or funnel["reached"].iloc[0] == 0:
        st.info(t("overview.no_funnel"), icon=":material/info:")
    else:
        if not present["deal_events"]:
            st.caption(t("overview.funnel_no_history"))
        by_value = st.toggle(t("overview.funnel_by_value"), key="overview_funnel_value")
        st.plotly_chart(overview_charts.stage_funnel(funnel, lang(), by_value), width="stretch")
with right:
    if monthly["won_count"].sum() == 0:  # twelve bars of zero say less than a sentence
        st.info(t("overview.no_won_months", start=fmt.month(monthly["month"].min(), lang())), icon=":material/info:")
    else:
        st.plotly_chart(overview_charts.won_by_month(monthly, lang(), currency()), width="stretch")
