"""Presentation mode in a real Chromium at a projector's 1280×720: `?present=1` hides the sidebar and the demo
banner, the buttons step through every panel, and no panel is cut or needs scrolling, paged promises included.

Screenshots land in tests/screenshots/ (git-ignored), one per panel and language, for a human to look at.
Skips when Debian's chromium is missing; never downloads a browser.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from etl import follow_ups
from etl.db import make_engine
from present.words import t
from service import reference
from service.reader import Reader
from tests.browser.test_browser import SCREENSHOTS, _free_port, _wait_for_app
from tests.conftest import CHROMIUM
from tests.ui_db import copy_of_demo

ROOT = Path(__file__).resolve().parents[2]
PANELS = 4
PROMISES = 6  # two pages of the promises panel
# Elements in the main area whose content is wider than the element: a table or label cut, or scrolled sideways.
CUT_JS = """() => {
  const found = [];
  for (const el of document.querySelector('[data-testid="stMain"]').querySelectorAll('*')) {
    const s = getComputedStyle(el);
    if (el.clientWidth === 0 || s.visibility === 'hidden' || s.display === 'none') continue;
    const clips = ['hidden', 'auto', 'scroll', 'clip'].includes(s.overflowX) || s.textOverflow === 'ellipsis';
    if (clips && el.scrollWidth > el.clientWidth + 2) found.push(el.className || el.tagName);
  }
  return found;
}"""
OVERFLOW_JS = "(() => { const m = document.querySelector('[data-testid=stMain]'); " \
              "return m.scrollHeight - m.clientHeight; })()"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (.ci/run installs it)")


@pytest.fixture(scope="module")
def present_url(demo_db_url, tmp_path_factory):
    """The dashboard on a copy of the demo with PROMISES open follow-ups, so that the last panel pages."""
    url = copy_of_demo(demo_db_url, tmp_path_factory.mktemp("present") / "demo.db")
    engine = make_engine(url)
    period = reference.default_period(Reader.for_process(engine, "tests"), "week")
    for i in range(PROMISES):
        follow_ups.create(engine, branch_code=f"BTN{i + 1:02d}", topic="Antrean", owner="Kepala Cabang",
                          agreed="Tambah satu petugas loket pada jam sibuk pagi dan pantau waktu tunggu setiap hari",
                          due_date=period + dt.timedelta(days=2 * i), granularity="week", raised_period=period,
                          created_by="Kakanwil", kpi="wait_within_sop")
    engine.dispose()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": url, "PANTAU_OPEN_DEMO": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("streamlit did not start within 60 s")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def _fits(page, name: str) -> None:
    """Nothing cut sideways, nothing below the fold, no error; and a screenshot to look at."""
    assert page.locator("[data-testid='stException']").count() == 0
    page.wait_for_timeout(300)  # charts draw after the script ends
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"present_{name}.png")
    assert page.evaluate(CUT_JS) == [], name
    assert page.evaluate(OVERFLOW_JS) <= 1, f"{name} scrolls: it does not fit 720 px"


def _step(page, button: str, expect: str) -> None:
    """Press a bar or pager button and wait for the rerun that shows `expect`."""
    page.locator(f".st-key-{button} button").first.click()
    page.get_by_text(expect).first.wait_for(timeout=30_000)
    _wait_for_app(page)


# With a branch picked the tiles carry one more line (they are the region's), and the funnel names the branch.
@pytest.mark.parametrize(("lang", "picked"), [("id", ""), ("en", "&b=BTN03")])
def test_the_meeting_runs_from_tiles_to_promises_on_one_projector_screen_each(present_url, browser, lang, picked):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    expect = pytest.importorskip("playwright.sync_api").expect
    try:
        page.goto(f"{present_url}/?present=1&lang={lang}{picked}")
        _wait_for_app(page)
        assert not page.locator("[data-testid='stSidebar']").is_visible()
        assert not page.get_by_text(t("open_demo", lang)).is_visible()
        titles = ("panel_headline", "panel_attention", "panel_funnel", "panel_promises")
        for n, title in enumerate(titles, start=1):
            bar = page.locator(".st-key-present_bar")
            expect(bar).to_contain_text(t(title, lang))
            expect(bar).to_contain_text(t("panel_of", lang, index=n, count=PANELS))
            expect(page).to_have_url(re.compile(rf"[?&]panel={n}(&|$)"))
            if title == "panel_funnel":
                page.locator("[data-testid='stPlotlyChart'] .main-svg").first.wait_for(timeout=30_000)
            _fits(page, f"{n}_{lang}")
            if n < PANELS:
                _step(page, "panel_next", t("panel_of", lang, index=n + 1, count=PANELS))
        # The promises panel pages its rows with buttons instead of a grid that scrolls; a picked branch's one
        # promise needs no pager.
        assert page.locator("[data-testid='stDataFrame']").count() == 0
        if picked:
            assert page.locator(".st-key-promises_pager").count() == 0
        else:
            _step(page, "promises_next", t("rows_of", lang, first=5, last=PROMISES, total=PROMISES))
            _fits(page, f"{PANELS}_page2_{lang}")
        _step(page, "panel_previous", t("panel_of", lang, index=PANELS - 1, count=PANELS))
        _step(page, "present_exit", t("page_weekly", lang))
        expect(page.locator("[data-testid='stSidebar']")).to_be_visible()
        expect(page).not_to_have_url(re.compile(r"present="))
    finally:
        page.close()
