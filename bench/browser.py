"""Page loads as a person feels them: Pantau against a bare one-chart Streamlit page, in Chromium, same run.

    DATABASE_URL=sqlite:////tmp/demo.db .venv/bin/python -m bench.browser [--rounds 3]

Both apps are started the same way (`streamlit run`, headless) and opened in Debian's Chromium through
Playwright. A load is timed from navigation until Streamlit's script has finished and no skeleton is left,
as the browser tests wait. Reported: each app's first load after start; then every Pantau page opened by URL
with a period not opened before (no cache can hold it), against fresh loads of the bare page; medians over
`--rounds`. Targets (issue 11): first page within 1.5 s of the bare page's first load; pages within 1.3× the
bare page's load, median over the pages.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PAGES = ("", "follow-ups", "evaluation", "report-card", "trends", "compliance", "compare", "queue", "claims",
         "complaints", "data")
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(script: str):
    """`streamlit run script` on a free port, yielding its URL once healthy."""
    port = _free_port()
    env = {**os.environ, "PANTAU_OPEN_DEMO": "1"}
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
                               "--server.headless", "true"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def load_ms(browser, url: str) -> float:
    """One load in a fresh browser context (no session, no browser cache), in milliseconds."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(READY, timeout=120_000)
    page.wait_for_function("!document.querySelector(\"[data-testid='stSkeleton']\")", timeout=60_000)
    elapsed = (time.perf_counter() - started) * 1000
    context.close()
    return elapsed


def weeks_before(end: dt.date, count: int) -> list[dt.date]:
    monday = end - dt.timedelta(days=end.weekday())
    return [monday - dt.timedelta(weeks=i) for i in range(1, count + 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latest", type=dt.date.fromisoformat, required=True,
                        help="the latest loaded week's Monday; each page opens an earlier week, one per load")
    args = parser.parse_args()
    periods = iter(weeks_before(args.latest, args.rounds * len(PAGES) + 1))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        with served("bench/bare_page.py") as bare_url, served("dashboard.py") as app_url:
            bare_first, app_first = load_ms(browser, bare_url), load_ms(browser, app_url)
            bare, pages = [], {path: [] for path in PAGES}
            for _ in range(args.rounds):
                for path in PAGES:
                    bare.append(load_ms(browser, bare_url))
                    pages[path].append(load_ms(browser, f"{app_url}/{path}?p={next(periods).isoformat()}"))
        browser.close()
    bare_median = statistics.median(bare)
    print(f"first load after start: bare {bare_first:.0f} ms, Pantau {app_first:.0f} ms, "
          f"difference {app_first - bare_first:+.0f} ms (target ≤ +1500)")
    print(f"\n| page | median ms | × bare ({bare_median:.0f} ms) |\n|---|---|---|")
    ratios = []
    for path, times in pages.items():
        ratios.append(statistics.median(times) / bare_median)
        print(f"| /{path} | {statistics.median(times):.0f} | {ratios[-1]:.2f} |")
    print(f"\nmedian over the pages: {statistics.median(ratios):.2f} × the bare page (target ≤ 1.3)")


if __name__ == "__main__":
    main()
