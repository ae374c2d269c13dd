"""The days that broke a hard limit: which branches, and their worst day, so the meeting sees what a week hides."""
from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import select

from etl import schema
from etl.calendar import holidays_between
from etl.kpis.days import daily, worst_breach_days
from etl.kpis.periods import period_bounds
from service.marts import kpi_values
from service.reader import Reader
from service.records import in_period
from service.reference import branch_names, branches


def _breach_days(r: Reader, granularity: str, region: str, period: dt.date) -> pl.DataFrame:
    marked = kpi_values(r, granularity, region, period, period, ("breach_days",)).filter(
        (pl.col("level") == "branch") & (pl.col("value") > 0))
    codes = marked["code"].to_list()
    q = schema.queue_tickets
    tickets = r.read(select(q.c.branch_code, q.c.issued_at, q.c.called_at, q.c.finished_at, q.c.counter_id)
                     .where(q.c.branch_code.in_(codes), in_period(q.c.issued_at, period, granularity)))
    first, after = period_bounds(period, granularity)
    days = daily(tickets, branches(r).filter(pl.col("branch_code").is_in(codes)),
                 holidays_between(first.date(), after.date()), r.sop.day_wait_minutes, r.sop.day_staffing_below)
    return worst_breach_days(days).with_columns(
        pl.col("branch_code").replace_strict(branch_names(r), default=pl.col("branch_code")).alias("name"))


def breach_days(r: Reader, granularity: str, region: str, period: dt.date,
                selected: tuple[str, ...] = ()) -> pl.DataFrame:
    """Branches of the region (picked ones only, if any) with days over a hard limit in the period, worst first.

    One row per branch: name, breach_days of days_seen, and its worst such day (etl.kpis.days.worst_breach_days):
    day, wait_p90_min, wait_max_min, staffing, waiting_at_close, after_close_min. The marts say which branches
    broke a limit; their tickets of the period give the day itself.
    """
    r.require_region(region)
    found = r.cached(_breach_days, granularity, region, period)
    return found.filter(pl.col("branch_code").is_in(list(selected))) if selected else found
