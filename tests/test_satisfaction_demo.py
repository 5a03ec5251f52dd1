"""The planted demo pattern is found by the satisfaction functions (docs/demo-data.md, pattern 4).

Data Platform has a support crisis in the quarter two quarters before as_of's: as of 2025-11-25 that
is Q2 2025. Its NPS drops by 30+ points and response speed collapses while quality and attitude stay
normal. The page must show it: the product segment with the drop, and response speed to fix first.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from salesdash import db, satisfaction
from salesdash.filters import Filters

AS_OF = date(2025, 11, 25)
CRISIS = Filters(date_from=date(2025, 4, 1), date_to=date(2025, 6, 30), as_of=AS_OF)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[db.Connection]:
    from salesdash.demo import build_demo

    path: Path = tmp_path_factory.mktemp("sat_demo") / "demo.duckdb"
    build_demo(path, deals=25_000, seed=7, as_of=AS_OF)
    conn = db.open_company(path)
    yield conn
    conn.close()


def test_data_platform_segment_shows_the_drop(demo):
    products = satisfaction.segments(demo, CRISIS, "products").set_index("segment")
    platform = products.loc["Data Platform"]
    others = products.drop(index="Data Platform")
    assert platform["nps_n"] >= 30 and not platform["small_sample"]
    assert platform["nps_change"] <= -30  # against the quarter before
    assert platform["nps"] == products["nps"].min()  # the worst product of the quarter
    assert platform["nps_high"] < platform["previous_nps"]  # the previous quarter lies outside its interval
    assert platform["response_speed"] <= 2.0 < others["response_speed"].min()


def test_response_speed_is_what_to_fix_first(demo):
    platform = satisfaction.drivers(demo, replace(CRISIS, products=("Data Platform",))).set_index("dimension")
    assert platform["rank"].idxmin() == "response_speed"
    assert platform.loc["response_speed", "change"] <= -1.5  # speed collapsed
    assert abs(platform.loc["product_quality", "change"]) <= 0.5  # quality and attitude did not
    assert abs(platform.loc["service_attitude", "change"]) <= 0.5
    # the drop is big enough to lead the ranking for the whole company in that quarter too
    assert satisfaction.drivers(demo, CRISIS)["dimension"].iloc[0] == "response_speed"


def test_trend_shows_the_dip_and_the_recovery(demo):
    year = Filters(date_from=date(2025, 1, 1), date_to=date(2025, 11, 25), as_of=AS_OF, products=("Data Platform",))
    trend = satisfaction.monthly_trend(demo, year).set_index("month")
    crisis = [date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1)]
    after = [date(2025, 7, 1), date(2025, 8, 1)]
    assert trend.loc[crisis, "response_speed"].max() <= 2.0
    assert trend.loc[after, "response_speed"].min() >= 3.0
    assert trend.loc[crisis, "nps"].max() < trend.loc[after, "nps"].min()


def test_headline_change_and_follow_up(demo):
    head = satisfaction.headline(demo, replace(CRISIS, products=("Data Platform",))).set_index("metric")
    assert head.loc["nps", "change"] <= -30
    assert head.loc["nps", "high"] < head.loc["nps", "previous"]  # outside the interval: a real drop
    follow = satisfaction.follow_up(demo, replace(CRISIS, products=("Data Platform",)))
    assert len(follow) == head.loc["follow_up", "value"]
    assert follow["product"].eq("Data Platform").all()


def test_chinese_and_english_comments_are_searchable(demo):
    chinese = satisfaction.comments(demo, CRISIS, "慢")
    assert len(chinese) > 0 and chinese["comment"].str.contains("慢").all()
    assert len(satisfaction.comments(demo, CRISIS, "SLOW")) > 0


def test_link_to_sales_has_every_group(demo):
    mature = Filters(date_from=date(2024, 1, 1), date_to=date(2024, 6, 30), as_of=AS_OF)
    link = satisfaction.sales_link(demo, mature).set_index("nps_group")
    assert list(link.index) == ["promoter", "passive", "detractor"]
    assert (link["full_window"] == link["responses"]).all()  # 12 months have passed for all of them
    assert (link["later_closed"] > 0).all() and link["repeat_rate"].between(0, 1).all()
