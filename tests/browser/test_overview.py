"""Overview in a real browser: KPIs and charts show, the language switches, a filter applies."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser


def metric(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]', has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def test_overview_in_chromium(start_server, demo_path, browser, shots):
    server = start_server(demo_path)
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(server.url + "/?period=this_quarter")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    assert page.locator('[data-testid="stMetric"]').count() == 10
    assert page.locator(".js-plotly-plot").count() == 2
    won_all = metric(page, "Won value")
    assert re.match(r"^\$[\d.,]+[KM]?$", won_all)
    page.screenshot(path=str(shots / "overview-en-1920.png"), full_page=True)

    # a filter from the sidebar: Partner only
    page.locator('[data-testid="stMultiSelect"]', has_text="Channel").locator("input").click()
    page.get_by_role("option", name="Partner").click()
    page.keyboard.press("Escape")
    page.wait_for_function(
        "(before) => { const v = [...document.querySelectorAll('[data-testid=stMetric]')]"
        ".find(m => m.innerText.includes('Won value')); return v && !v.innerText.includes(before); }",
        arg=won_all,
        timeout=30_000,
    )
    assert "ch=Partner" in page.url
    won_partner = metric(page, "Won value")
    assert won_partner != won_all

    # the URL reproduces the view for a colleague
    other = browser.new_page(viewport={"width": 1280, "height": 720})
    other.goto(page.url)
    wait_for_app(other)
    assert metric(other, "Won value") == won_partner
    other.close()

    # switch the whole UI to Chinese
    page.get_by_test_id("stSidebar").get_by_text("简体中文").click()
    page.wait_for_selector("text=销售管道概览", timeout=30_000)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    assert "lang=zh" in page.url
    assert page.get_by_text("成交金额").count() >= 1
    page.screenshot(path=str(shots / "overview-zh-1920.png"), full_page=True)
    page.close()


def test_a_copied_page_link_works_on_a_fresh_server(start_server, demo_path, browser, shots):
    # a new server process: its very first request is a page link, not the home page
    server = start_server(demo_path)
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(server.url + "/weekly?lang=zh&ch=Partner")
    page.wait_for_selector('[data-testid="stSidebar"] >> text=筛选', timeout=60_000)
    wait_for_app(page)
    assert "/weekly" in page.url and "ch=Partner" in page.url
    chip = page.locator('[data-testid="stMultiSelect"]', has_text="渠道")
    assert "合作伙伴" in chip.inner_text()
    assert page.get_by_test_id("stSidebarNav").get_by_text("概览").count() == 1  # page titles in Chinese too
    page.screenshot(path=str(shots / "direct-link-fresh-server.png"))
    page.close()
