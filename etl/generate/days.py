"""Weeks, working days and office-hour arithmetic on numpy day numbers (days since 1970-01-01)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays
import numpy as np

from etl.calendar import HOLIDAY_CATEGORIES, non_working_dates

DAY = 86_400
HOUR = 3_600
MINUTE = 60
OFFICE_OPENS = 8 * HOUR  # back-office work (verification, decisions, payments) happens 08:00–16:30
OFFICE_CLOSES = 16 * HOUR + 30 * MINUTE
LAST_SAME_DAY_START = 15 * HOUR + 30 * MINUTE  # later than this, the next step waits for the next working day


@dataclass(frozen=True)
class Week:
    """One ISO week of the run: its position, its seven days and which of them are working days."""

    index: int
    weeks_before_end: int
    monday: dt.date
    days: np.ndarray  # datetime64[D], Monday..Sunday
    working: np.ndarray  # bool per day

    @property
    def label(self) -> str:
        year, week, _ = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def start(self) -> int:
        """Monday 00:00:00 as epoch seconds (local time, no offset)."""
        return int(self.days[0].astype(np.int64)) * DAY

    @property
    def end(self) -> int:
        """Sunday 23:59:59 as epoch seconds."""
        return self.start + 7 * DAY - 1


class Calendar:
    """Closed days for the whole run, with the vectorised working-day helpers the generators need."""

    def __init__(self, first: dt.date, last: dt.date):
        # One extra year so that claims submitted in late December can be paid in January.
        self.closed = np.array(non_working_dates(first.year, last.year + 1), dtype="datetime64[D]")
        self.lebaran_ends = _lebaran_last_days(first.year, last.year + 1)

    def weeks(self, end: dt.date, count: int) -> list[Week]:
        """The `count` ISO weeks ending on Sunday `end`, oldest first."""
        first_monday = end - dt.timedelta(days=7 * count - 1)
        result = []
        for index in range(count):
            monday = first_monday + dt.timedelta(days=7 * index)
            days = np.datetime64(monday, "D") + np.arange(7)
            result.append(Week(index, count - 1 - index, monday, days, self.is_working(days)))
        return result

    def is_working(self, days: np.ndarray) -> np.ndarray:
        """True for Monday–Friday days that are not holidays or cuti bersama."""
        return np.is_busday(days.astype("datetime64[D]"), holidays=self.closed)

    def working_day_after(self, days: np.ndarray, k: np.ndarray) -> np.ndarray:
        """The k-th working day after each day (k = 0: the day itself, or the last working day before it)."""
        return np.busday_offset(days.astype("datetime64[D]"), k, roll="backward", holidays=self.closed)

    def office_event(self, rng: np.random.Generator, previous: np.ndarray, k: np.ndarray) -> np.ndarray:
        """A back-office timestamp `k` elapsed working days after `previous` (epoch seconds), in office hours."""
        day = previous // DAY
        day_dates = day.astype("datetime64[D]")
        # Work that arrives before opening waits for the office; after hours or on a closed day, for the next day.
        earliest = np.maximum(previous % DAY, OFFICE_OPENS)
        too_late = (earliest > LAST_SAME_DAY_START) | ~self.is_working(day_dates)
        k = np.where(too_late & (k == 0), 1, k)
        event_day = self.working_day_after(day_dates, k).astype(np.int64)
        time_left = OFFICE_CLOSES - np.minimum(earliest, LAST_SAME_DAY_START)
        same_day_gap = rng.uniform(10 * MINUTE, np.minimum(3 * HOUR, time_left))
        later_day_time = rng.uniform(OFFICE_OPENS, OFFICE_CLOSES, len(previous))
        time = np.where(k == 0, earliest + same_day_gap, later_day_time)
        return event_day * DAY + time.astype(np.int64)

    def post_lebaran_factor(self, days: np.ndarray, peak: float) -> np.ndarray:
        """Extra JHT demand in the three weeks after Lebaran: `peak` in week one, fading by week four."""
        factor = np.ones(len(days))
        for last_holiday in self.lebaran_ends:
            since = (days - last_holiday).astype(np.int64)
            in_surge = (since > 0) & (since <= 21)
            fade = 1 - (since - 1) // 7 / 3  # 1, 2/3, 1/3 of the extra for weeks one to three
            factor = np.where(in_surge, 1 + (peak - 1) * fade, factor)
        return factor


def _lebaran_last_days(first_year: int, last_year: int) -> list[np.datetime64]:
    """The last Eid al-Fitr holiday (including cuti bersama) of each year."""
    calendar = holidays.country_holidays(
        "ID", categories=HOLIDAY_CATEGORIES, years=range(first_year, last_year + 1), language="en_US",
    )
    eid_days = [day for day, name in calendar.items() if "Eid al-Fitr" in name]
    last_per_year = {}
    for day in eid_days:
        last_per_year[day.year] = max(day, last_per_year.get(day.year, day))
    return [np.datetime64(day, "D") for day in sorted(last_per_year.values())]


def lebaran_closures(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """(first day, last day) of each Eid al-Fitr closure (holidays and cuti bersama, over a weekend between them)
    that overlaps first..last."""
    calendar = holidays.country_holidays(
        "ID", categories=HOLIDAY_CATEGORIES, years=range(first.year, last.year + 1), language="en_US",
    )
    days = sorted(day for day, name in calendar.items() if "Eid al-Fitr" in name)
    spans: list[list[dt.date]] = []
    for day in days:
        if spans and (day - spans[-1][1]).days <= 3:  # a weekend between two closed days does not end the closure
            spans[-1][1] = day
        else:
            spans.append([day, day])
    return [(start, end) for start, end in spans if end >= first and start <= last]


def default_end(today: dt.date) -> dt.date:
    """The Sunday that ends the last complete ISO week before `today`."""
    return today - dt.timedelta(days=today.isoweekday())
