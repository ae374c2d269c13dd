"""Recompute the KPI marts for the periods a load touched, from the stored facts, one block of months at a time.

Only the facts that can count in a block's periods are read for it, so memory is bounded by the
busiest block, not by the whole history: national scale (23.6 M tickets a year) would not fit at once.
A first load of a modest size keeps the facts it loads (`RunFacts`) and computes from them instead of
reading them back: the same rows, already typed in memory.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from sqlalchemy import DateTime, Engine, and_, delete, exists, func, insert, or_, select

from etl.calendar import holidays_between
from etl.db import polars_type, read_frame, write_rows
from etl.kpis.marts import MART_SCHEMA, Facts, kpi_table
from etl.kpis.periods import GRANULARITIES, period_after, period_starts
from etl.kpis.staffing import STAFFING_SCHEMA, staffing_table
from etl.schema import (
    KPI_MARTS, branches, claims, complaints, marts_pending, queue_tickets, sop_targets, staffing_hourly,
)
from etl.sop import Sop

# Tickets of one visit may straddle midnight; a day of margin keeps the visit whole.
VISIT_MARGIN = dt.timedelta(days=1)
# Before any data: "recompute every period".
ALL_PERIODS = dt.datetime(1, 1, 1)
# Calendar months of periods computed from one read of the facts (a national month is ~2 M tickets).
MONTHS_PER_CHUNK = 1
# A run keeps the facts it loads for the marts up to this many rows (a region year is about 0.8 M, which
# raised its peak RSS from 0.3 to 0.8 GB); a larger one, a national year, reads them back a month at a time
# instead, so that what it kept before giving up never sits beside a national file's load.
KEPT_FACT_ROWS = 1_500_000
TICKET_COLUMNS = ("branch_code", "visit_id", "service", "priority_group", "issued_at", "called_at", "finished_at",
                  "counter_id", "outcome", "rating")


@dataclass(frozen=True)
class Chunk:
    """Periods computed together, and the window [start, end) their records are anchored in."""

    periods: dict[str, tuple[dt.date, dt.date]]  # granularity → first and last period start
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class Pending:
    """What the marts do not reflect yet: every period from the one holding `since`, up to pending row `last_id`."""

    since: dt.datetime
    last_id: int


def mark_all_pending(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(marts_pending).values(since=ALL_PERIODS))


def pending(engine: Engine) -> Pending | None:
    with engine.connect() as conn:
        since, last_id = conn.execute(select(func.min(marts_pending.c.since), func.max(marts_pending.c.pending_id))).one()
    return None if last_id is None else Pending(since, last_id)


def clear_pending(engine: Engine, done: Pending) -> None:
    """Forget what a finished refresh covered; rows added after it was planned stay."""
    with engine.begin() as conn:
        conn.execute(delete(marts_pending).where(marts_pending.c.pending_id <= done.last_id))


def sync_targets(engine: Engine, sop: Sop) -> None:
    """Store the configured targets; when they changed, every period is marked to be judged again."""
    wanted = sop.targets().sort("kpi", "region_code", "effective_from")
    with engine.begin() as conn:
        stored = read_frame(conn, select(sop_targets))
        if stored.height and stored.sort("kpi", "region_code", "effective_from").equals(wanted):
            return
        conn.execute(delete(sop_targets))
        write_rows(conn, sop_targets, wanted)
        conn.execute(insert(marts_pending).values(since=ALL_PERIODS))


def data_horizon(engine: Engine) -> tuple[dt.datetime, dt.datetime] | None:
    """The earliest and the latest timestamp in the facts, or None when there are no facts."""
    bounds = []
    with engine.connect() as conn:
        for table in (queue_tickets, claims, complaints):
            # One statement per table: one scan, instead of one per column (national tickets: 5 s, not 15 s).
            columns = [column for column in table.columns if isinstance(column.type, DateTime)]
            row = conn.execute(select(*[f(column) for column in columns for f in (func.min, func.max)])).one()
            bounds += zip(row[::2], row[1::2])
    firsts = [b[0] for b in bounds if b[0] is not None]
    lasts = [b[1] for b in bounds if b[1] is not None]
    return (min(firsts), max(lasts)) if firsts else None


class RunFacts:
    """The facts one run loads, kept for its marts when they are all the facts there are.

    That holds when the fact tables were empty as the run began (a first load, a rebuild) and the run stays
    under KEPT_FACT_ROWS; otherwise `facts` is None and the marts read the database as before.
    """

    def __init__(self, engine: Engine):
        with engine.connect() as conn:
            empty = not any(conn.execute(select(exists(select(table.c[key])))).scalar()
                            for table, key in ((queue_tickets, "ticket_id"), (claims, "claim_id"),
                                               (complaints, "complaint_id")))
        self._frames: dict[str, list[pl.DataFrame]] | None = (
            {t.name: [] for t in (queue_tickets, claims, complaints)} if empty else None)
        self._rows = 0

    def add(self, table_name: str, rows: pl.DataFrame, batch_id: int) -> None:
        """Keep a loaded batch's rows (`rows`: the validated facts, in load order)."""
        if self._frames is None or table_name not in self._frames:
            return
        self._rows += rows.height
        if self._rows > KEPT_FACT_ROWS:
            self._frames = None  # too large to keep: the marts read the database
            return
        self._frames[table_name].append(rows.with_columns(batch_id=pl.lit(batch_id)))

    def facts(self, engine: Engine) -> Facts | None:
        """The stored facts as read_facts types them: a later batch's version of an id replaces an earlier one."""
        if self._frames is None:
            return None
        tables = {}
        for table in (queue_tickets, claims, complaints):
            typed = [pl.col(c.name).cast(polars_type(c.type)) for c in table.columns]
            frames = [f.select(typed) for f in self._frames[table.name]] or [pl.DataFrame(
                schema={c.name: polars_type(c.type) for c in table.columns})]
            key = table.primary_key.columns.keys()[0]
            tables[table.name] = pl.concat(frames).unique(key, keep="last", maintain_order=True)
        with engine.connect() as conn:
            stored_branches = read_frame(conn, select(branches))
        return Facts(branches=stored_branches, tickets=tables["queue_tickets"].select(TICKET_COLUMNS),
                     claims=tables["claims"], complaints=tables["complaints"])


