"""Satisfaction metrics on the 15-response fixture (tests/data/surveys.sql), worked out by hand.

Q2 2025 responses, (NPS, CSAT, product quality, service attitude, response speed):
    S01 10 5 5 5 5   S06 8 4 4 4 3   S11 5 3 4 4 2
    S02 10 5 4 5 5   S07 8 4 5 4 3   S12 4 2 4 3 1
    S03  9 5 5 4 4   S08 7 2 4 4 3   S13 3 2 5 3 1
    S04  9 4 4 4 4   S09 7 4 4 3 2   S14 2 1 4 2 1
    S05  9 4 5 5 4   S10 6 3 5 3 2   S15 0 1 4 2 1
Previous period (2024-12-31 .. 2025-03-31): P1 10 5 5 5 5, P2 9 5 4 4 4, P3 8 4 4 4 4, P4 6 3 4 3 3.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import build_from_sql

from salesdash import db, satisfaction
from salesdash import survey_stats as ss

Z = 1.959964  # two-sided 95 % normal quantile
T14 = 2.144787  # Student t, 97.5 % quantile, 14 degrees of freedom


@pytest.fixture(scope="module")
def surveys_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_from_sql(tmp_path_factory.mktemp("surveys") / "surveys.duckdb", "surveys.sql")


@pytest.fixture()
def conn(surveys_path: Path) -> Iterator[db.Connection]:
    c = db.open_company(surveys_path)
    yield c
    c.close()


def by_metric(conn, f):
    return satisfaction.headline(conn, f).set_index("metric")


def test_nps_and_its_interval(conn, q2_2025):
    row = by_metric(conn, q2_2025).loc["nps"]
    # promoters S01-S05 = 5, passives S06-S09 = 4, detractors S10-S15 = 6 of 15: NPS = (5 - 6) / 15 = -6.67
    assert row["value"] == pytest.approx(-100 / 15)
    assert row["n"] == 15
    # variance of the +1/0/-1 score: p_P + p_D - NPS² = 1/3 + 6/15 - (1/15)² = 0.733333 - 0.004444 = 0.728889
    # half width = 1.96 x sqrt(0.728889 / 15) = 1.96 x 0.220437 = 0.432052 -> ±43.2 points
    assert row["low"] == pytest.approx(-6.6667 - 43.2052, abs=1e-3)
    assert row["high"] == pytest.approx(-6.6667 + 43.2052, abs=1e-3)
    # previous: P1 10, P2 9 promoters, P4 6 detractor of 4 -> (2 - 1) / 4 = 25; change -31.67
    assert row["previous"] == pytest.approx(25)
    assert row["change"] == pytest.approx(-100 / 15 - 25)
    assert bool(row["small_sample"])  # 15 < 30


def test_csat_share_with_wilson_interval(conn, q2_2025):
    row = by_metric(conn, q2_2025).loc["csat_share"]
    # CSAT 4-5: S01-S07 (7) + S09 = 8 of 15 -> 53.3 % (S08 gave 2)
    assert row["value"] == pytest.approx(8 / 15)
    # Wilson: p = 0.533333, z²/n = 3.841459/15 = 0.256097
    #   centre = (p + z²/2n) / (1 + z²/n) = (0.533333 + 0.128049) / 1.256097 = 0.526537
    #   half = z sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n) = 1.959964 x sqrt(0.016593 + 0.004268) / 1.256097 = 0.225368
    assert row["low"] == pytest.approx(0.526537 - 0.225368, abs=1e-5)
    assert row["high"] == pytest.approx(0.526537 + 0.225368, abs=1e-5)
    # previous: P1 5, P2 5, P3 4 of 4 -> 0.75
    assert row["previous"] == pytest.approx(0.75)


def test_csat_mean_with_t_interval(conn, q2_2025):
    row = by_metric(conn, q2_2025).loc["csat_mean"]
    # Σx = 5+5+5+4+4+4+4+2+4+3+3+2+2+1+1 = 49 -> mean 3.266667
    assert row["value"] == pytest.approx(49 / 15)
    # Σx² over three 5s, five 4s (S04-S07, S09), two 3s, three 2s, two 1s = 75 + 80 + 18 + 12 + 2 = 187
    # s² = (187 - 49²/15) / 14 = (187 - 160.066667) / 14 = 1.923810; s = 1.387015
    # half = t(14) x s / sqrt(15) = 2.144787 x 0.358126 = 0.768103
    assert row["low"] == pytest.approx(49 / 15 - 0.768103, abs=1e-5)
    assert row["high"] == pytest.approx(49 / 15 + 0.768103, abs=1e-5)
    # previous: (5 + 5 + 4 + 3) / 4 = 4.25
    assert row["previous"] == pytest.approx(4.25)


def test_counts_and_follow_up_count(conn, q2_2025):
    h = by_metric(conn, q2_2025)
    assert h.loc["survey_responses", "value"] == 15
    assert h.loc["survey_responses", "previous"] == 4
    # detractors S10-S15 (6) + S08 (NPS 7 but CSAT 2) = 7; previous: P4 (NPS 6) = 1
    assert h.loc["follow_up", "value"] == 7
    assert h.loc["follow_up", "previous"] == 1
    assert not h.loc["survey_responses", "small_sample"]


def test_channel_filter_changes_the_scores(conn, q2_2025):
    h = by_metric(conn, replace(q2_2025, channels=("Direct",)))
    # Direct = deal D1 of Acme: S01 10, S02 10, S05 9, S14 2 -> (3 - 1) / 4 = 50; CSAT 5 5 4 1 -> 3/4
    assert h.loc["nps", "value"] == pytest.approx(50)
    assert h.loc["csat_share", "value"] == pytest.approx(0.75)
    h = by_metric(conn, replace(q2_2025, customer_types=("Mid-market",)))
    # Mid-market = 华东制造: S08 7, S10 6, S13 3, S15 0 -> (0 - 3) / 4 = -75
    assert h.loc["nps", "value"] == pytest.approx(-75)


def test_no_responses_gives_nan_not_an_error(conn, q2_2025):
    h = by_metric(conn, replace(q2_2025, channels=("No such channel",)))
    assert h.loc["survey_responses", "value"] == 0
    assert math.isnan(h.loc["nps", "value"]) and math.isnan(h.loc["nps", "low"])


def test_monthly_trend(conn, q2_2025):
    trend = satisfaction.monthly_trend(conn, q2_2025).set_index("month")
    assert len(trend) == 12  # Jul 2024 .. Jun 2025
    # April: S01-S04 = 10, 10, 9, 9 -> 100; May: S05 9, S06-S09 8 8 7 7 -> (1 - 0) / 5 = 20; June: all 6 detractors
    assert trend.loc[date(2025, 4, 1), "nps"] == pytest.approx(100)
    assert trend.loc[date(2025, 5, 1), "nps"] == pytest.approx(20)
    assert trend.loc[date(2025, 6, 1), "nps"] == pytest.approx(-100)
    # May interval: p_P = 0.2, p_D = 0, var = 0.2 - 0.04 = 0.16, half = 1.96 x sqrt(0.16 / 5) = 0.350612
    assert trend.loc[date(2025, 5, 1), "nps_low"] == pytest.approx(20 - 35.0612, abs=1e-3)
    # June response speed: 2, 2, 1, 1, 1, 1 -> 8 / 6
    assert trend.loc[date(2025, 6, 1), "response_speed"] == pytest.approx(8 / 6)
    assert trend.loc[date(2025, 3, 1), "responses"] == 2  # P3, P4 (previous period, still on the chart)
    assert trend.loc[date(2024, 8, 1), "responses"] == 0 and math.isnan(trend.loc[date(2024, 8, 1), "nps"])
    assert trend["in_period"].sum() == 3
    assert trend["small_sample"].all()


def test_distributions(conn, q2_2025):
    dist = satisfaction.distributions(conn, q2_2025)
    nps = dist[dist["measure"] == "nps"].set_index("score")
    assert list(nps.index) == list(range(11))
    # 9 given by S03, S04, S05; 1 by nobody
    assert nps.loc[9, "responses"] == 3 and nps.loc[1, "responses"] == 0
    assert nps.loc[9, "share"] == pytest.approx(3 / 15)
    assert (nps.loc[0, "group"], nps.loc[7, "group"], nps.loc[10, "group"]) == ("detractor", "passive", "promoter")
    speed = dist[dist["measure"] == "response_speed"].set_index("score")
    # response speed: 1 x4 (S12-S15), 2 x3, 3 x3, 4 x3, 5 x2
    assert list(speed["responses"]) == [4, 3, 3, 3, 2]


def test_driver_ranking(conn, q2_2025):
    """What to fix first: priority = (5 - Q2 mean) / 4 x max(r, 0).

    r = Pearson correlation with NPS over the relation window: the trend window (Jul 2024 - Jun 2025)
    plus the previous period -> all 19 responses (the 15 of Q2 and P1-P4).
    NPS y: Σy = 97 + 33 = 130, Σy² = 759 + 281 = 1040, Syy = 1040 - 130²/19 = 150.526
    response speed: Σx = 41 + 16 = 57, Σx² = 141 + 66 = 207, Σxy = 322 + 136 = 458
        Sxx = 207 - 57²/19 = 36, Sxy = 458 - 57 x 130/19 = 68, r = 68 / sqrt(36 x 150.526) = 0.9237
        Q2 mean 41/15 = 2.7333, gap (5 - 2.7333) / 4 = 0.5667, priority 0.5667 x 0.9237 = 0.5235
    service attitude: Σx = 55 + 16 = 71, Σx² = 215 + 66 = 281, Σxy = 393 + 136 = 529
        Sxx = 281 - 71²/19 = 15.684, Sxy = 529 - 71 x 130/19 = 43.211, r = 43.211 / sqrt(15.684 x 150.526) = 0.8893
        Q2 mean 3.6667, gap 0.3333, priority 0.2964
    product quality: Σx = 66 + 17 = 83, Σx² = 294 + 73 = 367, Σxy = 433 + 142 = 575
        Sxx = 367 - 83²/19 = 4.421, Sxy = 575 - 83 x 130/19 = 7.105, r = 7.105 / sqrt(4.421 x 150.526) = 0.2754
        Q2 mean 4.4, gap 0.15, priority 0.0413
    -> fix response speed first, then service attitude, then product quality.
    """
    d = satisfaction.drivers(conn, q2_2025).set_index("dimension")
    assert list(d.index) == ["response_speed", "service_attitude", "product_quality"]
    assert list(d["rank"]) == [1, 2, 3]
    assert d.loc["response_speed", "r"] == pytest.approx(0.9237, abs=1e-4)
    assert d.loc["response_speed", "priority"] == pytest.approx(0.5235, abs=1e-4)
    assert d.loc["service_attitude", "r"] == pytest.approx(0.8893, abs=1e-4)
    assert d.loc["service_attitude", "priority"] == pytest.approx(0.2964, abs=1e-4)
    assert d.loc["product_quality", "r"] == pytest.approx(0.2754, abs=1e-4)
    assert d.loc["product_quality", "priority"] == pytest.approx(0.0413, abs=1e-4)
    assert d.loc["product_quality", "mean"] == pytest.approx(4.4)
    assert (d["pairs"] == 19).all() and (d["n"] == 15).all()
    assert d["relation_from"].iloc[0] == date(2024, 7, 1)
    # previous response speed: P1 5, P2 4, P3 4, P4 3 -> 4.0; change 2.7333 - 4 = -1.2667
    assert d.loc["response_speed", "change"] == pytest.approx(41 / 15 - 4)
    # mean interval of response speed (Q2): Sxx = 141 - 41²/15 = 28.933, s² = 28.933 / 14 = 2.066667,
    # half = 2.144787 x sqrt(2.066667 / 15) = 0.796111
    assert d.loc["response_speed", "mean_low"] == pytest.approx(41 / 15 - 0.796111, abs=1e-5)


def test_a_collapsed_dimension_still_ranks_first(q2_2025):
    """In a bad quarter everyone answers 1 on the broken dimension: no spread, so no correlation within
    the quarter. The relation comes from the longer window, so the collapse still leads the ranking."""
    conn = db.new_memory_db()
    # Q1: 30 responses, speed 1..5 and NPS = 2 x speed; quality and attitude 3..5 unrelated to NPS
    # Q2: 10 responses, speed 1 for all, NPS 0..6, quality and attitude as before
    conn.execute("""
        INSERT INTO surveys
        SELECT 'Q1-' || i, NULL, NULL, NULL, DATE '2025-02-01', 2 * (1 + i % 5), 4,
               3 + i % 3, 3 + (i // 3) % 3, 1 + i % 5, NULL
        FROM range(30) t(i)
        UNION ALL
        SELECT 'Q2-' || i, NULL, NULL, NULL, DATE '2025-05-01', i % 7, 3, 3 + i % 3, 3 + (i // 3) % 3, 1, NULL
        FROM range(10) t(i)
    """)
    within = db.query_rows(conn, "SELECT corr(response_speed, nps) FROM surveys WHERE submitted_on >= '2025-04-01'")
    assert within[0][0] is None or math.isnan(within[0][0])  # within Q2 alone speed has no spread
    d = satisfaction.drivers(conn, q2_2025)
    assert d["dimension"].iloc[0] == "response_speed"
    assert d.set_index("dimension").loc["response_speed", "mean"] == 1.0


def test_segments(conn, q2_2025):
    products = satisfaction.segments(conn, q2_2025, "products").set_index("segment")
    # Platform = D1 + D2: S01 10, S02 10, S03 9, S05 9, S06 8, S09 7, S12 4, S14 2 -> (4 - 2) / 8 = 25
    assert products.loc["Platform", "nps"] == pytest.approx(25)
    assert products.loc["Platform", "responses"] == 8
    # Analytics = D3 + D4: S04 9, S07 8, S08 7, S10 6, S11 5, S13 3, S15 0 -> (1 - 4) / 7 = -42.86
    assert products.loc["Analytics", "nps"] == pytest.approx(-300 / 7)
    # previous Platform: P1 10, P2 9 -> 100; change 25 - 100
    assert products.loc["Platform", "nps_change"] == pytest.approx(-75)
    reps = satisfaction.segments(conn, q2_2025, "reps").set_index("segment")
    assert reps.loc["R3", "label"] == "陈静" and reps.loc["R3", "responses"] == 7
    assert list(reps.index) == ["R3", "R1", "R2"]  # largest first (7, 4, 4), then by id
    for dimension in satisfaction.SEGMENT_DIMENSIONS:
        table = satisfaction.segments(conn, q2_2025, dimension)
        assert table["responses"].sum() == 15, dimension  # segments of one dimension add up to all responses
        assert table["small_sample"].all()
    customer = satisfaction.segments(conn, q2_2025, "customer_types").set_index("segment")
    # Enterprise = Acme + Cato: 10 10 9 2 | 9 8 5 -> (4 - 2) / 7 = 28.57; Small business (Bolt) 9 8 7 4 -> 0
    assert customer.loc["Enterprise", "nps"] == pytest.approx(200 / 7)
    assert customer.loc["Small business", "nps"] == pytest.approx(0)
    with pytest.raises(ValueError):
        satisfaction.segments(conn, q2_2025, "account_id; DROP TABLE surveys")


def test_segment_filter_combines_with_the_breakdown(conn, q2_2025):
    # channel Partner (D2 Bolt, D3 Cato) broken down by product: Platform = Bolt, Analytics = Cato
    table = satisfaction.segments(conn, replace(q2_2025, channels=("Partner",)), "products").set_index("segment")
    assert dict(table["responses"]) == {"Platform": 4, "Analytics": 3}


def test_follow_up_list(conn, q2_2025):
    fu = satisfaction.follow_up(conn, q2_2025)
    # detractors S10-S15 and S08 (CSAT 2), newest first
    assert list(fu["response_id"]) == ["S15", "S14", "S13", "S12", "S11", "S10", "S08"]
    assert fu["total"].iloc[0] == 7
    reasons = dict(zip(fu["response_id"], fu["reason"], strict=True))
    assert reasons["S15"] == "detractor+low_csat" and reasons["S11"] == "detractor" and reasons["S08"] == "low_csat"
    assert fu.loc[fu["response_id"] == "S15", "account_name"].item() == "华东制造"
    limited = satisfaction.follow_up(conn, q2_2025, limit=2)
    assert list(limited["response_id"]) == ["S15", "S14"] and limited["total"].iloc[0] == 7


def test_comments_search_any_language(conn, q2_2025):
    # "慢" (slow): S10 回复太慢了, S12 响应速度太慢…, S15 客服态度差，响应慢
    found = satisfaction.comments(conn, q2_2025, "慢")
    assert list(found["response_id"]) == ["S15", "S12", "S10"]
    # case-insensitive: "SLOW" finds S09 "Slow replies"
    assert list(satisfaction.comments(conn, q2_2025, "SLOW")["response_id"]) == ["S09"]
    # 12 of the 15 have a comment (S02, S05, S07 have none); detractors' comments: S10-S15
    assert satisfaction.comments(conn, q2_2025)["total"].iloc[0] == 12
    assert len(satisfaction.comments(conn, q2_2025, groups=("detractor",))) == 6
    assert len(satisfaction.comments(conn, q2_2025, "slow", groups=("detractor",))) == 0
    # a wildcard or quote in the search is plain text
    assert satisfaction.comments(conn, q2_2025, "%").empty
    assert satisfaction.comments(conn, q2_2025, "'; DROP TABLE surveys; --").empty
    with pytest.raises(ValueError):
        satisfaction.comments(conn, q2_2025, groups=("fans",))


def test_link_to_sales(conn, q2_2025):
    """Repeat purchase per response; later deals per deal, in the group of the account's latest response.

    Later won deals: D5 Acme 05-20, D7 Cato 04-18, D9 Bolt 05-30; lost: D6 Bolt 06-25, D8 华东 06-05.
    promoters S01 S02 S05 (Acme, before D5: repeat), S03 (Bolt 04-15, D9: repeat), S04 (Cato 04-20, D7
        closed before it: no) -> 4 of 5 = 80 %
    passives S06 (Bolt 05-06, D9: repeat), S07 (Cato: no), S08 (华东: D8 lost: no), S09 (Bolt 05-25, D9) -> 2/4
    detractors S10-S15: nothing won after them -> 0 of 6
    Later deals: D5 -> Acme's latest response before 05-20 is S05 (promoter): won
                 D9 -> Bolt's latest before 05-30 is S09 (passive): won
                 D6 -> Bolt's latest before 06-25 is S12 (detractor): lost; D8 -> S10 (detractor): lost
                 D7 -> no response of Cato before 04-18 in the period: not a later deal
    """
    link = satisfaction.sales_link(conn, q2_2025).set_index("nps_group")
    assert list(link.index) == ["promoter", "passive", "detractor"]
    assert list(link["responses"]) == [5, 4, 6]
    assert list(link["repeat_rate"]) == pytest.approx([0.8, 0.5, 0.0])
    assert list(link["later_won"]) == [1, 1, 0]
    assert list(link["later_lost"]) == [0, 0, 2]
    assert link.loc["detractor", "later_win_rate"] == 0
    # as of 2025-06-30 no Q2 response has had its full 12 months yet
    assert link["full_window"].sum() == 0


def test_available_parts(conn):
    parts = satisfaction.available(conn)
    assert parts["responses"] and parts["nps"] and parts["comments"] and parts["deals"]


def test_empty_dataset_has_no_surveys():
    conn = db.new_memory_db()
    parts = satisfaction.available(conn)
    assert not parts["responses"] and not parts["deals"]


def test_interval_helpers_edge_cases():
    low, high = ss.wilson([0, 5], [0, 5])
    assert math.isnan(low[0]) and high[1] == 1.0
    score, low, high = ss.nps([1], [0], [1])
    assert score[0] == 100 and math.isnan(low[0])  # one response: no interval
    mean, low, high = ss.mean([4], [16], [1])
    assert mean[0] == 4 and math.isnan(low[0])
    assert list(ss.small([0, 29, 30])) == [True, True, False]


def test_partial_survey_data_never_raises(q2_2025):
    """An upload with NPS only (no CSAT, no dimensions, no comments, no deals): every function answers."""
    conn = db.new_memory_db()
    conn.execute("""
        INSERT INTO surveys (response_id, submitted_on, nps)
        VALUES ('U1', '2025-05-01', 10), ('U2', '2025-05-02', 3), ('U3', '2025-05-03', NULL)
    """)
    parts = satisfaction.available(conn)
    assert parts["responses"] and parts["nps"] and not parts["csat"] and not parts["dimensions"]
    head = satisfaction.headline(conn, q2_2025).set_index("metric")
    assert head.loc["nps", "value"] == 0  # one promoter, one detractor of the two scored
    assert head.loc["survey_responses", "value"] == 3
    assert math.isnan(head.loc["csat_share", "value"])
    assert satisfaction.drivers(conn, q2_2025).empty
    assert satisfaction.monthly_trend(conn, q2_2025)["responses"].sum() == 3
    assert satisfaction.distributions(conn, q2_2025).query("measure == 'csat'")["responses"].sum() == 0
    assert satisfaction.segments(conn, q2_2025, "channels")["segment"].isna().all()  # no deal: unknown channel
    assert list(satisfaction.follow_up(conn, q2_2025)["response_id"]) == ["U2"]
    assert satisfaction.comments(conn, q2_2025).empty
    assert (satisfaction.sales_link(conn, q2_2025)["later_closed"] == 0).all()
