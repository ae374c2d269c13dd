"""Queue KPIs from queue tickets: waits, service times, visits and counter staffing."""
from __future__ import annotations

import datetime as dt

import polars as pl

from etl.calendar import is_working_day
from etl.kpis.periods import period_start
from etl.kpis.shapes import KEYS, rate, to_rate_parts, to_samples
from etl.sop import Sop

SLOT = dt.timedelta(hours=1)


def minutes_between(start: str, end: str) -> pl.Expr:
    """Minutes from `start` to `end`, null when either is missing."""
    return (pl.col(end) - pl.col(start)).dt.total_microseconds() / 60_000_000


def with_waits(tickets: pl.DataFrame, granularity: str) -> pl.DataFrame:
    """Add the ticket's period (by issued_at), its wait and its service time in minutes."""
    return tickets.with_columns(
        period_start(pl.col("issued_at"), granularity).alias("period_start"),
        minutes_between("issued_at", "called_at").alias("wait_min"),
        minutes_between("called_at", "finished_at").alias("service_min"),
    )


def ticket_rate_parts(tickets: pl.DataFrame, sop: Sop, granularity: str) -> pl.DataFrame:
    """wait_within_sop, priority_wait_within_sop, no_show_rate and csat per branch and period."""
    called = pl.col("called_at").is_not_null()
    priority_called = called & pl.col("priority_group").is_not_null()
    wide = with_waits(tickets, granularity).group_by(KEYS).agg(
        *rate("wait_within_sop", (called & (pl.col("wait_min") <= sop.wait_minutes)).sum(), called.sum()),
        *rate("priority_wait_within_sop", (priority_called & (pl.col("wait_min") <= sop.priority_wait_minutes)).sum(),
              priority_called.sum()),
        *rate("no_show_rate", (pl.col("outcome") == "no_show").sum(), pl.len()),
        *rate("csat", (pl.col("rating") >= 4).sum(), pl.col("rating").is_not_null().sum()),
    )
    return to_rate_parts(wide)


def ticket_samples(tickets: pl.DataFrame, granularity: str) -> pl.DataFrame:
    """Waits of called tickets (wait_p90_min) and service times (service_time_median_min)."""
    timed = with_waits(tickets, granularity)
    return pl.concat([
        to_samples(timed, "wait_p90_min", pl.col("wait_min")),
        to_samples(timed, "service_time_median_min", pl.col("service_min")),
    ])


def visits(tickets: pl.DataFrame, granularity: str) -> pl.DataFrame:
    """One row per visit, owned by the branch and period of its first ticket (earliest issued_at)."""
    by_issue = pl.col("outcome").sort_by("issued_at")
    return (
        tickets.group_by("visit_id")
        .agg(
            pl.col("branch_code").sort_by("issued_at").first(),
            pl.col("issued_at").min().alias("first_issued_at"),
            pl.col("called_at").is_not_null().any().alias("served"),
            # Null called_at sorts last, so the first entry is the earliest called ticket.
            pl.col("outcome").sort_by("called_at", nulls_last=True).first().alias("first_called_outcome"),
            by_issue.last().alias("last_outcome"),
            (pl.col("outcome") == "transferred").sum().alias("transfers"),
        )
        .with_columns(period_start(pl.col("first_issued_at"), granularity).alias("period_start"))
    )


def visit_rate_parts(visit_frame: pl.DataFrame) -> pl.DataFrame:
    """first_visit_resolution, handoffs_per_visit and unresolved_visit_rate over served visits."""
    served = pl.col("served")
    wide = visit_frame.group_by(KEYS).agg(
        *rate("first_visit_resolution", (served & (pl.col("first_called_outcome") == "resolved")).sum(), served.sum()),
        *rate("handoffs_per_visit", pl.col("transfers").filter(served).sum(), served.sum()),
        *rate("unresolved_visit_rate", (served & (pl.col("last_outcome") != "resolved")).sum(), served.sum()),
    )
    return to_rate_parts(wide)


def visit_counts(visit_frame: pl.DataFrame) -> pl.DataFrame:
    """Every visit, served or not, per branch and period (the complaint-rate denominator)."""
    return visit_frame.group_by(KEYS).agg(pl.len().alias("visits"))


