"""Funnel page charts: the clickable stage funnel, conversion against target, segment comparison,
conversion trend by cohort, and lost deals by stage and reason."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from salesdash import fmt, i18n
from salesdash.charts import BAD, GOOD, MUTED, PALETTE, money_axis, style
from salesdash.funnel import OTHER

TARGET_COLOUR = "#000000"


def _stage(value: object, lang: str) -> str:
    if value is None or value != value:  # lost deals whose stage at loss the source does not give
        return i18n.t("funnel.unknown_stage", lang)
    return i18n.label("stage", value, lang)


def _segment(dimension: str, value: object, lang: str) -> str:
    if value == OTHER:
        return i18n.t("funnel.other_segments", lang)
    return i18n.label(dimension, value, lang)


def _amount(value: float, lang: str, by_value: bool, currency: str | None) -> str:
    return fmt.money(value, lang, currency) if by_value else fmt.count(value, lang)


def stage_funnel(
    table: pd.DataFrame, lang: str, view: str, by_value: bool, currency: str | None, selected: str | None = None
) -> go.Figure:
    """Centred horizontal bars, one per stage, that a click selects (customdata = stage).

    view "cohort": reached per stage (reached_by_stage), with % of the previous and of the first stage
    under each stage's name; view "snapshot": open deals per stage at the end of the period
    (snapshot_by_stage), with each stage's share of them. The selected stage is drawn in orange.
    """
    measures = {("cohort", False): "reached", ("cohort", True): "reached_value"}
    measure = measures.get((view, by_value), "value" if by_value else "deals")
    values = table[measure].astype(float)
    widest = float(values.max()) if len(values) else 0.0
    labels = []
    for i, row in enumerate(table.itertuples(index=False)):
        if view == "cohort":
            shares = [i18n.t("funnel.of_first", lang, pct=fmt.pct(row.pct_of_first, lang, 0))]
            if i > 0:
                shares.insert(0, i18n.t("funnel.of_previous", lang, pct=fmt.pct(row.pct_of_previous, lang, 0)))
        else:
            share = row.share_of_value if by_value else row.share_of_deals
            shares = [i18n.t("funnel.of_open", lang, pct=fmt.pct(share, lang, 0))]
        detail = " · ".join(shares)
        labels.append(f"<b>{_stage(row.stage, lang)}</b><br><span style='font-size:12px;color:#5A6570'>{detail}</span>")
    wide = [bool(widest) and v / widest >= 0.3 for v in values]
    kinds = table["kind"] if "kind" in table else pd.Series(["open"] * len(table))
    colours = [
        PALETTE[1] if stage == selected else (PALETTE[2] if kind == "won" else PALETTE[0])
        for stage, kind in zip(table["stage"], kinds, strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=values,
            base=[(widest - v) / 2 for v in values],
            orientation="h",
            text=[_amount(v, lang, by_value, currency) for v in values],
            textposition=["inside" if w else "outside" for w in wide],
            insidetextanchor="middle",
            textangle=0,
            cliponaxis=False,
            textfont={"color": ["white" if w else "#1F2A36" for w in wide], "size": 14},
            marker={"color": colours},
            customdata=table["stage"],
            hovertemplate="%{y}<br>%{text}<extra></extra>",
            width=0.8,
        )
    )
    key = "funnel.chart_cohort" if view == "cohort" else "funnel.chart_snapshot"
    style(fig, i18n.t(key + ("_value" if by_value else ""), lang), height=64 * len(table) + 90)
    fig.update_yaxes(autorange="reversed", showgrid=False, ticklabelstandoff=8)
    fig.update_xaxes(visible=False, range=[0, widest * 1.001 if widest else 1])
    fig.update_layout(clickmode="event+select", dragmode=False, bargap=0.12)
    return fig


def conversion_vs_target(conversion: pd.DataFrame, lang: str) -> go.Figure:
    """Bars of each stage's conversion to the next, coloured by whether it meets its target (a tick)."""
    labels = [f"{_stage(a, lang)} →" for a in conversion["stage"]]  # "to the next stage" is in the title
    steps = [f"{_stage(a, lang)} → {_stage(b, lang)}" for a, b in zip(conversion["stage"], conversion["next_stage"], strict=True)]
    below = conversion["below_target"].to_numpy()
    colours = [BAD if b else GOOD for b in below]
    colours = [MUTED if math.isnan(t) else c for c, t in zip(colours, conversion["target"].astype(float), strict=True)]
    texts = [
        fmt.pct(c, lang, 0) + (" ⚠" if small else "")
        for c, small in zip(conversion["conversion"], conversion["small_sample"], strict=True)
    ]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=labels,
            x=conversion["conversion"],
            orientation="h",
            marker={"color": colours},
            text=texts,
            textposition="outside",
            cliponaxis=False,
            name=i18n.t("funnel.conversion", lang),
            customdata=list(zip(steps, conversion["reached"], conversion["converted"], strict=True)),
            hovertemplate="%{customdata[0]}<br>%{x:.1%} (%{customdata[2]:,} / %{customdata[1]:,})<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            y=labels,
            x=conversion["target"],
            mode="markers",
            marker={"symbol": "line-ns", "size": 26, "line": {"width": 3, "color": TARGET_COLOUR}},
            name=i18n.t("funnel.target", lang),
            customdata=steps,
            hovertemplate="%{customdata}<br>" + i18n.t("funnel.target", lang) + " %{x:.0%}<extra></extra>",
        )
    )
    style(fig, i18n.t("funnel.conversion_title", lang), height=64 * len(conversion) + 140)
    fig.update_layout(legend={"orientation": "h", "y": -0.12, "yanchor": "top", "x": 0})
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(range=[0, 1.12], tickformat=".0%", showgrid=True, gridcolor="#E5E9EE")
    return fig