def refresh_marts(engine: Engine, sop: Sop, since: dt.datetime, months_per_chunk: int = MONTHS_PER_CHUNK,
                  loaded: Facts | None = None) -> int:
    """Replace the mart rows of every period from the one holding `since` to the data's last; rows written.

    `loaded`: every stored fact, already in memory (RunFacts.facts); None reads them from the database.
    """
    horizon = data_horizon(engine)
    if horizon is None:
        return 0
    since = max(since, horizon[0])
    periods = {g: period_starts(since.date(), horizon[1].date(), g) for g in GRANULARITIES}
    # Backlogs are aged to the end of the last period, which can lie past the data's last day.
    last_day = max(period_after(starts.max(), g) for g, starts in periods.items()) - dt.timedelta(days=1)
    closed = holidays_between(horizon[0].date(), last_day)
    tables: dict[str, list[pl.DataFrame]] = {g: [] for g in GRANULARITIES}
    staffing: list[pl.DataFrame] = []
    chunks = plan_chunks(periods, months_per_chunk)
    for chunk, after in zip(chunks, [*[c.start for c in chunks[1:]], chunks[-1].end], strict=True):
        if loaded is None:
            with engine.connect() as conn:
                facts = read_facts(conn, chunk.start, chunk.end)
        else:
            facts = facts_within(loaded, chunk.start, chunk.end)
        for granularity, (first_period, last_period) in chunk.periods.items():
            tables[granularity].append(kpi_table(facts, sop, closed, granularity, first_period, last_period))
        # Chunk windows overlap where a week crosses a month's end: each day is staffed by the chunk it starts in.
        staffing.append(staffing_table(facts.tickets, facts.branches, closed, sop, chunk.start.date(),
                                       (after - dt.timedelta(days=1)).date()))
        del facts
    written = 0
    for granularity, starts in periods.items():
        table = pl.concat([pl.DataFrame(schema=MART_SCHEMA), *tables[granularity]]).sort(
            "level", "code", "period_start", "kpi")
        mart = KPI_MARTS[granularity]
        with engine.begin() as conn:
            conn.execute(delete(mart).where(mart.c.period_start >= starts.min()))
            write_rows(conn, mart, table)
        written += table.height
    slots = pl.concat([pl.DataFrame(schema=STAFFING_SCHEMA), *staffing])
    with engine.begin() as conn:
        conn.execute(delete(staffing_hourly).where(staffing_hourly.c.slot_start >= chunks[0].start))
        write_rows(conn, staffing_hourly, slots)
    return written


