"""Reps charts: quota attainment and pacing, stage strengths, activity against outcome, one rep's detail.

Built to stay readable with 40 reps: horizontal bars and heatmap rows get a fixed height per rep,
and only the reps worth a word (the flagged ones) carry a text label in the scatter.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from salesdash import fmt, i18n
from salesdash.charts import BAD, GOOD, MUTED, PALETTE, money_axis, nice_ticks, style

ROW_PX = 22  # height per rep row: 40 reps -> 880 px, labels at 13 px never overlap
GREY_CELL = "#DADFE5"
DEVIATION_CLIP = 0.3  # colour scale ends at ±30 points; larger gaps get the end colour


def _height(n: int, extra: int = 140, row: int = ROW_PX) -> int:
    return max(320, n * row + extra)


def _legend_under_title(fig: go.Figure) -> go.Figure:
    """Title on the first line, legend on the second, so the two never overlap."""
    height = int(fig.layout.height or 380)
    fig.update_layout(
        margin={"t": 92},
        title={"yref": "container", "y": 1 - 14 / height, "yanchor": "top"},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0},
    )
    return fig


def _rep_label(row: pd.Series, lang: str = "en") -> str:
    """The rep's name, else their id, else "(none)" for deals without a rep."""
    for value in (row["rep_name"], row["rep_id"]):
        if pd.notna(value):
            return str(value)
    return i18n.t("core.none", lang)


def quota_bars(reps: pd.DataFrame, lang: str) -> go.Figure:
    """Attainment (left) and pacing (right) per rep, sorted by attainment, against the 100% target.

    A dotted line on the attainment side marks where a rep should be today (the share of the
    period elapsed); pacing bars are green at or above 100%, vermillion below.
    """
    table = reps[reps["quota"].notna() & (reps["quota"] > 0)].sort_values(["attainment", "rep_id"])
    labels = [_rep_label(r, lang) for _, r in table.iterrows()]
    fig = make_subplots(
        rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
        subplot_titles=(i18n.t("reps.quota.attainment_panel", lang), i18n.t("reps.quota.pacing_panel", lang)),
    )  # fmt: skip
    fig.add_trace(
        go.Bar(
            y=labels, x=table["attainment"], orientation="h", marker={"color": PALETTE[0]},
            text=[fmt.pct(v, lang, 0) for v in table["attainment"]], textposition="outside", cliponaxis=False,
            name=i18n.t("reps.col.attainment", lang), hovertemplate="%{y}: %{x:.1%}<extra></extra>",
        ),
        row=1, col=1,
    )  # fmt: skip
    pacing_colours = [GOOD if v >= 1 else BAD for v in table["pacing"].fillna(0)]
    fig.add_trace(
        go.Bar(
            y=labels, x=table["pacing"], orientation="h", marker={"color": pacing_colours},
            text=[fmt.pct(v, lang, 0) for v in table["pacing"]], textposition="outside", cliponaxis=False,
            name=i18n.t("reps.col.pacing", lang), hovertemplate="%{y}: %{x:.1%}<extra></extra>",
        ),
        row=1, col=2,
    )  # fmt: skip
    share = float(table["elapsed_share"].iloc[0]) if len(table) else 1.0
    for col in (1, 2):
        fig.add_vline(x=1.0, line={"color": "#333333", "width": 1.5}, row=1, col=col)
    if share < 1:
        fig.add_vline(x=share, line={"color": "#333333", "width": 1, "dash": "dot"}, row=1, col=1)
    style(fig, i18n.t("reps.quota.title", lang, share=fmt.pct(share, lang, 0)), height=_height(len(table)))
    top = max(1.2, float(np.nanmax(table[["attainment", "pacing"]].to_numpy(dtype=float), initial=1.0)) * 1.15)
    fig.update_xaxes(tickformat=".0%", range=[0, top], showgrid=True, gridcolor="#EEF1F4")
    fig.update_yaxes(type="category", tickfont={"size": 12})
    fig.update_layout(showlegend=False, bargap=0.25)
    return fig


