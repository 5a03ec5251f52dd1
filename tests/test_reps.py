"""Reps metrics on the reps fixture (tests/data/reps.sql); every expected number is worked out below.

Main period: April 2025 (30 days) as of Apr 15 -> 15 of 30 days elapsed, elapsed share 0.5.
Wilson 95% interval (z = 1.96): centre = (p + z²/2n) / (1 + z²/n),
half-width = z·sqrt(p(1−p)/n + z²/4n²) / (1 + z²/n).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from conftest import build_from_sql, fixture_sql

from salesdash import db, export, rep_detail, reps
from salesdash.filters import Filters
from salesdash.funnel import reached_by_stage

APRIL = Filters(date_from=date(2025, 4, 1), date_to=date(2025, 4, 30), as_of=date(2025, 4, 15))
Q1 = Filters(date_from=date(2025, 1, 1), date_to=date(2025, 3, 31), as_of=date(2025, 4, 15))


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    path = build_from_sql(tmp_path_factory.mktemp("reps") / "reps.duckdb", "reps.sql")
    c = db.open_company(path)
    yield c
    c.close()


@pytest.fixture(scope="module")
def board(conn):
    return reps.performance(conn, APRIL)


def rep(board: pd.DataFrame, rep_id: str) -> pd.Series:
    return reps.rows(board, "rep").set_index("rep_id").loc[rep_id]


def group(board: pd.DataFrame, level: str, key: str | None) -> pd.Series:
    table = reps.rows(board, level)
    return table.iloc[0] if key is None else table.set_index("key").loc[key]


def test_elapsed_share():
    assert reps.elapsed_share(APRIL) == 0.5  # Apr 1..15 = 15 of 30 days
    assert reps.elapsed_share(Q1) == 1.0  # a past period is fully elapsed
    before = replace(APRIL, as_of=date(2025, 3, 20))
    assert reps.elapsed_share(before) == 0.0  # nothing elapsed yet: pacing cannot be computed


def test_won_lost_and_cycle_per_rep(board):
    a1, a2, b1 = rep(board, "A1"), rep(board, "A2"), rep(board, "B1")
    # A1: 12 won x 100, 8 lost x 50 -> 1200 won, 20 closed, 0.6 by count, 1200 / (1200 + 400) = 0.75 by value
    assert (a1["won_count"], a1["won_value"], a1["closed_count"]) == (12, 1200, 20)
    assert a1["win_rate"] == pytest.approx(0.6)
    assert a1["win_rate_value"] == pytest.approx(0.75)
    assert a1["avg_won_deal"] == pytest.approx(100)
    # cycles Apr 10 − (Mar 1 + i), i = 0..11 -> 40..29 days; median of 12 = (35 + 34) / 2
    assert a1["median_cycle_days"] == 34.5
    # A2: 2 of 2 won x 300, 23 days each; B1: 1 won 600 of 10 closed (60 days)
    assert (a2["won_count"], a2["closed_count"], a2["win_rate"], a2["median_cycle_days"]) == (2, 2, 1.0, 23)
    assert (b1["won_value"], b1["closed_count"], b1["win_rate"]) == (600, 10, pytest.approx(0.1))
    assert b1["win_rate_value"] == pytest.approx(600 / (600 + 900))
    assert a1["small_sample"] and a2["small_sample"] and b1["small_sample"]  # all fewer than 30 closed
    assert not group(board, "total", None)["small_sample"]  # 32 closed overall


def test_wilson_bounds_and_ranking(board):
    a1, a2, b1 = rep(board, "A1"), rep(board, "A2"), rep(board, "B1")
    # A1 12/20: z²/n = 3.8415/20 = 0.19207; centre = (0.6 + 0.09604) / 1.19207 = 0.58389;
    # half = 1.96·sqrt(0.012 + 0.0024009) / 1.19207 = 0.19731 -> (0.3866, 0.7812)
    assert a1["win_rate_low"] == pytest.approx(0.3866, abs=1e-4)
    assert a1["win_rate_high"] == pytest.approx(0.7812, abs=1e-4)
    # A2 2/2: centre = (1 + 0.9604) / 2.9208 = 0.67119; half = 1.96·sqrt(3.8415/16) / 2.9208 = 0.32881
    # -> (0.3424, 1.0): a perfect record on two deals says little
    assert a2["win_rate_low"] == pytest.approx(0.3424, abs=1e-4)
    assert a2["win_rate_high"] == pytest.approx(1.0)
    # B1 1/10: centre = (0.1 + 0.19207) / 1.38415 = 0.21101; half = 1.96·sqrt(0.009 + 0.0096) / 1.38415
    # = 0.19314 -> (0.0179, 0.4042)
    assert b1["win_rate_low"] == pytest.approx(0.0179, abs=1e-4)
    assert b1["win_rate_high"] == pytest.approx(0.4042, abs=1e-4)
    # ranked by the lower bound: A1 (0.387) above A2 (0.342) although A2 won 100% of 2
    assert reps.sort_board(board)["rep_id"].tolist() == ["A1", "A2", "B1"]
    assert (a1["rank"], a2["rank"], b1["rank"]) == (1, 2, 3)
    # other orders: pacing puts B1 (2.0) first; ties (A1, A2 at 0.8) keep the rank order
    assert reps.sort_board(board, "pacing")["rep_id"].tolist() == ["B1", "A1", "A2"]
    with pytest.raises(ValueError):
        reps.sort_board(board, "win_rate_value; drop table deals")


def test_quota_attainment_pacing_coverage(board):
    a1, a2, b1 = rep(board, "A1"), rep(board, "A2"), rep(board, "B1")
    # Q2 quotas 9100 / 4550 / 1820 over 91 days = 100 / 50 / 20 a day -> April (30 days) 3000 / 1500 / 600;
    # A1's Q1 quota ends before April and adds nothing
    assert (a1["quota"], a2["quota"], b1["quota"]) == (pytest.approx(3000), pytest.approx(1500), pytest.approx(600))
    # attainment = won / quota: 1200 / 3000, 600 / 1500, 600 / 600
    assert (a1["attainment"], a2["attainment"], b1["attainment"]) == (
        pytest.approx(0.4), pytest.approx(0.4), pytest.approx(1.0)
    )
    # pacing = attainment / elapsed share 0.5
    assert (a1["pacing"], a2["pacing"], b1["pacing"]) == (pytest.approx(0.8), pytest.approx(0.8), pytest.approx(2.0))
    # coverage = open pipeline expected to close in April / (quota − won)
    # A1: O1 1000 (due Apr 25) counts; O2 (May 20) and O6 (overdue since Mar 25) do not -> 1000 / 1800
    assert a1["open_value"] == 2200 and a1["closing_value"] == 1000
    assert a1["coverage"] == pytest.approx(1000 / 1800)
    assert a2["coverage"] == pytest.approx(300 / 900)  # O4 300 due Apr 28, 1500 − 600 still to win
    # B1 has met quota: nothing left to cover
    assert b1["remaining_quota"] == pytest.approx(0) and math.isnan(b1["coverage"])


def test_weighted_pipeline_and_activities(board):
    a1, a2, b1 = rep(board, "A1"), rep(board, "A2"), rep(board, "B1")
    # no segment has 30 closed deals -> stage defaults: O1 1000 x 0.8 + O2 500 x 0.2 + O6 700 x 0.4
    assert a1["weighted_pipeline"] == pytest.approx(800 + 100 + 280)
    assert a2["weighted_pipeline"] == pytest.approx(300 * 0.6)  # O4 in Solution design
    assert b1["weighted_pipeline"] == pytest.approx(200 * 0.1)  # O5 in Lead identification
    # activities Apr 1..15: A1 10 calls + 5 emails (Mar 30 and Apr 16 excluded); A2 2 meetings; B1 35
    assert (a1["activities"], a2["activities"], b1["activities"]) == (15, 2, 35)
    assert a1["activities_per_won"] == pytest.approx(15 / 12)
    assert b1["activities_per_won"] == pytest.approx(35)


def test_roll_ups(board):
    t1, t2, total = group(board, "team", "T1"), group(board, "team", "T2"), group(board, "total", None)
    # T1 = A1 + A2: won 1800 of 14 deals, 22 closed; quota 4500; closing 1000 + 300
    assert (t1["reps"], t1["won_value"], t1["won_count"], t1["closed_count"]) == (2, 1800, 14, 22)
    assert t1["win_rate"] == pytest.approx(14 / 22)
    assert t1["quota"] == pytest.approx(4500) and t1["attainment"] == pytest.approx(0.4)
    assert t1["pacing"] == pytest.approx(0.8)
    assert t1["coverage"] == pytest.approx(1300 / 2700)
    # median cycle of the team's 14 wins: 23, 23, 29, 30, ..., 40 -> 7th and 8th = 33, 34
    assert t1["median_cycle_days"] == 33.5
    assert t1["weighted_pipeline"] == pytest.approx(1180 + 180)
    assert t2["won_value"] == 600 and t2["reps"] == 1
    # total: 2400 won against 5100 -> 0.4706, pacing 0.9412; 1500 closing against 2700 to win
    assert total["attainment"] == pytest.approx(2400 / 5100)
    assert total["pacing"] == pytest.approx(2400 / 5100 / 0.5)
    assert total["coverage"] == pytest.approx(1500 / 2700)
    assert total["median_cycle_days"] == 34  # 8th of 15 cycles: 23, 23, 29, 30, 31, 32, 33, 34, ..., 40, 60
    # managers and regions follow the reps table: Mia Boss and North are team T1
    assert group(board, "manager", "Mia Boss")["won_value"] == 1800
    assert group(board, "region", "South")["won_value"] == 600
    assert reps.rollup(board, "team")["key"].tolist()[:2] == ["T1", "T2"]
    assert reps.rollup(board, "team")["level"].iloc[-1] == "total"


def test_team_subtotals_follow_their_reps(board):
    table = reps.with_team_subtotals(board)
    assert list(zip(table["row_kind"], table["key"].fillna("-"), strict=True)) == [
        ("rep", "A1"), ("rep", "A2"), ("subtotal", "T1"), ("rep", "B1"), ("subtotal", "T2"), ("total", "-"),
    ]  # fmt: skip


def test_filters_narrow_deals_but_quotas_only_by_rep_dimensions(conn):
    partner = reps.performance(conn, replace(APRIL, channels=("Partner",)))
    # Partner deals are all B1's; A1 and A2 stay on the board through their quotas, with nothing won
    assert rep(partner, "B1")["won_value"] == 600
    assert rep(partner, "A1")["won_value"] == 0 and rep(partner, "A1")["quota"] == pytest.approx(3000)
    assert rep(partner, "A1")["activities"] == 0  # their activities are on Direct deals
    team = reps.performance(conn, replace(APRIL, teams=("T2",)))
    assert reps.rows(team, "rep")["rep_id"].tolist() == ["B1"]
    assert group(team, "total", None)["quota"] == pytest.approx(600)
    only_a2 = reps.performance(conn, replace(APRIL, reps=("A2",)))
    assert reps.rows(only_a2, "rep")["rep_id"].tolist() == ["A2"]


def test_stage_strengths_against_the_team(conn):
    heat = reps.stage_strengths(conn, Q1).set_index(["rep_id", "stage"])
    # Q1 cohort of A1: 12 won, 8 lost (4 at Lead, 2 at Qualification, 2 at Quote), O6 open in Needs
    # analysis -> reached Lead 21, Qualification 12 + 2 + 2 + 1 = 17
    a1 = heat.loc[("A1", "Lead identification")]
    assert (a1["reached"], a1["advanced"]) == (21, 17)
    # team T1 adds A2's 2 wins -> 23 reached, 19 moved on; A1 17/21 − 19/23 = −1.66 points
    assert (a1["peer_reached"], a1["peer_advanced"], a1["peers"]) == (23, 19, "team")
    assert a1["deviation"] == pytest.approx(17 / 21 - 19 / 23)
    assert a1["enough"]  # 21 >= 20
    assert not heat.loc[("A1", "Qualification"), "enough"]  # 17 < 20: greyed
    # A2 2 of 2 at every stage: +17.4 points at Lead, but only 2 deals
    a2 = heat.loc[("A2", "Lead identification")]
    assert a2["deviation"] == pytest.approx(1 - 19 / 23) and not a2["enough"]
    # A1 at Quote: 12 of 14 won against the team's 14 of 16
    assert heat.loc[("A1", "Quote & negotiation"), "deviation"] == pytest.approx(12 / 14 - 14 / 16)
    assert heat.loc[("A1", "Quote & negotiation"), "next_stage"] == "Won"
    # B1 is alone in T2: compared with all reps, 33 reached Lead and 20 moved on; B1 1 of 10
    b1 = heat.loc[("B1", "Lead identification")]
    assert (b1["peers"], b1["peer_reached"], b1["peer_advanced"]) == ("all", 33, 20)
    assert b1["deviation"] == pytest.approx(0.1 - 20 / 33)
    # only A1 at Lead (21 deals) reaches the threshold: 1 of 15 cells -> mostly too thin to judge
    assert reps.mostly_thin(reps.stage_strengths(conn, Q1))


def test_stage_strengths_count_as_the_funnel_does(conn):
    heat = reps.stage_strengths(conn, Q1)
    for rep_id in ("A1", "A2", "B1"):
        funnel = reached_by_stage(conn, replace(Q1, reps=(rep_id,))).set_index("stage")["reached"]
        mine = heat[heat["rep_id"] == rep_id].set_index("stage")["reached"]
        assert (mine == funnel.reindex(mine.index)).all(), rep_id


def test_rep_filter_keeps_the_whole_team_as_baseline(conn):
    heat = reps.stage_strengths(conn, replace(Q1, reps=("A1",)))
    assert set(heat["rep_id"]) == {"A1"}
    assert heat.set_index("stage").loc["Lead identification", "peer_reached"] == 23  # still A1 + A2


def test_activity_against_outcome_flags_the_busy_rep(conn, board):
    table = reps.activity_vs_outcome(board, reps.activity_mix(conn, APRIL)).set_index("rep_id")
    assert table.loc["B1", "type_call"] == 30 and table.loc["B1", "type_demo"] == 5
    assert table.loc["A1", "type_email"] == 5 and table.loc["A2", "type_meeting"] == 2
    # B1: 35 activities >= 2 x the median rep's 15 = 30, 10 closed, and a win rate of 0.1 below the
    # median of the reps with 10+ closed (A1 0.6, B1 0.1 -> 0.35) -> flagged; A1 is not busy enough
    assert table["busy_not_converting"].to_dict() == {"B1": True, "A1": False, "A2": False}
    assert sorted(reps.activity_types(table)) == ["call", "demo", "email", "meeting"]


def test_rep_detail_funnel_trend_stalled_satisfaction(conn):
    funnel = rep_detail.rep_funnel(conn, APRIL, "A1").set_index("stage")
    # April cohort: A1 O1 (Quote, 5) and O2 (Qualification, 2); team adds A2's O4 (Solution design, 4)
    assert funnel["reached"].tolist() == [2, 2, 1, 1, 1, 0]
    assert funnel["peer_reached"].tolist() == [3, 3, 2, 2, 1, 0]
    assert funnel.loc["Needs analysis", "gap"] == pytest.approx(0.5 - 2 / 3)
    trend = rep_detail.rep_trend(conn, APRIL, "A1").set_index("month")
    april = trend.loc[date(2025, 4, 1)]
    assert (april["won_value"], april["win_rate"]) == (1200, pytest.approx(0.6))
    # T1 won 1800 in April across 2 reps -> the average rep 900; team win rate 14 / 22
    assert april["peer_avg_won_value"] == pytest.approx(900)
    assert april["peer_win_rate"] == pytest.approx(14 / 22)
    assert len(trend) == 12 and trend["in_period"].sum() == 1  # May 2024 .. Apr 2025
    # stalled: O6 was never touched (idle since Jan 10); O1 was called on Apr 15; O2 idle 12 days
    assert rep_detail.rep_stalled(conn, APRIL, "A1")["deal_id"].tolist() == ["O6"]
    sat = rep_detail.rep_satisfaction(conn, APRIL, "A1").set_index("score")
    # A1 in April: NPS 10, 9, 5 -> (2 − 1) / 3 = +33.3; CSAT 5, 4, 2 -> 2 of 3; S6 (March) excluded
    assert sat.loc["nps", "rep"] == pytest.approx(100 / 3)
    assert sat.loc["csat", "rep"] == pytest.approx(2 / 3)
    assert sat.loc["csat_mean", "rep"] == pytest.approx(11 / 3)
    # team T1 adds A2's 6 / 3 -> NPS (2 − 2) / 4 = 0, CSAT 2 of 4
    assert sat.loc["nps", "peer"] == pytest.approx(0) and sat.loc["csat", "peer"] == pytest.approx(0.5)
    assert sat["rep_responses"].iloc[0] == 3 and sat["small_sample"].all()


@pytest.mark.parametrize(
    "f",
    [APRIL, Q1, replace(Q1, channels=("Partner",)), replace(Q1, teams=("T1",)), replace(Q1, teams=("T2",)),
     replace(Q1, reps=("A2",))],
    ids=["april", "q1", "partner", "team-t1", "team-t2", "rep-filter"],
)  # fmt: skip
@pytest.mark.parametrize("rep_id", ["A1", "A2", "B1"])
def test_rep_funnel_equals_the_two_funnels_it_compares(conn, f, rep_id):
    # rep_funnel reads the peers' cohort once and splits off the rep's deals; it must give what two
    # separate funnels give: the rep's (all filters but the rep filter, plus the rep) and the peers'.
    # With teams=T2, A1 and A2 (team T1) have no deals of their own in view: their funnel is empty.
    out = rep_detail.rep_funnel(conn, f, rep_id).set_index("stage")
    base = rep_detail.comparison_filters(f)
    mine = reached_by_stage(conn, replace(base, reps=(rep_id,))).set_index("stage")
    theirs = reached_by_stage(conn, rep_detail.peers(conn, f, rep_id).filters).set_index("stage")
    for col in ("reached", "pct_of_first", "pct_of_previous"):
        pd.testing.assert_series_equal(out[col], mine[col], check_names=False)
        pd.testing.assert_series_equal(out[f"peer_{col}"], theirs[col], check_names=False)


def test_findings_use_the_interval_not_the_raw_rate(conn, board):
    heat = reps.stage_strengths(conn, APRIL)

    def found(rep_id: str) -> pd.DataFrame:
        sat = rep_detail.rep_satisfaction(conn, APRIL, rep_id)
        return rep_detail.findings(board, heat, sat, rep_id)

    # A2 won 2 of 2: the team's 14/22 = 0.636 lies inside (0.342, 1.0) -> no win-rate strength
    assert "win_rate" not in found("A2")["topic"].tolist()
    # B1 1 of 10: upper bound 0.404 < 15/32 = 0.469 for all reps (B1 is alone in T2) -> weakness;
    # pacing 2.0 -> a strength of +100%
    b1 = found("B1").set_index("topic")
    assert b1.loc["win_rate", "kind"] == "weakness" and b1.loc["win_rate", "peers"] == "all"
    assert b1.loc["win_rate", "peer_value"] == pytest.approx(15 / 32)
    assert b1.loc["pacing", "kind"] == "strength" and b1.loc["pacing", "gap"] == pytest.approx(1.0)
    # A1: coverage 0.556 (−44%) and average won deal 100 against the team's 1800 / 14 = 128.6 (−22%)
    a1 = found("A1")
    assert a1["topic"].tolist() == ["coverage", "avg_won_deal"]
    assert a1["gap"].tolist() == [pytest.approx(1000 / 1800 - 1), pytest.approx(100 / (1800 / 14) - 1)]
    texts = dict(rep_detail.finding_texts(a1.head(1), "en", "USD"))
    assert texts["weakness"].startswith("Not enough pipeline") and "0.6×" in texts["weakness"]
    zh = rep_detail.finding_texts(found("B1"), "zh", "USD")
    assert any("赢单率低于全体销售" in text for _, text in zh)


def test_without_quotas_or_activities(tmp_path):
    path = build_from_sql(tmp_path / "bare.duckdb", "reps.sql")

    def strip(c: db.Connection) -> None:
        c.execute("DELETE FROM quotas; DELETE FROM activities")

    bare_path = tmp_path / "bare2.duckdb"
    db.build_database_file(bare_path, lambda c: (c.execute(f"ATTACH '{path}' AS src (READ_ONLY)"), _copy(c), strip(c)))
    c = db.open_company(bare_path)
    try:
        board = reps.performance(c, APRIL)
        a1 = rep(board, "A1")
        assert math.isnan(a1["quota"]) and math.isnan(a1["attainment"]) and math.isnan(a1["coverage"])
        assert a1["won_value"] == 1200 and a1["activities"] == 0
        mix = reps.activity_mix(c, APRIL)
        assert mix.empty
        assert not reps.activity_vs_outcome(board, mix)["busy_not_converting"].any()
    finally:
        c.close()


def _copy(c: db.Connection) -> None:
    for table in db.TABLES + ("dataset_info",):
        c.execute(f"INSERT INTO {table} SELECT * FROM src.{table}")
    c.execute("DETACH src")


def test_downloads_survive_missing_values(board):
    # coverage and rank are missing for some rows: the workbook must still be written
    assert export.to_xlsx_bytes({"board": board}).startswith(b"PK")


def test_an_upload_with_deals_only(tmp_path):
    """A CRM export with deals and stages only: no reps table, quotas, activities, history or surveys."""
    path = tmp_path / "upload.duckdb"

    def fill(c: db.Connection) -> None:
        c.execute(fixture_sql("reps.sql").split("INSERT INTO reps")[0])
        c.execute(
            "INSERT INTO deals (deal_id, rep_id, amount, created_on, closed_on, expected_close, stage, status) VALUES "
            "('U1', 'Zoe', 100, '2025-04-01', '2025-04-10', NULL, 'Won', 'won'),"
            "('U2', 'Zoe', 50, '2025-04-02', '2025-04-12', NULL, 'Qualification', 'lost'),"
            "('U3', 'Max', 70, '2025-04-03', NULL, '2025-04-20', 'Needs analysis', 'open'),"
            "('U4', NULL, 30, '2025-04-03', '2025-04-09', NULL, 'Won', 'won')"
        )

    db.build_database_file(path, fill)
    c = db.open_company(path)
    try:
        board = reps.performance(c, APRIL)
        zoe = rep(board, "Zoe")
        assert (zoe["won_value"], zoe["win_rate"], zoe["rep_name"]) == (100, 0.5, "Zoe")  # the id stands in for a name
        assert math.isnan(zoe["quota"]) and zoe["activities"] == 0
        # reps without a team roll up under one unknown group; the deal without a rep still counts
        teams = reps.rows(board, "team")
        assert len(teams) == 1 and pd.isna(teams["key"].iloc[0]) and teams["won_value"].iloc[0] == 130
        heat = reps.stage_strengths(c, APRIL)
        assert set(heat["peers"]) == {"all"}
        assert rep_detail.rep_funnel(c, APRIL, "Zoe")["peers"].iloc[0] == "all"
        assert rep_detail.rep_trend(c, APRIL, "Zoe")["won_value"].sum() == 100
        assert rep_detail.rep_stalled(c, APRIL, "Max")["deal_id"].tolist() == []  # no history, no activities
        assert rep_detail.rep_satisfaction(c, APRIL, "Zoe")["rep_responses"].iloc[0] == 0
        found = rep_detail.findings(board, heat, rep_detail.rep_satisfaction(c, APRIL, "Zoe"), "Zoe")
        assert list(found.columns)[:2] == ["kind", "topic"]
        assert not reps.activity_vs_outcome(board, reps.activity_mix(c, APRIL))["busy_not_converting"].any()
    finally:
        c.close()
