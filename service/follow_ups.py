"""Follow-ups as the meeting reads them: the region's items, how their KPI did since, and who may edit.

Not cached: people edit these between ETL batches, and a stale list would hide a colleague's save.
"""
from __future__ import annotations

import datetime as dt

import polars as pl

from etl import follow_ups
from etl.kpis.periods import period_after
from service.access import OutOfScope
from service.marts import kpi_values
from service.reader import Reader
from service.reference import branch_names, branches, region_branches

OPEN_STATUSES = ("open", "in_progress")
DUE_STATES = ("overdue", "due", "later")


def follow_up_list(r: Reader, region: str, statuses: tuple[str, ...] | None = None,
                   due_on_or_before: dt.date | None = None) -> pl.DataFrame:
    """The region's follow-ups (soonest due first) with branch names and how their KPI did since raised."""
    r.require_region(region)
    codes = region_branches(r, region)["branch_code"].to_list()
    items = follow_ups.follow_ups(r.engine, codes, statuses=statuses, due_on_or_before=due_on_or_before)
    first = items["raised_period"].min() if items.height else None
    weekly = (kpi_values(r, "week", region, first - dt.timedelta(days=6), dt.date.max).filter(
        pl.col("level") == "branch") if first else kpi_values(r, "week", region, dt.date.min, dt.date.min))
    return follow_ups.recovery(items, weekly).with_columns(
        pl.col("branch_code").replace_strict(branch_names(r), default=pl.col("branch_code")).alias("name"))


def meeting_week_end(period: dt.date, granularity: str) -> dt.date:
    """The Sunday of the week after the period: the week its meeting is held in."""
    return period_after(period, granularity) + dt.timedelta(days=6)


def due_state(due: dt.date | None, period: dt.date, granularity: str) -> str:
    """overdue (before the meeting week of the period), due (in it) or later: one wording on page and pack."""
    meeting_end = meeting_week_end(period, granularity)
    if due is None or due > meeting_end:
        return "later"
    return "overdue" if due < meeting_end - dt.timedelta(days=6) else "due"


def open_follow_ups(r: Reader, region: str, period: dt.date, granularity: str = "week") -> pl.DataFrame:
    """Every open and in-progress item of the region, due or not, with its due_state seen from the period's
    meeting week: overdue first, then due, then later, each soonest first."""
    items = follow_up_list(r, region, OPEN_STATUSES)
    states = [due_state(d, period, granularity) for d in items["due_date"]]
    return items.with_columns(pl.Series("due_state", states, dtype=pl.String)).sort(
        pl.col("due_state").replace_strict({s: i for i, s in enumerate(DUE_STATES)}), "due_date", "follow_up_id")


def follow_up_history(r: Reader, follow_up_id: int) -> pl.DataFrame:
    """Every saved version of one item, oldest first."""
    if follow_ups.branch_of(r.engine, follow_up_id) not in set(branches(r)["branch_code"]):
        raise OutOfScope(str(follow_up_id))
    return follow_ups.history(r.engine, follow_up_id)


def may_edit_follow_ups(r: Reader, branch_code: str) -> bool:
    """A regional head edits the items of their region's branches, a branch manager those of their own."""
    return branch_code in set(branches(r)["branch_code"]) and r.viewer.may_edit(branch_code)
