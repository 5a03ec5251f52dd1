"""Bottlenecks page charts: time in stage against its norm, stage times by segment, and the stage flow."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from salesdash import fmt, i18n
from salesdash.charts import BAD, MUTED, PALETTE, style

# link colours by kind of move (Okabe–Ito, translucent so crossing links stay readable)
MOVE_COLOURS = {
    "created": "rgba(120,130,140,0.35)",
    "forward": "rgba(0,114,178,0.45)",
    "skip": "rgba(230,159,0,0.65)",
    "backward": "rgba(204,121,167,0.75)",
    "won": "rgba(0,158,115,0.55)",
    "lost": "rgba(213,94,0,0.55)",
    "reopened": "rgba(0,0,0,0.55)",
    "other": "rgba(184,196,206,0.5)",
}
MOVES = tuple(MOVE_COLOURS)


def _stage(value: object, lang: str) -> str:
    return i18n.label("stage", value, lang)


def time_in_stage(times: pd.DataFrame, lang: str) -> go.Figure:
    """Per stage, two boxes from quantiles (whiskers p10–p90, box p25–p75, line median): the stays that
    ended in the period, and the current age of the deals open now; a diamond marks the norm median."""
    labels = [_stage(s, lang) for s in times["stage"]]
    fig = go.Figure()
    groups = (
        ("", PALETTE[0], "funnel_times_period", "stays"),
        ("age_", PALETTE[1], "funnel_times_open", "open_deals"),
    )
    for prefix, colour, key, count in groups:
        has = times[f"{prefix}median_days" if prefix else "median_days"].notna()
        if not has.any():
            continue
        part = times[has]
        name = i18n.t(f"bottlenecks.{key}", lang)
        fig.add_trace(
            go.Box(
                y=[labels[i] for i in part.index],
                q1=part[f"{prefix}p25_days"],
                median=part[f"{prefix}median_days"],
                q3=part[f"{prefix}p75_days"],
                lowerfence=part[f"{prefix}p10_days"],
                upperfence=part[f"{prefix}p90_days"],
                orientation="h",
                name=name,
                marker={"color": colour},
                line={"width": 1.5},
                fillcolor=colour + "55",  # translucent: #RRGGBBAA
                customdata=part[count],
                hovertemplate=name + "<br>%{y}<extra></extra>",
            )
        )
    norms = times[times["norm_median_days"].notna()]
    fig.add_trace(
        go.Scatter(
            y=[labels[i] for i in norms.index],
            x=norms["norm_median_days"],
            mode="markers",
            marker={"symbol": "diamond", "size": 11, "color": "#000000"},
            name=i18n.t("bottlenecks.norm_median", lang),
            hovertemplate="%{y}<br>" + i18n.t("bottlenecks.norm_median", lang) + ": %{x:.0f}<extra></extra>",
        )
    )
    style(fig, i18n.t("bottlenecks.times_title", lang), height=90 * len(times) + 150)
    fig.update_layout(boxmode="group", legend={"orientation": "h", "y": -0.16, "yanchor": "top", "x": 0})
    fig.update_yaxes(autorange="reversed", showgrid=False, categoryorder="array", categoryarray=labels)
    fig.update_xaxes(title=i18n.t("bottlenecks.days_axis", lang), showgrid=True, gridcolor="#E5E9EE", rangemode="tozero")
    return fig


def segment_times(rows: pd.DataFrame, dimension: str, lang: str) -> go.Figure:
    """Segments × stages: median days in each cell, coloured by how far it is above the stage's norm."""
    part = rows[rows["dimension"] == dimension]
    stages = list(dict.fromkeys(part.sort_values("position")["stage"]))
    segments = sorted(dict.fromkeys(part["segment"]), key=lambda s: (s is None, str(s)))
    index = {(r.segment, r.stage): r for r in part.itertuples(index=False)}
    z, text = [], []
    for segment in segments:
        zs, ts = [], []
        for stage in stages:
            r = index.get((segment, stage))
            ratio = float(r.ratio) if r is not None and not pd.isna(r.ratio) else math.nan
            zs.append(None if math.isnan(ratio) else min(max(math.log2(ratio), -1.0), 1.5))
            ts.append("" if r is None else fmt.days(r.median_days, lang) + (" ⚠" if r.small_sample else ""))
        z.append(zs)
        text.append(ts)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[_stage(s, lang).replace(" & ", " &<br>").replace(" ", "<br>", 1) if len(_stage(s, lang)) > 12 else _stage(s, lang)
               for s in stages],
            y=[i18n.label(dimension, s, lang) for s in segments],
            text=text,
            texttemplate="%{text}",
            textfont={"size": 13},
            colorscale=[[0, PALETTE[4]], [0.4, "#F7F7F7"], [1, BAD]],
            zmin=-1.0,
            zmax=1.5,
            colorbar={
                "title": {"text": i18n.t("bottlenecks.vs_norm", lang)},
                "tickvals": [-1, 0, 0.585, 1],
                "ticktext": ["½×", "1×", "1.5×", "2×"],
                "len": 0.9,
            },
            hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
            xgap=2,
            ygap=2,
        )
    )
    style(fig, i18n.t("bottlenecks.segment_times_title", lang), height=130 + 42 * max(len(segments), 3))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="bottom", showgrid=False, tickangle=0, tickfont={"size": 11})
    return fig


