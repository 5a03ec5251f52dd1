"""The Weekly review in Chromium: presentation mode at 1920×1080 and 1280×720 (every slide whole, no
scrollbar, nothing overlapping the navigation bar), a click on a waterfall bar, and the pack: the HTML
file opens with the network cut off and draws its chart; the workbook has one sheet per section."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from salesdash.demo import build_demo
from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser

AS_OF = date(2025, 11, 25)


@pytest.fixture(scope="module")
def server(start_server, tmp_path_factory):
    path = tmp_path_factory.mktemp("weekly_browser") / "demo.duckdb"
    build_demo(path, deals=20_000, seed=7, as_of=AS_OF)
    return start_server(path)


def open_page(browser, server, query: str, size: tuple[int, int], **context):
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]}, accept_downloads=True, **context)
    page = ctx.new_page()
    # a fresh server must run app.py (st.navigation) before a page's own URL routes through it
    page.goto(server.url + "/")
    wait_for_app(page)
    page.goto(f"{server.url}/weekly?{query}")
    wait_for_app(page)
    return ctx, page


def slide_layout(page) -> dict:
    return page.evaluate(
        """() => {
        const box = (sel) => { const e = document.querySelector(sel); if (!e) return null;
                               const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; };
        const doc = document.scrollingElement;
        const body = document.querySelector('.st-key-slide_body');
        let lowest = 0;
        for (const e of body.querySelectorAll('tr, [data-testid="stMetric"], .js-plotly-plot, [data-testid="stAlert"]')) {
            lowest = Math.max(lowest, e.getBoundingClientRect().bottom);
        }
        return {scroll: doc.scrollHeight - doc.clientHeight, innerHeight: window.innerHeight,
                head: box('.st-key-slide_head'), body: box('.st-key-slide_body'), nav: box('.st-key-slide_nav'),
                lowest: lowest, sidebar: !!document.querySelector('[data-testid="stSidebar"]:not([style*="none"])')
                          && getComputedStyle(document.querySelector('[data-testid="stSidebar"]')).display !== 'none',
                header: document.querySelector('.st-key-slide_head').innerText};
    }"""
    )


def wait_for_slide(page, number: int) -> None:
    page.wait_for_function(
        "(n) => { const nav = document.querySelector('.st-key-slide_nav'); return nav && nav.innerText.includes(n + ' / '); }",
        arg=number,
        timeout=60_000,
    )
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    if page.locator(".st-key-slide_body .stPlotlyChart").count():  # the flow slide: wait for its nine bars
        page.wait_for_function(
            "() => document.querySelectorAll('.st-key-slide_body .js-plotly-plot .bars .point path').length === 9",
            timeout=60_000,
        )
    page.wait_for_timeout(800)  # charts finish their layout


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)], ids=["1920", "1280"])
def test_presentation_slides_fit_the_screen(browser, server, shots, size):
    ctx, page = open_page(browser, server, "present=1", size)
    try:
        total = int(re.search(r"/ (\d+)", page.locator(".st-key-slide_nav").inner_text()).group(1))
        assert total >= 5
        for number in range(1, total + 1):
            wait_for_slide(page, number)
            page.screenshot(path=str(shots / f"weekly-present-{size[0]}-slide{number}.png"))
            layout = slide_layout(page)
            assert layout["scroll"] <= 0, f"slide {number} scrolls"
            assert not layout["sidebar"]
            assert layout["head"]["top"] >= 0 and layout["body"]["bottom"] <= layout["nav"]["top"] + 1
            assert layout["lowest"] <= layout["nav"]["top"], f"slide {number}: content under the navigation bar"
            # every slide names the week and the filters
            assert "17 Nov 2025 – 23 Nov 2025" in layout["header"] and "All deals" in layout["header"]
            chart = page.locator(".st-key-slide_body .js-plotly-plot")
            if chart.count():  # the chart fills most of the slide's height
                height = chart.first.bounding_box()["height"]
                assert height > 0.6 * (layout["body"]["bottom"] - layout["body"]["top"]), f"chart only {height}px"
            if number < total:
                page.keyboard.press("ArrowRight")  # keyboard-friendly: → is the Next button's shortcut
        page.keyboard.press("ArrowLeft")
        wait_for_slide(page, total - 1)
    finally:
        ctx.close()


def test_presentation_shows_filters(browser, server, shots):
    ctx, page = open_page(browser, server, "present=1&slide=2&ch=Partner&lang=zh", (1280, 720))
    try:
        wait_for_slide(page, 2)
        page.wait_for_selector(".js-plotly-plot .main-svg")
        page.screenshot(path=str(shots / "weekly-present-1280-zh-partner.png"))
        header = page.locator(".st-key-slide_head").inner_text()
        assert "管道变动" in header and "渠道: 合作伙伴" in header
        assert slide_layout(page)["scroll"] <= 0
    finally:
        ctx.close()


def test_clicking_a_bar_lists_its_deals(browser, server, shots):
    ctx, page = open_page(browser, server, "", (1920, 1080))
    try:
        page.wait_for_selector(".js-plotly-plot .bars .point path", timeout=60_000)
        bar = page.locator(".js-plotly-plot .bars .point path").nth(4).bounding_box()  # the Won bar
        x, y = bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2
        page.mouse.move(x, y)  # plotly finds the clicked bar from the hover under the pointer
        page.wait_for_timeout(300)
        page.mouse.click(x, y)
        page.wait_for_function("() => document.body.innerText.match(/Won: [0-9,]+ deals/)", timeout=60_000)
        wait_for_app(page)
        page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "weekly-bar-deals-1920.png"))
    finally:
        ctx.close()


def test_pack_opens_offline_and_workbook_has_every_section(browser, server, shots, tmp_path):
    ctx, page = open_page(browser, server, "", (1920, 1080))
    try:
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
        wait_for_app(page)
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name="Pack (HTML)").click()
        html_path = tmp_path / "pack.html"
        download.value.save_as(html_path)
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name="Pack (Excel)").click()
        xlsx_path = tmp_path / "pack.xlsx"
        download.value.save_as(xlsx_path)
    finally:
        ctx.close()
    text = html_path.read_text("utf-8")
    assert "Plotly.newPlot" in text
    assert not re.findall(r'<script[^>]*src="https?://', text)  # nothing loaded from the network
    offline = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    requests: list[str] = []

    def network_cut(route) -> None:  # the file itself may load; anything else is refused and recorded
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            requests.append(route.request.url)
            route.abort()

    offline.route("**/*", network_cut)
    try:
        page = offline.new_page()
        page.goto(html_path.as_uri())
        page.wait_for_selector(".js-plotly-plot .main-svg .bars .point path", timeout=30_000)
        assert page.locator(".js-plotly-plot .bars .point path").count() == 9
        assert page.locator("h2").count() == 5
        page.screenshot(path=str(shots / "weekly-pack-offline.png"), full_page=False)
        assert requests == []
    finally:
        offline.close()
    sheets = pd.read_excel(Path(xlsx_path), sheet_name=None, engine="calamine")
    assert list(sheets) == ["Summary", "Pipeline flow", "Flow deals", "Movers", "At risk", "By rep", "Notes"]
    assert len(sheets["Movers"]) > 100 and len(sheets["Summary"]) == 7
