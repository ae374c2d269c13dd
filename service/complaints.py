"""Complaints of a period: volume by channel and category, the backlog, escalations and search."""
from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import and_, or_, select

from etl import schema
from etl.calendar import elapsed_working_days
from etl.contract import PUBLIC_ESCALATION_CHANNELS
from etl.kpis.periods import period_bounds
from service.reader import Reader
from service.records import age_buckets, between, closures_for, over_recent, pareto, record_codes
from service.reference import recent_periods


def _complaint_records(r: Reader, codes: tuple[str, ...], first: dt.date, last: dt.date,
                       granularity: str) -> pl.DataFrame:
    c = schema.complaints
    begin, end = period_bounds(first, granularity)[0], period_bounds(last, granularity)[1]
    touched = or_(between(c.c.received_at, begin, end),
                  and_(c.c.received_at < end, or_(c.c.resolved_at.is_(None), c.c.resolved_at >= end)))
    return r.read(select(c.c.complaint_id, c.c.branch_code, c.c.participant_id, c.c.channel, c.c.category,
                         c.c.received_at, c.c.first_response_at, c.c.resolved_at, c.c.status, c.c.reopened)
                  .where(c.c.branch_code.in_(codes), touched).order_by(c.c.received_at.desc()))


def complaint_records(r: Reader, codes: tuple[str, ...], first: dt.date, last: dt.date,
                      granularity: str) -> pl.DataFrame:
    """Complaints received in `first`..`last`, or still open at the end of `last` (pseudonymised ids only).

    A branch manager gets their own branch's complaints only.
    """
    return r.cached(_complaint_records, record_codes(r, codes), first, last, granularity)


def complaints_received(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Complaints received in the period."""
    first, after = period_bounds(start, granularity)
    frame = complaint_records(r, codes, start, start, granularity)
    return frame.filter((pl.col("received_at") >= first) & (pl.col("received_at") < after))


def complaint_volume(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Complaints received per channel and category."""
    return complaints_received(r, codes, start, granularity).group_by("channel", "category").agg(
        pl.len().alias("count")).sort("count", descending=True)


def category_pareto(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Complaint categories, most frequent first, with the cumulative share."""
    return pareto(complaints_received(r, codes, start, granularity), "category")


def category_trend(r: Reader, codes: tuple[str, ...], period: dt.date, granularity: str) -> pl.DataFrame:
    """Complaints received per category for each recent period."""
    starts = recent_periods(r, granularity, period)
    return over_recent(complaint_records(r, codes, starts[0], period, granularity), "received_at", "category",
                       starts, granularity)


def complaint_backlog(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Complaints open at the period's end by working-day age, and whether they are over the SOP."""
    end = period_bounds(start, granularity)[1]
    frame = complaint_records(r, codes, start, start, granularity).filter(
        (pl.col("received_at") < end) & (pl.col("resolved_at").is_null() | (pl.col("resolved_at") >= end)))
    closed = closures_for(frame["received_at"].min(), end)
    aged = frame.with_columns(
        elapsed_working_days(pl.col("received_at"), pl.lit(end - dt.timedelta(seconds=1)), closed).alias("age"))
    return age_buckets(aged.with_columns(
        (pl.col("age") > r.sop.complaint_resolution_working_days).alias("over_limit")))


def escalations(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Complaints received through mass or social media in the period."""
    return complaints_received(r, codes, start, granularity).filter(
        pl.col("channel").is_in(PUBLIC_ESCALATION_CHANNELS))


def search_complaints(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str,
                      text: str = "") -> pl.DataFrame:
    """Complaints received in the period whose id, branch, channel, category or status contains `text`."""
    frame = complaints_received(r, codes, start, granularity)
    if not text.strip():
        return frame
    needle = text.strip().lower()
    searchable = ("complaint_id", "branch_code", "participant_id", "channel", "category", "status")
    return frame.filter(pl.any_horizontal(pl.col(c).str.to_lowercase().str.contains(needle, literal=True)
                                          for c in searchable))