def stage_flow(flow: pd.DataFrame, stages: pd.DataFrame, lang: str, by_value: bool = False) -> go.Figure:
    """A Sankey of the period's moves: new deals in, steps forward, skips, moves back, exits to won/lost.

    Nodes sit left to right in process order (new deals first, won and lost last); links are coloured by
    the kind of move, so skips and moves back stand out from the main flow.
    """
    measure = "value" if by_value else "deals"
    ordered = stages.sort_values("position")
    names = ["\x00new", *ordered["stage"].tolist()]
    kinds = {s: k for s, k in zip(ordered["stage"], ordered["kind"], strict=True)}
    index = {name: i for i, name in enumerate(names)}
    open_positions = [p for p, k in zip(ordered["position"], ordered["kind"], strict=True) if k == "open"]
    last_open = max(open_positions, default=1)
    xs, ys = [], []
    for name in names:
        if name == "\x00new":
            xs.append(0.001)
            ys.append(0.5)
            continue
        kind, pos = kinds[name], int(ordered.set_index("stage").loc[name, "position"])
        if kind == "open":
            xs.append(0.12 + 0.7 * (pos - 1) / max(last_open - 1, 1))
            ys.append(0.45)
        else:
            xs.append(0.97)
            ys.append(0.2 if kind == "won" else 0.75)
    labels = [i18n.t("bottlenecks.new_deals", lang) if n == "\x00new" else _stage(n, lang) for n in names]
    node_colours = [
        MUTED if n == "\x00new" else PALETTE[2] if kinds[n] == "won" else BAD if kinds[n] == "lost" else PALETTE[0]
        for n in names
    ]
    links = flow[flow["to_stage"].isin(index) & (flow["from_stage"].isna() | flow["from_stage"].isin(index))]
    source = [index["\x00new"] if s is None or s != s else index[s] for s in links["from_stage"]]
    move_names = [i18n.t(f"bottlenecks.move.{m}", lang) for m in links["move"]]
    fig = go.Figure(
        go.Sankey(
            arrangement="fixed",
            node={
                "label": labels,
                "x": xs,
                "y": ys,
                "color": node_colours,
                "pad": 18,
                "thickness": 16,
                "line": {"width": 0},
                "hovertemplate": "%{label}: %{value:,.0f}<extra></extra>",
            },
            link={
                "source": source,
                "target": [index[s] for s in links["to_stage"]],
                "value": links[measure].astype(float),
                "color": [MOVE_COLOURS.get(m, MOVE_COLOURS["other"]) for m in links["move"]],
                "customdata": move_names,
                "hovertemplate": "%{source.label} → %{target.label}<br>%{customdata}: %{value:,.0f}<extra></extra>",
            },
            textfont={"size": 13, "color": "#1F2A36"},
        )
    )
    title = i18n.t("bottlenecks.flow_title" + ("_value" if by_value else ""), lang)
    style(fig, title, height=520)
    fig.update_layout(legend={"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0}, margin={"r": 60, "b": 40})
    # a legend for the link colours (Sankey has none): invisible markers that only label the colours
    for move in ("forward", "skip", "backward", "won", "lost", "reopened"):
        if move in set(links["move"]):
            fig.add_trace(
                go.Scatter(
                    x=[None], y=[None], mode="markers", name=i18n.t(f"bottlenecks.move.{move}", lang),
                    marker={"size": 12, "symbol": "square", "color": MOVE_COLOURS[move]},
                )  # fmt: skip
            )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig
