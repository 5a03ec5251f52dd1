"""Overview metrics on the tiny fixture; every expected number is worked out by hand below."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pytest

from salesdash import overview
from salesdash.filters import Filters


def by_metric(conn, f: Filters) -> dict[str, dict[str, float]]:
    table = overview.kpis(conn, f)
    return {row.metric: {"value": row.value, "previous": row.previous} for row in table.itertuples()}


def test_kpis_current_period(tiny, q2_2025):
    k = by_metric(tiny, q2_2025)
    # won in Q2: D1 100 (Apr 10) + D2 200 (May 1) + D8 700 (Jun 25) = 1000 over 3 deals
    assert k["won_value"]["value"] == 1000
    assert k["won_count"]["value"] == 3
    # lost in Q2: D3 -> win rate 3 / (3 + 1) = 0.75
    assert k["win_rate"]["value"] == pytest.approx(0.75)
    assert k["avg_won_deal"]["value"] == pytest.approx(1000 / 3)
    # cycles of the won deals: D1 Jan 10->Apr 10 = 90, D2 Feb 1->May 1 = 89, D8 Jun 10->Jun 25 = 15
    assert k["median_sales_cycle"]["value"] == 89
    # open on Jun 30: D4 400 + D5 500 (D3 closed May 20, D8 closed Jun 25)
    assert k["open_pipeline_count"]["value"] == 2
    assert k["open_pipeline_value"]["value"] == 900
    # velocity = open 2 x avg won 333.33 x win rate 0.75 / avg cycle ((90+89+15)/3 = 64.67) = 7.732
    assert k["sales_velocity"]["value"] == pytest.approx(2 * (1000 / 3) * 0.75 / (194 / 3))
    # quota Q2 = 1000 + 500 + 500 = 2000 -> attainment 1000 / 2000
    assert k["quota_attainment"]["value"] == pytest.approx(0.5)
    # surveys in Q2: 10, 9, 7, 3 -> promoters 2, detractors 1 of 4 -> NPS 25
    assert k["nps"]["value"] == pytest.approx(25)


def test_kpis_previous_period(tiny, q2_2025):
    # previous period: 2024-12-31 .. 2025-03-31 (91 days, as long as Q2)
    assert (q2_2025.previous().date_from, q2_2025.previous().date_to) == (date(2024, 12, 31), date(2025, 3, 31))
    k = by_metric(tiny, q2_2025)
    # won: D6 50 (Mar 1); lost: D7 (Feb 15) -> win rate 0.5
    assert k["won_value"]["previous"] == 50
    assert k["win_rate"]["previous"] == pytest.approx(0.5)
    # open on Mar 31: D1 (closed Apr 10) 100 + D2 (closed May 1) 200
    assert k["open_pipeline_value"]["previous"] == 300
    # quota: Q1 800 + 400 + 400 = 1600, plus 1 of 92 days of A1's Q4 quota 920 = 10 -> 1610
    assert k["quota_attainment"]["previous"] == pytest.approx(50 / 1610)
    # one survey (nps 6, a detractor) -> -100
    assert k["nps"]["previous"] == pytest.approx(-100)


def test_channel_filter_changes_the_numbers(tiny, q2_2025):
    k = by_metric(tiny, replace(q2_2025, channels=("Partner",)))
    # Partner: D2 won 200 in Q2, nothing lost; D4 400 open
    assert k["won_value"]["value"] == 200
    assert k["win_rate"]["value"] == 1.0
    assert k["open_pipeline_value"]["value"] == 400


def test_team_filter_prorates_only_that_teams_quota(tiny, q2_2025):
    k = by_metric(tiny, replace(q2_2025, teams=("T2",)))
    # T2 = B1 only: nothing won in Q2, quota 500 -> attainment 0; D3 lost -> win rate 0
    assert k["quota_attainment"]["value"] == 0
    assert k["win_rate"]["value"] == 0


def test_nothing_matches_is_plain(tiny, q2_2025):
    table = overview.kpis(tiny, replace(q2_2025, channels=("No such channel",)))
    assert overview.nothing_matches(table)
    assert not overview.nothing_matches(overview.kpis(tiny, q2_2025))
    assert math.isnan(table.set_index("metric").loc["win_rate", "value"])


def test_won_by_month_fills_empty_months(tiny, q2_2025):
    months = overview.won_by_month(tiny, q2_2025)
    # 12 months up to June 2025: Jul 2024 .. Jun 2025
    assert len(months) == 12
    assert months["month"].iloc[0] == date(2024, 7, 1)
    by_month = dict(zip(months["month"], months["won_value"], strict=True))
    assert by_month[date(2025, 3, 1)] == 50  # D6
    assert by_month[date(2025, 4, 1)] == 100  # D1
    assert by_month[date(2025, 6, 1)] == 700  # D8
    assert by_month[date(2025, 1, 1)] == 0
    assert months["in_period"].sum() == 3  # April, May, June
