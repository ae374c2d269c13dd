"""KPI marts as the meeting reads them: values with names and zones, headlines, strips, rankings, trends."""
from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import select

from etl import schema
from etl.catalogue import COMPLIANCE_INDEX, KPI_BY_ID, KPIS
from service.reader import Reader
from service.reference import RECENT_PERIODS, branch_names, periods, recent_periods, region_branches

CATALOGUE_ORDER = pl.DataFrame({"kpi": [k.id for k in KPIS], "kpi_order": list(range(len(KPIS)))})
# What "every KPI" means to a reader: the day signals share the marts but are asked for by name (service/days.py).
EVERY_KPI: tuple[str, ...] = tuple(k.id for k in KPIS)


def _kpi_values(r: Reader, granularity: str, region: str, first: dt.date, last: dt.date,
                kpis: tuple[str, ...]) -> pl.DataFrame:
    mart = schema.KPI_MARTS[granularity]
    codes = [region, *region_branches(r, region)["branch_code"]]
    statement = select(mart).where(mart.c.code.in_(codes), mart.c.period_start.between(first, last),
                                   mart.c.kpi.in_(kpis or EVERY_KPI))
    frame = r.read(statement)
    names = branch_names(r)
    return frame.with_columns(
        pl.col("code").replace_strict(names, default=pl.col("code")).alias("name"),
        status_of(r, pl.col("kpi"), pl.col("value"), pl.col("meets_target")).alias("status"),
    ).join(CATALOGUE_ORDER, on="kpi", how="left").sort("level", "code", "period_start", "kpi_order")


def kpi_values(r: Reader, granularity: str, region: str, first: dt.date, last: dt.date,
               kpis: tuple[str, ...] = ()) -> pl.DataFrame:
    """Mart rows for the region and its branches from `first` to `last`, with names and a colour status."""
    r.require_region(region)
    return r.cached(_kpi_values, granularity, region, first, last, tuple(kpis))


def target_in_force(r: Reader, granularity: str, region: str, period: dt.date, kpi: str) -> float:
    """The region's target for `kpi` in the period, as the marts judged it (the catalogue default without data)."""
    rows = kpi_values(r, granularity, region, period, period, (kpi,)).filter(pl.col("level") == "region")
    return rows["target"][0] if rows.height else KPI_BY_ID[kpi].default_target


def zone_of(r: Reader, index: pl.Expr) -> pl.Expr:
    """green / yellow / red / none for compliance-index values, from the SOP config."""
    return r.sop.zone_of(index)


def status_of(r: Reader, kpi: pl.Expr, value: pl.Expr, meets_target: pl.Expr) -> pl.Expr:
    """One colour scale for every cell: the index gets its zone, other KPIs green (meets) or red (misses)."""
    return (pl.when(kpi == COMPLIANCE_INDEX).then(zone_of(r, value))
            .when(meets_target.is_null()).then(pl.lit("none"))
            .when(meets_target).then(pl.lit("green"))
            .otherwise(pl.lit("red")))


def headline(r: Reader, granularity: str, region: str, period: dt.date) -> pl.DataFrame:
    """Region-level KPIs for the period with the previous period's value and the change."""
    starts = recent_periods(r, granularity, period, 2)
    frame = kpi_values(r, granularity, region, starts[0], period).filter(pl.col("level") == "region")
    current = frame.filter(pl.col("period_start") == period)
    previous = frame.filter(pl.col("period_start") < period).select("kpi", pl.col("value").alias("previous"))
    return current.join(previous, on="kpi", how="left").with_columns(
        (pl.col("value") - pl.col("previous")).alias("change")
    ).sort("kpi_order")


def zone_strip(r: Reader, granularity: str, region: str, period: dt.date, count: int = RECENT_PERIODS,
               selected: tuple[str, ...] = ()) -> pl.DataFrame:
    """Compliance index and zone per branch for the last `count` periods (every branch × period, none if missing)."""
    starts = recent_periods(r, granularity, period, count)
    index = kpi_values(r, granularity, region, starts[0], period, (COMPLIANCE_INDEX,)).filter(
        pl.col("level") == "branch")
    grid = region_branches(r, region, selected).select("branch_code", "branch_name").join(
        pl.DataFrame({"period_start": starts}, schema={"period_start": pl.Date}), how="cross")
    return grid.join(index.select(pl.col("code").alias("branch_code"), "period_start", "value"),
                     on=["branch_code", "period_start"], how="left").with_columns(
        zone_of(r, pl.col("value")).alias("zone"))


def ranking(r: Reader, granularity: str, region: str, period: dt.date, selected: tuple[str, ...] = ()) -> pl.DataFrame:
    """Branches by compliance index in the period, best first, with their zone."""
    strip = zone_strip(r, granularity, region, period, 1, selected)
    return strip.sort("value", descending=True, nulls_last=True)


def red_branches(r: Reader, granularity: str, region: str, period: dt.date,
                 selected: tuple[str, ...] = ()) -> pl.DataFrame:
    """Branches in the red zone of the compliance index in the period (picked ones only, if any)."""
    return ranking(r, granularity, region, period, selected).filter(pl.col("zone") == "red")


def trend(r: Reader, granularity: str, region: str, kpi: str, selected: tuple[str, ...] = ()) -> pl.DataFrame:
    """One KPI over every period for the picked branches (all when none) and the region."""
    frame = periods(r, granularity)
    if frame.is_empty():
        return kpi_values(r, granularity, region, dt.date.min, dt.date.min, (kpi,))
    values = kpi_values(r, granularity, region, frame["period_start"].min(), frame["period_start"].max(), (kpi,))
    codes = [region, *region_branches(r, region, selected)["branch_code"]]
    return values.filter(pl.col("code").is_in(codes))


def branch_profile(r: Reader, granularity: str, region: str, branch: str) -> pl.DataFrame:
    """Every KPI over every period for one branch and its region (for small multiples)."""
    frame = periods(r, granularity)
    values = kpi_values(r, granularity, region, frame["period_start"].min(), frame["period_start"].max())
    return values.filter(pl.col("code").is_in([branch, region]))


def compliance_matrix(r: Reader, granularity: str, region: str, period: dt.date,
                      selected: tuple[str, ...] = ()) -> pl.DataFrame:
    """Branch × KPI for one period (region included), with values, targets and status."""
    codes = [region, *region_branches(r, region, selected)["branch_code"]]
    return kpi_values(r, granularity, region, period, period).filter(pl.col("code").is_in(codes))


def comparison(r: Reader, granularity: str, region: str, period: dt.date, picked: tuple[str, ...]) -> pl.DataFrame:
    """Every KPI for the picked branches and the region in one period, long form."""
    return kpi_values(r, granularity, region, period, period).filter(pl.col("code").is_in([region, *picked]))
