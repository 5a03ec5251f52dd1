"""Stalled at the week's start and end, on tests/data/weekly_stalled.sql (week Mon 2025-06-09 .. Sun 2025-06-15).

The rule (salesdash.stalled) is judged on the day before each moment, Sun Jun 8 and Sun Jun 15, as
open_deal_health would judge it with that day as its as-of day: age in the stage the last stage move took
the deal into, against that stage's p75 from the stays finished by the end of that day, or no activity
for more than 14 days by the end of that day. Each expectation below is worked out by hand.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from conftest import build_from_sql

from salesdash import db, weekly, weekly_risk
from salesdash.filters import Filters
from salesdash.stalled import open_deal_health

F = Filters(date_from=date(2025, 4, 1), date_to=date(2025, 6, 30), as_of=date(2025, 6, 18))
WEEK = weekly.Week(date(2025, 6, 9))


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    path = build_from_sql(tmp_path_factory.mktemp("weekly_stalled") / "weekly_stalled.duckdb", "weekly_stalled.sql")
    c = db.open_company(path)
    yield c
    c.close()


def test_norms_as_known_then(conn):
    lengths = weekly_risk.stay_lengths(conn)
    # by the end of Sun Jun 8: Qualification stays of 10, 20, 30 and 30 days (H4 ended that Sunday at 15:00);
    # p75 of 4 stays sits at position 0.75 x 3 = 2.25 of the sorted list: 30 + 0.25 x (30 - 30) = 30.
    # (Cut at the Sunday's midnight instead, H4 would be left out: 20 + 0.5 x 10 = 25.)
    assert weekly_risk.norms_at(conn, lengths, datetime(2025, 6, 9)).to_dict() == {"Qualification": 30.0}
    # by the end of Sun Jun 15, also S2's 52 days (left Jun 11) and H6's 60 (left Jun 12): 10 20 30 30 52 60,
    # position 0.75 x 5 = 3.75: 30 + 0.75 x (52 - 30) = 46.5
    assert weekly_risk.norms_at(conn, lengths, datetime(2025, 6, 16)).to_dict() == {"Qualification": 46.5}


@pytest.fixture(scope="module")
def flags(conn):
    flow = weekly.flow(conn, F, WEEK)
    return weekly_risk.stalled_flags(conn, flow, WEEK.start).set_index("deal_id").sort_index()


def test_stalled_at_the_start(flags):
    start = flags["stalled_start"]
    # S1: in Qualification since May 13, 26 days on Jun 8 <= 30 (it would be stalled against a norm of 25)
    # S2: in Qualification since Apr 20, 49 days > 30 -> stalled at the start, moved on in the week
    # S3: since Apr 25, 44 > 30
    # S4: since May 1 (the Jun 1 event repeats its stage: not a move), 38 > 30
    # S5: touched May 20 and Sun Jun 8 at 15:00: 0 days idle on Jun 8 (not 19), and Lead identification
    #     has no finished stay, so no norm
    # S6: last touched May 28, 11 days before Jun 8
    # S7: touched Apr 10, then only after the week: 59 days idle
    # S8: the same without a creation date: idle all the same
    assert start[start].index.tolist() == ["S2", "S3", "S4", "S7", "S8"]


def test_stalled_at_the_end(flags):
    end = flags["stalled_end"]
    # S1: 33 days on Jun 15 <= 46.5; S2: 4 days in Needs analysis, which has no finished stay; S3: 51 > 46.5;
    # S4: 45 <= 46.5; S5: touched Jun 8, 7 days; S6: May 28 is 18 days before Jun 15 (Jun 17 comes after);
    # S7, S8: 66 days
    assert end[end].index.tolist() == ["S3", "S6", "S7", "S8"]


def test_the_end_is_open_deal_health_on_that_sunday(conn, flags):
    # nothing moves stage after the week, so open_deal_health as of Sun Jun 15 sees each deal as the week's end did
    health = open_deal_health(conn, replace(F, as_of=WEEK.end)).set_index("deal_id")
    assert sorted(health.index[health["stalled"]]) == flags.index[flags["stalled_end"]].tolist()


def test_the_card_counts_them(conn):
    cards = weekly.review(conn, F, WEEK.start).cards.set_index("metric")
    assert cards.loc["weekly_stalled", ["value", "previous"]].tolist() == [4, 5]
