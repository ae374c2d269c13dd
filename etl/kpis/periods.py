"""ISO weeks and calendar months as periods, keyed by their first day."""
from __future__ import annotations

import datetime as dt

import polars as pl

EVERY = {"week": "1w", "month": "1mo"}
GRANULARITIES = tuple(EVERY)


def period_start(ts: pl.Expr, granularity: str) -> pl.Expr:
    """The Monday (week) or the 1st (month) of the period holding `ts`."""
    return ts.dt.truncate(EVERY[granularity]).dt.date()


def period_end_date(start: pl.Expr, granularity: str) -> pl.Expr:
    """The last day of the period that starts at `start` (Sunday, or the month's last day)."""
    return start + pl.duration(days=6) if granularity == "week" else start.dt.month_end()


def previous_period(start: pl.Expr, granularity: str) -> pl.Expr:
    """The start of the period before the one that starts at `start`."""
    return start.dt.offset_by(f"-{EVERY[granularity]}")


def period_starts(first: dt.date, last: dt.date, granularity: str) -> pl.Series:
    """Every period start from the period holding `first` to the one holding `last`."""
    bounds = pl.select(
        first=period_start(pl.lit(first).cast(pl.Datetime), granularity),
        last=period_start(pl.lit(last).cast(pl.Datetime), granularity),
    ).row(0)
    return pl.date_range(bounds[0], bounds[1], interval=EVERY[granularity], eager=True).alias("period_start")
