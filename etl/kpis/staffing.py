"""The staffing mart: per branch and hour slot of each working day, the counters the SOP needed and those open.

Grain: one row per branch_code × slot_start, for every hour slot (opens_at + k hours) of each working day on
which the branch issued tickets. A ticket belongs to the slot it was issued in (before opening: the first
slot; after closing: the last); a counter is active in the slot it called a ticket in.

The model (etl/queueing.py, Erlang C) takes the slot's arrivals per minute and its mean service time; the
share it predicts with the counters that were active carries each hour's backlog into the next
(`share_within_day`), while the counters needed are Erlang C's, for an hour that starts without one. A slot
where nobody was served (all counters empty) has no service time of its own, yet it is the slot that most
needs an answer: it is priced with the branch's mean service time that day (a day with no service at all
gets no counters_needed). Only the day's own tickets count, so a refresh gives the same rows whatever
block of days it reads at a time.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from etl.calendar import is_working_day
from etl.kpis.marts import with_targets
from etl.kpis.queue import SLOT, minutes_between, time_of_day
from etl.queueing import counters_needed, share_within_day
from etl.sop import Sop

STAFFING_SCHEMA = {
    "branch_code": pl.String, "slot_start": pl.Datetime("us"), "arrivals": pl.Int64, "priority_arrivals": pl.Int64,
    "called": pl.Int64, "service_min_mean": pl.Float64, "counters_active": pl.Int64, "counters_available": pl.Int64,
    "counters_needed": pl.Int64, "predicted_within_sop": pl.Float64, "actual_within_sop": pl.Float64,
}
KPI_ALL, KPI_PRIORITY = "wait_within_sop", "priority_wait_within_sop"
SLOT_MINUTES = SLOT.total_seconds() / 60


def staffing_table(tickets: pl.DataFrame, branches: pl.DataFrame, closed: list[dt.date], sop: Sop,
                   first_day: dt.date, last_day: dt.date) -> pl.DataFrame:
    """The mart rows of the days `first_day`..`last_day` (both included), in STAFFING_SCHEMA."""
    hours = branches.select(
        "branch_code", "counters", "region_code", time_of_day(pl.col("opens_at")).alias("opens"),
        ((time_of_day(pl.col("closes_at")) - time_of_day(pl.col("opens_at"))).dt.total_seconds() / 3600)
        .ceil().cast(pl.Int64).alias("slots"),
    )
    timed = (
        tickets.with_columns(pl.col("issued_at").dt.date().alias("day"))
        .filter(pl.col("day").is_between(first_day, last_day) & is_working_day(pl.col("day"), closed))
        .join(hours, on="branch_code")
        .with_columns(
            _slot_of("issued_at").alias("slot"),
            minutes_between("issued_at", "called_at").alias("wait_min"),
            minutes_between("called_at", "finished_at").alias("service_min"),
        )
    )
    if timed.is_empty():
        return pl.DataFrame(schema=STAFFING_SCHEMA)
    keys = ["branch_code", "day", "slot"]
    called = pl.col("called_at").is_not_null()
    issued = timed.group_by(keys).agg(
        pl.len().alias("arrivals"),
        pl.col("priority_group").is_not_null().sum().alias("priority_arrivals"),
        called.sum().alias("called"),
        (called & (pl.col("wait_min") <= sop.wait_minutes)).sum().alias("within"),
        # Summed in sorted order: the facts' order (as loaded, or as read back) must not move a last digit.
        pl.col("service_min").sort().mean().alias("service_min_mean"),
    )
    active = (
        timed.filter(called & (pl.col("called_at").dt.date() == pl.col("day")))
        .with_columns(_slot_of("called_at").alias("slot"))
        .group_by(keys).agg(pl.col("counter_id").n_unique().alias("counters_active"))
    )
    usual_service = timed.group_by("branch_code", "day").agg(pl.col("service_min").mean().alias("usual_service_min"))
    grid = (
        timed.select("branch_code", "day").unique().join(hours, on="branch_code")
        .with_columns(pl.int_ranges(0, pl.col("slots")).alias("slot")).explode("slot")
    )
    slots = (
        grid.join(issued, on=keys, how="left").join(active, on=keys, how="left")
        .join(usual_service, on=["branch_code", "day"], how="left")
        .with_columns(pl.col("arrivals", "priority_arrivals", "called", "within", "counters_active").fill_null(0))
        .with_columns(pl.coalesce("service_min_mean", "usual_service_min").alias("model_service_min"))
    )
    return _priced(_with_sop_targets(slots, sop), sop).sort("branch_code", "slot_start")


def _slot_of(column: str) -> pl.Expr:
    """The hour slot of the day holding `column`, clipped to the service hours."""
    since_open = pl.col(column) - (pl.col("day").cast(pl.Datetime("us")) + pl.col("opens"))
    return (since_open.dt.total_microseconds() // int(SLOT.total_seconds() * 1e6)).clip(0, pl.col("slots") - 1)


def _with_sop_targets(slots: pl.DataFrame, sop: Sop) -> pl.DataFrame:
    """The targets of wait_within_sop and priority_wait_within_sop in force on each day, for the branch's region."""
    days = slots.select(pl.lit("branch").alias("level"), pl.col("branch_code").alias("code"),
                        pl.col("day").alias("period_start")).unique()
    keyed = pl.concat([days.with_columns(pl.lit(kpi).alias("kpi"), pl.lit(None, dtype=pl.Float64).alias("value"))
                       for kpi in (KPI_ALL, KPI_PRIORITY)])
    regions = slots.select("branch_code", "region_code").unique()
    targets = (
        with_targets(keyed, sop.targets(), regions)
        .pivot(on="kpi", index=["code", "period_start"], values="target")
        .rename({"code": "branch_code", "period_start": "day", KPI_ALL: "target", KPI_PRIORITY: "priority_target"})
    )
    return slots.join(targets, on=["branch_code", "day"], how="left")


