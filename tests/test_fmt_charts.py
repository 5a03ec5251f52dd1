"""Formatting by language and the chart helpers that depend on it."""

from __future__ import annotations

import math
from datetime import date

import plotly.graph_objects as go

from salesdash import fmt
from salesdash.charts import money_axis, nice_ticks


def test_money_in_both_languages():
    assert fmt.money(1_234_567, "en") == "$1.23M"
    assert fmt.money(1_234_567, "zh") == "$123万"  # 123.4567 万 -> 3 significant digits
    assert fmt.money(250_000_000, "zh", "CNY") == "¥2.50亿"
    assert fmt.money(-5_000, "en") == "-$5.00K"
    assert fmt.money(math.nan, "en") == "—"
    assert fmt.money(950, "en", None) == "950"


def test_percent_points_days_and_dates():
    assert fmt.pct(0.253, "en") == "25.3%"
    assert fmt.points(0.05, "zh") == "+5.0个百分点"
    assert fmt.days(84.4, "en") == "84 d"
    assert fmt.day(date(2025, 3, 5), "zh") == "2025年3月5日"
    assert fmt.day(date(2025, 3, 5), "en") == "5 Mar 2025"
    assert fmt.month(date(2025, 3, 1), "zh", short=True) == "25年3月"


def test_nice_ticks_cover_the_top():
    assert nice_ticks(6_610_000) == [0, 2_000_000, 4_000_000, 6_000_000, 8_000_000]
    assert nice_ticks(0) == [0.0]


def test_money_axis_in_chinese():
    fig = go.Figure(go.Bar(y=[1_000_000, 1_590_000]))
    money_axis(fig, [1_000_000, 1_590_000], "zh", "USD")
    assert list(fig.layout.yaxis.ticktext) == ["$0", "$50万", "$100万", "$150万", "$200万"]
