"""Server-side render time of every page, cold (empty caches) and warm (cached), measured with AppTest.

    DATABASE_URL=sqlite:///data/pantau.db .venv/bin/python -m bench.pages [--warm-runs 5]

Prints a Markdown table for bench/RESULTS.md. The time is one full script run: the router with its
sidebar queries, then the page.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from etl.settings import database_url

ENTRY = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PAGES = ("weekly", "follow_ups", "evaluation", "report_card", "trends", "compliance", "compare", "queue", "claims",
         "complaints", "data")
BUDGET_MS = {"warm": 300, "cold": 1500}


def timed_run(app: AppTest) -> float:
    """Milliseconds for one script run; a page that raises is a failed benchmark, not a fast one."""
    started = time.perf_counter()
    app.run()
    elapsed = (time.perf_counter() - started) * 1000
    if app.exception:
        raise RuntimeError(app.exception[0].value)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm-runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("PANTAU_OPEN_DEMO", "1")  # pages are timed as the open demo: no sign-in in between
    app = AppTest.from_file(ENTRY, default_timeout=300)
    app.run().run()  # the first run goes through Streamlit's old `pages/` mode; settle before timing
    print(f"Database: {database_url()}\n")
    print("| page | cold (ms) | warm, median of %d (ms) | within budget |" % args.warm_runs)
    print("|---|---:|---:|---|")
    for page in PAGES:
        st.cache_data.clear()
        st.cache_resource.clear()
        app.switch_page(f"pages/{page}.py")
        cold = timed_run(app)
        warm = statistics.median(timed_run(app) for _ in range(args.warm_runs))
        ok = cold <= BUDGET_MS["cold"] and warm <= BUDGET_MS["warm"]
        print(f"| {page} | {cold:.0f} | {warm:.0f} | {'yes' if ok else 'NO'} |")


if __name__ == "__main__":
    main()
