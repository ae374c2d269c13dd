"""Known events as a viewer reads them, and who may write them.

Not cached: people write events between ETL batches, and the table is small.
"""
from __future__ import annotations

import datetime as dt

import polars as pl

from etl import annotations
from etl.kpis.periods import period_after
from service.access import Viewer
from service.reader import Reader


def events(r: Reader, region: str, first: dt.date = dt.date.min, last: dt.date = dt.date.max) -> pl.DataFrame:
    """The region's events (its own and its branches') overlapping first..last, earliest first; a branch manager
    reads the region's and their own branch's only."""
    r.require_region(region)
    found = annotations.events(r.engine, [region], first, last)
    if r.viewer.own_branch is None:
        return found
    return found.filter(pl.col("branch_code").is_null() | (pl.col("branch_code") == r.viewer.own_branch))


def chart_events(r: Reader, region: str, codes: tuple[str, ...] | list[str] = ()) -> pl.DataFrame:
    """The events a time chart of the region and the branches `codes` draws: the region's, and those branches' own."""
    found = events(r, region)
    return found.filter(pl.col("branch_code").is_null() | pl.col("branch_code").is_in(list(codes)))


def with_during(r: Reader, rows: pl.DataFrame, region: str, period: dt.date, granularity: str) -> pl.DataFrame:
    """`rows` (level, code) of one period with `during`: the labels of the events of their scope in the period."""
    last = period_after(period, granularity) - dt.timedelta(days=1)
    return annotations.during(rows, events(r, region, period, last), period, last)


def may_write(viewer: Viewer, region: str, branch: str | None) -> bool:
    """A regional head writes any event of their region; a branch manager only their own branch's."""
    if not viewer.sees_region(region):
        return False
    return viewer.own_branch is None or (branch is not None and branch == viewer.own_branch)
