"""Recompute the KPI marts for the periods a load touched, from the stored facts."""
from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import DateTime, Engine, delete, func, or_, select

from etl.calendar import holidays_between
from etl.db import read_frame, write_rows
from etl.kpis.marts import Facts, kpi_table
from etl.kpis.periods import GRANULARITIES, period_starts
from etl.schema import KPI_MARTS, branches, claims, complaints, queue_tickets, sop_targets
from etl.sop import Sop

# Tickets of one visit may straddle midnight; a day of margin keeps the visit whole.
VISIT_MARGIN = dt.timedelta(days=1)


def sync_targets(engine: Engine, sop: Sop) -> bool:
    """Store the configured targets; True when they changed (every period must be judged again)."""
    wanted = sop.targets().sort("kpi", "region_code", "effective_from")
    with engine.begin() as conn:
        stored = read_frame(conn, select(sop_targets))
        if stored.height and stored.sort("kpi", "region_code", "effective_from").equals(wanted):
            return False
        conn.execute(delete(sop_targets))
        write_rows(conn, sop_targets, wanted)
    return True


def data_horizon(engine: Engine) -> tuple[dt.datetime, dt.datetime] | None:
    """The earliest and the latest timestamp in the facts, or None when there are no facts."""
    with engine.connect() as conn:
        bounds = [
            conn.execute(select(func.min(column), func.max(column))).one()
            for table in (queue_tickets, claims, complaints)
            for column in table.columns if isinstance(column.type, DateTime)
        ]
    firsts = [b[0] for b in bounds if b[0] is not None]
    lasts = [b[1] for b in bounds if b[1] is not None]
    return (min(firsts), max(lasts)) if firsts else None


def refresh_marts(engine: Engine, sop: Sop, since: dt.datetime) -> int:
    """Replace the mart rows of every period from the one holding `since` to the data's last; rows written."""
    horizon = data_horizon(engine)
    if horizon is None:
        return 0
    since = max(since, horizon[0])
    closed = holidays_between(horizon[0].date(), horizon[1].date())
    periods = {g: period_starts(since.date(), horizon[1].date(), g) for g in GRANULARITIES}
    earliest = min(starts.min() for starts in periods.values())
    with engine.connect() as conn:
        facts = read_facts(conn, dt.datetime.combine(earliest, dt.time()) - VISIT_MARGIN)
    written = 0
    for granularity, starts in periods.items():
        first_period, last_period = starts.min(), starts.max()
        table = kpi_table(facts, sop, closed, granularity, first_period, last_period)
        mart = KPI_MARTS[granularity]
        with engine.begin() as conn:
            conn.execute(delete(mart).where(mart.c.period_start >= first_period))
            write_rows(conn, mart, table)
        written += table.height
    return written


def read_facts(conn, since: dt.datetime) -> Facts:
    """Every record that can count in a period from `since` on: anchored then, or still open then."""
    ticket_columns = [queue_tickets.c[c] for c in (
        "branch_code", "visit_id", "service", "priority_group", "issued_at", "called_at", "finished_at",
        "counter_id", "outcome", "rating")]
    return Facts(
        branches=read_frame(conn, select(branches)),
        tickets=read_frame(conn, select(*ticket_columns).where(queue_tickets.c.issued_at >= since)),
        claims=read_frame(conn, select(claims).where(or_(
            claims.c.submitted_at >= since, claims.c.decided_at.is_(None), claims.c.decided_at >= since,
        ))),
        complaints=read_frame(conn, select(complaints).where(or_(
            complaints.c.received_at >= since, complaints.c.resolved_at.is_(None), complaints.c.resolved_at >= since,
            complaints.c.first_response_at >= since,
        ))),
    )
