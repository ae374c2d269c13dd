"""The KPI marts: every catalogue KPI per branch and per region, with targets and the SOP index.

Grain of the result: one row per level × code × period_start × kpi, for KPIs that
have a value (a zero denominator or no records means no row, never a zero).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from etl.catalogue import COMPLIANCE_INDEX, KPI_BY_ID, KPIS
from etl.kpis import claims as claim_kpis
from etl.kpis import complaints as complaint_kpis
from etl.kpis import days as day_kpis
from etl.kpis import queue as queue_kpis
from etl.kpis.shapes import RATE_SCHEMA, SAMPLE_SCHEMA
from etl.sop import ALL_REGIONS, Sop

MART_SCHEMA = {
    "level": pl.String, "code": pl.String, "period_start": pl.Date, "kpi": pl.String, "value": pl.Float64,
    "numerator": pl.Float64, "denominator": pl.Float64, "target": pl.Float64, "meets_target": pl.Boolean,
}
_KPI_TRAITS = pl.DataFrame({
    "kpi": [k.id for k in KPIS],
    "scale": [k.scale for k in KPIS],
    "higher_is_better": [k.higher_is_better for k in KPIS],
})


@dataclass(frozen=True)
class Facts:
    """Typed fact frames, as loaded: one row per record id."""

    branches: pl.DataFrame
    tickets: pl.DataFrame
    claims: pl.DataFrame
    complaints: pl.DataFrame


def kpi_table(
    facts: Facts, sop: Sop, closed: list[dt.date], granularity: str, first_period: dt.date, last_period: dt.date
) -> pl.DataFrame:
    """All KPIs for the periods `first_period`..`last_period` (period starts), branch and region level."""
    visit_frame = queue_kpis.visits(facts.tickets, granularity)
    submitted = claim_kpis.claims_submitted(facts.claims, granularity)
    rate_parts = pl.concat([
        queue_kpis.ticket_rate_parts(facts.tickets, sop, granularity),
        queue_kpis.visit_rate_parts(visit_frame),
        queue_kpis.counter_staffing_parts(facts.tickets, facts.branches, closed, granularity),
        claim_kpis.claim_rate_parts(facts.claims, sop.claim_sla, closed, granularity, first_period, last_period),
        complaint_kpis.complaint_rate_parts(facts.complaints, sop, closed, granularity, first_period, last_period),
        complaint_kpis.received_parts(facts.complaints, queue_kpis.visit_counts(visit_frame), submitted, granularity),
    ]).cast(RATE_SCHEMA)
    samples = pl.concat([
        queue_kpis.ticket_samples(facts.tickets, granularity),
        claim_kpis.claim_samples(facts.claims, closed, granularity),
    ]).cast(SAMPLE_SCHEMA)
    in_range = pl.col("period_start").is_between(first_period, last_period)
    regions = facts.branches.select("branch_code", "region_code")
    values = pl.concat([
        pooled_rates(rate_parts.filter(in_range), regions),
        pooled_quantiles(samples.filter(in_range), regions),
    ], how="diagonal")
    judged = with_targets(values, sop.targets(), regions)
    return pl.concat([judged, compliance_index(judged, sop), day_signals(facts, sop, closed, granularity, regions)
                      .filter(in_range)], how="diagonal").select(list(MART_SCHEMA)).sort(
        "level", "code", "period_start", "kpi"
    )


def day_signals(facts: Facts, sop: Sop, closed: list[dt.date], granularity: str,
                regions: pl.DataFrame) -> pl.DataFrame:
    """The worst day of each period, branch and region level; no target, so never in the compliance index."""
    days = day_kpis.daily(facts.tickets, facts.branches, closed, sop.day_wait_minutes, sop.day_staffing_below)
    branch = day_kpis.day_signal_values(days, granularity)
    return pl.concat([
        branch.select(pl.lit("branch").alias("level"), pl.col("branch_code").alias("code"), pl.exclude("branch_code")),
        day_kpis.region_worst(branch, regions).select(pl.lit("region").alias("level"),
                                                      pl.col("branch_code").alias("code"), pl.exclude("branch_code")),
    ]).with_columns(pl.lit(None, dtype=pl.Float64).alias("target"), pl.lit(None, dtype=pl.Boolean).alias("meets_target"))


def pooled_rates(parts: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    """Branch rates, and region rates from the summed numerators and denominators."""
    region_parts = (
        parts.join(regions, on="branch_code")
        .group_by("region_code", "period_start", "kpi")
        .agg(
            # Sorted first: a sum of fractions (counter staffing) is then the same whatever order the rows came in.
            pl.col("numerator").sort().sum(),
            # Counts have no denominator, and a sum of nulls would turn into a zero.
            pl.when(pl.col("denominator").is_null().all()).then(None).otherwise(pl.col("denominator").sum())
            .alias("denominator"),
        )
    )
    both = pl.concat([
        parts.select(pl.lit("branch").alias("level"), pl.col("branch_code").alias("code"), pl.exclude("branch_code")),
        region_parts.select(pl.lit("region").alias("level"), pl.col("region_code").alias("code"),
                            pl.exclude("region_code")),
    ])
    return (
        both.join(_KPI_TRAITS.select("kpi", "scale"), on="kpi")
        .with_columns(
            pl.when(pl.col("denominator").is_null()).then(pl.col("numerator"))
            .otherwise(pl.col("numerator") / pl.col("denominator") * pl.col("scale")).alias("value")
        )
        .drop("scale")
    )


def pooled_quantiles(samples: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    """Percentile KPIs per branch, and per region over the pooled records (linear interpolation)."""
    frames = []
    for kpi in samples["kpi"].unique().to_list():
        q = KPI_BY_ID[kpi].quantile
        of_kpi = samples.filter(pl.col("kpi") == kpi).join(regions, on="branch_code")
        for level, code in (("branch", "branch_code"), ("region", "region_code")):
            frames.append(
                of_kpi.group_by(code, "period_start")
                .agg(pl.col("sample").quantile(q, interpolation="linear").alias("value"))
                .select(pl.lit(level).alias("level"), pl.col(code).alias("code"), "period_start",
                        pl.lit(kpi).alias("kpi"), "value")
            )
    empty = pl.DataFrame(schema={"level": pl.String, "code": pl.String, "period_start": pl.Date, "kpi": pl.String,
                                 "value": pl.Float64})
    return pl.concat([empty, *frames], how="diagonal_relaxed").with_columns(
        pl.lit(None, dtype=pl.Float64).alias("numerator"), pl.lit(None, dtype=pl.Float64).alias("denominator")
    )


def with_targets(values: pl.DataFrame, targets: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    """Attach the target in force at each period start; a region's own target wins over the default."""
    region_of_code = pl.concat([
        regions.rename({"branch_code": "code"}).with_columns(pl.lit("branch").alias("level")),
        regions.select(pl.col("region_code").alias("code"), "region_code").unique().with_columns(
            pl.lit("region").alias("level")),
    ])
    keyed = values.join(region_of_code, on=["level", "code"], how="left").sort("period_start")
    by_region = targets.filter(pl.col("region_code") != ALL_REGIONS).sort("effective_from")
    default = targets.filter(pl.col("region_code") == ALL_REGIONS).drop("region_code").sort("effective_from")
    judged = (
        keyed.join_asof(by_region.rename({"target": "region_target", "weight": "region_weight"}),
                        left_on="period_start", right_on="effective_from", by=["kpi", "region_code"],
                        check_sortedness=False)
        .drop("effective_from")
        .join_asof(default, left_on="period_start", right_on="effective_from", by="kpi", check_sortedness=False)
        .with_columns(pl.coalesce("region_target", "target").alias("target"),
                      pl.coalesce("region_weight", "weight").alias("weight"))
        .join(_KPI_TRAITS.select("kpi", "higher_is_better"), on="kpi")
    )
    return judged.with_columns(meets_target(pl.col("value"), pl.col("target"), pl.col("higher_is_better"))).drop(
        "region_target", "region_weight", "effective_from", "higher_is_better"
    )


def meets_target(value: pl.Expr, target: pl.Expr, higher_is_better: pl.Expr) -> pl.Expr:
    """value >= target when higher is better, value <= target otherwise; null without both."""
    return pl.when(higher_is_better).then(value >= target).otherwise(value <= target).alias("meets_target")


def compliance_index(judged: pl.DataFrame, sop: Sop) -> pl.DataFrame:
    """100 × weighted share of KPIs with a value that meet their target (no value: left out)."""
    counted = judged.filter(pl.col("meets_target").is_not_null())
    index = counted.group_by("level", "code", "region_code", "period_start").agg(
        (pl.col("weight") * pl.col("meets_target").cast(pl.Float64)).sum().alias("numerator"),
        pl.col("weight").sum().alias("denominator"),
    ).filter(pl.col("denominator") > 0)
    target = sop.green_from
    return index.select(
        "level", "code", "region_code", "period_start", pl.lit(COMPLIANCE_INDEX).alias("kpi"),
        (pl.col("numerator") / pl.col("denominator") * 100).alias("value"), "numerator", "denominator",
        pl.lit(target).alias("target"), pl.lit(1.0).alias("weight"),
    ).with_columns((pl.col("value") >= target).alias("meets_target"))
