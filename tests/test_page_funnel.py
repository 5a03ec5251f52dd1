"""The Funnel page through Streamlit's AppTest, on the hand-built `funnel` fixture (Q1 2025)."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from conftest import build_from_sql
from pagetest import run_app

pytestmark = pytest.mark.page

Q1 = {"from": "2025-01-01", "to": "2025-03-31"}
PAGE = "pages/funnel.py"


@pytest.fixture(autouse=True)
def funnel_company(funnel_path, monkeypatch):
    monkeypatch.setenv("SALESDASH_DB", str(funnel_path))


def chart(at, index: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def numbers(values: object) -> list[float]:
    """Plotly figure arrays come either as lists or base64-packed ({"dtype", "bdata"})."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)  # type: ignore[arg-type]


def test_funnel_page_renders_every_section():
    at = run_app(page=PAGE, query=Q1)
    assert not at.exception
    assert at.title[0].value == "Funnel: where deals leak"
    # funnel, conversion vs target, segment matrix, segment lines, trend, lost deals
    assert len(at.get("plotly_chart")) == 6
    assert numbers(chart(at)["data"][0]["x"]) == [16, 13, 11, 8, 5, 4]  # the cohort reached per stage
    conversion = chart(at, 1)["data"]
    assert numbers(conversion[1]["x"]) == pytest.approx([0.6, 0.65, 0.7, 0.7, 0.6])  # the target ticks
    assert [s.key for s in at.segmented_control] == ["funnel_view", "funnel_measure", "funnel_dimension", "funnel_grain"]


def test_a_sidebar_filter_changes_the_funnel():
    at = run_app(page=PAGE, query=Q1)
    at.multiselect(key="f_channels").select("Partner").run()
    assert not at.exception
    assert numbers(chart(at)["data"][0]["x"]) == [8, 7, 6, 5, 2, 1]  # Partner's cohort only


def test_value_and_snapshot_views():
    at = run_app(page=PAGE, query=Q1)
    at.segmented_control(key="funnel_measure").set_value("value").run()
    assert numbers(chart(at)["data"][0]["x"]) == [13600, 10600, 8400, 4800, 2800, 2400]
    at.segmented_control(key="funnel_view").set_value("snapshot").run()
    assert not at.exception
    assert numbers(chart(at)["data"][0]["x"]) == [700, 2200, 3600, 2200, 2000]  # open at the end of March
    assert "Snapshot:" in " ".join(c.value for c in at.caption)


def test_choosing_a_stage_lists_its_deals():
    at = run_app(page=PAGE, query=Q1)
    assert len(at.dataframe) == 1  # only the lost-deals table before a stage is chosen
    at.selectbox(key="funnel_stage").select("Solution design").run()
    assert not at.exception
    deals = at.dataframe[0].value
    assert deals["Deal ID"].tolist() == ["F13", "F12", "F08", "F05", "F04", "F03", "F02", "F01"]
    assert "8 deals created in the period reached Solution design ($4.80K)" in " ".join(c.value for c in at.caption)
    assert {b.key for b in at.get("download_button")} >= {"dl_csv_funnel_deals", "dl_xlsx_funnel_deals"}


def test_editing_a_target_moves_the_tick_and_lasts_for_the_session():
    at = run_app(page=PAGE, query=Q1)
    at.number_input(key="funnel_target_2").set_value(80).run()  # Needs analysis → Solution design
    assert not at.exception
    assert numbers(chart(at, 1)["data"][1]["x"])[2] == pytest.approx(0.8)
    at.switch_page("pages/bottlenecks.py").run()
    flags = at.table[0].value.set_index("Stage → next")["Status"]
    assert flags["Needs analysis → Solution design"] == "Below target (early)"  # the edit carried over


def test_segment_comparison_by_team():
    at = run_app(page=PAGE, query=Q1)
    at.segmented_control(key="funnel_dimension").set_value("team").run()
    assert not at.exception
    assert chart(at, 2)["data"][0]["y"] == ["Cedar", "Oak"]  # the conversion matrix, one row per team
    names = [trace["name"] for trace in chart(at, 3)["data"]]
    assert names == ["Cedar (8)", "Oak (8)"]


def test_chinese_page():
    # switch the language on the page itself (AppTest cannot rerun after a run in Chinese: it formats the
    # sidebar's Chinese widgets with English labels outside the script run)
    at = run_app(page=PAGE, query=Q1)
    at.radio(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == "销售漏斗：商机在哪里流失"
    assert any("方案设计" in label for label in chart(at)["data"][0]["y"])


def test_without_stage_history_the_snapshot_comes_first(tmp_path, monkeypatch):
    path = build_from_sql(tmp_path / "nohist.duckdb", "funnel.sql", then="DELETE FROM deal_events")
    monkeypatch.setenv("SALESDASH_DB", str(path))
    at = run_app(page=PAGE, query=Q1)
    assert not at.exception
    assert any("no stage history" in i.value for i in at.info)
    assert at.segmented_control(key="funnel_view").value == "snapshot"


def test_without_a_stage_list_both_pages_say_so(tmp_path, monkeypatch):
    path = build_from_sql(tmp_path / "nostages.duckdb", "funnel.sql", then="DELETE FROM stages")
    monkeypatch.setenv("SALESDASH_DB", str(path))
    at = run_app(page=PAGE, query=Q1)
    assert not at.exception
    assert any("no stage list" in i.value for i in at.info)
    at.switch_page("pages/bottlenecks.py").run()
    assert not at.exception
    assert any("no stage list" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 0
