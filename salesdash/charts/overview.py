"""Overview charts: the compact stage funnel and won value by month."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from salesdash import fmt, i18n
from salesdash.charts import MUTED, PALETTE, money_axis, style


def stage_funnel(table: pd.DataFrame, lang: str, by_value: bool = False) -> go.Figure:
    """Horizontal funnel of deals reached per stage, with % of the first stage."""
    measure = "reached_value" if by_value else "reached"
    labels = [i18n.label("stage", s, lang) for s in table["stage"]]
    texts = [
        f"{fmt.money(v, lang) if by_value else fmt.count(v, lang)} · {fmt.pct(p, lang, 0)}"
        for v, p in zip(table[measure], table["pct_of_first"].fillna(0), strict=True)
    ]
    fig = go.Figure(
        go.Funnel(
            y=labels,
            x=table[measure],
            text=texts,
            textinfo="text",
            textposition="auto",
            marker={"color": [PALETTE[0]] * (len(table) - 1) + [PALETTE[2]]},
            connector={"fillcolor": "#E8EEF4"},
            hovertemplate="%{y}: %{x:,.0f}<extra></extra>",
        )
    )
    title = i18n.t("overview.funnel_title_value" if by_value else "overview.funnel_title", lang)
    return style(fig, title)


def won_by_month(table: pd.DataFrame, lang: str, currency: str | None) -> go.Figure:
    """Bars of won value per month; months inside the selected period in colour, the rest muted."""
    months = [fmt.month(m, lang, short=True) for m in table["month"]]
    colours = [PALETTE[0] if inside else MUTED for inside in table["in_period"]]
    texts = [fmt.money(v, lang, currency) if v else "" for v in table["won_value"]]
    fig = go.Figure(
        go.Bar(
            x=months,
            y=table["won_value"],
            marker={"color": colours},
            text=texts,
            textposition="outside",
            textangle=0,
            textfont={"size": 11},
            constraintext="none",
            cliponaxis=False,
            customdata=table["won_count"],
            hovertemplate="%{x}<br>%{y:,.0f} · %{customdata} "
            + i18n.t("overview.deals_won", lang)
            + "<extra></extra>",
        )
    )
    style(fig, i18n.t("overview.won_by_month_title", lang))
    fig.update_yaxes(title=i18n.t("overview.won_value_axis", lang))
    money_axis(fig, table["won_value"], lang, currency)
    fig.update_xaxes(title=None, type="category")
    return fig
