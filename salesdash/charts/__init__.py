"""Plotly figure builders: DataFrame in, go.Figure out, texts in the user's language. No Streamlit.

One look for every chart: the Okabe–Ito colour-blind-safe palette, readable type on a shared
screen, titles and axis labels from the catalogue.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import plotly.graph_objects as go

from salesdash import fmt

# Okabe & Ito (2008), safe for the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
MUTED = "#B8C4CE"
GOOD, BAD = "#009E73", "#D55E00"
FONT = "Inter, 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif"


def style(fig: go.Figure, title: str | None = None, height: int = 380) -> go.Figure:
    """Apply the house layout: font, margins, legend on top, no chart junk."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}} if title else None,
        font={"family": FONT, "size": 13},
        colorway=PALETTE,
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        plot_bgcolor="white",
        paper_bgcolor="white",
        hoverlabel={"font": {"family": FONT}},
    )
    fig.update_xaxes(showgrid=False, automargin=True)
    fig.update_yaxes(gridcolor="#E5E9EE", automargin=True, zeroline=False)
    return fig


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top` (1, 2, 2.5 or 5 times a power of ten apart)."""
    if not top or top <= 0 or math.isnan(top):
        return [0.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [i * step for i in range(int(math.ceil(top / step)) + 1)]


def money_axis(fig: go.Figure, values: Iterable[float], lang: str, currency: str | None, axis: str = "y") -> None:
    """Money ticks written as the language reads them ($1.5M / $150万), which d3 formats cannot do."""
    finite = [v for v in values if v is not None and not math.isnan(v)]
    ticks = nice_ticks(max(finite, default=0.0))
    text = [fmt.money(v, lang, currency, trim=True) for v in ticks]
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    update(tickmode="array", tickvals=ticks, ticktext=text)
