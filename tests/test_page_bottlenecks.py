"""The Bottlenecks page through Streamlit's AppTest, on the hand-built `funnel` fixture (Q1 2025, as of Mar 31)."""

from __future__ import annotations

import pytest
from conftest import build_from_sql
from pagetest import run_app

pytestmark = pytest.mark.page

Q1 = {"from": "2025-01-01", "to": "2025-03-31"}
PAGE = "pages/bottlenecks.py"


@pytest.fixture(autouse=True)
def funnel_company(funnel_path, monkeypatch):
    monkeypatch.setenv("SALESDASH_DB", str(funnel_path))


def ranking(at) -> list[tuple[str, str]]:
    table = at.table[0].value
    return list(zip(table["Stage → next"], table["Status"], strict=True))


def test_bottlenecks_page_renders_every_section():
    at = run_app(page=PAGE, query=Q1)
    assert not at.exception
    assert at.title[0].value == "Bottlenecks: where deals leak and wait"
    # findings: only the stage-level one (16 deals are too few for segment findings)
    assert "**Solution design → Quote & negotiation** converts **62%**" in at.markdown[0].value
    assert ranking(at)[0] == ("Solution design → Quote & negotiation", "Below target")
    # time in stage, time by team, stage flow
    assert len(at.get("plotly_chart")) == 3
    # ranked table and time in stage (fitted), stalled deals and stage moves (sortable)
    assert (len(at.table), len(at.dataframe)) == (2, 2)
    stalled = at.dataframe[0].value
    assert sorted(stalled["Deal"]) == ["F04", "F06", "F07", "F10", "F11", "F15", "F16", "F18"]
    assert set(ranking(at)[0]) == {"Solution design → Quote & negotiation", "Below target"}
    assert stalled["Owner"].iloc[0] == "Cleo Cedar"  # F18, 1,800: the largest first


def test_editing_a_target_changes_the_ranking():
    at = run_app(page=PAGE, query=Q1)
    before = ranking(at)
    assert before[1] == ("Needs analysis → Solution design", "On track")
    at.number_input(key="bottlenecks_target_2").set_value(80).run()  # N → S target 70 % → 80 %
    assert not at.exception
    after = ranking(at)
    assert after[:2] == [("Solution design → Quote & negotiation", "Below target"),
                         ("Needs analysis → Solution design", "Below target (early)")]  # fmt: skip
    at.number_input(key="bottlenecks_target_0").set_value(90).run()  # L → Q 60 % → 90 %: settled, leaks 1,600
    assert ranking(at)[:3] == [
        ("Solution design → Quote & negotiation", "Below target"),
        ("Lead identification → Qualification", "Below target"),
        ("Needs analysis → Solution design", "Below target (early)"),
    ]
    at.button(key="bottlenecks_targets_reset").click().run()
    assert ranking(at) == before


def test_a_team_filter_shows_its_slow_stage():
    at = run_app(page=PAGE, query=Q1 | {"team": "Cedar"})
    assert not at.exception
    statuses = dict(ranking(at))
    assert statuses["Lead identification → Qualification"] == "Slow"  # 15 d against the norm of 10 d


def test_without_stage_history_the_page_says_what_is_missing(tmp_path, monkeypatch):
    path = build_from_sql(tmp_path / "nohist.duckdb", "funnel.sql", then="DELETE FROM deal_events; DELETE FROM activities")
    monkeypatch.setenv("SALESDASH_DB", str(path))
    at = run_app(page=PAGE, query=Q1)
    assert not at.exception
    notes = " ".join(i.value for i in at.info)
    assert "no stage history" in notes and "no activities" in notes and "needs the stage history" in notes
    assert len(at.get("plotly_chart")) == 0  # no empty charts
    assert "cannot be judged" in notes  # stalled deals: neither rule can apply
    assert (len(at.table), len(at.dataframe)) == (1, 0)  # the ranked table only, no empty lists


def test_targets_restored_from_a_file_change_the_ranking_and_problems_are_listed():
    at = run_app(page=PAGE, query=Q1)
    upload = b"stage,target_pct\nNeeds analysis,80\nLead identification,90\nNo such stage,50\n"
    at.file_uploader(key="bottlenecks_targets_file").upload("stage-targets.csv", upload, "text/csv").run()
    assert not at.exception
    assert [row[0] for row in ranking(at)][:3] == [
        "Solution design → Quote & negotiation", "Lead identification → Qualification", "Needs analysis → Solution design",
    ]  # fmt: skip
    assert at.number_input(key="bottlenecks_target_2").value == 80
    notes = " ".join(w.value for w in at.warning)
    assert "Restored 2 targets" in notes and "Line 4" in notes and "No such stage" in notes
