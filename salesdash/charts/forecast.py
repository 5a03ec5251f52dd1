"""Forecast charts: roll-up and methods against the target, the simulated outcomes, won value over time
with its forecast, the backtest, and the breakdown by group."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from salesdash import fmt, i18n
from salesdash.charts import BAD, GOOD, MUTED, PALETTE, money_axis, style

TARGET_COLOUR = "#000000"
LEVEL_COLOURS = {"closed_won": GOOD, "commit": PALETTE[0], "best_case": PALETTE[4], "pipeline": MUTED}
METHOD_COLOURS = {
    "commit": PALETTE[0],
    "best_case": PALETTE[4],
    "weighted_naive": PALETTE[3],
    "weighted_learned": PALETTE[1],
    "simulation_p50": PALETTE[5],
    "time_series": PALETTE[2],
}


def _t(key: str, lang: str, **values: object) -> str:
    return i18n.t(f"forecast.{key}", lang, **values)


def _legend_below(fig: go.Figure, y: float = -0.12) -> None:
    """Legends under the plot: above it they collide with the title once they wrap to two rows."""
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": y, "x": 0, "xanchor": "left"})


def rollup_and_methods(
    rollup: pd.DataFrame,
    methods: pd.DataFrame,
    trusted: str,
    target: float | None,
    lang: str,
    currency: str | None,
) -> go.Figure:
    """Horizontal bars. Top: the category roll-up as steps (closed won, + commit, + best case, + pipeline),
    each step starting where the one before ended. Below: each weighing method's forecast, P10–P90 whiskers
    where it has a range, the trusted one solid and starred. Target dashed."""
    shown = methods[methods["forecast"].notna() & ~methods["method"].isin(["commit", "best_case"])]
    level_names = [_t(f"level.{lv}", lang) for lv in rollup["level"]]
    method_names = [_t(f"method.{m}", lang) + (" ★" if m == trusted else "") for m in shown["method"]]
    order = [*level_names, *method_names][::-1]  # first row on top
    fig = go.Figure()
    fig.add_bar(
        y=level_names,
        x=rollup["added"],
        base=(rollup["total"] - rollup["added"]).tolist(),
        orientation="h",
        marker={"color": [LEVEL_COLOURS[lv] for lv in rollup["level"]]},
        text=[fmt.money(v, lang, currency) for v in rollup["total"]],
        textposition="outside",
        cliponaxis=False,
        customdata=rollup["added"],
        hovertemplate="%{y}<br>+%{customdata:,.0f} → %{x:,.0f}<extra></extra>",
        showlegend=False,
    )
    low = (shown["forecast"] - shown["low"]).where(shown["low"].notna(), 0.0)
    high = (shown["high"] - shown["forecast"]).where(shown["high"].notna(), 0.0)
    fig.add_bar(
        y=method_names,
        x=shown["forecast"],
        orientation="h",
        marker={
            "color": [METHOD_COLOURS[m] for m in shown["method"]],
            "opacity": [1.0 if m == trusted else 0.5 for m in shown["method"]],
            "line": {"color": [TARGET_COLOUR if m == trusted else "rgba(0,0,0,0)" for m in shown["method"]], "width": 2},
        },
        error_x={"type": "data", "symmetric": False, "array": high.tolist(), "arrayminus": low.tolist(),
                 "color": "#444", "thickness": 1.5, "width": 5},
        text=[fmt.money(v, lang, currency) for v in shown["forecast"]],
        textposition="inside",
        insidetextanchor="middle",
        hovertemplate="%{y}<br>%{x:,.0f}<extra></extra>",
        showlegend=False,
    )  # fmt: skip
    style(fig, _t("rollup_title", lang), height=440)
    top = max([*rollup["total"], *shown["forecast"], *shown["high"].fillna(0), target or 0, 1.0])
    money_axis(fig, [top * 1.05], lang, currency, axis="x")
    # room on the right for the last step's label
    fig.update_xaxes(title=_t("won_value_axis", lang), range=[0, top * 1.18], showgrid=True, gridcolor="#E5E9EE")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=order, showgrid=False)
    # a thin line between the roll-up and the methods
    fig.add_hline(y=len(method_names) - 0.5, line={"color": "#C9D1D9", "width": 1})
    if target is not None and target > 0:
        fig.add_vline(x=target, line={"color": TARGET_COLOUR, "dash": "dash", "width": 2})
        fig.add_annotation(x=target, y=1, yref="paper", yanchor="bottom", showarrow=False, font={"size": 12},
                           text=_t("target_label", lang, value=fmt.money(target, lang, currency)))  # fmt: skip
    fig.update_layout(margin={"t": 70})
    return fig


def simulation_histogram(
    bins: pd.DataFrame, summary: dict[str, float], target: float | None, lang: str, currency: str | None, runs: int
) -> go.Figure:
    """Bars of the simulated period totals (bars at or above the target in green); P10 / P50 / P90 and the
    target as vertical lines named, with their values, in the legend."""
    centres = (bins["left"] + bins["right"]) / 2
    has_target = target is not None and target > 0
    reach = bins["left"] >= target if has_target else pd.Series(False, index=bins.index)
    fig = go.Figure(
        go.Bar(
            x=centres,
            y=bins["share"],
            width=(bins["right"] - bins["left"]) * 0.95,
            marker={"color": [GOOD if r else PALETTE[0] for r in reach]},
            customdata=np.stack([bins["left"], bins["right"]], axis=-1),
            hovertemplate="%{customdata[0]:,.0f} – %{customdata[1]:,.0f}<br>%{y:.1%}<extra></extra>",
            showlegend=False,
        )
    )
    peak = float(bins["share"].max()) * 1.05 if len(bins) else 1.0
    lines = [(k.upper(), summary.get(k, math.nan), BAD, dash) for k, dash in (("p10", "dot"), ("p50", "solid"), ("p90", "dot"))]
    if has_target:
        lines.append((_t("target_label", lang, value="").strip(), float(target), TARGET_COLOUR, "dash"))  # type: ignore[arg-type]
    for name, value, colour, dash in lines:
        if value is None or math.isnan(value):
            continue
        fig.add_scatter(x=[value, value], y=[0, peak], mode="lines", line={"color": colour, "dash": dash, "width": 2},
                        name=f"{name} {fmt.money(value, lang, currency)}", hoverinfo="skip")  # fmt: skip
    style(fig, _t("simulation_title", lang, runs=f"{runs:,}"), height=440)
    _legend_below(fig, y=-0.24)
    fig.update_yaxes(title=_t("share_of_runs", lang), tickformat=".0%", rangemode="tozero")
    values = [*bins["left"], *bins["right"]] + ([float(target)] if has_target else [])  # type: ignore[arg-type]
    _range_axis(fig, min(values), max(values), lang, currency)
    fig.update_xaxes(title=_t("period_total_axis", lang))
    return fig


def _range_axis(fig: go.Figure, lo: float, hi: float, lang: str, currency: str | None) -> None:
    """Money ticks at round steps across lo..hi (not from zero: the outcomes sit far from it)."""
    if not hi > lo:
        return
    raw = (hi - lo) / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step) * step
    ticks = [first + i * step for i in range(int((hi - first) // step) + 1)]
    fig.update_xaxes(tickmode="array", tickvals=ticks, ticktext=[fmt.money(v, lang, currency) for v in ticks])


def won_over_time(
    frame: pd.DataFrame,
    targets: pd.DataFrame,
    as_of: date,
    grain: str,
    lang: str,
    currency: str | None,
    period: tuple[date, date] | None = None,
) -> go.Figure:
    """Won value per bucket (the current, still filling, bucket lighter), the forecast with 80% and 95%
    prediction intervals, the target per bucket, and a 'today' line at the as-of date. Every bucket is drawn
    at its middle, so the bars span their own days and the 'today' line falls inside the current one."""

    def mid(buckets: pd.Series) -> list[datetime]:
        half = timedelta(days=15.2) if grain == "month" else timedelta(days=3.5)
        return [datetime.combine(b, time()) + half for b in buckets]

    x = mid(frame["bucket"])
    actual = frame["won_value"].where(~frame["bucket"].map(lambda b: b > as_of))
    fig = go.Figure()
    if period is not None:
        fig.add_vrect(x0=datetime.combine(period[0], time()), x1=datetime.combine(period[1], time(23, 59)),
                      fillcolor="#F2F5F8", line_width=0, layer="below")  # fmt: skip
    fig.add_bar(
        x=x,
        y=actual,
        name=_t("series_actual", lang),
        marker={"color": [MUTED if p else PALETTE[0] for p in frame["partial"]]},
        hovertemplate="%{x|%Y-%m-%d}<br>%{y:,.0f}<extra></extra>",
    )
    ahead = frame[frame["forecast"].notna()]
    if len(ahead):
        xa = mid(ahead["bucket"])
        for level, opacity in (("95", 0.15), ("80", 0.3)):
            fig.add_scatter(x=xa, y=ahead[f"hi{level}"], mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip")
            fig.add_scatter(
                x=xa, y=ahead[f"lo{level}"], mode="lines", line={"width": 0}, fill="tonexty",
                fillcolor=f"rgba(230,159,0,{opacity})", name=_t(f"series_interval_{level}", lang), hoverinfo="skip",
            )  # fmt: skip
        fig.add_scatter(
            x=xa, y=ahead["forecast"], mode="lines+markers", line={"color": PALETTE[1], "width": 3},
            name=_t("series_forecast", lang), hovertemplate="%{x|%Y-%m-%d}<br>%{y:,.0f}<extra></extra>",
        )  # fmt: skip
    if len(targets) and targets["target"].notna().any():
        xt = mid(targets["bucket"])
        fig.add_scatter(
            x=xt, y=targets["target"], mode="lines", line={"color": TARGET_COLOUR, "dash": "dash", "width": 2, "shape": "hvh"},
            name=_t("series_target", lang), hovertemplate="%{x|%Y-%m-%d}<br>%{y:,.0f}<extra></extra>",
        )  # fmt: skip
    today = datetime.combine(as_of, time(12))
    fig.add_vline(x=today, line={"color": BAD, "width": 2})
    fig.add_annotation(x=today, y=1, yref="paper", yanchor="bottom", showarrow=False, text=_t("today", lang),
                       font={"color": BAD, "size": 12})  # fmt: skip
    style(fig, _t(f"series_title_{grain}", lang), height=440)
    _legend_below(fig)
    fig.update_layout(margin={"t": 60}, bargap=0.15)
    fig.update_traces(selector={"type": "bar"}, xperiod=None)
    values = [*frame["won_value"].fillna(0), *frame["forecast"].fillna(0), *frame.get("hi80", pd.Series(dtype=float)).fillna(0)]
    if len(targets):
        values += list(targets["target"].fillna(0))
    money_axis(fig, values, lang, currency)
    fig.update_yaxes(title=_t("won_value_axis", lang), rangemode="tozero")
    fig.update_xaxes(title=None)
    return fig


def backtest_chart(results: pd.DataFrame, trusted: str, kind: str, lang: str, currency: str | None) -> go.Figure:
    """Actual won per past period (grey bars) against each method's forecast made on the period's first day."""
    periods = sorted(results["period_start"].unique())
    labels = [_period_label(p, kind, lang) for p in periods]
    actual = results.groupby("period_start")["actual"].first().reindex(periods)
    fig = go.Figure()
    fig.add_bar(x=labels, y=actual, name=_t("backtest_actual", lang), marker={"color": MUTED},
                hovertemplate="%{x}<br>%{y:,.0f}<extra></extra>")  # fmt: skip
    for method, rows in results.groupby("method", sort=False):
        values = rows.set_index("period_start")["forecast"].reindex(periods)
        if values.isna().all():
            continue
        mine = method == trusted
        fig.add_scatter(
            x=labels, y=values, mode="lines+markers", name=_t(f"method.{method}", lang) + (" ★" if mine else ""),
            line={"color": METHOD_COLOURS[str(method)], "width": 4 if mine else 1.5, "dash": "solid" if mine else "dot"},
            marker={"size": 9 if mine else 5}, hovertemplate="%{x}<br>%{y:,.0f}<extra></extra>",
        )  # fmt: skip
    style(fig, _t("backtest_title", lang), height=440)
    _legend_below(fig)
    fig.update_xaxes(tickangle=0)
    money_axis(fig, [*actual.fillna(0), *results["forecast"].fillna(0)], lang, currency)
    fig.update_yaxes(title=_t("won_value_axis", lang), rangemode="tozero")
    fig.update_xaxes(type="category")
    return fig


def _period_label(start: date, kind: str, lang: str) -> str:
    if kind == "quarter":
        q = (start.month - 1) // 3 + 1
        return f"{start.year}年Q{q}" if lang == "zh" else f"Q{q} {start.year}"
    return fmt.month(start, lang, short=True)


def period_label(start: date, kind: str, lang: str) -> str:
    """'Q4 2025' / '2025年Q4', or 'Nov 25' / '25年11月'."""
    return _period_label(start, kind, lang)


def breakdown_bars(table: pd.DataFrame, by: str, lang: str, currency: str | None, limit: int = 15) -> go.Figure:
    """Per group (largest expected value first): won + each open category stacked, the learned weighted
    forecast as a diamond and the quota (teams and reps) as a bar end marker."""
    top = table.head(limit).iloc[::-1]
    labels = [_group_label(by, g, lbl, lang) for g, lbl in zip(top["group"], top["label"], strict=True)]
    fig = go.Figure()
    for column, colour in (("won", GOOD), ("commit", PALETTE[0]), ("best_case", PALETTE[4]), ("pipeline", MUTED)):
        fig.add_bar(y=labels, x=top[column], orientation="h", name=_t(f"level.{column}" if column != "won" else "level.closed_won", lang),
                    marker={"color": colour}, hovertemplate="%{y}: %{x:,.0f}<extra></extra>")  # fmt: skip
    fig.add_scatter(y=labels, x=top["weighted_learned"], mode="markers", name=_t("method.weighted_learned", lang),
                    marker={"symbol": "diamond", "size": 12, "color": PALETTE[1], "line": {"color": "#000", "width": 1}},
                    hovertemplate="%{y}: %{x:,.0f}<extra></extra>")  # fmt: skip
    if top["quota"].notna().any():
        fig.add_scatter(y=labels, x=top["quota"], mode="markers", name=_t("quota", lang),
                        marker={"symbol": "line-ns", "size": 22, "line": {"color": TARGET_COLOUR, "width": 3}},
                        hovertemplate="%{y}: %{x:,.0f}<extra></extra>")  # fmt: skip
    style(fig, _t("breakdown_title", lang, by=_t(f"by.{by}", lang)), height=max(320, 120 + 30 * len(top)))
    _legend_below(fig)
    fig.update_layout(barmode="stack")
    values = [*(top[["won", "commit", "best_case", "pipeline"]].sum(axis=1)), *top["quota"].fillna(0)]
    money_axis(fig, values, lang, currency, axis="x")
    return fig


_VALUE_KINDS = {"team": "team", "customer_type": "customer_type", "channel": "channel"}


def _group_label(by: str, group: object, label: object, lang: str) -> str:
    if by in _VALUE_KINDS:
        return i18n.label(_VALUE_KINDS[by], group, lang)
    return str(label) if label is not None and label == label else i18n.t("core.none", lang)
