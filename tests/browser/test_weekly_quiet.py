"""The Weekly review in Chromium on tests/data/tiny.sql, whose deals all lie in Dec 2024 – Jun 2025 while the
company file is read as of today: the default week (the last completed one) holds nothing, so the page says
so and where the data is, draws no chart of zero bars, and the week picker reaches the data's weeks."""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(start_server, tiny_path):
    return start_server(tiny_path)


def open_weekly(browser, server, query: str = ""):
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = ctx.new_page()
    page.goto(server.url + "/")  # a fresh server must run app.py (st.navigation) before a page's own URL
    wait_for_app(page)
    page.goto(f"{server.url}/weekly?{query}")
    wait_for_app(page)
    page.wait_for_function("() => document.body.innerText.includes('Weekly pipeline review')", timeout=60_000)
    page.wait_for_timeout(500)
    return ctx, page


def test_an_empty_week_says_so(browser, server, shots):
    ctx, page = open_weekly(browser, server)
    try:
        text = page.locator('[data-testid="stMain"]').inner_text()
        assert "Nothing to chart this week" in text
        assert "This week lies outside the data: its deals run from 1 Dec 2024 to 25 Jun 2025" in text
        assert page.locator(".js-plotly-plot").count() == 0
        page.screenshot(path=str(shots / "weekly-outside-data-1920.png"))
        # the picker lists the data's weeks after the year before today (typing narrows its long list)
        page.locator('[data-testid="stMain"] [data-testid="stSelectbox"] input').click()
        page.keyboard.type("Jun 2025")
        listed = page.get_by_role("option", name="23 Jun 2025 – 29 Jun 2025")
        listed.wait_for(timeout=30_000)
        page.screenshot(path=str(shots / "weekly-outside-data-picker-1920.png"))
        listed.click()
        page.wait_for_selector(".js-plotly-plot .bars .point path", timeout=60_000)
        wait_for_app(page)
        page.wait_for_timeout(800)
        assert "outside the data" not in page.locator('[data-testid="stMain"]').inner_text()
        page.screenshot(path=str(shots / "weekly-data-week-1920.png"))
    finally:
        ctx.close()
