"""Upload in a real browser: one Chromium context uploads the Maven files through the page's file
uploader and sees its numbers on the Overview; a second context, at the same time, still sees the
company data (uploads are private to the browser session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser

MAVEN = Path(__file__).resolve().parents[1] / "data" / "maven_crm"


def metric(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def test_upload_is_private_to_its_session(start_server, tiny_path, browser, shots):
    server = start_server(tiny_path)
    uploader = browser.new_context(viewport={"width": 1920, "height": 1080})
    other = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        page = uploader.new_page()
        # the server's very first request is the Upload page itself (a copied link): it must get the sidebar
        page.goto(server.url + "/upload")
        page.wait_for_selector('[data-testid="stSidebar"] >> text=Filters', timeout=60_000)
        page.wait_for_selector('[data-testid="stFileUploader"]', timeout=60_000)
        page.wait_for_selector("text=No upload yet", timeout=60_000)
        files = sorted(str(p) for p in MAVEN.glob("*.csv"))
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(files)
        page.wait_for_selector("text=Loaded 8,800 deals", timeout=120_000)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
        page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
        page.screenshot(path=str(shots / "upload-report-1920.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 720})
        page.wait_for_timeout(500)
        page.screenshot(path=str(shots / "upload-report-1280.png"))
        page.get_by_role("button", name="Apply corrections").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "upload-mapping-1280.png"))
        page.set_viewport_size({"width": 1920, "height": 1080})
        page.get_by_text("Rejected rows and warnings, row by row").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "upload-issues-1920.png"))
        page.get_by_role("button", name="Apply corrections").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "upload-mapping-1920.png"))

        page.get_by_text("Open the Overview on this data").click()
        page.wait_for_selector("text=Pipeline overview", timeout=60_000)
        wait_for_app(page)
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=\"stMetricValue\"]')].some(e => e.innerText === '4,238')",
            timeout=60_000,
        )
        assert metric(page, "Deals won") == "4,238"
        assert metric(page, "Open deals") == "2,089"
        page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"]').length >= 2", timeout=60_000)
        page.wait_for_timeout(1500)  # let Plotly draw
        page.screenshot(path=str(shots / "upload-overview-1920.png"), full_page=True)

        second = other.new_page()
        second.goto(server.url + "/")
        wait_for_app(second)
        assert metric(second, "Deals won") != "4,238"
        assert second.get_by_text("Dataset: company database").count() == 1
        second.screenshot(path=str(shots / "upload-other-session-1920.png"), full_page=True)

        # the uploader's session can go back to the company data and remove its upload
        page.get_by_text("Remove upload").click()
        page.wait_for_selector("text=Dataset: company database", timeout=60_000)
        wait_for_app(page)
        company_won = metric(second, "Deals won")
        # the cards redraw after the dataset switch: wait for the company figure, not a stale card
        page.wait_for_function(
            "(won) => [...document.querySelectorAll('[data-testid=\"stMetric\"]')]"
            ".some(m => m.innerText.includes('Deals won') && m.innerText.includes(won))",
            arg=company_won,
            timeout=60_000,
        )
        assert metric(page, "Deals won") == company_won
    finally:
        uploader.close()
        other.close()


def test_chinese_export_in_chinese(start_server, tiny_path, browser, shots, tmp_path):
    import crm_fixtures as cf

    files = []
    for name, data in cf.as_files(cf.chinese(), "csv"):
        path = tmp_path / name
        path.write_bytes(data)
        files.append(str(path))
    server = start_server(tiny_path)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.goto(server.url + "/upload?lang=zh")
        page.wait_for_selector('[data-testid="stFileUploader"]', timeout=60_000)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(files)
        page.wait_for_selector("text=已从 1 个工作表载入 24 个商机", timeout=120_000)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
        page.screenshot(path=str(shots / "upload-zh-1280.png"))
        page.get_by_text("列映射", exact=True).scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "upload-zh-mapping-1280.png"))
    finally:
        context.close()