def plan_chunks(periods: dict[str, pl.Series], months_per_chunk: int) -> list[Chunk]:
    """Group the periods by the block of `months_per_chunk` calendar months their start falls in.

    A week belongs to the month of its Monday; the chunk's window runs from its earliest
    period start to the end of its latest period, so it may reach into the next month.
    """
    if months_per_chunk < 1:
        raise ValueError(f"months_per_chunk must be at least 1, not {months_per_chunk}")
    earliest = min(starts.min() for starts in periods.values())

    def block(day: dt.date) -> int:
        return ((day.year - earliest.year) * 12 + day.month - earliest.month) // months_per_chunk

    blocks: dict[int, dict[str, list[dt.date]]] = {}
    for granularity, starts in periods.items():
        for start in starts.to_list():
            blocks.setdefault(block(start), {}).setdefault(granularity, []).append(start)
    chunks = []
    for _, by_granularity in sorted(blocks.items()):
        first = min(min(starts) for starts in by_granularity.values())
        after = max(period_after(max(starts), g) for g, starts in by_granularity.items())
        chunks.append(Chunk(
            periods={g: (min(starts), max(starts)) for g, starts in by_granularity.items()},
            start=dt.datetime.combine(first, dt.time()), end=dt.datetime.combine(after, dt.time()),
        ))
    return chunks


def read_facts(conn, start: dt.datetime, end: dt.datetime) -> Facts:
    """Every record that can count in a period inside [start, end): anchored in it, or open during it.

    Each rule of `kpi_table` puts a record in the periods of its own timestamps or, for backlogs,
    in the periods whose end it is open at; other records cannot change a value in the window.
    Tickets get a day of margin each side so that a visit across midnight is seen whole.
    """
    ticket_columns = [queue_tickets.c[c] for c in TICKET_COLUMNS]
    issued = queue_tickets.c.issued_at
    return Facts(
        branches=read_frame(conn, select(branches)),
        tickets=read_frame(conn, select(*ticket_columns).where(
            issued >= start - VISIT_MARGIN, issued < end + VISIT_MARGIN)),
        claims=read_frame(conn, select(claims).where(or_(
            _within(claims.c.submitted_at, start, end), _within(claims.c.decided_at, start, end),
            _within(claims.c.paid_at, start, end),
            _open_during(claims.c.docs_complete_at, claims.c.decided_at, start, end),
        ))),
        complaints=read_frame(conn, select(complaints).where(or_(
            _within(complaints.c.received_at, start, end), _within(complaints.c.first_response_at, start, end),
            _within(complaints.c.resolved_at, start, end),
            _open_during(complaints.c.received_at, complaints.c.resolved_at, start, end),
        ))),
    )


def facts_within(facts: Facts, start: dt.datetime, end: dt.datetime) -> Facts:
    """What read_facts would read for [start, end), taken from facts already in memory (the same rules)."""
    def within(name: str) -> pl.Expr:
        return (pl.col(name) >= start) & (pl.col(name) < end)

    def open_during(opened: str, closed_at: str) -> pl.Expr:
        return (pl.col(opened) < end) & (pl.col(closed_at).is_null() | (pl.col(closed_at) >= start))

    issued = pl.col("issued_at")
    return Facts(
        branches=facts.branches,
        tickets=facts.tickets.filter((issued >= start - VISIT_MARGIN) & (issued < end + VISIT_MARGIN)),
        claims=facts.claims.filter(within("submitted_at") | within("decided_at") | within("paid_at")
                                   | open_during("docs_complete_at", "decided_at")),
        complaints=facts.complaints.filter(within("received_at") | within("first_response_at")
                                           | within("resolved_at") | open_during("received_at", "resolved_at")),
    )


def _within(column, start: dt.datetime, end: dt.datetime):
    return and_(column >= start, column < end)


def _open_during(opened, closed_at, start: dt.datetime, end: dt.datetime):
    """Opened before the window ends and not closed before it starts (a backlog candidate)."""
    return and_(opened < end, or_(closed_at.is_(None), closed_at >= start))
