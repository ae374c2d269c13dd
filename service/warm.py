"""The meeting's first screen, computed alongside the first visitor: each region's latest week.

Run once per server process in a second thread (ui/session.py), through the same cache the pages use. It takes
the weekly page's queries in the reverse of the page's order, so that while the page computes its first panels
this thread computes its last ones on the other core (Streamlit's cache lets a second caller of a query in
progress wait for it instead of computing it again). The calls mirror pages/weekly.py with no branch picked;
a call that no longer matches only loses the head start.
"""
from __future__ import annotations

import polars as pl

from service import days, evaluation, follow_ups, marts, reference, staffing
from service.reader import Reader


def default_view(r: Reader, granularity: str = "week") -> None:
    """Compute (and so cache) the weekly page's queries for every region's default period."""
    period = reference.default_period(r, granularity)
    if period is None:
        return
    every = reference.branches(r)
    for region in every["region_code"].unique(maintain_order=True):
        codes = tuple(every.filter(pl.col("region_code") == region)["branch_code"])
        follow_ups.open_follow_ups(r, region, period, granularity)
        marts.red_branches(r, granularity, region, period)
        marts.zone_strip(r, granularity, region, period)
        evaluation.what_changed(r, granularity, region, period)
        marts.headline(r, granularity, region, period)
        staffing.short_hours(r, codes, period, granularity)
        days.breach_days(r, granularity, region, period)
        evaluation.attention(r, granularity, region, period)
