"""Forecast: will the period land — categories, weighted pipeline, simulation, time series, and honest accuracy."""

import streamlit as st

from salesdash import backtest, drivers, fmt, forecast, simulation, timeseries
from salesdash.charts import forecast as charts
from salesdash.ui import current_filters, data, lang, missing_note, t
from salesdash.ui import forecast as ui
from salesdash.ui.core import currency

f = current_filters()
st.title(t("forecast.title"))
kind, start, end, target_slot = ui.controls(f.as_of)
pf = forecast.for_period(f, start, end)
learned = data(forecast.learn, f.as_of)  # once per dataset
view = data(forecast.outlook, pf, start, end, learned)
series = data(timeseries.series_forecast, pf, "month", start, end, timeseries.chart_horizon(f.as_of, "month", end))
bt = data(backtest.run, forecast.whole_dataset(f), kind)  # once per dataset: which method to trust
st.caption(
    t(
        "forecast.caption",
        period=charts.period_label(start, kind, lang()),
        start=fmt.day(start, lang()),
        end=fmt.day(end, lang()),
        as_of=fmt.day(f.as_of, lang()),
    )
)

if view.empty:
    st.warning(t("forecast.nothing_open"), icon=":material/filter_alt_off:")
    st.stop()

with target_slot:
    target, typed = ui.target_input(view.quota_total, f, start)
if target is None:
    missing_note("forecast.no_quota")
methods = forecast.with_time_series(view.methods, series.period)
head = forecast.headline(view, methods, bt.trusted, target, series.outcomes)
ui.headline_cards(head, t(f"forecast.method.{bt.trusted}"))

# --- roll-up, methods and the simulation ---------------------------------------------------------------
left, right = st.columns([3, 2])
with left:
    st.plotly_chart(
        charts.rollup_and_methods(view.rollup, methods, bt.trusted, target, lang(), currency()),
        width="stretch",
        key="fc_rollup",
    )
    if not view.has_categories:
        missing_note("forecast.no_categories")
    st.caption(t("forecast.learned_share", share=fmt.pct(view.learned_share, lang(), 0)))
with right:
    summary = simulation.summarize(view.outcomes, target)
    st.plotly_chart(
        charts.simulation_histogram(
            simulation.histogram(view.outcomes), summary, target, lang(), currency(), len(view.outcomes)
        ),
        width="stretch",
        key="fc_simulation",
    )
    st.caption(
        t(
            "forecast.simulation_chance",
            chance=fmt.pct(summary["p_target"], lang(), 0),
            p10=fmt.money(summary["p10"], lang(), currency()),
            p50=fmt.money(summary["p50"], lang(), currency()),
            p90=fmt.money(summary["p90"], lang(), currency()),
        )
    )

# --- won value over time -------------------------------------------------------------------------------
grain = (
    st.segmented_control(
        t("forecast.series_grain"),
        options=list(timeseries.GRAINS),
        format_func=lambda g: t(f"forecast.grain.{g}"),
        default="month",
        key="fc_grain",
    )
    or "month"
)
shown = (
    series
    if grain == "month"
    else data(timeseries.series_forecast, pf, grain, start, end, timeseries.chart_horizon(f.as_of, grain, end))
)
if len(shown.frame):
    first, last = shown.frame["bucket"].min(), shown.frame["bucket"].max()
    targets = data(timeseries.target_line, pf, grain, first, last, start, end, target if typed else None)
    st.plotly_chart(
        charts.won_over_time(shown.frame, targets, f.as_of, grain, lang(), currency(), (start, end)),
        width="stretch",
        key="fc_series",
    )
unit = t(f"forecast.kind_plural.{grain}")
if shown.model:
    st.caption(t("forecast.series_model", model=shown.model, n=shown.history, grain=unit))
else:
    st.info(t("forecast.series_too_short", n=timeseries.MIN_HISTORY[grain], grain=unit), icon=":material/info:")