def team_quota(teams: pd.DataFrame, lang: str, currency: str | None) -> go.Figure:
    """Each team's won value against its quota (grey), with attainment as text and today's mark."""
    table = teams[teams["quota"].notna() & (teams["quota"] > 0)].sort_values("won_value")
    labels = [i18n.label("team", k, lang) if pd.notna(k) else i18n.t("core.none", lang) for k in table["key"]]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=labels, x=table["quota"], orientation="h", marker={"color": MUTED}, width=0.7,
            name=i18n.t("reps.col.quota", lang), hovertemplate="%{y}: %{x:,.0f}<extra></extra>",
        )
    )  # fmt: skip
    fig.add_trace(
        go.Bar(
            y=labels, x=table["won_value"], orientation="h", marker={"color": PALETTE[0]}, width=0.4,
            name=i18n.t("reps.col.won_value", lang), hovertemplate="%{y}: %{x:,.0f}<extra></extra>",
        )
    )  # fmt: skip
    # the figures sit past the longer of the two bars, clear of the bars and of today's mark
    fig.add_trace(
        go.Scatter(
            y=labels, x=np.maximum(table["quota"], table["won_value"]), mode="text", showlegend=False,
            text=[f"  {fmt.money(w, lang, currency)} · {fmt.pct(a, lang, 0)}" for w, a in zip(table["won_value"], table["attainment"], strict=True)],
            textposition="middle right", textfont={"size": 13}, hoverinfo="skip", cliponaxis=False,
        )
    )  # fmt: skip
    share = float(table["elapsed_share"].iloc[0]) if len(table) else 1.0
    if share < 1:
        fig.add_trace(
            go.Scatter(
                y=labels, x=table["quota"] * share, mode="markers", name=i18n.t("reps.quota.expected_today", lang),
                marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#333333"}},
                hovertemplate="%{y}: %{x:,.0f}<extra></extra>",
            )
        )  # fmt: skip
    style(fig, i18n.t("reps.quota.team_title", lang), height=_height(len(table), extra=150, row=48))
    _legend_under_title(fig)
    fig.update_layout(barmode="overlay")
    top = float(np.nanmax(table[["quota", "won_value"]].to_numpy(dtype=float), initial=0.0)) * 1.3
    fig.update_xaxes(range=[0, top], showgrid=True, gridcolor="#EEF1F4")
    money_axis(fig, [top / 1.15], lang, currency, axis="x")
    fig.update_yaxes(type="category")
    return fig


def _transition_label(stage: object, nxt: object, lang: str) -> str:
    return f"{i18n.label('stage', stage, lang)}<br>→ {i18n.label('stage', nxt, lang)}"


