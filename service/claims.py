"""Claims of recent periods: payment within SLA, processing days, rejections, channels and the backlog."""
from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import and_, or_, select

from etl import schema
from etl.calendar import elapsed_working_days
from etl.kpis.claims import claim_sla_days
from etl.kpis.periods import period_bounds
from service.reader import Reader
from service.records import age_buckets, between, closures_for, over_recent, pareto, record_codes
from service.reference import recent_periods


def _claim_records(r: Reader, codes: tuple[str, ...], first: dt.date, last: dt.date, granularity: str) -> pl.DataFrame:
    c = schema.claims
    begin, end = period_bounds(first, granularity)[0], period_bounds(last, granularity)[1]
    touched = or_(between(c.c.submitted_at, begin, end), between(c.c.decided_at, begin, end),
                  between(c.c.paid_at, begin, end),
                  and_(c.c.docs_complete_at < end, or_(c.c.decided_at.is_(None), c.c.decided_at >= end)))
    frame = r.read(select(c.c.claim_id, c.c.branch_code, c.c.programme, c.c.channel, c.c.amount_idr, c.c.submitted_at,
                          c.c.docs_complete_at, c.c.decided_at, c.c.paid_at, c.c.status, c.c.rejection_reason)
                   .where(c.c.branch_code.in_(codes), touched))
    # Open claims can date from long before the first period, and a claim decided in it can be paid after it:
    # the closures span every claim's own dates.
    paid_last = frame["paid_at"].max()
    closed = closures_for(frame["docs_complete_at"].min(), max(end, paid_last + dt.timedelta(days=1)) if paid_last else end)
    return frame.with_columns(
        claim_sla_days(r.sop.claim_sla).alias("sla_days"),
        elapsed_working_days(pl.col("docs_complete_at"), pl.col("paid_at"), closed).alias("days_working"),
    )


def claim_records(r: Reader, codes: tuple[str, ...], first: dt.date, last: dt.date, granularity: str) -> pl.DataFrame:
    """Claims touching the periods `first`..`last` (submitted, decided, or still open), with SLA and working days.

    A branch manager gets their own branch's claims only.
    """
    return r.cached(_claim_records, record_codes(r, codes), first, last, granularity)


def _recent_claims(r: Reader, codes: tuple[str, ...], period: dt.date, granularity: str) -> pl.DataFrame:
    """Claims of the recent periods up to `period`: one cached read serves every chart of the claims page."""
    starts = recent_periods(r, granularity, period) or [period]
    return claim_records(r, codes, starts[0], period, granularity)


def _claims_in(r: Reader, codes, start, granularity, column: str) -> pl.DataFrame:
    first, after = period_bounds(start, granularity)
    return _recent_claims(r, codes, start, granularity).filter((pl.col(column) >= first) & (pl.col(column) < after))


def claim_sla(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Paid claims and the share paid within SLA, per programme and channel."""
    paid = _claims_in(r, codes, start, granularity, "paid_at")
    return paid.group_by("programme", "channel").agg(
        pl.len().alias("paid"), (pl.col("days_working") <= pl.col("sla_days")).sum().alias("within_sla"),
    ).with_columns((pl.col("within_sla") / pl.col("paid")).alias("share")).sort("programme", "channel")


def claim_processing(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Paid claims per working days taken and SLA (for the distribution against the SLA)."""
    paid = _claims_in(r, codes, start, granularity, "paid_at")
    return paid.group_by("days_working", "sla_days").agg(pl.len().alias("claims")).sort("days_working")


def rejection_pareto(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Rejected claims per reason, most frequent first, with the cumulative share."""
    rejected = _claims_in(r, codes, start, granularity, "decided_at").filter(pl.col("status") == "rejected")
    return pareto(rejected.with_columns(pl.col("rejection_reason").fill_null("other")), "rejection_reason")


def rejection_trend(r: Reader, codes: tuple[str, ...], period: dt.date, granularity: str) -> pl.DataFrame:
    """Rejected claims per reason for each recent period."""
    starts = recent_periods(r, granularity, period)
    rejected = _recent_claims(r, codes, period, granularity).filter(pl.col("status") == "rejected")
    return over_recent(rejected.with_columns(pl.col("rejection_reason").fill_null("other")), "decided_at",
                       "rejection_reason", starts, granularity)


def channel_trend(r: Reader, codes: tuple[str, ...], period: dt.date, granularity: str) -> pl.DataFrame:
    """Claims submitted per channel for each recent period."""
    starts = recent_periods(r, granularity, period)
    return over_recent(_recent_claims(r, codes, period, granularity), "submitted_at", "channel", starts, granularity)


def claim_backlog(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Claims open at the period's end (documents complete, not decided), by working-day age and SLA status."""
    end = period_bounds(start, granularity)[1]
    frame = _recent_claims(r, codes, start, granularity).filter(
        (pl.col("docs_complete_at") < end) & (pl.col("decided_at").is_null() | (pl.col("decided_at") >= end)))
    closed = closures_for(frame["docs_complete_at"].min(), end)
    aged = frame.with_columns(
        elapsed_working_days(pl.col("docs_complete_at"), pl.lit(end - dt.timedelta(seconds=1)), closed).alias("age"))
    return age_buckets(aged.with_columns((pl.col("age") > pl.col("sla_days")).alias("over_limit")))
