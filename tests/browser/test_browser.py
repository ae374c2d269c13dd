"""Every page in a real headless Chromium: it finishes running, shows no error, draws its charts.

Screenshots land in tests/screenshots/ (git-ignored), one per page and language, for a human to look at.
The drill-down gestures are played as a user would: pick a row of the weekly page's flagged table and press
"Buka tren", or click a bar of the compliance ranking; both must land on the trend page for that branch.
Skips when Debian's chromium is missing; never downloads a browser.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from present.words import t
from tests.conftest import CHROMIUM

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
# url path → the fewest charts the page must draw on the demo data.
PAGES = {"": 1, "follow-ups": 0, "evaluation": 2, "report-card": 2, "trends": 1, "compliance": 3, "compare": 3,
         "queue": 5, "claims": 6, "complaints": 5, "data": 0}

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (.ci/run installs it)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(demo_db_url):
    """`streamlit run dashboard.py` on a free port, against the demo database."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": demo_db_url, "PANTAU_OPEN_DEMO": "1"}  # the demo, without sign-in
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("streamlit did not start within 60 s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_for_app(page) -> None:
    """Wait as Streamlit's own e2e suite does: the script is done and no skeleton is left."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_function("!document.querySelector(\"[data-testid='stSkeleton']\")", timeout=30_000)


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_in_browser(app_url, browser, path, lang):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    try:
        page.goto(f"{app_url}/{path}?lang={lang}")
        _wait_for_app(page)
        for failure in ("stException", "stAlertContentError"):
            shown = page.locator(f"[data-testid='{failure}']")
            assert shown.count() == 0, shown.first.inner_text()
        charts = page.locator("[data-testid='stPlotlyChart']")
        if PAGES[path]:
            charts.first.locator(".main-svg").first.wait_for(timeout=30_000)
        assert charts.count() >= PAGES[path]
        SCREENSHOTS.mkdir(exist_ok=True)
        # The app scrolls inside its own container, so grow the window to the content to capture all of it.
        height = page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollHeight")
        page.set_viewport_size({"width": 1600, "height": min(max(height, 1000), 12_000)})
        page.wait_for_timeout(500)
        page.screenshot(path=SCREENSHOTS / f"{path or 'weekly'}_{lang}.png", full_page=True)
    finally:
        page.close()


# --- drill-down gestures ------------------------------------------------------------------------------------------

# Glide data grid (st.dataframe) draws on a canvas; these sizes are the ones Streamlit's own e2e helpers click by.
ROW_MARKER_WIDTH_PX = 30  # the row-selection checkbox column, present when on_select is on
ROW_HEIGHT_PX = 35  # the header row and every data row
FLAGGED_TABLES = ("attention", "red_branches")  # the weekly page's selectable tables, by widget key


def _select_table_row(page, table, row: int) -> None:
    """Tick the checkbox of data row `row` (0-based) as a mouse does, until the grid reports it selected.

    The click goes to the row-marker column at the row's left edge, relative to the stDataFrame box (the canvas
    itself is covered by the grid's scroller, which would swallow a click on it). A click that lands before the
    grid is ready is lost, so it is repeated, but only while the row is not selected: a second click would untick it.
    """
    grid_row = table.locator(f"table[role='grid'] tr[aria-rowindex='{row + 2}']")
    for _ in range(3):
        table.click(position={"x": ROW_MARKER_WIDTH_PX / 2, "y": (row + 1.5) * ROW_HEIGHT_PX})
        try:
            grid_row.and_(table.locator("tr[aria-selected='true']")).wait_for(state="attached", timeout=5_000)
            return
        except Exception:  # noqa: BLE001 (Playwright's TimeoutError; try the click again)
            continue
    pytest.fail(f"row {row} of the table never became selected")


def _expect_trend_page(page, branch_name: str, kpi_label: str | None = None, branch_code: str | None = None) -> None:
    """The trend page is open with exactly `branch_name` picked in the sidebar (and `kpi_label` as the KPI)."""
    expect = pytest.importorskip("playwright.sync_api").expect
    page.wait_for_url(re.compile(r"/trends(\?|$)"), timeout=30_000)
    _wait_for_app(page)
    expect(page.locator("h1").first).to_have_text(t("page_trends", "id"))
    expect(page.locator(".st-key-b [data-tag]")).to_have_text([branch_name])
    # The pick is mirrored into the URL once the page has run: one branch, as a code.
    expect(page).to_have_url(re.compile(r"[?&]b=" + (re.escape(branch_code) if branch_code else r"[^&]+") + r"(&|$)"))
    assert len(urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["b"]) == 1, page.url
    if kpi_label is not None:
        expect(page.locator(".st-key-kpi input[role='combobox']")).to_have_value(kpi_label)
    # With one branch picked the page draws its small multiples under that branch's name.
    expect(page.get_by_text(t("small_multiples", "id", branch=branch_name))).to_be_visible()
    page.locator("[data-testid='stPlotlyChart'] .main-svg").first.wait_for(timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0


def _screenshot(page, name: str, top: bool = True) -> None:
    """The window, tall enough to show the sidebar's branch pick; from the top of the page unless `top` is False."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1600, "height": 1300})
    if top:  # the app scrolls inside stMain, and keeps that scroll across a page switch
        page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollTo(0, 0)")
    page.wait_for_timeout(500)  # let plotly finish its transition before the picture
    page.screenshot(path=SCREENSHOTS / f"drill_{name}.png")


def test_table_row_drills_to_trend(app_url, browser):
    """Weekly page: tick a flagged row, press "Buka tren", land on that branch's (and that KPI's) trend."""
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    try:
        page.goto(f"{app_url}/?lang=id")
        _wait_for_app(page)
        key = next((k for k in FLAGGED_TABLES if page.locator(f".st-key-{k} [data-testid='stDataFrame']").count()),
                   None)
        assert key, "the demo region has no flagged branch or KPI on the weekly page"
        table = page.locator(f".st-key-{key} [data-testid='stDataFrame']")
        table.scroll_into_view_if_needed()
        grid = table.locator("table[role='grid']")  # the grid's accessible twin of the canvas: real text per cell
        grid.locator("tr[aria-rowindex='2']").wait_for(state="attached", timeout=30_000)
        # The second row when there is one, so that a handler which always took the first row would fail.
        row = 1 if int(grid.get_attribute("aria-rowcount")) > 2 else 0
        branch_name = table.get_by_test_id(f"glide-cell-1-{row}").inner_text()
        kpi_label = table.get_by_test_id(f"glide-cell-2-{row}").inner_text() if key == "attention" else None
        assert branch_name

        _select_table_row(page, table, row)
        button = page.locator(f".st-key-{key}_trend button")
        button.wait_for(timeout=30_000)  # drawn by the rerun the selection triggers
        _wait_for_app(page)
        _screenshot(page, "table_selected", top=False)
        button.click()
        _expect_trend_page(page, branch_name, kpi_label)
        _screenshot(page, "table_trend")
    finally:
        page.close()


def test_chart_bar_click_drills_to_trend(app_url, browser):
    """Compliance page: click a bar of the ranking (plotly, on_select="rerun") and land on that branch's trend.

    Playwright's element click refuses a bar (plotly's drag layer lies over it), so the mouse moves onto the bar's
    middle, rests so plotly registers the hover, then presses: plotly_click fires and Streamlit reruns.
    """
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    try:
        page.goto(f"{app_url}/compliance?lang=id")
        _wait_for_app(page)
        chart = page.locator(".st-key-ranking [data-testid='stPlotlyChart']")
        chart.locator(".main-svg").first.wait_for(timeout=30_000)
        chart.scroll_into_view_if_needed()
        trace = chart.locator(".js-plotly-plot").evaluate(
            "plot => ({names: plot.data[0].y, codes: plot.data[0].customdata, values: plot.data[0].x})")
        drawn = [i for i, value in enumerate(trace["values"]) if value > 0]  # a zero-length bar has nothing to click
        assert len(drawn) >= 2, trace
        index = drawn[len(drawn) // 2]  # a middle bar, neither the first nor the last drawn
        bar = chart.locator(".bars .point").nth(index)
        plot = chart.locator(".js-plotly-plot")
        for attempt in range(2):
            box = bar.bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.move(x - 5, y)
            page.mouse.move(x, y, steps=3)
            page.wait_for_timeout(300)
            page.mouse.down()
            page.mouse.up()
            try:
                page.wait_for_url(re.compile(r"/trends(\?|$)"), timeout=15_000)
                break
            except Exception:  # noqa: BLE001 (Playwright's TimeoutError)
                # Click again only when plotly did not take the first one: a taken click awaits a slow rerun,
                # and a second click would land on whatever page that rerun opens.
                taken = "/compliance" not in page.url or plot.evaluate("p => !!p.data[0].selectedpoints")
                if attempt or taken:
                    page.wait_for_url(re.compile(r"/trends(\?|$)"), timeout=30_000)
                    break
        _expect_trend_page(page, trace["names"][index], branch_code=trace["codes"][index])
        _screenshot(page, "chart_trend")
    finally:
        page.close()
