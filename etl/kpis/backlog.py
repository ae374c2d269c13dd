"""Backlog KPIs, measured on the open records at each period's end."""
from __future__ import annotations

import datetime as dt

import polars as pl

from etl.calendar import elapsed_working_days
from etl.kpis.periods import EVERY, period_end_date, period_start, previous_period
from etl.kpis.shapes import KEYS, rate, to_rate_parts


def backlog_over_limit_parts(
    records: pl.DataFrame, kpi: str, opened: str, closed_at: str, limit_days: pl.Expr,
    first_period: dt.date, last_period: dt.date, closed: list[dt.date], granularity: str,
) -> pl.DataFrame:
    """Open records at each period end whose working-day age exceeds `limit_days` / open records.

    A record is open at the end E of a period when `opened` <= E and `closed_at` is empty or > E.
    Those periods form one run per record, from the period holding `opened` to the one before
    the period holding `closed_at`, so the run is expanded instead of crossing records × periods.
    """
    runs = records.select(
        "branch_code", pl.col(opened).alias("opened"), limit_days.alias("limit_days"),
        pl.max_horizontal(period_start(pl.col(opened), granularity), pl.lit(first_period)).alias("from_period"),
        pl.min_horizontal(
            pl.when(pl.col(closed_at).is_null()).then(pl.lit(last_period))
            .otherwise(previous_period(period_start(pl.col(closed_at), granularity), granularity)),
            pl.lit(last_period),
        ).alias("until_period"),
    ).filter(pl.col("from_period") <= pl.col("until_period"))
    at_period_end = (
        runs.with_columns(pl.date_ranges("from_period", "until_period", interval=EVERY[granularity]).alias("period_start"))
        .explode("period_start")
        .with_columns(
            (elapsed_working_days(pl.col("opened"), period_end_date(pl.col("period_start"), granularity), closed)
             > pl.col("limit_days")).alias("over_limit")
        )
    )
    wide = at_period_end.group_by(KEYS).agg(*rate(kpi, pl.col("over_limit").sum(), pl.len()))
    return to_rate_parts(wide)
