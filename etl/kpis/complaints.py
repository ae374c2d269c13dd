"""Complaint KPIs: rate per 1,000 services, response and resolution in working days, backlog."""
from __future__ import annotations

import datetime as dt

import polars as pl

from etl.calendar import elapsed_working_days
from etl.contract import PUBLIC_ESCALATION_CHANNELS
from etl.kpis.backlog import backlog_over_limit_parts
from etl.kpis.periods import period_start
from etl.kpis.shapes import KEYS, rate, to_rate_parts
from etl.sop import Sop


def complaint_rate_parts(
    complaints: pl.DataFrame, sop: Sop, closed: list[dt.date], granularity: str,
    first_period: dt.date, last_period: dt.date,
) -> pl.DataFrame:
    """Response and resolution within SOP, reopen rate and backlog over SOP."""
    answered = (
        complaints.filter(pl.col("first_response_at").is_not_null())
        .with_columns(period_start(pl.col("first_response_at"), granularity).alias("period_start"))
        .group_by(KEYS)
        .agg(*rate(
            "complaint_response_within_sop",
            (elapsed_working_days(pl.col("received_at"), pl.col("first_response_at"), closed)
             <= sop.complaint_response_working_days).sum(),
            pl.len(),
        ))
    )
    resolved = (
        complaints.filter(pl.col("resolved_at").is_not_null())
        .with_columns(period_start(pl.col("resolved_at"), granularity).alias("period_start"))
        .group_by(KEYS)
        .agg(
            *rate(
                "complaint_resolved_within_sop",
                (elapsed_working_days(pl.col("received_at"), pl.col("resolved_at"), closed)
                 <= sop.complaint_resolution_working_days).sum(),
                pl.len(),
            ),
            *rate("complaint_reopen_rate", pl.col("reopened").sum(), pl.len()),
        )
    )
    backlog = backlog_over_limit_parts(
        complaints, "complaint_backlog_over_sop", opened="received_at", closed_at="resolved_at",
        limit_days=pl.lit(sop.complaint_resolution_working_days),
        first_period=first_period, last_period=last_period, closed=closed, granularity=granularity,
    )
    return pl.concat([to_rate_parts(answered), to_rate_parts(resolved), backlog])


def received_parts(
    complaints: pl.DataFrame, visit_counts: pl.DataFrame, claims_submitted: pl.DataFrame, granularity: str
) -> pl.DataFrame:
    """complaint_rate_per_1000 and public_escalations, over every branch × period with any activity.

    A period with visits or claims but no complaint has a rate of 0 and 0 escalations,
    which is a real value, unlike a period with no records at all.
    """
    received = (
        complaints.with_columns(period_start(pl.col("received_at"), granularity).alias("period_start"))
        .group_by(KEYS)
        .agg(pl.len().alias("complaints"),
             pl.col("channel").is_in(PUBLIC_ESCALATION_CHANNELS).sum().alias("escalations"))
    )
    activity = (
        pl.concat([visit_counts.select(KEYS), claims_submitted.select(KEYS), received.select(KEYS)])
        .unique()
        .join(visit_counts, on=KEYS, how="left")
        .join(claims_submitted, on=KEYS, how="left")
        .join(received, on=KEYS, how="left")
        .with_columns(pl.col("visits", "claims", "complaints", "escalations").fill_null(0))
    )
    wide = activity.group_by(KEYS).agg(
        *rate("complaint_rate_per_1000", pl.col("complaints").sum(), (pl.col("visits") + pl.col("claims")).sum()),
        *rate("public_escalations", pl.col("escalations").sum(), pl.lit(None)),
    )
    return to_rate_parts(wide)