def _priced(slots: pl.DataFrame, sop: Sop) -> pl.DataFrame:
    """Counters needed, and the share the model predicts with the counters that were active."""
    # Each day's slots in order: an hour inherits the queue the hour before left.
    ordered = slots.sort("branch_code", "day", "slot")
    priced = ordered.with_columns(
        (pl.col("day").cast(pl.Datetime("us")) + pl.col("opens") + pl.col("slot") * pl.duration(hours=1))
        .alias("slot_start"),
        pl.col("counters").alias("counters_available"),
        pl.when(pl.col("called") > 0).then(pl.col("within") / pl.col("called")).alias("actual_within_sop"),
        needed_counters(ordered, sop).alias("counters_needed"),
    )
    lam, service = _rates(priced)
    predicted = share_within_day(priced["counters_active"].to_numpy(), lam, service, sop.wait_minutes, SLOT_MINUTES,
                                 priced["slot"].to_numpy())
    return priced.with_columns(
        pl.when(pl.col("arrivals") > 0).then(pl.Series(predicted)).alias("predicted_within_sop")
    ).select(list(STAFFING_SCHEMA)).cast(STAFFING_SCHEMA)


def _rates(slots: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Arrivals per minute and the model's service minutes (1 where unknown: such slots have no arrivals)."""
    lam = slots["arrivals"].cast(pl.Float64).to_numpy() / SLOT_MINUTES
    service = slots["model_service_min"].fill_null(1.0).to_numpy()
    return lam, service


def needed_counters(slots: pl.DataFrame, sop: Sop) -> pl.Expr:
    """Counters each slot needs to meet both waiting standards, from `arrivals` (per hour slot; a forecast may be
    fractional), `priority_arrivals`, `model_service_min`, `target` and `priority_target`; null without a
    service time to price the slot with."""
    lam, service = _rates(slots)
    needed = counters_needed(
        lam, service, sop.wait_minutes, slots["target"].to_numpy(),
        priority_per_min=slots["priority_arrivals"].cast(pl.Float64).to_numpy() / SLOT_MINUTES,
        priority_limit_min=sop.priority_wait_minutes, priority_target=slots["priority_target"].to_numpy(),
    )
    return pl.when(pl.col("model_service_min").is_not_null() | (pl.col("arrivals") == 0)).then(pl.Series(needed))
