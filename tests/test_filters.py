"""Filters: presets, the previous period, SQL with bound parameters, and the URL round trip."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from salesdash import db, overview
from salesdash.filters import Filters, from_query, preset_range

AS_OF = date(2025, 11, 25)


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        ("this_quarter", (date(2025, 10, 1), date(2025, 12, 31))),
        ("last_quarter", (date(2025, 7, 1), date(2025, 9, 30))),
        ("year_to_date", (date(2025, 1, 1), AS_OF)),
        ("last_12_months", (date(2024, 12, 1), AS_OF)),
    ],
)
def test_presets(preset, expected):
    assert preset_range(preset, AS_OF) == expected


def test_previous_period_is_cut_at_the_same_elapsed_day():
    f = Filters(date_from=date(2025, 10, 1), date_to=date(2025, 12, 31), as_of=AS_OF)
    prev = f.previous()
    # 92 days back from Oct 1 is Jul 1; Oct 1 -> Nov 25 is 55 days elapsed, so Jul 1 + 55 = Aug 25
    assert (prev.date_from, prev.date_to) == (date(2025, 7, 1), date(2025, 9, 30))
    assert prev.effective_to == date(2025, 8, 25)


def test_segment_sql_uses_fixed_columns_and_named_parameters():
    f = Filters(date_from=AS_OF, date_to=AS_OF, as_of=AS_OF, channels=("Partner",), teams=("T1",))
    sql = f.segment_sql("d")
    assert sql == " AND list_contains($channels, d.channel) AND list_contains($teams, d.team)"
    assert f.params()["channels"] == ["Partner"]
    with pytest.raises(ValueError):
        f.segment_sql("d; DROP TABLE deals")


HOSTILE = ["'; DROP TABLE deals; --", "Partner' OR '1'='1", 'x" OR 1=1 --', "渠道\u0000", "🙂", "$channels"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_simply_match_nothing(tiny, q2_2025, value):
    for dim in ("channels", "customer_types", "teams", "reps", "products", "regions"):
        f = replace(q2_2025, **{dim: (value,)})
        table = overview.kpis(tiny, f)
        assert overview.nothing_matches(table)
    # and the tables are all still there
    assert db.row_counts(tiny)["deals"] == 8


def test_url_round_trip():
    f = Filters(
        date_from=date(2025, 2, 3),
        date_to=date(2025, 5, 6),
        as_of=AS_OF,
        channels=("Partner", "Direct"),
        reps=("R07",),
    )
    query = f.to_query("zh")
    assert query["lang"] == ["zh"] and query["from"] == ["2025-02-03"] and query["ch"] == ["Partner", "Direct"]
    assert from_query(query, AS_OF) == f


def test_url_preset_and_bad_values_are_dropped():
    options = {"channels": ["Partner", "Direct"]}
    f = from_query({"period": ["last_quarter"], "ch": ["Partner", "'; DROP"], "from": ["garbage"]}, AS_OF, options)
    assert (f.date_from, f.date_to) == (date(2025, 7, 1), date(2025, 9, 30))
    assert f.channels == ("Partner",)
    # an unknown preset falls back to this quarter rather than failing
    g = from_query({"period": ["next_century"]}, AS_OF)
    assert g.preset == "this_quarter"


def test_reversed_range_is_refused():
    with pytest.raises(ValueError):
        Filters(date_from=date(2025, 2, 1), date_to=date(2025, 1, 1), as_of=AS_OF)
