"""The first screen's head start: warming computes exactly what the weekly page then reads from the cache."""
from __future__ import annotations

from etl.db import make_engine
from service import days, evaluation, reference, staffing
from service.reader import Reader
from service.warm import default_view


def test_warming_leaves_the_weekly_page_s_heavy_queries_in_the_cache(demo_db_url):
    engine = make_engine(demo_db_url)
    try:
        r = Reader.for_process(engine, "tests")
        default_view(r)
        warmed = set(r._kept)
        period = reference.default_period(r, "week")
        codes = tuple(reference.region_branches(r, "BTN")["branch_code"])
        # What the page asks for, with no branch picked, must be found, not computed again.
        evaluation.attention(r, "week", "BTN", period)
        days.breach_days(r, "week", "BTN", period)
        staffing.short_hours(r, codes, period, "week")
        evaluation.what_changed(r, "week", "BTN", period)
        assert set(r._kept) == warmed
        assert {name for _, name, _ in warmed} >= {"_attention", "_what_changed", "_breach_days"}
    finally:
        engine.dispose()
