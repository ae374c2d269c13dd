"""Working days: Indonesian national holidays, cuti bersama and configured closures."""
from __future__ import annotations

import datetime as dt
import tomllib
from functools import lru_cache
from pathlib import Path

import holidays
import polars as pl

from etl.settings import CONFIG_DIR

HOLIDAY_CATEGORIES = ("public", "government")  # "government" holds cuti bersama


@lru_cache(maxsize=8)
def non_working_dates(first_year: int, last_year: int, config_dir: Path = CONFIG_DIR) -> tuple[dt.date, ...]:
    """Every weekday from `first_year` to `last_year` on which offices are closed, sorted."""
    years = range(first_year, last_year + 1)
    closed = set(holidays.country_holidays("ID", categories=HOLIDAY_CATEGORIES, years=years))
    closed |= {c["date"] for c in _configured_closures(config_dir) if c["date"].year in years}
    return tuple(sorted(d for d in closed if d.weekday() < 5))


def _configured_closures(config_dir: Path) -> list[dict]:
    path = config_dir / "calendar.toml"
    if not path.exists():
        return []
    return tomllib.loads(path.read_text(encoding="utf-8")).get("closure", [])


def holidays_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Weekday closures from `first` to `last`, both included: what a working-day count over that range needs."""
    return [d for d in non_working_dates(first.year, last.year) if first <= d <= last]


def elapsed_working_days(start: pl.Expr, end: pl.Expr, closed: list[dt.date]) -> pl.Expr:
    """Working days d with date(start) < d <= date(end); the same day counts as 0.

    `business_day_count` counts [start, end), so both ends shift by one day.
    """
    one_day = pl.duration(days=1)
    return pl.business_day_count(start.cast(pl.Date) + one_day, end.cast(pl.Date) + one_day, holidays=closed)


def is_working_day(day: pl.Expr, closed: list[dt.date]) -> pl.Expr:
    """True on Monday–Friday dates that are not closures."""
    return pl.business_day_count(day.cast(pl.Date), day.cast(pl.Date) + pl.duration(days=1), holidays=closed) == 1
