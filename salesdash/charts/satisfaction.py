"""Satisfaction charts: trends with interval bands, score distributions, the driver matrix, segments, sales link.

Every interval is drawn (a band or error bars) and every figure resting on fewer than 30 responses is
marked (hollow point, pale bar, ⚠ in its label), so a dip can be judged and not just seen.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from salesdash import fmt, i18n
from salesdash.charts import BAD, GOOD, MUTED, PALETTE, style

# promoter / passive / detractor: Okabe–Ito bluish green, orange, vermillion
GROUP_COLOURS = {"promoter": GOOD, "passive": PALETTE[1], "detractor": BAD}
# 1..5 on a diverging, colour-blind-safe scale (ColorBrewer RdBu, middle greyed)
SCORE_COLOURS = {1: "#B2182B", 2: "#EF8A62", 3: "#CFCFCF", 4: "#67A9CF", 5: "#2166AC"}
DIMENSION_COLOURS = {"product_quality": PALETTE[0], "service_attitude": PALETTE[3], "response_speed": PALETTE[5]}
BAND = "rgba(0, 114, 178, 0.15)"
PERIOD_SHADE = "rgba(0, 114, 178, 0.06)"
# explicit tick texts: plotly drops ticksuffix once tickvals are given
PCT_TICKS: dict[str, object] = {"tickvals": [0, 20, 40, 60, 80, 100], "ticktext": [f"{v}%" for v in range(0, 101, 20)]}


def _t(key: str, lang: str, **values: object) -> str:
    return i18n.t(f"satisfaction.{key}", lang, **values)


def _num(x: object) -> float:
    return float(x) if x is not None and not (isinstance(x, float) and math.isnan(x)) else math.nan  # type: ignore[arg-type]


def _styled(fig: go.Figure, title: str, height: int = 400, legend: bool = True) -> go.Figure:
    """House style, with room for a legend of up to two lines (a narrow screen wraps it) between
    the title and the plot; legend=False when the caption explains the marks instead."""
    style(fig, title, height=height)
    if legend:
        fig.update_layout(
            margin={"t": 92},
            title={"y": 0.985, "yref": "container", "yanchor": "top"},
            legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "xanchor": "left"},
        )
    else:
        fig.update_layout(showlegend=False)
    return fig


def _shade_period(fig: go.Figure, trend: pd.DataFrame, months: list[str]) -> None:
    inside = [m for m, flag in zip(months, trend["in_period"], strict=True) if flag]
    if inside:
        fig.add_vrect(x0=inside[0], x1=inside[-1], fillcolor=PERIOD_SHADE, line_width=0, layer="below")


def _band_trend(
    trend: pd.DataFrame, lang: str, value: str, low: str, high: str, n: str, title: str, as_pct: bool
) -> go.Figure:
    """A monthly line with its 95 % band; months under 30 responses get hollow markers."""
    months = [fmt.month(m, lang, short=True) for m in trend["month"]]
    scale = 100 if as_pct else 1
    y, lo, hi = trend[value] * scale, trend[low] * scale, trend[high] * scale
    small = trend[n] < 30
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(x=months, y=hi, mode="lines", line={"width": 0}, hoverinfo="skip", showlegend=False)
    )
    fig.add_trace(
        go.Scatter(
            x=months, y=lo, mode="lines", line={"width": 0}, fill="tonexty", fillcolor=BAND,
            name=_t("chart.interval", lang), hoverinfo="skip",
        )
    )  # fmt: skip
    unit = "%" if as_pct else ""
    hover = [
        f"{m}<br>{v:.1f}{unit} ({a:.1f}–{b:.1f})<br>{int(k):,} {_t('chart.responses', lang)}"
        + (f"<br>⚠ {_t('chart.small_sample', lang)}" if s else "")
        if not math.isnan(v) else f"{m}<br>{_t('chart.no_data', lang)}"
        for m, v, a, b, k, s in zip(months, y, lo, hi, trend[n], small, strict=True)
    ]  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=months,
            y=y,
            mode="lines+markers",
            line={"color": PALETTE[0], "width": 2.5},
            marker={
                "size": 9,
                "color": ["white" if s else PALETTE[0] for s in small],
                "line": {"color": PALETTE[0], "width": 2},
            },
            name=_t("metric.nps" if value == "nps" else "metric.csat_share", lang),
            hovertext=hover,
            hoverinfo="text",
            connectgaps=False,
        )
    )
    _shade_period(fig, trend, months)
    _styled(fig, title, legend=False)  # the caption above explains band and hollow points
    fig.update_traces(cliponaxis=False, selector={"type": "scatter"})
    fig.update_xaxes(type="category", title=None)
    if as_pct:
        fig.update_yaxes(range=[0, 104], **PCT_TICKS)
    else:
        fig.update_yaxes(range=[-105, 105], tickvals=[-100, -50, 0, 50, 100], zeroline=True, zerolinecolor="#9AA5B1")
    return fig


def nps_trend(trend: pd.DataFrame, lang: str) -> go.Figure:
    """NPS per month with its 95 % band (monthly_trend)."""
    return _band_trend(trend, lang, "nps", "nps_low", "nps_high", "nps_n", _t("chart.nps_trend", lang), False)


def csat_trend(trend: pd.DataFrame, lang: str) -> go.Figure:
    """CSAT % of 4–5 per month with its Wilson band (monthly_trend)."""
    return _band_trend(
        trend, lang, "csat_share", "csat_share_low", "csat_share_high", "csat_n", _t("chart.csat_trend", lang), True
    )


def nps_distribution(dist: pd.DataFrame, lang: str) -> go.Figure:
    """Bars of the 0–10 answers, coloured by promoter / passive / detractor (distributions)."""
    nps = dist[dist["measure"] == "nps"]
    fig = go.Figure()
    for group in ("detractor", "passive", "promoter"):
        part = nps[nps["group"] == group]
        fig.add_trace(
            go.Bar(
                x=part["score"],
                y=part["share"] * 100,
                name=_t(f"group.{group}", lang),
                marker={"color": GROUP_COLOURS[group]},
                text=[fmt.pct(s, lang, 0) if s > 0 else "" for s in part["share"]],
                textposition="outside",
                cliponaxis=False,
                customdata=part["responses"],
                hovertemplate="%{x}: %{y:.1f}% · %{customdata:,} " + _t("chart.responses", lang) + "<extra></extra>",
            )
        )
    _styled(fig, _t("chart.nps_distribution", lang))
    fig.update_xaxes(title=_t("chart.score_axis", lang), tickmode="linear", dtick=1, range=[-0.6, 10.6])
    fig.update_yaxes(title=_t("chart.share_axis", lang), ticksuffix="%", rangemode="tozero")
    fig.update_layout(bargap=0.15)
    return fig


def dimension_distribution(dist: pd.DataFrame, lang: str) -> go.Figure:
    """100 % stacked bars of the 1–5 answers per dimension (and CSAT), diverging colours (distributions)."""
    measures = ["response_speed", "service_attitude", "product_quality", "csat"]  # bottom to top
    present = [m for m in measures if dist.loc[dist["measure"] == m, "responses"].sum() > 0]
    labels = [_t(f"dim.{m}", lang) for m in present]
    fig = go.Figure()
    for score in range(1, 6):
        rows = dist[(dist["score"] == score)].set_index("measure").reindex(present)
        shares = rows["share"].fillna(0) * 100
        fig.add_trace(
            go.Bar(
                y=labels,
                x=shares,
                orientation="h",
                name=_t("chart.score", lang, score=score),
                marker={"color": SCORE_COLOURS[score]},
                text=[f"{s:.0f}%" if s >= 6 else "" for s in shares],
                textposition="inside",
                insidetextanchor="middle",
                customdata=rows["responses"].fillna(0),
                hovertemplate="%{y} · " + _t("chart.score", lang, score=score)
                + ": %{x:.1f}% · %{customdata:,} " + _t("chart.responses", lang) + "<extra></extra>",
            )
        )  # fmt: skip
    _styled(fig, _t("chart.dimension_distribution", lang))
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_xaxes(range=[0, 102], title=None, **PCT_TICKS)
    fig.update_yaxes(title=None)
    return fig


def _label_positions(drivers: pd.DataFrame, x_low: float) -> dict[str, str]:
    """Labels above their point, unless a close neighbour sits just above (then below), so two
    dimensions with similar scores never print their names on top of each other; near the left or
    right edge the label leans inwards instead of being cut off."""
    out = {}
    points = list(zip(drivers["dimension"], drivers["mean"], drivers["r"].fillna(0), strict=True))
    for name, x, y in points:
        crowded = any(abs(x - x2) < 0.8 and 0 <= y2 - y < 0.15 and n2 != name for n2, x2, y2 in points)
        vertical = "bottom" if crowded or y > 0.93 else "top"
        where = (x - x_low) / (5 - x_low)
        out[name] = f"{vertical} {'right' if where < 0.25 else 'left' if where > 0.8 else 'center'}"
    return out


def driver_matrix(drivers: pd.DataFrame, lang: str) -> go.Figure:
    """Each dimension placed by mean score (x) and correlation with NPS (y); top left = fix first."""
    fig = go.Figure()
    x_low = min(2.0, math.floor(drivers["mean"].min() * 2) / 2) if len(drivers) else 1.0
    fig.add_shape(
        type="rect", x0=x_low, x1=(x_low + 5) / 2, y0=0.5, y1=1.0, fillcolor="rgba(213, 94, 0, 0.08)",
        line_width=0, layer="below",
    )  # fmt: skip
    fig.add_annotation(
        x=x_low, y=0.5, xanchor="left", yanchor="bottom", text="↖ " + _t("chart.fix_first", lang), showarrow=False,
        font={"color": BAD, "size": 13},
    )  # fmt: skip
    positions = _label_positions(drivers, x_low)
    for row in drivers.itertuples():
        label = f"#{row.rank} {_t(f'dim.{row.dimension}', lang)}" + (" ⚠" if row.small_sample else "")
        fig.add_trace(
            go.Scatter(
                x=[row.mean],
                y=[_num(row.r)],
                error_x={"type": "data", "symmetric": False, "array": [row.mean_high - row.mean],
                         "arrayminus": [row.mean - row.mean_low], "color": MUTED},
                mode="markers+text",
                marker={"size": 18, "color": DIMENSION_COLOURS.get(row.dimension, PALETTE[0]),
                        "line": {"color": "white", "width": 1}},
                text=[label],
                textposition=positions[row.dimension],
                name=_t(f"dim.{row.dimension}", lang),
                hovertemplate=f"{label}<br>{_t('chart.mean', lang)} %{{x:.2f}}<br>r = %{{y:.2f}}<br>"
                + f"{_t('chart.priority', lang)} {_num(row.priority):.2f} · n = {row.n:,}<extra></extra>",
            )
        )  # fmt: skip
    _styled(fig, _t("chart.driver_matrix", lang), legend=False)
    fig.update_xaxes(title=_t("chart.mean_axis", lang), range=[x_low - 0.1, 5.05], showgrid=True, gridcolor="#EEF1F4")
    fig.update_yaxes(title=_t("chart.relation_axis", lang), range=[min(0.0, drivers["r"].min() - 0.1), 1.0])
    return fig


def dimension_trend(trend: pd.DataFrame, lang: str) -> go.Figure:
    """Monthly mean of each dimension (monthly_trend)."""
    months = [fmt.month(m, lang, short=True) for m in trend["month"]]
    fig = go.Figure()
    for dim, colour in DIMENSION_COLOURS.items():
        fig.add_trace(
            go.Scatter(
                x=months, y=trend[dim], mode="lines+markers", name=_t(f"dim.{dim}", lang),
                line={"color": colour, "width": 2.5}, marker={"size": 6},
                hovertemplate="%{x} · " + _t(f"dim.{dim}", lang) + ": %{y:.2f}<extra></extra>",
            )
        )  # fmt: skip
    _shade_period(fig, trend, months)
    _styled(fig, _t("chart.dimension_trend", lang))
    fig.update_xaxes(type="category", title=None)
    fig.update_yaxes(title=_t("chart.mean_score_axis", lang), range=[1, 5.1])
    return fig


def segment_nps(rows: pd.DataFrame, lang: str, dimension_label: str, value_kind: str | None) -> go.Figure:
    """Horizontal NPS bars per segment with 95 % error bars; small samples pale and marked ⚠ (segments)."""
    top = rows.sort_values("responses", ascending=False).head(25).sort_values("nps")
    labels = [
        (i18n.label(value_kind, v, lang) if value_kind else str(v)) + f"  {fmt.score(x, lang)}" + (" ⚠" if s else "")
        for v, x, s in zip(top["label"], top["nps"], top["small_sample"], strict=True)
    ]
    colours = [GOOD if v >= 0 else BAD for v in top["nps"]]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=top["nps"],
            orientation="h",
            marker={"color": colours, "opacity": [0.4 if s else 1.0 for s in top["small_sample"]]},
            error_x={"type": "data", "symmetric": False, "array": (top["nps_high"] - top["nps"]).fillna(0),
                     "arrayminus": (top["nps"] - top["nps_low"]).fillna(0), "color": "#56606B", "thickness": 1.2},
            customdata=top[["nps_low", "nps_high", "nps_n"]].to_numpy(),
            hovertemplate="%{y}<br>NPS %{x:+.0f} (%{customdata[0]:+.0f} … %{customdata[1]:+.0f})"
            + " · n = %{customdata[2]:,}<extra></extra>",
        )
    )  # fmt: skip
    title = _t("chart.segment_nps", lang, dimension=dimension_label)
    _styled(fig, title, height=max(300, 90 + 30 * len(top)), legend=False)
    fig.update_xaxes(range=[-105, 105], tickvals=[-100, -50, 0, 50, 100], zeroline=True, zerolinecolor="#9AA5B1",
                     title="NPS")  # fmt: skip
    fig.update_yaxes(type="category", title=None)
    return fig


def sales_link(link: pd.DataFrame, lang: str) -> go.Figure:
    """Repeat purchase rate and later win rate by NPS group, side by side (sales_link)."""
    labels = [_t(f"group.{g}", lang) for g in link["nps_group"]]
    fig = go.Figure()
    for measure, colour in (("repeat_rate", PALETTE[0]), ("later_win_rate", PALETTE[2])):
        n = link["responses"] if measure == "repeat_rate" else link["later_closed"]
        fig.add_trace(
            go.Bar(
                x=labels,
                y=link[measure] * 100,
                name=_t(f"chart.{measure}", lang),
                marker={"color": colour},
                text=[fmt.pct(v, lang, 0) + (" ⚠" if 0 < k < 30 else "") for v, k in zip(link[measure], n, strict=True)],
                textposition="outside",
                cliponaxis=False,
                customdata=n,
                hovertemplate="%{x}: %{y:.1f}% · n = %{customdata:,}<extra></extra>",
            )
        )  # fmt: skip
    _styled(fig, _t("chart.sales_link", lang))
    fig.update_yaxes(range=[0, 108], **PCT_TICKS)
    fig.update_xaxes(title=None)
    return fig