def stage_heatmap(heat: pd.DataFrame, lang: str) -> go.Figure:
    """Reps (rows, by team) x stage transitions: conversion minus the peers' rate, in points.

    Blue = converts better than the team, vermillion = worse; grey cells have fewer deals than
    the threshold and show only their count.
    """
    order = heat[["rep_id", "rep_name", "team"]].drop_duplicates("rep_id")
    order = order.assign(team_sort=order["team"].fillna("~")).sort_values(["team_sort", "rep_name", "rep_id"])
    transitions = heat[["position", "stage", "next_stage"]].drop_duplicates("position").sort_values("position")
    x = [_transition_label(s, n, lang) for s, n in zip(transitions["stage"], transitions["next_stage"], strict=True)]
    y = [_heat_row_label(row, lang) for _, row in order.iterrows()]
    cells = {(r["rep_id"], r["position"]): r for r in heat.to_dict("records")}
    grid = [[_heat_cell(cells, rep, pos, lang) for pos in transitions["position"]] for rep in order["rep_id"]]
    z = [[cell[0] for cell in row] for row in grid]
    grey = [[cell[1] for cell in row] for row in grid]
    text = [[cell[2] for cell in row] for row in grid]
    hover = [[cell[3] for cell in row] for row in grid]
    clip = DEVIATION_CLIP * 100
    fig = go.Figure()
    fig.add_trace(
        go.Heatmap(
            z=grey, x=x, y=y, colorscale=[[0, GREY_CELL], [1, GREY_CELL]], showscale=False, text=text,
            texttemplate="%{text}", textfont={"size": 11, "color": "#5A6570"}, customdata=hover,
            hovertemplate="%{y}<br>%{customdata}<extra></extra>", xgap=2, ygap=2,
        )
    )  # fmt: skip
    fig.add_trace(
        go.Heatmap(
            z=z, x=x, y=y, zmid=0, zmin=-clip, zmax=clip,
            colorscale=[[0, BAD], [0.5, "#FFFFFF"], [1, PALETTE[0]]], text=text, texttemplate="%{text}",
            textfont={"size": 12}, customdata=hover, hovertemplate="%{y}<br>%{customdata}<extra></extra>",
            colorbar={"title": {"text": i18n.t("reps.heat.scale", lang)}, "ticksuffix": "", "thickness": 12},
            xgap=2, ygap=2,
        )
    )  # fmt: skip
    style(fig, i18n.t("reps.heat.title", lang), height=_height(len(y), extra=170, row=24))
    fig.update_yaxes(autorange="reversed", type="category", tickfont={"size": 12}, showgrid=False)
    fig.update_xaxes(side="top", type="category", tickfont={"size": 12})
    fig.update_layout(plot_bgcolor="white", margin={"t": 110})
    return fig


def _heat_row_label(row: pd.Series, lang: str) -> str:
    name = _rep_label(row, lang)
    return f"{name} · {row['team']}" if pd.notna(row["team"]) else name


def _heat_cell(cells: dict[tuple[object, object], dict[str, object]], rep: object, pos: object, lang: str) -> tuple[float | None, int | None, str, str]:
    """(deviation in points or None, 1 when greyed, cell text, hover text) of one rep x stage cell."""
    c = cells.get((rep, pos))
    if c is None or pd.isna(c["deviation"]):
        return None, 1, "", ""
    deviation = float(c["deviation"])  # type: ignore[arg-type]
    reached = int(c["reached"])  # type: ignore[call-overload]
    hover = i18n.t(
        "reps.heat.hover", lang, rate=fmt.pct(c["rate"], lang), advanced=c["advanced"],  # type: ignore[arg-type]
        reached=reached, peers=i18n.t(f"reps.detail.peers_{c['peers']}", lang),
        peer_rate=fmt.pct(c["peer_rate"], lang), points=fmt.points(deviation, lang),  # type: ignore[arg-type]
    )  # fmt: skip
    if bool(c["enough"]):
        return deviation * 100, None, f"{deviation * 100:+.0f}", hover
    return None, 1, f"n={reached}", hover


def type_label(kind: str | None, lang: str) -> str:
    """An activity type in the user's language (the catalogue knows the contract's six)."""
    if kind is None:
        return i18n.t("reps.activity.all_types", lang)
    key = f"reps.activity_type.{kind}"
    return i18n.t(key, lang) if i18n.has(key) else kind


