"""Weekly review charts: the pipeline waterfall (floating bars, so a click selects one step)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from salesdash import fmt, i18n
from salesdash.charts import BAD, GOOD, PALETTE, money_axis, style

TOTAL = PALETTE[0]


def waterfall(
    table: pd.DataFrame, lang: str, currency: str | None, period: str, height: int = 420, large: bool = False
) -> go.Figure:
    """The week's flow: open at start, each change as a floating bar, open at end.

    `table` is weekly.waterfall's frame. Each bar carries its step name in customdata, so a selection
    event says which step was clicked. Rises are bluish green, falls vermilion, totals blue (Okabe–Ito).
    `large`: type sized for a shared screen (presentation mode).
    """
    size = 16 if large else 13
    bases, heights, colours, texts = [], [], [], []
    level = 0.0
    for sign, value in zip(table["sign"], table["value"], strict=True):
        if sign == 0:
            bases.append(0.0)
            heights.append(value)
            colours.append(TOTAL)
            level = value
            texts.append(fmt.money(value, lang, currency))
            continue
        top = level + value
        bases.append(min(level, top))
        heights.append(abs(value))
        colours.append(GOOD if value >= 0 else BAD)
        sign_text = "+" if value >= 0 else "−"
        texts.append(sign_text + fmt.money(abs(value), lang, currency))
        level = top
    labels = [_wrap(i18n.t(f"weekly.step.{s}", lang)) for s in table["step"]]
    helps = [i18n.t(f"weekly.step_help.{s}", lang) for s in table["step"]]
    deals = [i18n.t("weekly.deals_count", lang, n=f"{n:,}") for n in table["deals"]]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=heights,
            base=bases,
            marker={"color": colours, "line": {"width": 0}},
            text=texts,
            textposition="outside",
            cliponaxis=False,
            textfont={"size": size, "color": "#1b1f24"},
            customdata=list(zip(table["step"], deals, helps, strict=True)),
            hovertemplate="%{text}<br>%{customdata[1]}<br>%{customdata[2]}<extra></extra>",
            selected={"marker": {"opacity": 1.0}},
            unselected={"marker": {"opacity": 0.45}},
        )
    )
    # thin connectors from each bar's top to the next bar's start, as on a bridge chart
    level = 0.0
    for i, (sign, value) in enumerate(zip(table["sign"], table["value"], strict=True)):
        level = value if sign == 0 else level + value
        if i + 1 < len(table):
            fig.add_shape(
                type="line", x0=i + 0.4, x1=i + 0.6, y0=level, y1=level, xref="x", yref="y",
                line={"color": "#6B7785", "width": 1, "dash": "dot"},
            )  # fmt: skip
    style(fig, i18n.t("weekly.flow_chart_title", lang, period=period), height=height)
    tops = [b + h for b, h in zip(bases, heights, strict=True)]
    money_axis(fig, [max(tops, default=0.0) * 1.12], lang, currency)
    fig.update_yaxes(title=i18n.t("weekly.flow_axis", lang), rangemode="tozero")
    fig.update_xaxes(type="category", tickfont={"size": size, "color": "#1b1f24"}, tickangle=0)
    fig.update_yaxes(tickfont={"size": size - 2, "color": "#3c4650"}, title_font={"size": size - 1})
    if large:
        fig.update_layout(title_font={"size": size + 1}, font={"size": size})
    fig.update_layout(showlegend=False, bargap=0.25, clickmode="event+select", dragmode=False)
    return fig


def _wrap(label: str) -> str:
    """'Open at start' -> 'Open<br>at start': two short lines instead of a slanted label."""
    if len(label) <= 7 or " " not in label:
        return label
    head, tail = label.split(" ", 1)
    return f"{head}<br>{tail}"
