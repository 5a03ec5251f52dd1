"""The Reps page through Streamlit's AppTest, on the reps fixture (April 2025, as of Apr 15)."""

from __future__ import annotations

import pytest
from conftest import build_from_sql
from pagetest import metric_values, run_app

from salesdash import db

pytestmark = pytest.mark.page

PAGE = "pages/reps.py"
APRIL = {"from": "2025-04-01", "to": "2025-04-30"}


@pytest.fixture(scope="module")
def reps_path(tmp_path_factory):
    return build_from_sql(tmp_path_factory.mktemp("reps_page") / "reps.duckdb", "reps.sql")


@pytest.fixture(autouse=True)
def reps_company(reps_path, monkeypatch):
    monkeypatch.setenv("SALESDASH_DB", str(reps_path))


def board(at) -> list[str]:
    """Rep labels of the leaderboard, top to bottom."""
    return at.dataframe[0].value["Rep"].tolist()


def test_page_renders_every_part():
    at = run_app(page=PAGE, query=APRIL)
    assert not at.exception
    assert at.title[0].value == "Rep performance"
    # ranked by the Wilson lower bound: Ann (12/20) above Al (2/2); all three have < 30 closed
    assert board(at) == ["Ann Archer ⚠", "Al Avery ⚠", "Bo Brandt ⚠"]
    first = at.dataframe[0].value.iloc[0]
    assert first["Won value ($)"] == 1200 and first["Pacing"] == pytest.approx(80)
    # quota bars, team quota, heatmap, scatter, per-won bars, mix, rep funnel and trend
    assert len(at.get("plotly_chart")) == 8
    assert any("Bo Brandt" in w.value for w in at.warning)  # busy but not converting
    # rep detail opens on the top-ranked rep
    values = metric_values(at)
    assert values["Won value"] == "$1.20K" and values["Pacing"] == "80%"
    assert any("Not enough pipeline" in m.value for m in at.markdown)


def test_sidebar_filter_changes_the_numbers():
    at = run_app(page=PAGE, query=APRIL)
    at.multiselect(key="f_channels").select("Partner").run()
    assert not at.exception
    table = at.dataframe[0].value.set_index("Rep")
    # Partner deals are all Bo's: he tops the board, Ann keeps her quota with nothing won
    assert table.index[0] == "Bo Brandt ⚠"
    assert table.loc["Ann Archer ⚠", "Won value ($)"] == 0
    # the detail stays on the rep the manager was looking at (Ann), now with her Partner figures
    assert metric_values(at)["Won value"] == "$0"


def test_rep_picker_changes_the_detail():
    at = run_app(page=PAGE, query=APRIL)
    before = metric_values(at)
    at.selectbox(key="reps_detail_rep").select("B1").run()
    assert not at.exception
    after = metric_values(at)
    assert (before["Won value"], after["Won value"]) == ("$1.20K", "$600")
    assert after["Pacing"] == "200%"
    assert any("Wins less often than all reps" in m.value for m in at.markdown)


def test_rank_by_and_subtotals():
    at = run_app(page=PAGE, query=APRIL)
    at.selectbox(key="reps_sort.en").select("pacing").run()
    assert board(at)[0] == "Bo Brandt ⚠"
    at.toggle(key="reps_subtotals").set_value(True).run()
    assert not at.exception
    assert board(at) == ["Bo Brandt ⚠", "Σ T2", "Ann Archer ⚠", "Al Avery ⚠", "Σ T1", "Total"]


def test_chinese():
    # switching pages with lang=zh in the URL trips AppTest over the sidebar's translated period
    # options, so the language is switched on the page instead, as a user does
    at = run_app(page=PAGE, query=APRIL)
    at.radio(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == "销售代表业绩"
    assert "成交金额" in metric_values(at)


def test_without_quotas_or_activities(tmp_path, monkeypatch, reps_path):
    bare = tmp_path / "bare.duckdb"

    def fill(c: db.Connection) -> None:
        c.execute(f"ATTACH '{reps_path}' AS src (READ_ONLY)")
        for table in (*db.TABLES, "dataset_info"):
            if table not in ("quotas", "activities"):
                c.execute(f"INSERT INTO {table} SELECT * FROM src.{table}")
        c.execute("DETACH src")

    db.build_database_file(bare, fill)
    monkeypatch.setenv("SALESDASH_DB", str(bare))
    at = run_app(page=PAGE, query=APRIL)
    assert not at.exception
    notes = " ".join(i.value for i in at.info)
    assert "no quotas" in notes and "tracks no activities" in notes
    assert "Attainment" not in at.dataframe[0].value.columns
    assert "Pacing" not in metric_values(at)
    # stage heatmap and the rep's funnel and trend still show
    assert len(at.get("plotly_chart")) == 3


def test_nothing_matches_says_so():
    at = run_app(page=PAGE, query={"from": "2019-01-01", "to": "2019-03-31"})
    assert not at.exception
    assert any("No deals match" in w.value for w in at.warning)
