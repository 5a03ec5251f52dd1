"""Forecast in a real browser: headline, the five charts, the accuracy table, a filter and Chinese."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser

CHARTS = 5  # roll-up and methods, simulation, time series, backtest, breakdown


def headline(page) -> str:
    card = page.locator('[data-testid="stMetric"]', has_text="Forecast ·").first
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def wait_for_charts(page, count: int = CHARTS) -> None:
    page.wait_for_function(
        f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {count}", timeout=60_000
    )


def open_forecast(browser, server, width: int, height: int, query: str = ""):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server.url + "/forecast" + query)  # a page link works on a fresh server too
    return page


def test_forecast_in_chromium(start_server, demo_path, browser, shots):
    server = start_server(demo_path)
    page = open_forecast(browser, server, 1920, 1080)
    wait_for_app(page)
    wait_for_charts(page)
    assert page.locator('[data-testid="stMetric"]').count() == 4
    before = headline(page)
    assert re.match(r"^\$[\d.,]+[KM]?$", before)
    assert page.get_by_text("The page trusts").count() == 1
    page.wait_for_function("() => document.querySelectorAll('[data-testid=stDataFrame]').length >= 4", timeout=60_000)
    page.screenshot(path=str(shots / "forecast-en-1920.png"), full_page=True)
    # the headline charts, one by one, for a close look
    for i, name in enumerate(["rollup", "simulation", "series", "backtest", "breakdown"]):
        page.locator(".js-plotly-plot").nth(i).screenshot(path=str(shots / f"forecast-chart-{name}.png"))

    # the whole page on a tall screen
    tall = open_forecast(browser, server, 1920, 4200)
    wait_for_charts(tall)
    tall.wait_for_function("() => document.querySelectorAll('[data-testid=stDataFrame]').length >= 4", timeout=60_000)
    tall.screenshot(path=str(shots / "forecast-en-1920-whole.png"))
    tall.close()

    # a sidebar filter changes the forecast
    page.locator('[data-testid="stMultiSelect"]', has_text="Channel").locator("input").click()
    page.get_by_role("option", name="Partner").click()
    page.keyboard.press("Escape")
    page.wait_for_function(
        "(before) => { const v = [...document.querySelectorAll('[data-testid=stMetric]')]"
        ".find(m => m.innerText.includes('Forecast ·')); return v && !v.innerText.includes(before); }",
        arg=before,
        timeout=60_000,
    )
    assert "ch=Partner" in page.url
    assert headline(page) != before

    # a small screen
    small = open_forecast(browser, server, 1280, 720)
    wait_for_app(small)
    wait_for_charts(small)
    small.screenshot(path=str(shots / "forecast-en-1280.png"), full_page=True)
    small.close()

    # Chinese
    page.get_by_test_id("stSidebar").get_by_text("简体中文").click()
    page.wait_for_selector("text=本期能否达成目标？", timeout=60_000)
    wait_for_charts(page)
    assert "lang=zh" in page.url
    page.close()
    zh = open_forecast(browser, server, 1920, 1080, "?lang=zh")
    zh.wait_for_selector("text=本期能否达成目标？", timeout=60_000)
    wait_for_charts(zh)
    zh.screenshot(path=str(shots / "forecast-zh-1920.png"), full_page=True)
    zh.close()
