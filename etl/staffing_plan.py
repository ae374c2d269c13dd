"""How far the staffing model can be trusted (back-test), and next week's counters from recent weeks (plan).

Pure functions on frames shaped like the `staffing_hourly` mart.

Back-test: in each past slot with tickets called, the share the model predicted for the counters that were
active against the share that happened. A slot of a handful of tickets has a share of 0, 1/3 or 1: its
error is mostly chance, so the error is reported by slot size, and a slot is trusted only from
TRUSTED_ARRIVALS tickets on.

Plan: the arrivals of a coming weekday and hour are the mean of the same weekday and hour in the last
PLAN_WEEKS weeks that had that weekday open, leaving out the days of the week after a closure of two
working days or more (Lebaran, cuti bersama): their surge is not a normal week's demand.
"""
from __future__ import annotations

import datetime as dt

import polars as pl

from etl.kpis.staffing import needed_counters
from etl.sop import Sop

SIZE_BANDS = (1, 5, 10, 20)  # arrivals per slot: 1-4, 5-9, 10-19, 20 and more
TRUSTED_ARRIVALS = 10
PLAN_WEEKS = 4
SURGE_AFTER_CLOSED_DAYS = 2  # a closure this long or longer is followed by a week of catching up


def backtest_slots(slots: pl.DataFrame) -> pl.DataFrame:
    """The slots the model can be checked on (tickets called, a prediction), with their error and size band."""
    bands = pl.lit(None, dtype=pl.Int64)
    for low in SIZE_BANDS:
        bands = pl.when(pl.col("arrivals") >= low).then(pl.lit(low)).otherwise(bands)
    return slots.filter(pl.col("called") > 0, pl.col("predicted_within_sop").is_not_null()).with_columns(
        (pl.col("predicted_within_sop") - pl.col("actual_within_sop")).alias("error"),
        bands.alias("size_from"),
    )


def error_by_size(checked: pl.DataFrame) -> pl.DataFrame:
    """Per size band and for all slots: slots, mean absolute error and mean error (bias), in shares."""
    def summary(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.agg(pl.len().alias("slots"), pl.col("error").abs().mean().alias("mae"),
                         pl.col("error").mean().alias("bias"))
    return pl.concat([
        summary(checked.group_by("size_from")).sort("size_from"),
        summary(checked.select(pl.lit(None, dtype=pl.Int64).alias("size_from"), "error").group_by("size_from")),
    ], how="diagonal_relaxed").select("size_from", "slots", "mae", "bias")


def calibration(checked: pl.DataFrame) -> pl.DataFrame:
    """Per predicted decile (0 = below 10 %, 9 = 90 % and up): slots, mean predicted, and the share actually
    called within the SOP, pooled over the tickets called."""
    return (
        checked.with_columns((pl.col("predicted_within_sop") * 10).floor().clip(0, 9).cast(pl.Int64).alias("decile"))
        .group_by("decile")
        .agg(pl.len().alias("slots"), pl.col("predicted_within_sop").mean().alias("predicted"),
             ((pl.col("actual_within_sop") * pl.col("called")).sum() / pl.col("called").sum()).alias("actual"))
        .sort("decile")
    )


def surge_days(closed: list[dt.date]) -> set[dt.date]:
    """Working days in the five working days after a run of at least SURGE_AFTER_CLOSED_DAYS closed weekdays."""
    surge, run = set(), 0
    closed_set = set(closed)
    if not closed:
        return surge
    day, last = min(closed), max(closed) + dt.timedelta(days=14)
    after = 0
    while day <= last:
        if day.weekday() < 5:
            if day in closed_set:
                run += 1
            else:
                if run >= SURGE_AFTER_CLOSED_DAYS:
                    after = 5
                run = 0
                if after:
                    surge.add(day)
                    after -= 1
        day += dt.timedelta(days=1)
    return surge


def plan_week(history: pl.DataFrame, branches: pl.DataFrame, monday: dt.date, closed: list[dt.date], sop: Sop,
              targets: pl.DataFrame) -> pl.DataFrame:
    """Counters needed per branch, working day and hour slot of the week starting `monday`.

    `history`: staffing_hourly rows before `monday`; `targets`: branch_code, target, priority_target in force.
    Columns: branch_code, day, weekday (0 = Monday), slot ("HH:MM"), arrivals (forecast), counters_needed,
    counters_available.
    """
    days = [monday + dt.timedelta(days=k) for k in range(5) if monday + dt.timedelta(days=k) not in set(closed)]
    skip = surge_days(closed)
    past = (
        history.with_columns(pl.col("slot_start").dt.date().alias("day"),
                             pl.col("slot_start").dt.weekday().sub(1).alias("weekday"),
                             pl.col("slot_start").dt.strftime("%H:%M").alias("slot"))
        .filter(pl.col("day") < monday, ~pl.col("day").is_in(sorted(skip)))
    )
    # The last PLAN_WEEKS days each branch had open on each weekday.
    recent = (
        past.select("branch_code", "weekday", "day").unique()
        .sort("day", descending=True).group_by("branch_code", "weekday").head(PLAN_WEEKS)
    )
    forecast = (
        past.join(recent, on=["branch_code", "weekday", "day"])
        .group_by("branch_code", "weekday", "slot")
        .agg(pl.col("arrivals").mean(), pl.col("priority_arrivals").mean(),
             ((pl.col("service_min_mean") * pl.col("called")).sum() / pl.col("called").sum()).fill_nan(None)
             .alias("model_service_min"))
    )
    week = pl.DataFrame({"day": days}, schema={"day": pl.Date}).with_columns(
        pl.col("day").dt.weekday().sub(1).alias("weekday"))
    planned = (
        forecast.join(week, on="weekday")
        .join(targets, on="branch_code")
        .join(branches.select("branch_code", pl.col("counters").alias("counters_available")), on="branch_code")
    )
    return planned.with_columns(needed_counters(planned, sop).alias("counters_needed")).select(
        "branch_code", "day", "weekday", "slot", "arrivals", "counters_needed", "counters_available"
    ).sort("branch_code", "day", "slot")
