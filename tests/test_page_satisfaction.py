"""The Satisfaction page through Streamlit's AppTest, on the 15-response fixture (tests/data/surveys.sql)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_from_sql
from pagetest import metric_values, run_app

pytestmark = pytest.mark.page

PAGE = "pages/satisfaction.py"
Q2 = {"from": "2025-04-01", "to": "2025-06-30"}


@pytest.fixture(scope="module")
def surveys_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_from_sql(tmp_path_factory.mktemp("sat_page") / "surveys.duckdb", "surveys.sql")


@pytest.fixture(scope="module")
def no_surveys_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same company without a single survey response (a CRM export without the survey sheet)."""

    return build_from_sql(tmp_path_factory.mktemp("sat_page_empty") / "no_surveys.duckdb", "surveys.sql",
                          then="DELETE FROM surveys")  # fmt: skip


@pytest.fixture(scope="module")
def nps_only_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A survey sheet with NPS scores only: no CSAT, no dimensions, no comments."""

    return build_from_sql(
        tmp_path_factory.mktemp("sat_page_nps") / "nps_only.duckdb",
        "surveys.sql",
        then="UPDATE surveys SET csat = NULL, product_quality = NULL, service_attitude = NULL,"
        " response_speed = NULL, comment = NULL",
    )


@pytest.fixture(autouse=True)
def company(surveys_db, monkeypatch):
    monkeypatch.setenv("SALESDASH_DB", str(surveys_db))


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def test_headline_trend_and_every_section_render():
    at = run_app(page=PAGE, query=Q2)
    assert not at.exception
    values = metric_values(at)
    assert values["NPS"] == "-7"  # (5 promoters - 6 detractors) / 15
    assert values["CSAT (% 4–5)"] == "53.3%"  # 8 of 15
    assert values["CSAT mean (1–5)"] == "3.27"  # 49 / 15
    assert values["Responses"] == "15"
    assert values["To follow up"] == "7"
    captions = texts(at.caption)
    assert "95% CI -50 to +37" in captions  # NPS -6.7 ± 43.2
    assert "95% CI 30.1% to 75.2%" in captions  # Wilson, CSAT share
    assert "Small sample: 15 responses" in texts(at.markdown)  # visible, not only in a tooltip
    # trend x2, distribution x2, driver matrix + dimension trend, segment NPS, sales link
    assert len(at.get("plotly_chart")) == 8
    tables = at.dataframe
    drivers = tables[0].value
    assert list(drivers["Dimension"]) == ["Response speed", "Service attitude", "Product quality"]
    follow = tables[2].value
    assert list(follow["Response"])[:2] == ["S15", "S14"] and len(follow) == 7
    assert len(at.download_button) >= 10  # CSV + Excel under every table


def test_sidebar_channel_filter_changes_the_numbers():
    at = run_app(page=PAGE, query=Q2)
    assert metric_values(at)["NPS"] == "-7"
    at.multiselect(key="f_channels").select("Direct").run()
    assert not at.exception
    # Direct = Acme's deal D1: S01 10, S02 10, S05 9, S14 2 -> (3 - 1) / 4 = +50
    assert metric_values(at)["NPS"] == "+50"
    assert metric_values(at)["Responses"] == "4"


def test_customer_type_from_the_url():
    at = run_app(page=PAGE, query=Q2 | {"ct": "Mid-market"})
    assert not at.exception
    assert metric_values(at)["NPS"] == "-75"  # S08 7, S10 6, S13 3, S15 0


def test_segments_switch_dimension():
    at = run_app(page=PAGE, query=Q2)
    segment_table = at.dataframe[1].value
    assert set(segment_table["Segment"]) == {"Enterprise", "Mid-market", "Small business"}
    at.segmented_control(key="sat_segment_by").set_value("reps").run()
    assert not at.exception
    reps = at.dataframe[1].value.set_index("Segment")
    assert reps.loc["陈静", "NPS"] == pytest.approx(-300 / 7)
    assert reps.loc["陈静", "Responses"] == "⚠ 7"  # small-sample mark beside the count


def test_comment_search_and_group_filter():
    at = run_app(page=PAGE, query=Q2)
    assert "12 comments match" in texts(at.caption)
    at.text_input(key="sat_search").input("慢").run()
    assert not at.exception
    assert "3 comments match" in texts(at.caption)  # S10, S12, S15
    at.text_input(key="sat_search").input("").run()
    at.multiselect(key="sat_groups").select("detractor").run()
    assert "6 comments match" in texts(at.caption)  # S10-S15


def test_chinese_page():
    # Switching the language in the sidebar: AppTest formats a widget's value outside the script run, where
    # the sidebar's language-dependent format functions read English, so it cannot rerun a zh page it switched to.
    at = run_app(page=PAGE, query=Q2)
    at.radio(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == "客户满意度"
    assert "净推荐值 NPS" in metric_values(at)
    comments = at.dataframe[3].value
    assert "客服态度差，响应慢" in set(comments["评论"])


def test_nothing_matches_says_so():
    at = run_app(page=PAGE, query={"from": "2019-01-01", "to": "2019-03-31"})
    assert not at.exception
    assert "No survey responses match" in texts(at.warning)
    assert len(at.get("plotly_chart")) == 0


def test_dataset_without_surveys_offers_the_template(no_surveys_db, monkeypatch):
    monkeypatch.setenv("SALESDASH_DB", str(no_surveys_db))
    at = run_app(page=PAGE, query=Q2)
    assert not at.exception
    assert "has no survey responses" in texts(at.info)
    assert len(at.get("plotly_chart")) == 0
    assert [b.proto.label for b in at.download_button] == ["Survey template (Excel, English + 中文 headers)"]


def test_nps_only_survey_says_what_is_missing(nps_only_db, monkeypatch):
    monkeypatch.setenv("SALESDASH_DB", str(nps_only_db))
    at = run_app(page=PAGE, query=Q2)
    assert not at.exception
    assert metric_values(at)["NPS"] == "-7"
    assert metric_values(at)["CSAT (% 4–5)"] == "—"
    notes = texts(at.info)
    assert "no CSAT scores" in notes and "no scores for product quality" in notes and "no comments" in notes
    # NPS trend, NPS distribution, segment NPS, sales link: no chart without data behind it
    assert len(at.get("plotly_chart")) == 4