def counter_staffing_parts(
    tickets: pl.DataFrame, branches: pl.DataFrame, closed: list[dt.date], granularity: str
) -> pl.DataFrame:
    """counter_staffing: mean over busy hour slots of min(1, counters calling / counters).

    The ratios are summed in sorted order, so the facts' order (database or memory) cannot move the last digit.
    """
    slots = busy_slots(tickets, branches, closed).with_columns(
        period_start(pl.col("day").cast(pl.Datetime("us")), granularity).alias("period_start"))
    wide = slots.group_by(KEYS).agg(*rate("counter_staffing", pl.col("ratio").sort().sum(), pl.len()))
    return to_rate_parts(wide)


def busy_slots(tickets: pl.DataFrame, branches: pl.DataFrame, closed: list[dt.date]) -> pl.DataFrame:
    """One row per busy hour slot: branch_code, day, slot, active_counters, counters, ratio.

    A slot k of a working day starts at opens_at + k hours. It is busy when a ticket
    waits at its start (issued_at < start <= called_at). The ratio is
    min(1, counters that called a ticket in the slot / the branch's counters).
    """
    hours = branches.select(
        "branch_code", "counters",
        time_of_day(pl.col("opens_at")).alias("opens"),
        time_of_day(pl.col("closes_at")).alias("closes"),
    ).with_columns(((pl.col("closes") - pl.col("opens")).dt.total_seconds() / 3600).ceil().cast(pl.Int64).alias("slots"))
    called = (
        tickets.filter(pl.col("called_at").is_not_null())
        .select("branch_code", "issued_at", "called_at", "counter_id")
        .join(hours, on="branch_code")
        .with_columns(pl.col("issued_at").dt.date().alias("day"))
        .filter(is_working_day(pl.col("day"), closed))
        .with_columns(first_slot_start=pl.col("day").cast(pl.Datetime("us")) + pl.col("opens"))
    )
    slot_us = int(SLOT.total_seconds() * 1_000_000)
    waiting = called.with_columns(
        # First slot start strictly after issue, last slot start at or before the call.
        pl.when(pl.col("issued_at") < pl.col("first_slot_start")).then(0)
        .otherwise(_micros_since_open("issued_at") // slot_us + 1).alias("k_first"),
        pl.min_horizontal(
            pl.when(pl.col("called_at").dt.date() == pl.col("day"))
            .then(_micros_since_open("called_at").floordiv(slot_us))
            .otherwise(pl.col("slots") - 1),
            pl.col("slots") - 1,
        ).alias("k_last"),
    ).filter(pl.col("k_first") <= pl.col("k_last"))
    busy = (
        waiting.select("branch_code", "day", pl.int_ranges("k_first", pl.col("k_last") + 1).alias("slot"))
        .explode("slot")
        .unique()
    )
    active = (
        called.filter(pl.col("called_at").dt.date() == pl.col("day"))
        .with_columns((_micros_since_open("called_at") // slot_us).alias("slot"))
        .filter((pl.col("slot") >= 0) & (pl.col("slot") < pl.col("slots")))
        .group_by("branch_code", "day", "slot")
        .agg(pl.col("counter_id").n_unique().alias("active_counters"))
    )
    return (
        busy.join(active, on=["branch_code", "day", "slot"], how="left")
        .join(hours.select("branch_code", "counters"), on="branch_code")
        .with_columns(pl.col("active_counters").fill_null(0))
        .with_columns(pl.min_horizontal(pl.lit(1.0), pl.col("active_counters") / pl.col("counters")).alias("ratio"))
    )


def time_of_day(hhmm: pl.Expr) -> pl.Expr:
    """`HH:MM` as a duration since midnight."""
    parts = hhmm.str.split_exact(":", 1)
    return pl.duration(hours=parts.struct.field("field_0").cast(pl.Int64),
                       minutes=parts.struct.field("field_1").cast(pl.Int64))


def _micros_since_open(column: str) -> pl.Expr:
    """Microseconds from the day's first slot start to `column`."""
    return (pl.col(column) - pl.col("first_slot_start")).dt.total_microseconds()