def segment_lines(seg: pd.DataFrame, dimension: str, lang: str, by_value: bool) -> go.Figure:
    """% of each segment's cohort that reached each stage, one line per segment (overlaid funnels)."""
    fig = go.Figure()
    for i, (segment, part) in enumerate(seg.groupby("segment", sort=False, dropna=False)):
        share = part["reached_value"] / part["reached_value"].iloc[0] if by_value and part["reached_value"].iloc[0] else part["pct_of_first"]
        name = f"{_segment(dimension, segment, lang)} ({fmt.count(part['cohort'].iloc[0], lang)})"
        fig.add_trace(
            go.Scatter(
                x=[_stage(s, lang) for s in part["stage"]],
                y=share,
                mode="lines+markers",
                name=name,
                line={"color": PALETTE[i % len(PALETTE)], "width": 2.5},
                hovertemplate=name + "<br>%{x}: %{y:.0%}<extra></extra>",
            )
        )
    style(fig, i18n.t("funnel.segment_lines_title" + ("_value" if by_value else ""), lang), height=420)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    fig.update_xaxes(type="category")
    fig.update_layout(legend={"orientation": "h", "y": -0.2, "yanchor": "top"}, margin={"b": 10})
    return fig


def segment_matrix(matrix: pd.DataFrame, dimension: str, lang: str) -> go.Figure:
    """Segments × stage steps: conversion in each cell, coloured by its gap to the target."""
    steps = list(dict.fromkeys(zip(matrix["stage"], matrix["next_stage"], strict=True)))
    segments = list(dict.fromkeys(matrix["segment"]))
    index = {(r.segment, r.stage): r for r in matrix.itertuples(index=False)}
    z, text = [], []
    for segment in segments:
        zs, ts = [], []
        for stage, _ in steps:
            r = index.get((segment, stage))
            gap = float(r.gap) if r is not None and not pd.isna(r.gap) else math.nan
            zs.append(max(min(gap, 0.3), -0.3) if not math.isnan(gap) else None)
            ts.append(fmt.pct(r.conversion, lang, 0) + (" ⚠" if r.reached < 30 else "") if r is not None else "")
        z.append(zs)
        text.append(ts)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[f"{_stage(a, lang)} →<br>{_stage(b, lang)}" for a, b in steps],
            y=[_segment(dimension, s, lang) for s in segments],
            text=text,
            texttemplate="%{text}",
            textfont={"size": 13},
            colorscale=[[0, BAD], [0.5, "#F7F7F7"], [1, PALETTE[0]]],
            zmin=-0.3,
            zmax=0.3,
            colorbar={"title": {"text": i18n.t("funnel.gap_to_target", lang)}, "tickformat": "+.0%", "len": 0.9},
            hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
            xgap=2,
            ygap=2,
        )
    )
    style(fig, i18n.t("funnel.segment_matrix_title", lang), height=130 + 46 * max(len(segments), 3))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="bottom", showgrid=False, tickangle=0, tickfont={"size": 11})
    return fig


