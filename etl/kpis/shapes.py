"""The two shapes every KPI function returns, and helpers to build them."""
from __future__ import annotations

import polars as pl

RATE_SCHEMA = {"branch_code": pl.String, "period_start": pl.Date, "kpi": pl.String,
               "numerator": pl.Float64, "denominator": pl.Float64}
SAMPLE_SCHEMA = {"branch_code": pl.String, "period_start": pl.Date, "kpi": pl.String, "sample": pl.Float64}
KEYS = ["branch_code", "period_start"]


def rate(kpi: str, numerator: pl.Expr, denominator: pl.Expr) -> list[pl.Expr]:
    """Aggregations for one rate KPI, named so that `to_rate_parts` can unpivot them."""
    return [numerator.cast(pl.Float64).alias(f"{kpi}|numerator"), denominator.cast(pl.Float64).alias(f"{kpi}|denominator")]


def to_rate_parts(wide: pl.DataFrame) -> pl.DataFrame:
    """Turn `kpi|numerator`, `kpi|denominator` columns into one row per branch × period × KPI."""
    value_columns = [c for c in wide.columns if "|" in c]
    if not value_columns or wide.is_empty():
        return pl.DataFrame(schema=RATE_SCHEMA)
    long = wide.unpivot(index=KEYS, on=value_columns, variable_name="key", value_name="amount")
    parts = long.with_columns(pl.col("key").str.split_exact("|", 1).struct.rename_fields(["kpi", "part"])).unnest("key")
    return (
        parts.pivot(on="part", index=[*KEYS, "kpi"], values="amount")
        .filter(pl.col("denominator").is_null() | (pl.col("denominator") > 0))
        .select(list(RATE_SCHEMA))
        .cast(RATE_SCHEMA)
    )


def to_samples(frame: pl.DataFrame, kpi: str, sample: pl.Expr) -> pl.DataFrame:
    """One row per record that feeds a percentile KPI; records without a sample are left out."""
    return (
        frame.select(*KEYS, pl.lit(kpi).alias("kpi"), sample.cast(pl.Float64).alias("sample"))
        .drop_nulls("sample")
        .cast(SAMPLE_SCHEMA)
    )
