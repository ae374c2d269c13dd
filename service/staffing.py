"""Counters needed against counters open: the hours short of counters, what more counters would have bought,
and next week's plan.

Scope: the plan and the count of hours short per branch are aggregates every viewer of the region sees, as
the KPIs are; the hour-by-hour detail of a branch is its operational record, read for the viewer's own
branch only when they are a branch manager (Viewer.record_codes).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from sqlalchemy import select

from etl import schema
from etl.calendar import holidays_between
from etl.kpis.marts import with_targets
from etl.kpis.periods import period_after
from etl.kpis.staffing import KPI_ALL, KPI_PRIORITY, SLOT_MINUTES
from etl.queueing import share_within_hour
from etl.staffing_plan import PLAN_WEEKS, TRUSTED_ARRIVALS, plan_week
from service.reader import Reader
from service.records import record_codes
from service.reference import branches, visible_codes

# Weeks of history the plan reads: PLAN_WEEKS comparable weeks, with room for holidays and surge weeks skipped.
HISTORY_WEEKS = PLAN_WEEKS + 4
# Short hours that make a day with half the counters empty worth naming (a quiet afternoon is not).
EMPTY_DAY_SHORT_HOURS = 3


def _slots(r: Reader, codes: tuple[str, ...], first: dt.date, after: dt.date) -> pl.DataFrame:
    s = schema.staffing_hourly
    start, end = dt.datetime.combine(first, dt.time()), dt.datetime.combine(after, dt.time())
    return r.read(select(s).where(s.c.branch_code.in_(codes), s.c.slot_start >= start, s.c.slot_start < end)
                  .order_by(s.c.branch_code, s.c.slot_start))


def _period_slots(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """The slots of the period, with `short_by` (counters needed but not active) and `short`.

    A slot with few tickets is counted short only when its tickets also missed the SOP (or nobody was called):
    there the model's need is rough (bench/RESULTS.md), and a small office would otherwise be short of its
    second counter every hour a priority ticket might come.
    """
    info = branches(r).filter(pl.col("branch_code").is_in(codes))
    slots = _slots(r, codes, start, period_after(start, granularity))
    if slots.is_empty():
        return slots.with_columns(pl.lit(0).alias("short_by"), pl.lit(False).alias("short"))
    missed = (pl.col("called") == 0) | (pl.col("actual_within_sop") < pl.col("target"))
    targets = _targets(r, info, start).select("branch_code", "target")
    return slots.join(targets, on="branch_code", how="left").with_columns(
        (pl.col("counters_needed") - pl.col("counters_active")).clip(0).alias("short_by"),
        ((pl.col("counters_needed") > pl.col("counters_active")) & (pl.col("arrivals") > 0)
         & ((pl.col("arrivals") >= TRUSTED_ARRIVALS) | missed)).alias("short"),
    ).drop("target")


def short_hours(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Per branch with an hour short of counters: hour slots with tickets, those short, the days they fell on and
    the counter-hours missing in all; worst first."""
    slots = r.cached(_period_slots, visible_codes(r, codes), start, granularity)
    return (
        slots.filter(pl.col("arrivals") > 0)
        .group_by("branch_code")
        .agg(pl.len().alias("hours"), pl.col("short").sum().alias("short_hours"),
             pl.col("short_by").sum().alias("counter_hours_missing"),
             pl.col("slot_start").filter(pl.col("short")).dt.date().n_unique().alias("short_days"))
        .filter(pl.col("short_hours") > 0)
        .join(branches(r).select("branch_code", "branch_name"), on="branch_code")
        .sort(["short_hours", "counter_hours_missing", "branch_code"], descending=[True, True, False])
    )


def branch_slots(r: Reader, branch_code: str, start: dt.date, granularity: str) -> pl.DataFrame:
    """One branch's hour slots in the period (empty when the viewer may not read its detail)."""
    return r.cached(_period_slots, record_codes(r, (branch_code,)), start, granularity)