def activity_scatter(table: pd.DataFrame, lang: str, currency: str | None, activity_type: str | None = None) -> go.Figure:
    """Activities (all, or one type) against win rate per rep; bubble area ~ won value.

    Reps flagged busy-but-not-converting are vermillion and named; dashed lines mark the medians.
    """
    column = f"type_{activity_type}" if activity_type else "activities"
    data = table[table["win_rate"].notna()]
    flagged = data["busy_not_converting"]
    size = np.sqrt(data["won_value"].clip(lower=0).astype(float))
    scale = 40 / size.max() if len(size) and size.max() > 0 else 1.0
    fig = go.Figure()
    for is_flagged, colour, name in ((False, PALETTE[0], "reps.activity.other_reps"), (True, BAD, "reps.activity.busy_label")):
        part = data[flagged == is_flagged].sort_values(column)
        hover = [
            i18n.t(
                "reps.activity.hover", lang, rep=r.rep_name, activities=fmt.count(getattr(r, column), lang),
                rate=fmt.pct(r.win_rate, lang), won=fmt.money(r.won_value, lang, currency), n=int(r.closed_count),
            )
            for r in part.itertuples()
        ]  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=part[column], y=part["win_rate"], mode="markers+text" if is_flagged else "markers",
                text=part["rep_name"] if is_flagged else None,
                # neighbours alternate above and below their bubble, so two close names do not collide
                textposition=["top center" if i % 2 == 0 else "bottom center" for i in range(len(part))],
                textfont={"color": BAD, "size": 13},
                marker={"size": np.maximum(size[part.index] * scale, 7), "color": colour, "opacity": 0.75,
                        "line": {"width": 1, "color": "white"}},
                name=i18n.t(name, lang), customdata=hover, hovertemplate="%{customdata}<extra></extra>",
            )
        )  # fmt: skip
    if len(data):
        fig.add_vline(x=float(data[column].median()), line={"dash": "dash", "color": "#8A949E", "width": 1})
        fig.add_hline(y=float(data["win_rate"].median()), line={"dash": "dash", "color": "#8A949E", "width": 1})
    kind = type_label(activity_type, lang)
    style(fig, i18n.t("reps.activity.scatter_title", lang, kind=kind), height=480)
    _legend_under_title(fig)
    fig.update_xaxes(title=i18n.t("reps.activity.x_axis", lang, kind=kind), showgrid=True, gridcolor="#EEF1F4")
    fig.update_yaxes(title=i18n.t("reps.col.win_rate", lang), tickformat=".0%")
    return fig


