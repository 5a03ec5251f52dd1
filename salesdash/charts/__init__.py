"""Plotly figure builders: DataFrame in, go.Figure out, texts in the user's language. No Streamlit.

One look for every chart: the Okabe–Ito colour-blind-safe palette, readable type on a shared
screen, titles and axis labels from the catalogue.
"""

from __future__ import annotations

import plotly.graph_objects as go

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
