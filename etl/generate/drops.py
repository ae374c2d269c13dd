"""Weekly drops: which claims and complaints a week's file holds, and each record's state at that week's end."""
from __future__ import annotations

import polars as pl

from etl.contract import CLAIMS, COMPLAINTS, Source
from etl.generate.days import Week


def claims_file(pool: pl.DataFrame, week: Week) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(this week's claims file, claims still to change later) from every claim not yet finished."""
    rows, later = _split(pool, CLAIMS, week)
    rejected = pl.col("decided_at").is_not_null() & (pl.col("status") == "rejected")
    rows = rows.with_columns(
        status=pl.when(pl.col("paid_at").is_not_null()).then(pl.lit("paid"))
        .when(rejected).then(pl.lit("rejected")).otherwise(pl.lit("in_process")),
        rejection_reason=pl.when(rejected).then("rejection_reason"),
    )
    return rows, later


def complaints_file(pool: pl.DataFrame, week: Week) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(this week's complaints file, complaints still to change later)."""
    rows, later = _split(pool, COMPLAINTS, week)
    resolved = pl.col("resolved_at").is_not_null()
    rows = rows.with_columns(
        status=pl.when(resolved).then(pl.lit("resolved"))
        .when(pl.col("first_response_at").is_not_null()).then(pl.lit("in_progress")).otherwise(pl.lit("open")),
        reopened=resolved & pl.col("reopened"),
    )
    return rows, later


def _split(pool: pl.DataFrame, source: Source, week: Week) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Records with a timestamp in the week (later timestamps blanked), and records with one after it."""
    times = [c.name for c in source.columns if c.kind == "timestamp"]
    in_week = pl.any_horizontal([pl.col(t).is_between(week.start, week.end) for t in times])
    after_week = pl.any_horizontal([pl.col(t) > week.end for t in times])
    rows = pool.filter(in_week).with_columns(
        pl.when(pl.col(t) <= week.end).then(pl.col(t)).alias(t) for t in times
    ).sort(source.id_column)
    return rows, pool.filter(after_week)
