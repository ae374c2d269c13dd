"""What every record query shares: who may read which branches' records, and period filters in SQL."""
from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import and_

from etl.calendar import holidays_between
from etl.kpis.periods import period_bounds, period_start
from service.reader import Reader
from service.reference import visible_codes


def record_codes(r: Reader, codes: tuple[str, ...]) -> tuple[str, ...]:
    """Records: a branch manager's own branch, a regional head's region."""
    return r.viewer.record_codes(visible_codes(r, codes))


def between(column, first: dt.datetime, after: dt.datetime):
    return and_(column >= first, column < after)


def in_period(column, start: dt.date, granularity: str):
    return between(column, *period_bounds(start, granularity))


def closures_for(earliest: dt.datetime | None, after: dt.datetime) -> list[dt.date]:
    """Closures from the earliest record's day (None: no records) up to the day before `after`."""
    last = (after - dt.timedelta(days=1)).date()
    return holidays_between(min(earliest.date(), last) if earliest else last, last)


def bucket_labels(bounds: tuple[int, ...]) -> list[str]:
    """`0–5`, `5–10`, …, `60+`: each bucket holds its upper bound."""
    return [f"{low}–{high}" for low, high in zip((0, *bounds), bounds)] + [f"{bounds[-1]}+"]


def bucket(value: pl.Expr, bounds: tuple[int, ...]) -> pl.Expr:
    """The label of the bucket holding `value` (a value equal to a bound falls in the lower bucket)."""
    labels = bucket_labels(bounds)
    chain = pl.when(value <= bounds[0]).then(pl.lit(labels[0]))
    for bound, label in zip(bounds[1:], labels[1:]):
        chain = chain.when(value <= bound).then(pl.lit(label))
    return chain.otherwise(pl.lit(labels[-1]))


AGE_BUCKETS = (1, 3, 5, 10, 20)  # working days; a last bucket holds older records


def age_buckets(frame: pl.DataFrame) -> pl.DataFrame:
    """Open records per age bucket (`0–1`, …, `20+` working days) and whether they are over their limit."""
    labels = bucket_labels(AGE_BUCKETS)
    bucketed = frame.with_columns(bucket(pl.col("age"), AGE_BUCKETS).alias("bucket"))
    return bucketed.group_by("bucket", "over_limit").agg(pl.len().alias("count")).with_columns(
        pl.col("bucket").replace_strict(labels, list(range(len(labels)))).alias("bucket_order")
    ).sort("bucket_order", "over_limit")


def pareto(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Counts of `column`'s values, largest first, with the cumulative share."""
    counts = frame.group_by(column).agg(pl.len().alias("count")).sort("count", column, descending=[True, False])
    return counts.with_columns((pl.col("count").cum_sum() / pl.col("count").sum()).alias("cumulative_share"))


def over_recent(records: pl.DataFrame, column: str, group: str, starts: list[dt.date], granularity: str) -> pl.DataFrame:
    """Records per period (by `column`) and `group` value over the recent period `starts`, oldest first.

    A period without records for a value counts 0, so a line never skips a week it had nothing in.
    """
    dated = records.drop_nulls(column).with_columns(period_start(pl.col(column), granularity).alias("period_start"))
    counts = dated.filter(pl.col("period_start").is_in(starts)).group_by("period_start", group).agg(pl.len().alias("count"))
    grid = pl.DataFrame({"period_start": starts}, schema={"period_start": pl.Date}).join(
        counts.select(group).unique(), how="cross")
    return grid.join(counts, on=["period_start", group], how="left").with_columns(
        pl.col("count").fill_null(0).cast(pl.UInt32)).sort("period_start", group)


def mover(trend: pl.DataFrame, group: str) -> str | None:
    """The `group` value whose last period moved furthest from its mean over the periods before: the line to stress."""
    if trend["period_start"].n_unique() < 2:
        return None
    last = trend["period_start"].max()
    before = trend.filter(pl.col("period_start") < last).group_by(group).agg(pl.col("count").mean().alias("usual"))
    moved = trend.filter(pl.col("period_start") == last).join(before, on=group).with_columns(
        (pl.col("count") - pl.col("usual")).abs().alias("moved")).sort("moved", group, descending=[True, False])
    return moved[group][0] if moved.height and moved["moved"][0] > 0 else None