def empty_counter_days(r: Reader, codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Branch-days when at most half the branch's counters ever called while hours went short: staff away, not
    covered. Columns: branch_code, branch_name, day, counters_active (the day's most), counters_available."""
    slots = r.cached(_period_slots, visible_codes(r, codes), start, granularity)
    return (
        slots.group_by("branch_code", pl.col("slot_start").dt.date().alias("day"))
        .agg(pl.col("counters_active").max(), pl.col("counters_available").first(), pl.col("short").sum())
        .filter(pl.col("counters_active") * 2 <= pl.col("counters_available"), pl.col("short") >= EMPTY_DAY_SHORT_HOURS)
        .join(branches(r).select("branch_code", "branch_name"), on="branch_code")
        .sort("day", "branch_code")
        .select("branch_code", "branch_name", "day", "counters_active", "counters_available")
    )


def detail_codes(r: Reader, codes: tuple[str, ...]) -> tuple[str, ...]:
    """The branches among `codes` whose hour-by-hour detail the viewer reads."""
    return record_codes(r, codes)


@dataclass(frozen=True)
class Stretch:
    """Consecutive hours of one day short of counters, and what `extra` more counters would have bought."""

    day: dt.date
    first: dt.datetime
    last: dt.datetime  # start of the last short slot
    extra: int
    tickets: int
    predicted_with_extra: float
    actual: float | None
    predicted: float


def worst_stretch(slots: pl.DataFrame, wait_minutes: float) -> Stretch | None:
    """The run of short hours (one day, consecutive slots) with the most counter-hours missing (then the most
    tickets), priced with the counters that were open and with as many more as the worst of its hours lacked."""
    short = slots.filter(pl.col("short")).sort("slot_start")
    if short.is_empty():
        return None
    gap = pl.col("slot_start").diff().fill_null(dt.timedelta(hours=2)) != dt.timedelta(hours=1)
    runs = short.with_columns(gap.cum_sum().alias("run"))
    best = runs.group_by("run").agg(pl.col("short_by").sum(), pl.col("arrivals").sum()).sort(
        ["short_by", "arrivals", "run"], descending=[True, True, False])
    hours = runs.filter(pl.col("run") == best["run"][0])
    extra = int(hours["short_by"].max())
    arrivals = hours["arrivals"].to_numpy().astype(float)
    lam = arrivals / SLOT_MINUTES
    service = hours["service_min_mean"].fill_null(strategy="mean").fill_null(1.0).to_numpy()
    active = hours["counters_active"].to_numpy()
    weights = arrivals / arrivals.sum()
    called = hours["called"].to_numpy()
    actual = hours["actual_within_sop"].fill_null(0.0).to_numpy()
    return Stretch(
        day=hours["slot_start"][0].date(), first=hours["slot_start"][0], last=hours["slot_start"][-1], extra=extra,
        tickets=int(arrivals.sum()),
        predicted_with_extra=float((share_within_hour(active + extra, lam, service, wait_minutes, SLOT_MINUTES)
                                    * weights).sum()),
        actual=float((actual * called).sum() / called.sum()) if called.sum() else None,
        predicted=float((share_within_hour(active, lam, service, wait_minutes, SLOT_MINUTES) * weights).sum()),
    )


def day_hour_grid(slots: pl.DataFrame) -> pl.DataFrame:
    """Per day and hour slot: needed, active, short_by, arrivals, and whether the model is trusted there."""
    return slots.select(
        pl.col("slot_start").dt.date().alias("day"), pl.col("slot_start").dt.strftime("%H:%M").alias("slot"),
        "arrivals", "counters_needed", "counters_active", "counters_available", "short_by",
        (pl.col("arrivals") >= TRUSTED_ARRIVALS).alias("trusted"),
    ).sort("day", "slot")


def worst_day(grid: pl.DataFrame) -> dt.date:
    """The day of `grid` with the most counter-hours missing (the earliest of equals)."""
    missing = grid.group_by("day").agg(pl.col("short_by").sum()).sort(["short_by", "day"], descending=[True, False])
    return missing["day"][0]


def _plan(r: Reader, codes: tuple[str, ...]) -> pl.DataFrame:
    s = schema.staffing_hourly
    latest = r.read(select(s.c.slot_start).where(s.c.branch_code.in_(codes)).order_by(s.c.slot_start.desc()).limit(1))
    if latest.is_empty():
        return pl.DataFrame()
    last = latest["slot_start"][0]
    monday = last.date() - dt.timedelta(days=last.weekday()) + dt.timedelta(weeks=1)
    history = _slots(r, codes, monday - dt.timedelta(weeks=HISTORY_WEEKS), monday)
    info = branches(r).filter(pl.col("branch_code").is_in(codes))
    closed = holidays_between(monday - dt.timedelta(weeks=HISTORY_WEEKS + 2), monday + dt.timedelta(days=6))
    return plan_week(history, info, monday, closed, r.sop, _targets(r, info, monday))


def _targets(r: Reader, info: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    keyed = pl.concat([
        info.select(pl.lit("branch").alias("level"), pl.col("branch_code").alias("code"),
                    pl.lit(day).alias("period_start"), pl.lit(kpi).alias("kpi"),
                    pl.lit(None, dtype=pl.Float64).alias("value"))
        for kpi in (KPI_ALL, KPI_PRIORITY)
    ])
    return (with_targets(keyed, r.sop.targets(), info.select("branch_code", "region_code"))
            .pivot(on="kpi", index="code", values="target")
            .rename({"code": "branch_code", KPI_ALL: "target", KPI_PRIORITY: "priority_target"}))


def wait_targets(r: Reader, branch_code: str, day: dt.date) -> tuple[float, float]:
    """The shares the SOP asks to be called in time on `day` at the branch: all tickets, priority tickets."""
    info = branches(r).filter(pl.col("branch_code") == branch_code)
    row = _targets(r, info, day).row(0, named=True)
    return row["target"], row["priority_target"]


def next_week_plan(r: Reader, codes: tuple[str, ...]) -> pl.DataFrame:
    """Counters needed per branch, day and hour slot of the week after the data's last: every visible branch."""
    return r.cached(_plan, visible_codes(r, codes))


def plan_over_capacity(plan: pl.DataFrame) -> pl.DataFrame:
    """Per branch: the week's peak need, the branch's counters, and the hour slots needing more than it has."""
    if plan.is_empty():
        return plan
    return (
        plan.group_by("branch_code")
        .agg(pl.col("counters_needed").max().alias("peak_needed"), pl.col("counters_available").first(),
             (pl.col("counters_needed") > pl.col("counters_available")).sum().alias("hours_over"))
        .sort(["hours_over", "peak_needed", "branch_code"], descending=[True, True, False])
    )
