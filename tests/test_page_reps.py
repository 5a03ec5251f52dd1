"""The Reps page through Streamlit's AppTest, on the reps fixture (April 2025, as of Apr 15).

The page's tabs run lazily (only the open tab is computed and drawn); a test opens a tab by setting
the tabs widget's value, as a click does.
"""

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


def open_tab(at, name: str, lang: str = "en"):
    # AppTest has no tab click; setting the tabs widget's value is undone by the value the element
    # tree still holds, so the page's kept tab is set and the widget starts afresh from it
    at.session_state["_reps_tab"] = name
    del at.session_state[f"reps_tab.{lang}"]
    at.run()
    assert not at.exception, at.exception
    return at


def board(at) -> list[str]:
    """Rep labels of the leaderboard, top to bottom."""
    return at.dataframe[0].value["Rep"].tolist()


def charts(at) -> int:
    return len(at.get("plotly_chart"))


def test_leaderboard_opens_first():
    at = run_app(page=PAGE, query=APRIL)
    assert not at.exception
    assert at.title[0].value == "Rep performance"
    # ranked by the Wilson lower bound: Ann (12/20) above Al (2/2); all three have < 30 closed
    assert board(at) == ["Ann Archer ⚠", "Al Avery ⚠", "Bo Brandt ⚠"]
    first = at.dataframe[0].value.iloc[0]
    assert first["Won value ($)"] == 1200 and first["Pacing"] == pytest.approx(80)
    # the roll-up below it: T1, T2, total
    assert at.dataframe[1].value["Group"].tolist() == ["T1", "T2", "Total"]
    assert charts(at) == 0  # other tabs are not drawn until opened


def test_every_tab_renders():
    at = run_app(page=PAGE, query=APRIL)
    assert charts(open_tab(at, "quota")) == 2  # attainment/pacing per rep, team against quota
    assert charts(open_tab(at, "stages")) == 1
    at = open_tab(at, "activity")
    assert charts(at) == 3  # scatter, per won deal, mix
    assert any("Bo Brandt" in w.value for w in at.warning)  # busy but not converting
    at = open_tab(at, "detail")
    assert charts(at) == 2  # the rep's funnel and months
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
    at = open_tab(at, "detail")
    assert metric_values(at)["Won value"] == "$600"  # the detail opens on the new top rep, Bo


def test_rep_picker_changes_the_detail_and_is_kept_across_tabs():
    at = open_tab(run_app(page=PAGE, query=APRIL), "detail")
    before = metric_values(at)
    at.selectbox(key="reps_detail_rep").select("B1").run()
    assert not at.exception
    after = metric_values(at)
    assert (before["Won value"], after["Won value"]) == ("$1.20K", "$600")
    assert after["Pacing"] == "200%"
    assert any("Wins less often than all reps" in m.value for m in at.markdown)
    at = open_tab(open_tab(at, "quota"), "detail")
    assert metric_values(at)["Won value"] == "$600"  # still Bo after a look at another tab


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
    at = open_tab(run_app(page=PAGE, query=APRIL), "detail")
    at.radio(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == "销售代表业绩"
    assert "成交金额" in metric_values(at)  # the open tab (rep detail) survives the switch


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
    assert any("no quotas" in i.value for i in at.info)
    assert "Attainment" not in at.dataframe[0].value.columns
    at = open_tab(at, "quota")
    assert charts(at) == 0 and any("no quotas" in i.value for i in at.info)
    at = open_tab(at, "activity")
    assert charts(at) == 0 and any("tracks no activities" in i.value for i in at.info)
    at = open_tab(at, "detail")
    assert "Pacing" not in metric_values(at)
    assert charts(at) == 2  # the rep's funnel and months still show


def test_nothing_matches_says_so():
    at = run_app(page=PAGE, query={"from": "2019-01-01", "to": "2019-03-31"})
    assert not at.exception
    assert any("No deals match" in w.value for w in at.warning)


def test_deals_only_dataset_renders_every_tab(tmp_path, monkeypatch, reps_path):
    """An export with deals and stages only (no reps table, quotas, activities, history or surveys)."""
    bare = tmp_path / "deals_only.duckdb"

    def fill(c: db.Connection) -> None:
        c.execute(f"ATTACH '{reps_path}' AS src (READ_ONLY)")
        for table in ("stages", "deals", "dataset_info"):
            c.execute(f"INSERT INTO {table} SELECT * FROM src.{table}")
        c.execute("DETACH src")

    db.build_database_file(bare, fill)
    monkeypatch.setenv("SALESDASH_DB", str(bare))
    at = run_app(page=PAGE, query=APRIL)
    assert not at.exception
    assert board(at)[0] == "A1 ⚠"  # no reps table: the id stands in for the name
    for tab in ("quota", "stages", "activity", "detail"):
        at = open_tab(at, tab)
    assert any("no survey responses" in i.value for i in at.info)
