"""Stalled deals on the stalled fixture (as of 2025-06-30), worked out by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from conftest import build_from_sql

from salesdash import db
from salesdash.filters import Filters
from salesdash.stalled import open_deal_health, stalled_deals


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    path = build_from_sql(tmp_path_factory.mktemp("stalled") / "stalled.duckdb", "stalled.sql")
    c = db.open_company(path)
    yield c
    c.close()


F = Filters(date_from=date(2025, 4, 1), date_to=date(2025, 6, 30), as_of=date(2025, 6, 30))


def test_open_deal_health(conn):
    h = open_deal_health(conn, F).set_index("deal_id")
    assert sorted(h.index) == ["O1", "O2", "O3", "O4", "O5"]
    # Qualification norm: completed stays 10, 20, 30, 40 days -> p75 = 32.5
    assert h.loc["O1", "stage_p75_days"] == pytest.approx(32.5)
    # O1 entered Qualification May 1 -> 60 days by Jun 30; last touch Jun 25 -> 5 days
    assert h.loc["O1", "age_in_stage_days"] == 60 and h.loc["O1", "days_since_activity"] == 5
    assert h.loc["O1", "slow_in_stage"] and not h.loc["O1", "inactive"]
    # O2: 20 days in stage, last touch Jun 1 -> 29 days idle
    assert h.loc["O2", "age_in_stage_days"] == 20 and h.loc["O2", "days_since_activity"] == 29
    assert not h.loc["O2", "slow_in_stage"] and h.loc["O2", "inactive"]
    # O3: 10 days in stage; the Jul 5 call is after as_of and ignored -> last touch Jun 28, 2 days
    assert h.loc["O3", "days_since_activity"] == 2 and not h.loc["O3", "stalled"]
    # O4 and O5 have no stage history: no age in stage; never touched -> idle since creation
    assert h["age_in_stage_days"].isna()[["O4", "O5"]].all()
    assert h.loc["O4", "days_since_activity"] == 10 and not h.loc["O4", "stalled"]
    assert h.loc["O5", "days_since_activity"] == 60 and h.loc["O5", "inactive"]


def test_stalled_deals_largest_first_and_filtered(conn):
    assert stalled_deals(conn, F)["deal_id"].tolist() == ["O5", "O2", "O1"]  # 500, 200, 100
    assert stalled_deals(conn, replace(F, channels=("Partner",)))["deal_id"].tolist() == ["O2"]
