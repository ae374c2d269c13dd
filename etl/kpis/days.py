"""Day-level signals: each period's worst day per branch, so that a weekly figure cannot average away a bad day.

One empty-counter Thursday in an otherwise ordinary week barely moves the week's share within 15 minutes,
while the people in that queue waited three hours and were served after closing. So every working day of a
branch gets its own figures, and the period keeps the worst of them and counts the days that broke a hard
limit (`[day_limits]` in data/config/sop.toml): any wait longer than `wait_minutes`, or busy-hour staffing
below `staffing_below`. Staffing is the counter_staffing KPI's own (`busy_slots`), taken over one day.
"""
from __future__ import annotations

import datetime as dt

import polars as pl

from etl.calendar import is_working_day
from etl.kpis.periods import period_start
from etl.kpis.queue import busy_slots, minutes_between, time_of_day
from etl.kpis.shapes import KEYS

DAY_SCHEMA = {"branch_code": pl.String, "day": pl.Date, "wait_p90_min": pl.Float64, "wait_max_min": pl.Float64,
              "staffing": pl.Float64, "waiting_at_close": pl.Int64, "after_close_min": pl.Float64,
              "breach": pl.Boolean}
SIGNAL_SCHEMA = {"branch_code": pl.String, "period_start": pl.Date, "kpi": pl.String, "value": pl.Float64,
                 "numerator": pl.Float64, "denominator": pl.Float64}


def daily(tickets: pl.DataFrame, branches: pl.DataFrame, closed: list[dt.date], wait_minutes: float,
          staffing_below: float) -> pl.DataFrame:
    """One row per branch and working day with tickets issued (DAY_SCHEMA).

    wait_p90_min / wait_max_min: over the day's called tickets (no called ticket: no value);
    staffing: mean over the day's busy slots of min(1, counters calling / counters) (no busy slot: no value);
    waiting_at_close: called tickets waiting at closing time (issued_at < close <= called_at), as a busy slot
    counts a waiting ticket; after_close_min: minutes from closing to the end of the day's last service
    (finished_at, or called_at without it), 0 when it ended in time.
    breach: a wait longer than `wait_minutes` (a wait of exactly the limit is within it), or staffing below
    `staffing_below`.
    """
    closes = branches.select("branch_code", time_of_day(pl.col("closes_at")).alias("closes"))
    day = tickets.with_columns(pl.col("issued_at").dt.date().alias("day")).filter(
        is_working_day(pl.col("day"), closed))
    if day.is_empty():
        return pl.DataFrame(schema=DAY_SCHEMA)
    close = pl.col("day").cast(pl.Datetime("us")) + pl.col("closes")
    ended = pl.coalesce("finished_at", "called_at")
    per_day = (
        day.join(closes, on="branch_code")
        .with_columns(minutes_between("issued_at", "called_at").alias("wait"), close.alias("close"))
        .group_by("branch_code", "day")
        .agg(
            pl.col("wait").quantile(0.9, interpolation="linear").alias("wait_p90_min"),
            pl.col("wait").max().alias("wait_max_min"),
            ((pl.col("issued_at") < pl.col("close")) & (pl.col("called_at") >= pl.col("close"))).sum()
            .cast(pl.Int64).alias("waiting_at_close"),
            ((ended.max() - pl.col("close").first()).dt.total_microseconds() / 60_000_000).clip(lower_bound=0)
            .fill_null(0.0).alias("after_close_min"),
        )
    )
    staffing = busy_slots(tickets, branches, closed).group_by("branch_code", "day").agg(
        pl.col("ratio").mean().alias("staffing"))
    breach = (pl.col("wait_max_min") > wait_minutes).fill_null(False) | (pl.col("staffing") < staffing_below).fill_null(
        False)
    return (per_day.join(staffing, on=["branch_code", "day"], how="left")
            .with_columns(breach.alias("breach"))
            .select(list(DAY_SCHEMA)).cast(DAY_SCHEMA).sort("branch_code", "day"))


def day_signal_values(days: pl.DataFrame, granularity: str) -> pl.DataFrame:
    """Each period's worst day per branch, one row per branch × period × signal (SIGNAL_SCHEMA).

    A signal without a value on any day of the period (no called ticket, no busy slot) has no row.
    breach_days carries the days that broke a limit as numerator and the working days seen as denominator.
    """
    per_period = days.with_columns(period_start(pl.col("day").cast(pl.Datetime("us")), granularity).alias(
        "period_start")).group_by(KEYS).agg(
        pl.col("wait_p90_min").max().alias("worst_day_wait_p90_min"),
        pl.col("staffing").min().alias("worst_day_staffing"),
        pl.col("waiting_at_close").max().cast(pl.Float64).alias("worst_day_waiting_at_close"),
        pl.col("after_close_min").max().alias("worst_day_after_close_min"),
        pl.col("breach").sum().cast(pl.Float64).alias("breach_days"),
        pl.len().cast(pl.Float64).alias("days_seen"),
    )
    worst = (per_period.drop("days_seen").unpivot(index=KEYS, variable_name="kpi", value_name="value")
             .drop_nulls("value")
             .join(per_period.select(*KEYS, pl.lit("breach_days").alias("kpi"), pl.col("breach_days").alias("numerator"),
                                     pl.col("days_seen").alias("denominator")), on=[*KEYS, "kpi"], how="left"))
    return worst.select(list(SIGNAL_SCHEMA)).cast(SIGNAL_SCHEMA)


def region_worst(values: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    """Per region: the worst day of its branches (the lowest staffing, the highest of the rest), and its branch-days
    in breach out of the branch-days seen (SIGNAL_SCHEMA with region_code for branch_code)."""
    kpi = pl.col("kpi").first()
    unpooled = pl.col("numerator").is_null().all()
    return (values.join(regions, on="branch_code")
            .group_by("region_code", "period_start", "kpi")
            .agg(pl.when(kpi == "breach_days").then(pl.col("value").sum())
                 .when(kpi == "worst_day_staffing").then(pl.col("value").min())
                 .otherwise(pl.col("value").max()).alias("value"),
                 pl.when(unpooled).then(None).otherwise(pl.col("numerator").sum()).alias("numerator"),
                 pl.when(unpooled).then(None).otherwise(pl.col("denominator").sum()).alias("denominator"))
            .rename({"region_code": "branch_code"})
            .select(list(SIGNAL_SCHEMA)).cast(SIGNAL_SCHEMA))


def worst_breach_days(days: pl.DataFrame) -> pl.DataFrame:
    """Per branch with a day over a hard limit: its worst such day (the longest p90 wait, then the lowest staffing),
    with breach_days and days_seen; worst branch first, in the same order. DAY_SCHEMA columns plus those two."""
    counted = days.with_columns(pl.col("breach").sum().over("branch_code").cast(pl.Int64).alias("breach_days"),
                                pl.len().over("branch_code").cast(pl.Int64).alias("days_seen"))
    order = [pl.col("wait_p90_min").fill_null(0), pl.col("staffing").fill_null(1)]
    return (counted.filter("breach")
            .sort([*order, "day"], descending=[True, False, False])
            .unique("branch_code", keep="first", maintain_order=True)
            .sort([*order, "breach_days", "branch_code"], descending=[True, False, True, False]))