def activities_per_won(table: pd.DataFrame, lang: str) -> go.Figure:
    """Activities per won deal per rep, most first; flagged reps in vermillion, reps without a win marked."""
    data = table.assign(shown=table["activities_per_won"].fillna(table["activities"].astype(float)))
    data = data[data["activities"] > 0].sort_values("shown")
    labels = [_rep_label(r, lang) for _, r in data.iterrows()]
    colours = [BAD if f else PALETTE[0] for f in data["busy_not_converting"]]
    texts = [
        i18n.t("reps.activity.no_win", lang) if math.isnan(v) else f"{v:,.1f}"
        for v in data["activities_per_won"].astype(float)
    ]
    fig = go.Figure(
        go.Bar(
            y=labels, x=data["shown"], orientation="h", marker={"color": colours}, text=texts,
            textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )  # fmt: skip
    style(fig, i18n.t("reps.activity.per_won_title", lang), height=_height(len(data)))
    fig.update_yaxes(type="category", tickfont={"size": 12})
    fig.update_xaxes(showgrid=True, gridcolor="#EEF1F4")
    return fig


def activity_mix(table: pd.DataFrame, lang: str, types: list[str]) -> go.Figure:
    """Stacked activities per rep by type, busiest first."""
    data = table.sort_values("activities")
    labels = [_rep_label(r, lang) for _, r in data.iterrows()]
    fig = go.Figure()
    for i, kind in enumerate(types):
        fig.add_trace(
            go.Bar(
                y=labels, x=data[f"type_{kind}"], orientation="h", name=type_label(kind, lang),
                marker={"color": PALETTE[i % len(PALETTE)]}, hovertemplate="%{y}: %{x:,}<extra></extra>",
            )
        )  # fmt: skip
    style(fig, i18n.t("reps.activity.mix_title", lang), height=_height(len(data)))
    _legend_under_title(fig)
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_yaxes(type="category", tickfont={"size": 12})
    fig.update_xaxes(showgrid=True, gridcolor="#EEF1F4")
    return fig


def rep_funnel(funnel: pd.DataFrame, lang: str, rep_name: str) -> go.Figure:
    """Share of the rep's cohort reaching each stage beside the peers' share."""
    stages = [i18n.label("stage", s, lang) for s in funnel["stage"]]
    peers = i18n.t(f"reps.detail.peers_{funnel['peers'].iloc[0]}", lang) if len(funnel) else ""
    fig = go.Figure()
    for column, count, name, colour in (
        ("pct_of_first", "reached", rep_name, PALETTE[0]),
        ("peer_pct_of_first", "peer_reached", peers, MUTED),
    ):
        fig.add_trace(
            go.Bar(
                y=stages, x=funnel[column], orientation="h", name=name, marker={"color": colour},
                text=[fmt.pct(v, lang, 0) for v in funnel[column]], textposition="outside", cliponaxis=False,
                customdata=funnel[count], hovertemplate="%{y}: %{x:.1%} (%{customdata:,})<extra>" + name + "</extra>",
            )
        )  # fmt: skip
    style(fig, i18n.t("reps.detail.funnel_title", lang, peers=peers), height=460)
    _legend_under_title(fig)
    fig.update_layout(barmode="group")
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(tickformat=".0%", range=[0, 1.18])
    return fig


def rep_trend(trend: pd.DataFrame, lang: str, currency: str | None, rep_name: str) -> go.Figure:
    """Won value per month (bars) against the average peer rep (line), and win rate below."""
    months = [fmt.month(m, lang, short=True) for m in trend["month"]]
    peers = i18n.t(f"reps.detail.peers_{trend['peers'].iloc[0]}", lang) if len(trend) else ""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.62, 0.38], vertical_spacing=0.08)
    colours = [PALETTE[0] if inside else "#7FB3D9" for inside in trend["in_period"]]
    fig.add_trace(
        go.Bar(x=months, y=trend["won_value"], name=rep_name, marker={"color": colours},
               hovertemplate="%{x}: %{y:,.0f}<extra>" + rep_name + "</extra>"),
        row=1, col=1,
    )  # fmt: skip
    avg_name = i18n.t("reps.detail.peer_average", lang, peers=peers)
    fig.add_trace(
        go.Scatter(x=months, y=trend["peer_avg_won_value"], name=avg_name, mode="lines+markers",
                   line={"color": PALETTE[1], "dash": "dash"}, hovertemplate="%{x}: %{y:,.0f}<extra></extra>"),
        row=1, col=1,
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(x=months, y=trend["win_rate"], name=i18n.t("reps.col.win_rate", lang) + " · " + rep_name,
                   mode="lines+markers", line={"color": PALETTE[0]}, hovertemplate="%{x}: %{y:.1%}<extra></extra>"),
        row=2, col=1,
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(x=months, y=trend["peer_win_rate"], name=i18n.t("reps.col.win_rate", lang) + " · " + peers,
                   mode="lines", line={"color": PALETTE[1], "dash": "dash"}, hovertemplate="%{x}: %{y:.1%}<extra></extra>"),
        row=2, col=1,
    )  # fmt: skip
    style(fig, i18n.t("reps.detail.trend_title", lang), height=460)
    _legend_under_title(fig)
    fig.update_yaxes(title=i18n.t("reps.col.won_value", lang), row=1, col=1)
    top = float(np.nanmax(trend[["won_value", "peer_avg_won_value"]].to_numpy(dtype=float), initial=0.0))
    ticks = nice_ticks(top, 4)
    fig.update_yaxes(tickmode="array", tickvals=ticks, ticktext=[fmt.money(v, lang, currency) for v in ticks], row=1, col=1)
    fig.update_yaxes(title=i18n.t("reps.col.win_rate", lang), tickformat=".0%", rangemode="tozero", row=2, col=1)
    fig.update_xaxes(type="category")
    return fig
