"""The Weekly review page through Streamlit's AppTest, on the weekly fixture (as of 2025-06-18)."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import build_from_sql
from pagetest import ROOT, metric_values, run_app
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.page

PAGE = "pages/weekly.py"


@pytest.fixture(scope="module")
def weekly_path(tmp_path_factory):
    return build_from_sql(tmp_path_factory.mktemp("weekly_page") / "weekly.duckdb", "weekly.sql")


@pytest.fixture(autouse=True)
def weekly_company(weekly_path, monkeypatch):
    monkeypatch.setenv("SALESDASH_DB", str(weekly_path))


def test_last_completed_week_by_default():
    at = run_app(page=PAGE)
    assert not at.exception
    values = metric_values(at)
    # Jun 9-15 (tests/test_weekly.py): open at the end 3,430 (5,200 at the start), won 2,100, lost 450
    assert values["Open pipeline"] == "$3.43K" and values["Won"] == "$2.10K" and values["Lost"] == "$450"
    assert values["Stalled deals"] == "1"
    assert at.selectbox(key="weekly_week").value.isoformat() == "2025-06-09"
    assert len(at.get("plotly_chart")) == 1
    assert at.query_params["week"] in ("2025-06-09", ["2025-06-09"])


@pytest.mark.parametrize(
    ("week", "open_end", "won"),
    [("2025-06-09", "$3.43K", "$2.10K"), ("2025-06-04", "$5.20K", "$250"), ("2025-05-26", "$4.85K", "$0")],
)
def test_several_weeks(week, open_end, won):
    # Jun 2-8 ends where Jun 9-15 starts (5,200); W15 won Jun 3. May 26-Jun 1 ends at Jun 2's 4,850.
    at = run_app(page=PAGE, query={"week": week})
    assert not at.exception
    values = metric_values(at)
    assert (values["Open pipeline"], values["Won"]) == (open_end, won)


def test_picking_a_week_and_a_filter_change_the_numbers():
    at = run_app(page=PAGE)
    at.selectbox(key="weekly_week").select(at.selectbox(key="weekly_week").options[1]).run()
    assert not at.exception
    assert metric_values(at)["Open pipeline"] == "$5.20K"
    at.multiselect(key="f_channels").select("Partner").run()
    assert not at.exception
    # Partner, Jun 2-8: W6 900 at both ends, W17 150 created Jun 4 -> 1,050
    assert metric_values(at)["Open pipeline"] == "$1.05K"
    assert "Channel: Partner" in " ".join(c.value for c in at.caption)


def test_presentation_mode_steps_through_slides():
    at = run_app(page=PAGE, query={"present": "1"})
    assert not at.exception
    assert at.markdown[0].value.startswith("## What changed") or any(
        m.value.startswith("## What changed") for m in at.markdown
    )
    assert len(at.metric) == 7
    at.button(key="slide_next").click().run()
    assert not at.exception
    assert any(m.value == "## Pipeline flow" for m in at.markdown)
    assert len(at.get("plotly_chart")) == 1
    # every slide names the week and the filters
    assert any("9 Jun 2025 – 15 Jun 2025" in m.value and "All deals" in m.value for m in at.markdown)
    for _ in range(3):  # movers, at risk, by rep (3 reps: one slide)
        at.button(key="slide_next").click().run()
        assert not at.exception
    assert any(m.value == "## By rep" for m in at.markdown)
    assert at.button(key="slide_next").disabled  # the last slide
    at.button(key="slide_prev").click().run()
    assert any(m.value == "## At risk" for m in at.markdown)
    at.button(key="slide_exit").click().run()
    assert not at.exception
    assert at.title[0].value == "Weekly pipeline review"


def test_chinese():
    # straight to the page in one run: AppTest cannot rerun the sidebar's Chinese-labelled period box
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "zh"
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    assert at.title[0].value == "每周销售管道例会"
    assert "在途管道" in metric_values(at)


def test_without_history_the_page_says_what_it_needs(weekly_path, tmp_path, monkeypatch):
    from salesdash import db

    bare = tmp_path / "bare.duckdb"

    def copy_without_events(conn):
        conn.execute(f"ATTACH '{weekly_path}' AS src (READ_ONLY)")
        for name in ("stages", "reps", "accounts", "deals", "activities", "dataset_info"):
            conn.execute(f"INSERT OR REPLACE INTO {name} SELECT * FROM src.{name}")
        conn.execute("DETACH src")

    db.build_database_file(bare, copy_without_events)
    monkeypatch.setenv("SALESDASH_DB", str(bare))
    at = run_app(page=PAGE)
    assert not at.exception
    assert any("no deal history" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 0  # no waterfall without the week's start
    assert metric_values(at)["Won"] == "$2.10K"  # W2 + W9 + W16 by their closed_on


def test_a_new_filter_on_a_week_seen_runs_no_week_query(monkeypatch):
    # what the week holds for every deal is computed once per week; a filter only narrows it
    import streamlit as st

    from salesdash import weekly

    st.cache_resource.clear()
    built: list[object] = []
    original = weekly.week_state

    def counted(*args, **kwargs):
        built.append(args[1])
        return original(*args, **kwargs)

    monkeypatch.setattr(weekly, "week_state", counted)
    at = run_app(page=PAGE)
    at.multiselect(key="f_channels").select("Partner").run()
    at.multiselect(key="f_channels").unselect("Partner").run()
    assert not at.exception and len(built) == 1
    assert metric_values(at)["Open pipeline"] == "$3.43K"  # the whole company again, from the same week
    at.selectbox(key="weekly_week").select(at.selectbox(key="weekly_week").options[1]).run()
    assert len(built) == 2 and built[-1] == weekly.Week(date(2025, 6, 2))


class _Today(date):
    """A fixed today for the company file read as of today (tiny.sql writes no as-of date)."""

    @classmethod
    def today(cls):  # type: ignore[override]
        return cls(2026, 11, 26)


def test_a_week_outside_the_data_says_so_and_offers_the_datas_weeks(tiny_path, monkeypatch):
    # tiny.sql's deals run from 2024-12-01 to 2025-06-25: read as of Thu 2026-11-26, the last completed week
    # (Nov 16-22, 2026) is empty. No chart of zero bars: the page says why, and the picker reaches the data.
    from salesdash.ui import core

    monkeypatch.setattr(core, "date", _Today)
    monkeypatch.setenv("SALESDASH_DB", str(tiny_path))
    at = run_app(page=PAGE)
    assert not at.exception
    assert at.selectbox(key="weekly_week").value == date(2026, 11, 16)
    assert len(at.get("plotly_chart")) == 0
    infos = " ".join(i.value for i in at.info)
    assert "Nothing to chart this week" in infos and "1 Dec 2024 to 25 Jun 2025" in infos
    options = at.selectbox(key="weekly_week").options
    # the 52 weeks up to the one holding Jun 25, 2025 (Jun 23-29) are offered after the 52 before today
    assert "23 Jun 2025 – 29 Jun 2025" in options and "25 Nov 2024 – 1 Dec 2024" in options
    at.selectbox(key="weekly_week").select(date(2025, 6, 23)).run()
    assert not at.exception
    # D8 (700) was created Jun 10 and won Jun 25: it enters and leaves Q2's pipeline, so the week has a chart
    assert len(at.get("plotly_chart")) == 1 and metric_values(at)["Won"] == "$700"
    assert "Nothing to chart" not in " ".join(i.value for i in at.info)