# --- accuracy ------------------------------------------------------------------------------------------
st.subheader(t("forecast.accuracy_header"))
kind_word = t(f"forecast.kind_plural.{kind}")
if bt.ok:
    score = backtest.scorecard(bt, methods)
    st.markdown(
        t("forecast.trusted", method=t(f"forecast.method.{bt.trusted}"), wape=fmt.pct(bt.trusted_wape, lang(), 0))
    )
    a_left, a_right = st.columns([3, 2])
    with a_left:
        st.plotly_chart(
            charts.backtest_chart(bt.results, bt.trusted, kind, lang(), currency()), width="stretch", key="fc_backtest"
        )
    with a_right:
        columns = {
            "method": "forecast.col.method",
            "forecast": "forecast.col.forecast_now",
            "wape": "forecast.col.wape",
            "bias": "forecast.col.bias",
            "periods": "forecast.col.periods",
        }
        ui.table(
            ui.method_names(score, bt.trusted), columns, "forecast_accuracy", money=("forecast",), shares=("wape", "bias")
        )
    st.caption(t("forecast.accuracy_caption", n=bt.periods, kind=kind_word))
elif bt.status == "no_stage_history":
    missing_note("forecast.no_stage_history")
else:
    st.info(t("forecast.too_little_history", n=backtest.MIN_PERIODS, kind=kind_word), icon=":material/info:")

# --- breakdown -----------------------------------------------------------------------------------------
st.subheader(t("forecast.breakdown_header"))
by = (
    st.segmented_control(
        t("forecast.breakdown_by"),
        options=list(drivers.BREAKDOWNS),
        format_func=lambda b: t(f"forecast.by_option.{b}"),
        default="team",
        key="fc_breakdown",
    )
    or "team"
)
groups = ui.group_labels(drivers.breakdown(view, by), by)
st.plotly_chart(charts.breakdown_bars(groups, by, lang(), currency()), width="stretch", key="fc_breakdown_chart")
group_columns = {
    "label": "forecast.col.group",
    "won": "forecast.col.won",
    "commit": "forecast.col.commit",
    "best_case": "forecast.col.best_case",
    "pipeline": "forecast.col.pipeline",
    "weighted_naive": "forecast.col.weighted_naive",
    "weighted_learned": "forecast.col.weighted_learned",
    "quota": "forecast.col.quota",
    "gap": "forecast.col.gap",
    "deals": "forecast.col.deals",
}
ui.table(groups, group_columns, f"forecast_by_{by}", money=tuple(c for c in group_columns if c not in ("label", "deals")))
st.caption(t("forecast.breakdown_caption"))

# --- drivers -------------------------------------------------------------------------------------------
st.subheader(t("forecast.drivers_header"))
deal_columns = {
    "name": "forecast.col.name",
    "account_name": "forecast.col.account",
    "rep_name": "forecast.col.rep",
    "stage": "forecast.col.stage",
    "forecast_category": "forecast.col.category",
    "amount": "forecast.col.amount",
    "p_learned": "forecast.col.p_learned",
    "weighted_learned": "forecast.col.weighted",
    "expected_close": "forecast.col.expected_close",
    "pushes": "forecast.col.pushes",
    "age_in_stage_days": "forecast.col.age",
    "days_since_activity": "forecast.col.idle",
    "stalled": "forecast.col.stalled",
    "slipped": "forecast.col.slipped",
    "inactive": "forecast.col.inactive",
    "deal_id": "forecast.col.deal_id",
}
money, shares = ("amount", "weighted_learned"), ("p_learned",)
st.markdown(f"**{t('forecast.top_header')}**")
ui.table(ui.with_labels(drivers.largest_contributions(view)), deal_columns, "forecast_top_deals", money, shares)
st.markdown(f"**{t('forecast.risk_header')}**")
st.caption(t("forecast.risk_caption"))
at_risk = drivers.commit_at_risk(view)
if len(at_risk):
    risk_columns = {
        key: label
        for column, text in deal_columns.items()
        for key, label in (
            [(column, text), ("first_expected_close", "forecast.col.first_close")]
            if column == "expected_close"
            else [(column, text)]
        )
    }
    ui.table(ui.with_labels(at_risk), risk_columns, "forecast_commit_at_risk", money, shares)
else:
    st.success(t("forecast.no_risk"), icon=":material/check_circle:")
