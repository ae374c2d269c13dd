"""ISO weeks and calendar months as periods, keyed by their first day."""
from __future__ import annotations

import datetime as dt
import re

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


def period_after(start: dt.date, granularity: str) -> dt.date:
    """The first day after the period that starts at `start`."""
    if granularity == "week":
        return start + dt.timedelta(days=7)
    return dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)


def period_bounds(start: dt.date, granularity: str) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of the period that starts at `start`, and the first moment after it."""
    return dt.datetime.combine(start, dt.time()), dt.datetime.combine(period_after(start, granularity), dt.time())


_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
PERIOD_FORMS = "use an ISO week like 2026-W46 or a month like 2026-11"


def parse_period(text: str) -> tuple[str, dt.date]:
    """`2026-W46` → ("week", its Monday); `2026-11` → ("month", its first day). ValueError otherwise."""
    text = text.strip()
    week, month = _WEEK.match(text), _MONTH.match(text)
    try:
        if week:
            return "week", dt.date.fromisocalendar(int(week[1]), int(week[2]), 1)
        if month:
            return "month", dt.date(int(month[1]), int(month[2]), 1)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a valid period ({error}); {PERIOD_FORMS}") from None
    raise ValueError(f"{text!r} is not a period; {PERIOD_FORMS}")


def period_code(start: dt.date, granularity: str) -> str:
    """`2026-W46` for a week, `2026-11` for a month: what the CLI takes and the file names carry."""
    if granularity == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start.year}-{start.month:02d}"
