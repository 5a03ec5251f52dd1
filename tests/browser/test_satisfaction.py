"""Satisfaction in a real browser: cards, charts and tables show; comment search finds Chinese text;
the page works in Chinese and at 1280×720. Screenshots land in tests/artifacts/satisfaction-*.png."""

from __future__ import annotations

import pytest

from tests.browser.conftest import pick_option, wait_for_app

pytestmark = pytest.mark.browser

# the quarter of the planted Data Platform crisis in the demo built as of 2025-11-25 (docs/demo-data.md)
CRISIS = "from=2025-04-01&to=2025-06-30"
CHARTS = 8  # trend x2, distribution x2, driver matrix, dimension trend, segment NPS, sales link


def open_page(browser, server, query: str, width: int = 1920, height: int = 1080):
    page = browser.new_page(viewport={"width": width, "height": height})
    # A fresh server runs a deep link's page file on its own (Streamlit's pages/ directory mode) until
    # st.navigation has run once; open the app at its root first, as a person normally does.
    page.goto(server.url + "/")
    wait_for_app(page)
    page.goto(f"{server.url}/satisfaction?{query}")
    wait_for_app(page)
    page.wait_for_function(
        f"() => document.querySelectorAll('.js-plotly-plot').length >= {CHARTS}", timeout=60_000
    )
    return page


def wait_for_tables(page) -> None:
    """Every table has drawn its grid (they fill in after the charts)."""
    page.wait_for_function(
        "() => { const t = [...document.querySelectorAll('[data-testid=stDataFrame]')];"
        " return t.length >= 5 && t.every(e => e.querySelector('canvas')); }",
        timeout=60_000,
    )
    page.wait_for_timeout(500)


def metric(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]', has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def wait_for_change(page, label: str, before: str) -> None:
    """Wait until the card `label` shows something else than `before` (the rerun has landed)."""
    page.wait_for_function(
        "([label, before]) => { const m = [...document.querySelectorAll('[data-testid=stMetric]')]"
        ".find(e => e.innerText.includes(label)); return m && !m.innerText.includes(before); }",
        arg=[label, before],
        timeout=30_000,
    )
    wait_for_app(page)


def section_shot(page, heading: str, path, height: int = 1080) -> None:
    """Scroll a section's heading to the top and capture the viewport."""
    page.get_by_role("heading", name=heading).first.scroll_into_view_if_needed()
    page.get_by_role("heading", name=heading).first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(600)
    page.screenshot(path=str(path))


def test_satisfaction_in_chromium(start_server, demo_path, browser, shots):
    server = start_server(demo_path)
    page = open_page(browser, server, CRISIS)
    assert page.locator('[data-testid="stMetric"]').count() == 5
    assert page.locator(".js-plotly-plot").count() == CHARTS
    assert page.get_by_text("95% CI").count() >= 3
    wait_for_tables(page)
    page.screenshot(path=str(shots / "satisfaction-en-1920.png"))

    # the planted crisis: filter Data Platform, then response speed is fix-first #1
    responses = metric(page, "Responses")
    pick_option(page, "Product", "Data Platform")
    wait_for_change(page, "Responses", responses)
    assert "product=Data+Platform" in page.url or "product=Data%20Platform" in page.url
    page.wait_for_selector("text=#1 Response speed", timeout=30_000)
    section_shot(page, "Dimensions and drivers: what to fix first", shots / "satisfaction-drivers-1920.png")

    # comments: a Chinese search finds Chinese verbatims (the grid draws on a canvas: look at the shot)
    page.goto(f"{server.url}/satisfaction?period=last_12_months")
    wait_for_app(page)
    search = page.get_by_role("textbox", name="Search comments (any language)")
    search.fill("慢")
    search.press("Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stCaptionContainer]')]"
        ".some(e => /^[1-9][\\d,]* comments match/.test(e.innerText) && !e.innerText.includes('the newest 200'))",
        timeout=30_000,
    )
    wait_for_app(page)
    section_shot(page, "What customers say", shots / "satisfaction-comments-search-1920.png")

    # the whole page in Chinese
    page.get_by_test_id("stSidebar").get_by_text("简体中文").click()
    page.wait_for_selector("h1:has-text('客户满意度')", timeout=30_000)
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    assert "lang=zh" in page.url
    page.get_by_role("heading", name="客户满意度").first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(600)
    page.screenshot(path=str(shots / "satisfaction-zh-1920.png"))
    section_shot(page, "跟进名单：贬损者与低 CSAT，最新在前", shots / "satisfaction-follow-up-zh-1920.png")
    page.close()


def test_satisfaction_whole_page_and_small_screen(start_server, demo_path, browser, shots):
    server = start_server(demo_path)
    tall = open_page(browser, server, CRISIS, height=5200)  # every section in one picture
    wait_for_tables(tall)
    tall.screenshot(path=str(shots / "satisfaction-full-1920.png"))
    tall.close()
    small = open_page(browser, server, CRISIS, width=1280, height=720)
    assert small.locator('[data-testid="stMetric"]').count() == 5
    small.screenshot(path=str(shots / "satisfaction-en-1280.png"))
    small.close()
