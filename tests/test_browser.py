"""Every page in a real headless Chromium: it finishes running, shows no error, draws its charts.

Screenshots land in tests/screenshots/ (git-ignored), one per page and language, for a human to look at.
Skips when Debian's chromium is missing; never downloads a browser.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
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
    env = {**os.environ, "DATABASE_URL": demo_db_url}
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


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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