def conversion_trend(trend: pd.DataFrame, lang: str, grain: str) -> go.Figure:
    """One line per stage step across creation months (or quarters); cohorts still mostly open are hollow."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.75, 0.25], vertical_spacing=0.06)
    periods = list(dict.fromkeys(trend["period"]))
    xs = [_period_label(p, grain, lang) for p in periods]
    for i, ((stage, nxt), part) in enumerate(trend.groupby(["stage", "next_stage"], sort=False)):
        name = f"{_stage(stage, lang)} → {_stage(nxt, lang)}"
        young = part["open_share"] > 0.5
        fig.add_trace(
            go.Scatter(
                x=[_period_label(p, grain, lang) for p in part["period"]],
                y=part["conversion"],
                mode="lines+markers",
                name=name,
                line={"color": PALETTE[i % len(PALETTE)], "width": 2},
                marker={"size": 8, "symbol": ["circle-open" if y else "circle" for y in young]},
                customdata=part[["reached", "converted"]].to_numpy(),
                hovertemplate=name + "<br>%{x}: %{y:.0%} (%{customdata[1]:,} / %{customdata[0]:,})<extra></extra>",
            ),
            row=1,
            col=1,
        )
    sizes = trend.groupby("period", sort=False).first()
    fig.add_trace(
        go.Bar(
            x=xs,
            y=sizes["cohort"],
            marker={"color": [MUTED if s > 0.5 else PALETTE[4] for s in sizes["open_share"].fillna(0)]},
            name=i18n.t("funnel.cohort_size", lang),
            showlegend=False,
            customdata=sizes["open_share"],
            hovertemplate="%{x}: %{y:,} · " + i18n.t("funnel.still_open_share", lang) + " %{customdata:.0%}<extra></extra>",
        ),
        row=2,
        col=1,
    )
    style(fig, i18n.t(f"funnel.trend_title_{grain}", lang), height=470)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05], row=1, col=1, title=i18n.t("funnel.conversion", lang))
    fig.update_yaxes(row=2, col=1, title=i18n.t("funnel.cohort_size", lang), tickformat="~s")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=xs)
    fig.update_layout(legend={"orientation": "h", "y": -0.12, "yanchor": "top"}, margin={"b": 10})
    return fig


def _period_label(day: object, grain: str, lang: str) -> str:
    d = pd.Timestamp(day)
    if grain == "month":
        return fmt.month(d.date(), lang, short=True)
    q = (d.month - 1) // 3 + 1
    return f"{d.year}年Q{q}" if lang == "zh" else f"Q{q} {d.year}"


def lost_by_stage(lost: pd.DataFrame, lang: str, by_value: bool, currency: str | None, reasons: int = 6) -> go.Figure:
    """Horizontal bars per stage at loss, stacked by reason (the `reasons` largest; the rest as 'other')."""
    measure = "value" if by_value else "deals"
    frame = lost.copy()
    frame["reason"] = frame["lost_reason"].map(lambda r: r if r is not None else "\x00none")
    frame["stage"] = frame["stage"].map(lambda s: s if s is not None else "\x00unknown")
    top = frame.groupby("reason")[measure].sum().sort_values(ascending=False)
    keep = [r for r in top.index[:reasons] if r != "\x00none"]
    frame["reason"] = frame["reason"].where(frame["reason"].isin(keep), "\x00other")
    stage_order = frame.sort_values("position", na_position="last")["stage"].drop_duplicates().tolist()
    labels = [_stage(None if s == "\x00unknown" else s, lang) for s in stage_order]
    fig = go.Figure()
    for i, reason in enumerate([*keep, "\x00other"]):
        part = frame[frame["reason"] == reason].groupby("stage")[measure].sum()
        if part.empty:
            continue
        name = i18n.t("funnel.other_reasons", lang) if reason == "\x00other" else i18n.label("lost_reason", reason, lang)
        fig.add_trace(
            go.Bar(
                y=labels,
                x=[part.get(s, 0) for s in stage_order],
                orientation="h",
                name=name,
                marker={"color": MUTED if reason == "\x00other" else PALETTE[(i + 1) % len(PALETTE)]},
                hovertemplate=name + "<br>%{y}: %{x:,.0f}<extra></extra>",
            )
        )
    totals = frame.groupby("stage")[measure].sum()
    fig.add_trace(
        go.Scatter(
            y=labels,
            x=[totals.get(s, 0) for s in stage_order],
            mode="text",
            text=[_amount(totals.get(s, 0), lang, by_value, currency) for s in stage_order],
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
        )
    )
    style(fig, i18n.t("funnel.lost_title" + ("_value" if by_value else ""), lang), height=60 * len(stage_order) + 150)
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.12, "yanchor": "top", "x": 0})
    fig.update_yaxes(autorange="reversed", showgrid=False)
    top_value = float(totals.max()) if len(totals) else 0.0
    fig.update_xaxes(range=[0, top_value * 1.18 if top_value else 1], showgrid=True, gridcolor="#E5E9EE")
    if by_value:
        money_axis(fig, [top_value], lang, currency, axis="x")
    return fig
