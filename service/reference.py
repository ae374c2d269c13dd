"""Reference data and time: branches and regions, how fresh the data is, and which periods it covers."""
from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine, func, inspect, select

from etl import schema
from etl.kpis.periods import period_bounds
from service.reader import Reader

RECENT_PERIODS = 12
FACT_TIMES = (("queue_tickets", "issued_at"), ("claims", "submitted_at"), ("complaints", "received_at"))


def data_version(engine: Engine) -> str | None:
    """The latest ETL batch and whether its KPIs are recomputed yet, as a cache key; None while no KPI is loaded.

    A run commits its batches first and the recomputed marts after them, so the key changes
    twice: results cached in between are not kept once the new KPIs are in.
    """
    with engine.connect() as conn:
        if not inspect(conn).has_table(schema.kpi_weekly.name):
            return None
        batches = schema.etl_batches
        has_kpis = select(schema.kpi_weekly.c.kpi).limit(1).scalar_subquery()
        pending = select(func.max(schema.marts_pending.c.pending_id)).scalar_subquery()
        latest = conn.execute(select(func.max(batches.c.batch_id), func.max(batches.c.finished_at), has_kpis,
                                     pending)).one()
    return None if latest[2] is None else f"{latest[0]}@{latest[1]}~{latest[3]}"


def _all_branches(r: Reader) -> pl.DataFrame:
    b = schema.branches
    return r.read(select(b.c.branch_code, b.c.branch_name, b.c.branch_type, b.c.region_code, b.c.region_name,
                         b.c.counters, b.c.opens_at, b.c.closes_at).order_by(b.c.region_code, b.c.branch_code))


def branches(r: Reader) -> pl.DataFrame:
    """Every branch of the regions the viewer sees, with its region, counters and service hours."""
    frame = r.cached(_all_branches)
    seen = r.viewer.region_code
    return frame if seen is None else frame.filter(pl.col("region_code") == seen)


def region_branches(r: Reader, region: str, selected: tuple[str, ...] = ()) -> pl.DataFrame:
    """The region's branches, or only `selected` ones when any are picked."""
    frame = branches(r).filter(pl.col("region_code") == region)
    return frame.filter(pl.col("branch_code").is_in(list(selected))) if selected else frame


def regions(r: Reader) -> list[str]:
    """The region codes the viewer sees, in code order."""
    return branches(r)["region_code"].unique(maintain_order=True).to_list()


def branch_names(r: Reader) -> dict[str, str]:
    """branch_code → branch name, plus region_code → region name."""
    frame = branches(r)
    return dict(zip(frame["branch_code"], frame["branch_name"])) | dict(zip(frame["region_code"], frame["region_name"]))


def visible_codes(r: Reader, codes: tuple[str, ...]) -> tuple[str, ...]:
    """The branches among `codes` in the viewer's regions (facts aggregated by branch)."""
    visible = set(branches(r)["branch_code"])
    return tuple(c for c in codes if c in visible)


def _freshness(r: Reader) -> dict:
    days = [select(func.max(schema.metadata.tables[table].c[column])).scalar_subquery() for table, column in FACT_TIMES]
    with r.engine.connect() as conn:
        row = conn.execute(select(*days, func.max(schema.etl_batches.c.finished_at))).one()
    latest = [d for d in row[:3] if d is not None]
    return {"up_to": max(latest).date() if latest else None, "loaded_at": row[3]}


def _region_up_to(r: Reader, region: str) -> dt.date | None:
    codes = region_branches(r, region)["branch_code"].to_list()
    # One max per branch and table, each answered from its (branch_code, time) index: a national database is
    # not scanned for one region.
    days = [select(func.max(schema.metadata.tables[table].c[column])).where(
        schema.metadata.tables[table].c.branch_code == code).scalar_subquery()
        for table, column in FACT_TIMES for code in codes]
    if not days:
        return None
    with r.engine.connect() as conn:
        latest = [d for d in conn.execute(select(*days)).one() if d is not None]
    return max(latest).date() if latest else None


def region_up_to(r: Reader, region: str) -> dt.date | None:
    """The last day with data in any fact table for the region's branches; None when it has none."""
    r.require_region(region)
    return r.cached(_region_up_to, region)


def freshness(r: Reader) -> dict:
    """The last day with data in any fact table, and when the last batch finished."""
    return r.cached(_freshness)


def _periods(r: Reader, granularity: str) -> pl.DataFrame:
    mart = schema.KPI_MARTS[granularity]
    frame = r.read(select(mart.c.period_start).distinct().order_by(mart.c.period_start.desc()))
    up_to = freshness(r)["up_to"] or dt.date.min
    ends = [period_bounds(start, granularity)[1].date() - dt.timedelta(days=1) for start in frame["period_start"]]
    return frame.with_columns(pl.Series("complete", [end <= up_to for end in ends], dtype=pl.Boolean))


def periods(r: Reader, granularity: str) -> pl.DataFrame:
    """Period starts with KPIs, newest first, and whether the data covers the whole period."""
    return r.cached(_periods, granularity)


def default_period(r: Reader, granularity: str) -> dt.date | None:
    """The last complete period (or the newest one when none is complete)."""
    frame = periods(r, granularity)
    complete = frame.filter("complete")
    pick = complete if complete.height else frame
    return pick["period_start"][0] if pick.height else None


def recent_periods(r: Reader, granularity: str, period: dt.date, count: int = RECENT_PERIODS) -> list[dt.date]:
    """Up to `count` period starts ending with `period`, oldest first."""
    starts = periods(r, granularity).filter(pl.col("period_start") <= period)["period_start"].head(count)
    return sorted(starts.to_list())
