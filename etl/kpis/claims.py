"""Claim KPIs: SLA compliance in working days, rejections, backlog and online share."""
from __future__ import annotations

import datetime as dt

import polars as pl

from etl.calendar import elapsed_working_days
from etl.contract import ONLINE_CLAIM_CHANNELS, PROGRAMMES
from etl.kpis.backlog import backlog_over_limit_parts
from etl.kpis.periods import period_start
from etl.kpis.shapes import KEYS, rate, to_rate_parts, to_samples


def claim_sla_days(sla: dict) -> pl.Expr:
    """The claim's SLA in working days: small JHT through JMO is faster than the programme's default."""
    small_jht_via_jmo = (
        (pl.col("programme") == "JHT") & (pl.col("channel") == "jmo") & (pl.col("amount_idr") <= sla["JHT_small_max_idr"])
    )
    by_programme = pl.col("programme").replace_strict({p: sla[p] for p in PROGRAMMES}, return_dtype=pl.Int64)
    return pl.when(small_jht_via_jmo).then(pl.lit(sla["JHT_small_via_jmo"], dtype=pl.Int64)).otherwise(by_programme)


def paid_claims(claims: pl.DataFrame, closed: list[dt.date], granularity: str) -> pl.DataFrame:
    """Paid claims in the period of their payment, with working days from complete documents."""
    return claims.filter(pl.col("status") == "paid").with_columns(
        period_start(pl.col("paid_at"), granularity).alias("period_start"),
        elapsed_working_days(pl.col("docs_complete_at"), pl.col("paid_at"), closed).alias("days_working"),
    )


def claim_rate_parts(
    claims: pl.DataFrame, sla: dict, closed: list[dt.date], granularity: str,
    first_period: dt.date, last_period: dt.date,
) -> pl.DataFrame:
    """claim_paid_within_sla, claim_rejection_rate, online_claim_share and claim_backlog_over_sla."""
    paid = paid_claims(claims, closed, granularity).group_by(KEYS).agg(
        *rate("claim_paid_within_sla", (pl.col("days_working") <= claim_sla_days(sla)).sum(), pl.len())
    )
    decided = (
        claims.filter(pl.col("status").is_in(["paid", "rejected"]))
        .with_columns(period_start(pl.col("decided_at"), granularity).alias("period_start"))
        .group_by(KEYS)
        .agg(*rate("claim_rejection_rate", (pl.col("status") == "rejected").sum(), pl.len()))
    )
    submitted = (
        claims.with_columns(period_start(pl.col("submitted_at"), granularity).alias("period_start"))
        .group_by(KEYS)
        .agg(*rate("online_claim_share", pl.col("channel").is_in(ONLINE_CLAIM_CHANNELS).sum(), pl.len()))
    )
    backlog = backlog_over_limit_parts(
        claims.filter(pl.col("docs_complete_at").is_not_null()), "claim_backlog_over_sla",
        opened="docs_complete_at", closed_at="decided_at", limit_days=claim_sla_days(sla),
        first_period=first_period, last_period=last_period, closed=closed, granularity=granularity,
    )
    return pl.concat([to_rate_parts(paid), to_rate_parts(decided), to_rate_parts(submitted), backlog])


def claim_samples(claims: pl.DataFrame, closed: list[dt.date], granularity: str) -> pl.DataFrame:
    """Working days from complete documents to payment, per paid claim (claim_days_median)."""
    return to_samples(paid_claims(claims, closed, granularity), "claim_days_median", pl.col("days_working"))


def claims_submitted(claims: pl.DataFrame, granularity: str) -> pl.DataFrame:
    """Claims per branch and period of submission (part of the complaint-rate denominator)."""
    return (
        claims.with_columns(period_start(pl.col("submitted_at"), granularity).alias("period_start"))
        .group_by(KEYS)
        .agg(pl.len().alias("claims"))
    )
