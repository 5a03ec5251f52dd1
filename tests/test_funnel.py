"""Funnel metrics on the hand-built `funnel` fixture (tests/data/funnel.sql), worked out by hand.

Stage letters: L Lead identification, Q Qualification, N Needs analysis, S Solution design,
P Quote & negotiation, W Won. Q1 2025 as of 2025-03-31. The Q1 cohort is F01–F16 (16 deals, amounts
100, 200, …, 1600 = 13,600 in all); their furthest positions:
  F01 won 6, F02 won 6 (skipped N), F03 lost at S 4, F04 open 5 (went to P, came back to S),
  F05 lost at S 4, F06 open 2 (lost at Q, reopened into Q), F07 open 1, F08 won 6 (skipped N and S),
  F09 lost at L 1, F10 open 3, F11 open 3 (no history), F12 lost at S 4 (no history), F13 won 6 (no
  history), F14 lost 1 (no history, stage not given), F15 open 3 (skipped Q), F16 open 2.
So by furthest position: 1: F07 F09 F14 | 2: F06 F16 | 3: F10 F11 F15 | 4: F03 F05 F12 | 5: F04 |
6: F01 F02 F08 F13.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import build_from_sql, fixture_sql

from salesdash import db, funnel, funnel_deals, stage_history
from salesdash.filters import Filters

Q1 = Filters(date_from=date(2025, 1, 1), date_to=date(2025, 3, 31), as_of=date(2025, 3, 31))
FEB = Filters(date_from=date(2025, 2, 1), date_to=date(2025, 2, 28), as_of=date(2025, 3, 31))
STAGES = ["Lead identification", "Qualification", "Needs analysis", "Solution design", "Quote & negotiation", "Won"]


@pytest.fixture(scope="module")
def funnel_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_from_sql(tmp_path_factory.mktemp("funnel") / "funnel.duckdb", "funnel.sql")


@pytest.fixture()
def conn(funnel_path: Path) -> Iterator[db.Connection]:
    connection = db.open_company(funnel_path)
    yield connection
    connection.close()


# --- the derived stage history ---------------------------------------------------------------------


def moves_of(conn: db.Connection, deal: str) -> list[tuple[str, str, float | None]]:
    table = f"{stage_history.prefix(conn)}stage_moves"
    rows = db.query_rows(conn, f"SELECT stage, move, days FROM {table} WHERE deal_id = ? ORDER BY seq", [deal])
    return [(r[0], r[1], r[2]) for r in rows]


def test_a_build_stores_the_history_in_the_file(conn):
    assert stage_history.prefix(conn) == ""  # db.build_database_file → db.materialize → stage_history


def test_a_read_only_file_built_without_it_gets_it_in_memory(tmp_path):
    path = tmp_path / "old.duckdb"
    raw = duckdb.connect(str(path))
    raw.execute(db.sql_text("schema"))
    raw.execute(fixture_sql("funnel.sql"))
    raw.close()
    conn = db.open_company(path)
    assert stage_history.prefix(conn) == stage_history.DERIVED + "."
    assert funnel.reached_by_stage(conn, Q1)["reached"].tolist() == [16, 13, 11, 8, 5, 4]
    conn.close()


def test_moves_know_skips_backward_moves_reopening_and_closes_without_events(conn):
    # F02 skipped N; its win on Mar 1 had no stage event, so the close ends P (Feb 7 → Mar 1 = 22 days)
    assert moves_of(conn, "F02") == [
        ("Lead identification", "created", 5), ("Qualification", "forward", 10),
        ("Solution design", "skip", 20), ("Quote & negotiation", "forward", 22), ("Won", "won", None),
    ]  # fmt: skip
    # F04 went P → back to S on Mar 11 and is still there (no days while open)
    assert moves_of(conn, "F04")[-2:] == [("Quote & negotiation", "forward", 10), ("Solution design", "backward", None)]
    # F06: lost on Feb 21, reopened into Q on Mar 1; the repeated Q event of Mar 2 is not a move
    assert moves_of(conn, "F06") == [
        ("Lead identification", "created", 30), ("Qualification", "forward", 10),
        ("Lost", "lost", None), ("Qualification", "reopened", None),
    ]  # fmt: skip
    # F05 lost on Feb 20 without a stage event: S ends at the close (Feb 4 → Feb 20 = 16 days)
    assert moves_of(conn, "F05")[-2:] == [("Solution design", "forward", 16), ("Lost", "lost", None)]


def test_furthest_stage_matches_the_contract_view(conn):
    table = f"{stage_history.prefix(conn)}deal_stage_summary"
    derived = dict(db.query_rows(conn, f"SELECT deal_id, furthest_position FROM {table}"))
    view = dict(db.query_rows(conn, "SELECT deal_id, furthest_position FROM deal_furthest_stage"))
    assert derived == view and len(view) == 20


def test_writable_database_keeps_the_history_in_it_and_rebuilds_when_data_changes():
    conn = db.new_memory_db()
    conn.execute(fixture_sql("funnel.sql"))
    assert stage_history.prefix(conn) == ""
    assert funnel.reached_by_stage(conn, Q1)["reached"].iloc[0] == 16
    conn.execute(
        "INSERT INTO deals (deal_id, amount, created_on, stage, status) "
        "VALUES ('F21', 50, '2025-03-30', 'Lead identification', 'open')"
    )
    assert funnel.reached_by_stage(conn, Q1)["reached"].iloc[0] == 17  # the new deal is seen at once
    conn.close()


# --- cohort funnel and conversion ------------------------------------------------------------------


def test_reached_by_stage(conn):
    table = funnel.reached_by_stage(conn, Q1).set_index("stage")
    # reached(s) = deals with furthest >= position(s): 16, 16-3 = 13, 13-2 = 11, 11-3 = 8, 8-3 = 5, 4
    assert table["reached"].tolist() == [16, 13, 11, 8, 5, 4]
    # values: all 13,600; Q 13,600 - (700+900+1400) = 10,600; N 10,600 - (600+1600) = 8,400;
    # S 8,400 - (1000+1100+1500) = 4,800; P 4,800 - (300+500+1200) = 2,800; Won 100+200+800+1300 = 2,400
    assert table["reached_value"].tolist() == [13600, 10600, 8400, 4800, 2800, 2400]
    # still open with this furthest stage: L F07, Q F06 F16, N F10 F11 F15, S none, P F04
    assert table["still_open"].tolist() == [1, 2, 3, 0, 1, 0]
    assert table.loc["Needs analysis", "pct_of_previous"] == pytest.approx(11 / 13)
    assert table.loc["Won", "pct_of_first"] == pytest.approx(4 / 16)
    assert funnel.open_share(funnel.reached_by_stage(conn, Q1)) == pytest.approx(7 / 16)  # 7 of 16 still open


def test_stage_conversion_against_default_and_edited_targets(conn):
    table = funnel.stage_conversion(conn, Q1).set_index("stage")
    assert list(table.index) == STAGES[:5]
    # 13/16, 11/13, 8/11, 5/8, 4/5
    assert table["conversion"].tolist() == pytest.approx([0.8125, 11 / 13, 8 / 11, 0.625, 0.8])
    # targets 60, 65, 70, 70, 60 %: only S → P falls short, by 0.625 - 0.70 = -7.5 points
    assert table["below_target"].tolist() == [False, False, False, True, False]
    assert table.loc["Solution design", "gap"] == pytest.approx(-0.075)
    assert table.loc["Solution design", "value_conversion"] == pytest.approx(2800 / 4800)
    edited = funnel.stage_conversion(conn, Q1, (("Needs analysis", 0.80),)).set_index("stage")
    # 8/11 = 72.7 % is now 7.3 points short of 80 %
    assert edited.loc["Needs analysis", "gap"] == pytest.approx(8 / 11 - 0.8)
    assert edited["below_target"].sum() == 2
    assert table["small_sample"].all()  # 16 deals: every figure carries the small-sample mark


def test_segment_filter_changes_the_funnel(conn):
    partner = Filters(date_from=Q1.date_from, date_to=Q1.date_to, as_of=Q1.as_of, channels=("Partner",))
    # Partner cohort: F03 4, F04 5, F05 4, F08 6, F10 3, F12 4, F14 1, F16 2
    assert funnel.reached_by_stage(conn, partner)["reached"].tolist() == [8, 7, 6, 5, 2, 1]


def test_segment_funnel_by_channel(conn):
    seg = funnel.segment_funnel(conn, Q1, "channel")
    direct = seg[seg["segment"] == "Direct"]
    partner = seg[seg["segment"] == "Partner"]
    # Direct: F01 6, F02 6, F06 2, F07 1, F09 1, F11 3, F13 6, F15 3
    assert direct["reached"].tolist() == [8, 6, 5, 3, 3, 3]
    assert partner["reached"].tolist() == [8, 7, 6, 5, 2, 1]
    assert set(seg["cohort"]) == {8}
    # only the largest value keeps its own funnel with top=1; the other is summed into OTHER
    folded = funnel.segment_funnel(conn, Q1, "channel", top=1)
    assert list(dict.fromkeys(folded["segment"])) == ["Direct", funnel.OTHER]  # 8 each: first by name order kept
    steps = funnel.segment_steps(seg, funnel.stage_conversion(conn, Q1)).set_index(["segment", "stage"])
    # Partner S → P: 2 of 5 = 40 % against 70 %
    assert steps.loc[("Partner", "Solution design"), "conversion"] == pytest.approx(0.4)
    assert steps.loc[("Partner", "Solution design"), "gap"] == pytest.approx(-0.3)
    with pytest.raises(ValueError):
        funnel.segment_funnel(conn, Q1, "deal_id; DROP TABLE deals")


def test_conversion_trend_by_month(conn):
    trend = funnel.conversion_trend(conn, Q1, "month")
    assert trend["period"].min() == date(2024, 4, 1)  # 12 months up to March 2025
    jan = trend[trend["period"] == date(2025, 1, 1)].set_index("stage")
    # January cohort F01–F06: furthest 6, 6, 4, 5, 4, 2 → reached 6, 6, 5, 5, 3, 2
    assert jan["conversion"].tolist() == pytest.approx([6 / 6, 5 / 6, 5 / 5, 3 / 5, 2 / 3])
    assert jan["cohort"].iloc[0] == 6 and jan["open_share"].iloc[0] == pytest.approx(2 / 6)  # F04, F06 open
    mar = trend[trend["period"] == date(2025, 3, 1)].set_index("stage")
    # March cohort F07 1, F14 1, F15 3, F16 2: reached 4, 2, 1, 0 → S → P has no deals (NaN)
    assert mar.loc["Lead identification", "conversion"] == pytest.approx(0.5)
    assert mar["open_share"].iloc[0] == pytest.approx(3 / 4)
    assert mar["conversion"].isna().tolist() == [False, False, False, True, True]
    nov = trend[trend["period"] == date(2024, 11, 1)].set_index("stage")  # F17 alone, won
    assert nov["conversion"].tolist() == [1.0] * 5
    assert not nov["in_period"].iloc[0] and jan["in_period"].iloc[0]


def test_conversion_trend_by_quarter(conn):
    trend = funnel.conversion_trend(conn, Q1, "quarter")
    assert trend["period"].min() == date(2023, 4, 1)  # 8 quarters
    q1 = trend[trend["period"] == date(2025, 1, 1)]
    assert q1["reached"].tolist() == [16, 13, 11, 8, 5]  # the same as the period's own funnel
    q4 = trend[trend["period"] == date(2024, 10, 1)]
    # Q4 2024: F17 won, F18 open 4, F19 lost at Q (2), F20 open at P (5): reached 4, 4, 3, 3, 2, won 1
    assert q4["reached"].tolist() == [4, 4, 3, 3, 2]
    assert q4["converted"].tolist() == [4, 3, 3, 2, 1]


# --- snapshot, lost deals, drill-down --------------------------------------------------------------


def test_snapshot_at_the_end_of_q1(conn):
    table = funnel_deals.snapshot_by_stage(conn, Q1).set_index("stage")
    # open on Mar 31: L F07 | Q F06 F16 | N F10 F11 F15 | S F04 F18 | P F20
    assert table["deals"].tolist() == [1, 2, 3, 2, 1]
    assert table["value"].tolist() == [700, 2200, 3600, 2200, 2000]
    assert table.loc["Needs analysis", "share_of_deals"] == pytest.approx(3 / 9)


def test_snapshot_at_the_end_of_a_past_month_uses_the_history(conn):
    table = funnel_deals.snapshot_by_stage(conn, FEB).set_index("stage")
    # open on Feb 28: F02 in P, F03 in S, F04 in S, F08 in P, F10 in N, F17 in P, F18 in S (history);
    # F11 open now in N, F12 lost later at S, F13 won later (last open stage P), F20 in P (no history).
    # F06 was lost then (reopened only on Mar 1): not open. F01, F05, F09 had closed; F07, F14–F16 not created.
    assert table["deals"].tolist() == [0, 0, 2, 4, 5]
    assert table["value"].tolist() == [0, 0, 1000 + 1100, 300 + 400 + 1200 + 1800, 200 + 800 + 1300 + 1700 + 2000]


def test_lost_by_stage_and_reason(conn):
    lost = funnel_deals.lost_by_stage(conn, Q1)
    rows = {(r.stage, r.lost_reason): (r.deals, r.value) for r in lost.itertuples()}
    # lost in Q1: F03 S Price 300, F05 S Competitor 500, F09 L No budget 900, F12 S Price 1200,
    # F14 (stage not given) Timing 1400. F19 was lost in 2024; F06 was lost but is open again.
    assert rows == {
        ("Lead identification", "No budget"): (1, 900),
        ("Solution design", "Price"): (2, 1500),
        ("Solution design", "Competitor"): (1, 500),
        (None, "Timing"): (1, 1400),
    }
    assert lost.loc[lost["stage"] == "Solution design", "stage_value"].iloc[0] == 2000
    assert lost["share_of_value"].sum() == pytest.approx(1.0)


def test_stage_deals_cohort_and_snapshot(conn):
    cohort = funnel_deals.stage_deals(conn, Q1, "Solution design", "cohort")
    # reached S (furthest >= 4): F01 F02 F03 F04 F05 F08 F12 F13, largest first
    assert cohort["deal_id"].tolist() == ["F13", "F12", "F08", "F05", "F04", "F03", "F02", "F01"]
    f04 = cohort.set_index("deal_id").loc["F04"]
    assert (f04["stage"], f04["furthest_stage"], f04["owner"]) == ("Solution design", "Quote & negotiation", "Cleo Cedar")
    snapshot = funnel_deals.stage_deals(conn, FEB, "Solution design", "snapshot")
    assert snapshot["deal_id"].tolist() == ["F18", "F12", "F04", "F03"]  # as in the February snapshot
    assert funnel_deals.stage_deals(conn, Q1, "No such stage").empty
    assert funnel_deals.total_value(cohort) == 4800
    assert funnel_deals.headcount(funnel.reached_by_stage(conn, Q1)) == 16
    assert funnel_deals.headcount(funnel_deals.snapshot_by_stage(conn, Q1)) == 9


# --- without stage history ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def no_history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[db.Connection]:
    path = build_from_sql(tmp_path_factory.mktemp("nohist") / "nohist.duckdb", "funnel.sql", then="DELETE FROM deal_events")
    connection = db.open_company(path)
    yield connection
    connection.close()


def test_without_history_the_furthest_stage_is_the_current_or_at_loss_stage(no_history):
    table = funnel.reached_by_stage(no_history, Q1)
    # as before, except F04 (open in S: 4, not 5): P reached 5 - 1 = 4
    assert table["reached"].tolist() == [16, 13, 11, 8, 4, 4]
    snapshot = funnel_deals.snapshot_by_stage(no_history, Q1)
    # current stages of the deals open now: F04 S, F06 Q, F07 L, F10 N, F11 N, F15 N, F16 Q, F18 S, F20 P
    assert snapshot["deals"].tolist() == [1, 2, 3, 2, 1]


def test_stored_norms_and_last_touch_give_what_the_live_queries_give(conn, monkeypatch):
    from dataclasses import replace
    from datetime import datetime

    from salesdash import bottlenecks, stalled

    stored_health = stalled.open_deal_health(conn, Q1)
    stored_times = bottlenecks.time_in_stage(conn, Q1)
    stored_sql = stage_history.sql(conn, "open_deal_health", Q1.as_of)
    assert "FROM stage_norms" in stored_sql and "$as_of_end" not in stored_sql  # nothing after Mar 31: stored
    # pretend a stay and an activity came after the as-of day: the live queries run instead
    known = stage_history._known[conn]
    monkeypatch.setitem(stage_history._known, conn, replace(known, stays_through=datetime.max, activities_through=datetime.max))
    live_sql = stage_history.sql(conn, "open_deal_health", Q1.as_of)
    assert "FROM stage_norms" not in live_sql and "occurred_at < $as_of_end" in live_sql
    live_health = stalled.open_deal_health(conn, Q1)
    live_times = bottlenecks.time_in_stage(conn, Q1)
    assert stored_health.equals(live_health)
    assert stored_times.equals(live_times)
