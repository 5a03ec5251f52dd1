"""Funnel and Bottlenecks in a real browser: the funnel shows, clicking a stage lists its deals, the
planted patterns are named, and nothing runs off the page at 1920×1080 or 1280×720."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

MATURE = "period=last_12_months"  # a settled year of deals: the demo's patterns are plain in it


def ready(page, charts: int) -> None:
    """The script has finished and at least `charts` Plotly charts are drawn."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    page.wait_for_function(
        "(n) => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll('.js-plotly-plot .main-svg').length >= n",
        arg=charts,
        timeout=90_000,
    )
    page.wait_for_timeout(1_500)  # let Plotly finish laying out


def fits(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def tall_shot(page, path) -> None:
    """The whole page as one picture (Streamlit scrolls inside the app, so grow the window to fit)."""
    height = page.evaluate("document.querySelector('[data-testid=stMainBlockContainer]').scrollHeight")
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": min(int(height) + 120, 8000)})
    page.wait_for_timeout(1_500)
    page.screenshot(path=str(path))


def open_page(browser, server, path: str, width: int, height: int):
    """A fresh browser session on `path`, after the server has run the app's router once.

    (A server whose very first request is a page URL runs that page on its own, without app.py's
    router and sidebar: Streamlit takes pages/ for an old-style multipage folder until st.navigation
    has run. The URL's language and filters seed a session only on its first run, so the page itself
    is opened in a new session.)
    """
    warm = browser.new_page()
    warm.goto(server.url + "/")
    warm.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)  # app.py's router has run
    warm.close()
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server.url + path)
    return page


def click_bar(page, index: int) -> None:
    """Click one bar of the first chart (Plotly's drag layer sits on top, so click its position)."""
    box = page.locator(".js-plotly-plot").first.locator("g.point").nth(index).bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1280, 720)])
def test_funnel_click_a_stage_lists_its_deals(start_server, demo_path, browser, shots, width, height):
    server = start_server(demo_path)
    page = open_page(browser, server, f"/funnel?{MATURE}", width, height)
    ready(page, 5)
    assert page.get_by_text("Funnel: where deals leak").count() == 1
    assert page.locator('[data-testid="stDataFrame"]').count() == 1  # the lost deals only, so far
    assert fits(page)
    page.screenshot(path=str(shots / f"funnel-en-{width}.png"))

    click_bar(page, 3)  # Solution design
    page.wait_for_selector("text=reached Solution design", timeout=60_000)
    ready(page, 5)
    assert page.locator('[data-testid="stDataFrame"]').count() == 2  # the stage's deals appeared
    assert page.get_by_role("combobox").filter(has_text="Solution design").count() >= 0
    assert fits(page)
    page.screenshot(path=str(shots / f"funnel-en-{width}-clicked.png"))
    tall_shot(page, shots / f"funnel-en-{width}-full.png")
    page.close()


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1280, 720)])
def test_bottlenecks_name_the_planted_patterns(start_server, demo_path, browser, shots, width, height):
    server = start_server(demo_path)
    page = open_page(browser, server, f"/bottlenecks?{MATURE}", width, height)
    ready(page, 4)
    found = page.locator("[data-testid=stMainBlockContainer] li", has_text="Partner deals").first.inner_text()
    assert "leaving Solution design were lost" in found
    slow = page.locator("[data-testid=stMainBlockContainer] li", has_text="Team Cedar").first.inner_text()
    assert "in Qualification" in slow
    assert page.locator('[data-testid="stTable"]').count() == 2  # the ranked bottlenecks, time in stage
    assert fits(page)
    page.screenshot(path=str(shots / f"bottlenecks-en-{width}.png"))
    tall_shot(page, shots / f"bottlenecks-en-{width}-full.png")
    page.close()


def test_both_pages_in_chinese(start_server, demo_path, browser, shots):
    server = start_server(demo_path)
    page = open_page(browser, server, f"/funnel?{MATURE}&lang=zh", 1920, 1080)
    ready(page, 5)
    page.screenshot(path=str(shots / "funnel-zh-1920.png"))
    assert "销售漏斗：商机在哪里流失" in page.locator("h1").first.inner_text()
    page.close()
    page = open_page(browser, server, f"/bottlenecks?{MATURE}&lang=zh", 1920, 1080)
    ready(page, 4)
    page.screenshot(path=str(shots / "bottlenecks-zh-1920.png"))
    assert "合作伙伴渠道的商机" in page.locator("[data-testid=stMainBlockContainer] li").first.inner_text()
    page.close()
