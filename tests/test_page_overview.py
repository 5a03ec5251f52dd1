"""The Overview page through Streamlit's AppTest, on the tiny fixture."""

from __future__ import annotations

import pytest
from pagetest import metric_values, run_app

pytestmark = pytest.mark.page

Q2 = {"from": "2025-04-01", "to": "2025-06-30"}


@pytest.fixture(autouse=True)
def tiny_company(tiny_path, monkeypatch):
    monkeypatch.setenv("SALESDASH_DB", str(tiny_path))


def test_overview_renders_the_kpis():
    at = run_app(query=Q2)
    assert not at.exception
    values = metric_values(at)
    assert values["Won value"] == "$1.00K"  # D1 + D2 + D8 = 1000
    assert values["Win rate"].startswith("75.0%")
    assert values["Open pipeline"] == "$900"
    assert len(at.get("plotly_chart")) == 2


def test_channel_and_customer_type_change_the_numbers():
    at = run_app(query=Q2 | {"ch": "Partner"})
    assert not at.exception
    assert metric_values(at)["Won value"] == "$200"  # D2 only
    at = run_app(query=Q2 | {"ct": "Small business"})
    assert metric_values(at)["Won value"] == "$200"  # D2 is the only Q2 win of Bolt (Small business)


def test_sidebar_filter_changes_the_numbers():
    at = run_app(query=Q2)
    before = metric_values(at)["Won value"]
    at.multiselect(key="f_channels").select("Direct").run()
    assert not at.exception
    after = metric_values(at)["Won value"]
    assert (before, after) == ("$1.00K", "$800")  # D1 100 + D8 700
    assert at.query_params["ch"] in ("Direct", ["Direct"])  # the URL follows the sidebar


def test_chinese_labels():
    at = run_app(query=Q2 | {"lang": "zh"})
    assert not at.exception
    assert "成交金额" in metric_values(at)
    assert at.title[0].value == "销售管道概览"


def test_nothing_matches_says_so():
    at = run_app(query={"from": "2019-01-01", "to": "2019-03-31"})
    assert not at.exception
    assert any("No deals match" in w.value for w in at.warning)
    assert len(at.get("plotly_chart")) == 0


def test_broken_database_gets_a_message_not_a_traceback(tmp_path, monkeypatch):
    bad = tmp_path / "broken.duckdb"
    bad.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("SALESDASH_DB", str(bad))
    at = run_app()
    assert not at.exception
    assert any("cannot be read" in e.value for e in at.error)


def test_locked_database_explains_and_offers_retry(tiny_path, tmp_path, monkeypatch):
    import shutil
    import subprocess
    import sys

    locked = tmp_path / "locked.duckdb"
    shutil.copy(tiny_path, locked)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(60)", str(locked)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("SALESDASH_DB", str(locked))
        at = run_app()
        assert not at.exception
        assert any("locked by another program" in e.value for e in at.error)
        assert any(b.label == "Retry" for b in at.button)
    finally:
        holder.kill()


def test_first_start_builds_the_demo_database(tmp_path, monkeypatch):
    target = tmp_path / "fresh" / "salesdash.duckdb"
    monkeypatch.setenv("SALESDASH_DB", str(target))
    monkeypatch.setattr("salesdash.ui.startup.FIRST_START_DEALS", 2_000)  # the real start builds 30,000
    at = run_app(timeout=120)
    assert not at.exception
    assert target.exists() and not list(target.parent.glob("*.tmp"))
    assert len(at.metric) == 10


def test_kpi_table_is_shown_with_downloads():
    at = run_app(query=Q2)
    frame = at.dataframe[0].value
    assert list(frame.columns) == ["Metric", "This period", "Previous period", "Change", "Sample (n)"]
    assert frame.set_index("Metric").loc["Won value", "This period"] == 1000
    assert len(at.get("download_button")) == 2


def test_an_unchanged_card_is_grey_without_an_arrow() -> None:
    from salesdash.ui.widgets import delta_style

    # no change reads as neither good nor bad news, whatever the metric's direction
    assert delta_style(0.0) == {"delta_color": "off", "delta_arrow": "off"}
    assert delta_style(0, rise_is_good=False) == {"delta_color": "off", "delta_arrow": "off"}
    # a real change keeps its colour: shorter cycles (rise_is_good=False) are green when they fall
    assert delta_style(-1.0, rise_is_good=False) == {"delta_color": "inverse"}
    assert delta_style(2.5) == {"delta_color": "normal"}


def test_no_win_in_the_chart_window_says_so_instead_of_zero_bars():
    # tiny's last win is D8 on 2025-06-25; a past quarter of 2026 charts Oct 2025 → Sep 2026: no win there
    at = run_app(query={"from": "2026-07-01", "to": "2026-09-30"})
    assert not at.exception
    assert any("No deal was won since Oct 2025" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 0
    at = run_app(query=Q2)  # Q2 2025 has wins: the chart is back
    assert not any("No deal was won" in i.value for i in at.info)
