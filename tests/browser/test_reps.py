"""The Reps page in real Chromium on the demo company (40 reps): leaderboard and heatmap readable.

Each test opens /reps directly (a copied link), the first one on a fresh server.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from salesdash.demo import build_demo

pytestmark = pytest.mark.browser

AS_OF = date(2025, 11, 25)

# Bounding boxes of an SVG axis's tick labels inside the n-th plotly chart of the page.
TICK_BOXES = """([chart, axis]) => {
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  const svg = charts[chart] && charts[chart].querySelector('.main-svg');
  if (!svg) return [];
  return [...svg.querySelectorAll('.' + axis + 'tick text')]
    .map(t => t.getBoundingClientRect())
    .filter(r => r.width > 0)
    .map(r => ({top: r.top, bottom: r.bottom, left: r.left, right: r.right}));
}"""


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reps_browser") / "demo.duckdb"
    build_demo(path, deals=20_000, seed=7, as_of=AS_OF)
    return path


@pytest.fixture(scope="module")
def server(start_server, demo_db):
    return start_server(demo_db)


def open_reps(browser, server, width: int, height: int, query: str = ""):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server.url + "/reps" + query)
    # the leaderboard tab holds a table and no metric card: wait for the table instead
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll('[data-testid=\"stDataFrame\"]').length > 0",
        timeout=60_000,
    )
    page.get_by_role("tab").first.wait_for()
    page.wait_for_timeout(1500)  # charts finish drawing after the script run
    return page


def show_tab(page, name: str, ready: str = '[data-testid="stPlotlyChart"]') -> None:
    """Click a tab: the page reruns and draws only that tab; wait until its content is there."""
    page.get_by_role("tab", name=name).click()
    page.wait_for_function(
        "(ready) => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll(ready).length > 0",
        arg=ready,
        timeout=60_000,
    )
    page.wait_for_timeout(1200)  # charts finish drawing after the script run


def visible_chart_index(page) -> list[int]:
    """Indices (in document order) of the plotly charts currently visible."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
               .map((c, i) => [i, c.getBoundingClientRect().height > 0]).filter(p => p[1]).map(p => p[0])"""
    )


def assert_no_overlap(boxes: list[dict[str, float]], axis: str) -> None:
    start, end = ("top", "bottom") if axis == "y" else ("left", "right")
    ordered = sorted(boxes, key=lambda b: b[start])
    for a, b in zip(ordered, ordered[1:], strict=False):
        assert a[end] <= b[start] + 0.5, (a, b)


def test_leaderboard_and_heatmap_with_40_reps(browser, server, shots):
    page = open_reps(browser, server, 1920, 1080)
    assert page.locator('[data-testid="stSidebar"]').get_by_text("Filters", exact=True).is_visible()
    board = page.locator('[data-testid="stDataFrame"]').first
    board.wait_for()
    assert board.is_visible() and board.bounding_box()["height"] > 600  # ~20 rows on screen, then scroll
    assert page.get_by_text("Ranked by the lower end").is_visible()
    page.screenshot(path=str(shots / "reps-leaderboard-1920.png"))

    show_tab(page, "Stage strengths")
    [heat] = visible_chart_index(page)
    rows = page.evaluate(TICK_BOXES, [heat, "y"])
    assert len(rows) == 40
    assert_no_overlap(rows, "y")
    columns = page.evaluate(TICK_BOXES, [heat, "x"])
    assert len(columns) == 5
    assert_no_overlap(columns, "x")
    page.set_viewport_size({"width": 1920, "height": 1500})
    page.wait_for_timeout(800)
    page.screenshot(path=str(shots / "reps-heatmap-1920.png"))
    page.close()


def test_quota_and_activity_at_full_height(browser, server, shots):
    page = open_reps(browser, server, 1920, 2200)
    show_tab(page, "Quota")
    bars, _team = visible_chart_index(page)
    labels = page.evaluate(TICK_BOXES, [bars, "y"])
    assert len(labels) == 40
    assert_no_overlap(labels, "y")
    page.screenshot(path=str(shots / "reps-quota-1920.png"))

    show_tab(page, "Activity vs outcome", ready='[data-testid="stAlert"]')  # the quota tab has none
    warning = page.locator('[data-testid="stAlert"]').filter(has_text="Busy but not converting")
    assert warning.is_visible()
    text = warning.inner_text()
    assert "Lucas Reed" in text and "Ella Morgan" in text  # R07 and R23, planted
    page.screenshot(path=str(shots / "reps-activity-1920.png"))

    show_tab(page, "Rep detail", ready='[data-testid="stMetric"]')
    assert page.get_by_text("Strengths and weaknesses").is_visible()
    assert page.locator('[data-testid="stMetric"]').first.is_visible()
    page.screenshot(path=str(shots / "reps-detail-1920.png"))
    page.close()


def test_heatmap_readable_at_1280_in_chinese(browser, server, shots):
    page = open_reps(browser, server, 1280, 720, "?lang=zh")
    show_tab(page, "阶段强弱项")
    [heat] = visible_chart_index(page)
    rows = page.evaluate(TICK_BOXES, [heat, "y"])
    assert len(rows) == 40
    assert_no_overlap(rows, "y")
    assert_no_overlap(page.evaluate(TICK_BOXES, [heat, "x"]), "x")
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.wait_for_timeout(800)
    page.screenshot(path=str(shots / "reps-heatmap-1280-zh.png"))
    page.close()
