"""Queue tickets of a period: waits, hours, staffing, priority groups and transfers between desks."""
from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import select

from etl import schema
from etl.kpis.periods import period_bounds
from etl.kpis.queue import busy_slots
from service.reader import Reader
from service.records import bucket, bucket_labels, closures_for, in_period
from service.reference import branches, visible_codes

WAIT_BUCKETS = (5, 10, 15, 20, 30, 45, 60)  # minutes; a last bucket holds longer waits


def _tickets(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    q = schema.queue_tickets
    frame = r.read(select(q.c.branch_code, q.c.visit_id, q.c.service, q.c.priority_group, q.c.issued_at,
                          q.c.called_at, q.c.counter_id, q.c.outcome)
                   .where(q.c.branch_code.in_(codes), in_period(q.c.issued_at, start, granularity)))
    return frame.with_columns(
        ((pl.col("called_at") - pl.col("issued_at")).dt.total_seconds(fractional=True) / 60).alias("wait_min"),
        (pl.col("issued_at").dt.weekday() - 1).alias("weekday"),
        pl.col("issued_at").dt.hour().alias("hour"),
    )


def tickets(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Tickets issued in the period at the branches (those of the viewer's regions), with wait, weekday and hour."""
    return r.cached(_tickets, visible_codes(r, codes), start, granularity)


def wait_histogram(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Share of each branch's called tickets per wait bucket (`0–5`, …, `60+` minutes)."""
    called = tickets(r, codes, start, granularity).drop_nulls("wait_min")
    labels = bucket_labels(WAIT_BUCKETS)
    bucketed = called.with_columns(bucket(pl.col("wait_min"), WAIT_BUCKETS).alias("bucket"))
    counts = bucketed.group_by("branch_code", "bucket").agg(pl.len().alias("tickets"))
    grid = pl.DataFrame({"branch_code": list(codes)}).join(pl.DataFrame({"bucket": labels}), how="cross")
    return grid.join(counts, on=["branch_code", "bucket"], how="left").with_columns(
        pl.col("tickets").fill_null(0),
        (pl.col("tickets").fill_null(0) / pl.col("tickets").fill_null(0).sum().over("branch_code")).fill_nan(None)
        .alias("share"),
        pl.col("bucket").replace_strict(labels, list(range(len(labels)))).alias("bucket_order"),
    ).sort("branch_code", "bucket_order")


def hour_weekday(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Tickets and mean wait per weekday (0 = Monday) and hour of issue."""
    return tickets(r, codes, start, granularity).group_by("weekday", "hour").agg(
        pl.len().alias("tickets"), pl.col("wait_min").mean().alias("wait_min_mean")
    ).sort("weekday", "hour")


def staffing_by_hour(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Per branch: counters available, and counters calling tickets on average over busy hour slots.

    The slots are the counter_staffing KPI's own (etl.kpis.queue.busy_slots), so the chart
    and the KPI always agree.
    """
    frame = tickets(r, codes, start, granularity)
    first, after = period_bounds(start, granularity)
    slots = busy_slots(frame, branches(r).filter(pl.col("branch_code").is_in(list(codes))), closures_for(first, after))
    return slots.group_by("branch_code").agg(
        pl.col("active_counters").mean().alias("active_mean"), pl.len().alias("busy_hours"),
        (pl.col("active_counters") == 0).sum().alias("busy_hours_empty"),
    ).join(region_counters(r, codes), on="branch_code", how="right").select(
        "branch_code", "branch_name", "counters", "active_mean", "busy_hours", "busy_hours_empty"
    ).sort("branch_code")


def region_counters(r: Reader, codes: tuple[str, ...]) -> pl.DataFrame:
    """branch_code, branch_name and counters for the given branches."""
    return branches(r).filter(pl.col("branch_code").is_in(list(codes))).select("branch_code", "branch_name", "counters")


def priority_waits(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Wait quartiles and within-limit shares for each priority group and for everyone else."""
    limits = r.sop
    called = tickets(r, codes, start, granularity).drop_nulls("wait_min").with_columns(
        pl.col("priority_group").fill_null("everyone_else").alias("group"))
    wait = pl.col("wait_min")
    return called.group_by("group").agg(
        pl.len().alias("tickets"), wait.quantile(0.25, "linear").alias("q1"), wait.median().alias("median"),
        wait.quantile(0.75, "linear").alias("q3"), wait.quantile(0.9, "linear").alias("p90"), wait.min().alias("min"),
        (wait <= limits.priority_wait_minutes).mean().alias("within_priority_limit"),
        (wait <= limits.wait_minutes).mean().alias("within_limit"),
    ).sort(pl.col("group") == "everyone_else", "group")


def transfer_flows(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str,
                   max_steps: int = 4) -> pl.DataFrame:
    """Visits moving from one desk to the next: source step/desk, target step/desk, visits."""
    frame = tickets(r, codes, start, granularity).sort("issued_at")
    steps = frame.select("visit_id", "service", pl.int_range(pl.len()).over("visit_id").alias("step"),
                         pl.len().over("visit_id").alias("tickets")).filter(
        (pl.col("tickets") > 1) & (pl.col("step") < max_steps))
    pairs = steps.join(steps.select("visit_id", (pl.col("step") - 1).alias("step"), pl.col("service").alias("target")),
                       on=["visit_id", "step"])
    return pairs.group_by(pl.col("step"), pl.col("service").alias("source"), "target").agg(
        pl.len().alias("visits")).sort("step", "visits", descending=[False, True])
