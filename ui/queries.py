"""The dashboard's read side: filter values in, polars frames out.

Pages call only this module. Every query is a SQLAlchemy `select()` with bound
parameters; every cached function is keyed by the latest ETL batch, so a new load
shows at once. Zones are derived here from the SOP config, never in pages.

Who sees what is enforced here too, before any cache is asked: a region's KPIs only
for viewers of that region, and records (claims, complaints, quarantine rows) of a
branch manager's own branch only (see `ui.auth`).
"""
from __future__ import annotations

import datetime as dt
import functools
import inspect as pyinspect
import json

import polars as pl
import streamlit as st
from sqlalchemy import Engine, and_, func, inspect, or_, select
from sqlalchemy.sql import Select

from etl import evaluation, follow_ups, schema, stats, users
from etl.calendar import elapsed_working_days, holidays_between
from etl.catalogue import COMPLIANCE_INDEX, KPI_BY_ID, KPIS
from etl.contract import PUBLIC_ESCALATION_CHANNELS
from etl.db import make_engine, read_frame
from etl.kpis.claims import claim_sla_days
from etl.kpis.queue import busy_slots
from etl.settings import database_url
from etl.sop import Sop, load_sop
from ui import auth

CATALOGUE_ORDER = pl.DataFrame({"kpi": [k.id for k in KPIS], "kpi_order": list(range(len(KPIS)))})
WAIT_BUCKETS = (5, 10, 15, 20, 30, 45, 60)  # minutes; a last bucket holds longer waits
AGE_BUCKETS = (1, 3, 5, 10, 20)  # working days; a last bucket holds older records
RECENT_PERIODS = 12


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    """One engine per server process; the follow-up tables are made here because people write them, not the ETL.

    So is `marts_pending`, which the cache key reads, on a database loaded before it existed.
    """
    made = make_engine(database_url())
    schema.metadata.create_all(made, tables=[schema.follow_ups, schema.follow_up_history, schema.marts_pending,
                                             schema.users])
    return made


@st.cache_resource(show_spinner=False)
def sop() -> Sop:
    """The SOP config (zones, limits, claim SLAs)."""
    return load_sop()


@st.cache_data(ttl=2, show_spinner=False)
def data_version() -> str | None:
    """The latest ETL batch and whether its KPIs are recomputed yet, as a cache key; None while no KPI is loaded.

    A run commits its batches first and the recomputed marts after them, so the key changes
    twice: results cached in between are not kept once the new KPIs are in.
    """
    with engine().connect() as conn:
        if not inspect(conn).has_table(schema.kpi_weekly.name):
            return None
        batches = schema.etl_batches
        has_kpis = select(schema.kpi_weekly.c.kpi).limit(1).scalar_subquery()
        pending = select(func.max(schema.marts_pending.c.pending_id)).scalar_subquery()
        latest = conn.execute(select(func.max(batches.c.batch_id), func.max(batches.c.finished_at), has_kpis,
                                     pending)).one()
    return None if latest[2] is None else f"{latest[0]}@{latest[1]}~{latest[3]}"


def versioned(query=None, *, scope=None):
    """Cache `query(version, …)` and call it with the latest batch, so callers pass only filter values.

    `scope` sees the call's arguments by name before the cache does: it narrows them to what the
    viewer may see, or raises OutOfScope. A cached result is therefore never served past it.
    """
    def wrap(query):
        cached = st.cache_data(show_spinner=False, max_entries=256)(query)
        signature = pyinspect.signature(query)

        @functools.wraps(query)
        def call(*args, **kwargs):
            if scope is not None:
                bound = signature.bind(None, *args, **kwargs)
                bound.apply_defaults()
                scope(bound.arguments)
                args, kwargs = bound.args[1:], bound.kwargs
            return cached(data_version(), *args, **kwargs)

        return call

    return wrap(query) if query is not None else wrap


# --- who is looking ----------------------------------------------------------------------------------------------------

@st.cache_data(ttl=30, show_spinner=False)
def _user(login: str) -> dict | None:
    """A `users` row; cached briefly, so a removed user loses access within half a minute."""
    return users.find_user(engine(), login)


def viewer() -> auth.Viewer:
    """The signed-in viewer; NotSignedIn when the deployment requires a login and nobody has one."""
    found = auth.current_viewer(_user)
    if found is None:
        raise auth.NotSignedIn(auth.signed_in_login() or "")
    return found


def signed_in_viewer() -> auth.Viewer | None:
    return auth.current_viewer(_user)


def own_records_branch_name() -> str | None:
    """The name of the branch a branch manager's record pages are limited to; None for everyone else."""
    own = viewer().own_branch
    return branch_names().get(own, own) if own else None


def _region_in_view(arguments: dict) -> None:
    """A region's KPIs, and a branch's within it, for viewers of that region only."""
    if not viewer().sees_region(arguments["region"]):
        raise auth.OutOfScope(arguments["region"])
    if arguments.get("branch") is not None and arguments["branch"] not in set(
            region_branches(arguments["region"])["branch_code"]):
        raise auth.OutOfScope(arguments["branch"])


def _codes_in_view(arguments: dict) -> None:
    """Facts aggregated by branch: the branches of the viewer's region."""
    visible = set(branches()["branch_code"])
    arguments["codes"] = tuple(c for c in arguments["codes"] if c in visible)


def _own_records(arguments: dict) -> None:
    """Records: a branch manager's own branch, a regional head's region."""
    _codes_in_view(arguments)
    arguments["codes"] = viewer().record_codes(arguments["codes"])


def clear_caches() -> None:
    """Forget every cached result, after this process loaded new data."""
    st.cache_data.clear()


def _read(statement: Select) -> pl.DataFrame:
    """Run `statement`; every column typed as SQL declares it, so empty results keep their schema."""
    with engine().connect() as conn:
        return read_frame(conn, statement)


def period_bounds(start: dt.date, granularity: str) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of the period and the first moment after it."""
    first = dt.datetime.combine(start, dt.time())
    if granularity == "week":
        return first, first + dt.timedelta(days=7)
    next_month = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, dt.datetime.combine(next_month, dt.time())


def _in_period(column, start: dt.date, granularity: str):
    return _between(column, *period_bounds(start, granularity))


def _between(column, first: dt.datetime, after: dt.datetime):
    return and_(column >= first, column < after)


# --- reference data and freshness ------------------------------------------------------------------------------------

@versioned
def _all_branches(version: str) -> pl.DataFrame:
    b = schema.branches
    return _read(select(b.c.branch_code, b.c.branch_name, b.c.branch_type, b.c.region_code, b.c.region_name,
                        b.c.counters, b.c.opens_at, b.c.closes_at).order_by(b.c.region_code, b.c.branch_code))


def branches() -> pl.DataFrame:
    """Every branch of the regions the viewer sees, with its region, counters and service hours."""
    frame = _all_branches()
    seen = viewer().region_code
    return frame if seen is None else frame.filter(pl.col("region_code") == seen)


def region_branches(region: str, selected: tuple[str, ...] = ()) -> pl.DataFrame:
    """The region's branches, or only `selected` ones when any are picked."""
    frame = branches().filter(pl.col("region_code") == region)
    return frame.filter(pl.col("branch_code").is_in(list(selected))) if selected else frame


def branch_names() -> dict[str, str]:
    """branch_code → branch name, plus region_code → region name."""
    frame = branches()
    return dict(zip(frame["branch_code"], frame["branch_name"])) | dict(zip(frame["region_code"], frame["region_name"]))


@versioned
def freshness(version: str) -> dict:
    """The last day with data in any fact table, and when the last batch finished."""
    days = []
    for table, column in (("queue_tickets", "issued_at"), ("claims", "submitted_at"), ("complaints", "received_at")):
        days.append(select(func.max(schema.metadata.tables[table].c[column])).scalar_subquery())
    with engine().connect() as conn:
        row = conn.execute(select(*days, func.max(schema.etl_batches.c.finished_at))).one()
    latest = [d for d in row[:3] if d is not None]
    return {"up_to": max(latest).date() if latest else None, "loaded_at": row[3]}


@versioned
def periods(version: str, granularity: str) -> pl.DataFrame:
    """Period starts with KPIs, newest first, and whether the data covers the whole period."""
    mart = schema.KPI_MARTS[granularity]
    frame = _read(select(mart.c.period_start).distinct().order_by(mart.c.period_start.desc()))
    up_to = freshness()["up_to"] or dt.date.min
    ends = [period_bounds(start, granularity)[1].date() - dt.timedelta(days=1) for start in frame["period_start"]]
    return frame.with_columns(pl.Series("complete", [end <= up_to for end in ends], dtype=pl.Boolean))


def default_period(granularity: str) -> dt.date | None:
    """The last complete period (or the newest one when none is complete)."""
    frame = periods(granularity)
    complete = frame.filter("complete")
    pick = complete if complete.height else frame
    return pick["period_start"][0] if pick.height else None


def recent_periods(granularity: str, period: dt.date, count: int = RECENT_PERIODS) -> list[dt.date]:
    """Up to `count` period starts ending with `period`, oldest first."""
    starts = periods(granularity).filter(pl.col("period_start") <= period)["period_start"].head(count)
    return sorted(starts.to_list())


# --- KPI marts ---------------------------------------------------------------------------------------------------------

@versioned(scope=_region_in_view)
def kpi_values(version: str, granularity: str, region: str, first: dt.date, last: dt.date,
               kpis: tuple[str, ...] = ()) -> pl.DataFrame:
    """Mart rows for the region and its branches from `first` to `last`, with names and a colour status."""
    mart = schema.KPI_MARTS[granularity]
    codes = [region, *region_branches(region)["branch_code"]]
    statement = select(mart).where(mart.c.code.in_(codes), mart.c.period_start.between(first, last))
    if kpis:
        statement = statement.where(mart.c.kpi.in_(kpis))
    frame = _read(statement)
    names = branch_names()
    return frame.with_columns(
        pl.col("code").replace_strict(names, default=pl.col("code")).alias("name"),
        status_of(pl.col("kpi"), pl.col("value"), pl.col("meets_target")).alias("status"),
    ).join(CATALOGUE_ORDER, on="kpi", how="left").sort("level", "code", "period_start", "kpi_order")


def target_in_force(granularity: str, region: str, period: dt.date, kpi: str) -> float:
    """The region's target for `kpi` in the period, as the marts judged it (the catalogue default without data)."""
    rows = kpi_values(granularity, region, period, period, (kpi,)).filter(pl.col("level") == "region")
    return rows["target"][0] if rows.height else KPI_BY_ID[kpi].default_target


def zone_of(index: pl.Expr) -> pl.Expr:
    """green / yellow / red / none for compliance-index values, from the SOP config."""
    return sop().zone_of(index)


def status_of(kpi: pl.Expr, value: pl.Expr, meets_target: pl.Expr) -> pl.Expr:
    """One colour scale for every cell: the index gets its zone, other KPIs green (meets) or red (misses)."""
    return (pl.when(kpi == COMPLIANCE_INDEX).then(zone_of(value))
            .when(meets_target.is_null()).then(pl.lit("none"))
            .when(meets_target).then(pl.lit("green"))
            .otherwise(pl.lit("red")))


def headline(granularity: str, region: str, period: dt.date) -> pl.DataFrame:
    """Region-level KPIs for the period with the previous period's value and the change."""
    starts = recent_periods(granularity, period, 2)
    frame = kpi_values(granularity, region, starts[0], period).filter(pl.col("level") == "region")
    current = frame.filter(pl.col("period_start") == period)
    previous = frame.filter(pl.col("period_start") < period).select("kpi", pl.col("value").alias("previous"))
    return current.join(previous, on="kpi", how="left").with_columns(
        (pl.col("value") - pl.col("previous")).alias("change")
    ).sort("kpi_order")


def zone_strip(granularity: str, region: str, period: dt.date, count: int = RECENT_PERIODS,
               selected: tuple[str, ...] = ()) -> pl.DataFrame:
    """Compliance index and zone per branch for the last `count` periods (every branch × period, none if missing)."""
    starts = recent_periods(granularity, period, count)
    index = kpi_values(granularity, region, starts[0], period, (COMPLIANCE_INDEX,)).filter(pl.col("level") == "branch")
    grid = region_branches(region, selected).select("branch_code", "branch_name").join(
        pl.DataFrame({"period_start": starts}, schema={"period_start": pl.Date}), how="cross")
    return grid.join(index.select(pl.col("code").alias("branch_code"), "period_start", "value"),
                     on=["branch_code", "period_start"], how="left").with_columns(zone_of(pl.col("value")).alias("zone"))


def ranking(granularity: str, region: str, period: dt.date, selected: tuple[str, ...] = ()) -> pl.DataFrame:
    """Branches by compliance index in the period, best first, with their zone."""
    strip = zone_strip(granularity, region, period, 1, selected)
    return strip.sort("value", descending=True, nulls_last=True)


def needs_attention(granularity: str, region: str, period: dt.date,
                    selected: tuple[str, ...] = ()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Branches in the red zone, and branch KPIs that missed target in this period and the one before."""
    red = ranking(granularity, region, period, selected).filter(pl.col("zone") == "red")
    starts = recent_periods(granularity, period, 2)
    codes = region_branches(region, selected)["branch_code"].to_list()
    frame = kpi_values(granularity, region, starts[0], period).filter(
        (pl.col("level") == "branch") & pl.col("code").is_in(codes) & (pl.col("kpi") != COMPLIANCE_INDEX))
    if len(starts) < 2:
        return red, frame.clear().with_columns(pl.lit(None, pl.Float64).alias("previous"))
    now = frame.filter(pl.col("period_start") == period)
    before = frame.filter(pl.col("period_start") == starts[0]).select("code", "kpi", "meets_target",
                                                                       pl.col("value").alias("previous"))
    missed = now.join(before, on=["code", "kpi"], suffix="_before").filter(
        (pl.col("meets_target") == False) & (pl.col("meets_target_before") == False)  # noqa: E712 (nulls stay out)
    )
    return red, missed.select("code", "name", "kpi", "value", "previous", "target", "kpi_order").sort("code", "kpi_order")


def trend(granularity: str, region: str, kpi: str, selected: tuple[str, ...] = ()) -> pl.DataFrame:
    """One KPI over every period for the picked branches (all when none) and the region."""
    frame = periods(granularity)
    if frame.is_empty():
        return kpi_values(granularity, region, dt.date.min, dt.date.min, (kpi,))
    values = kpi_values(granularity, region, frame["period_start"].min(), frame["period_start"].max(), (kpi,))
    codes = [region, *region_branches(region, selected)["branch_code"]]
    return values.filter(pl.col("code").is_in(codes))


def branch_profile(granularity: str, region: str, branch: str) -> pl.DataFrame:
    """Every KPI over every period for one branch and its region (for small multiples)."""
    frame = periods(granularity)
    values = kpi_values(granularity, region, frame["period_start"].min(), frame["period_start"].max())
    return values.filter(pl.col("code").is_in([branch, region]))


def compliance_matrix(granularity: str, region: str, period: dt.date, selected: tuple[str, ...] = ()) -> pl.DataFrame:
    """Branch × KPI for one period (region included), with values, targets and status."""
    codes = [region, *region_branches(region, selected)["branch_code"]]
    return kpi_values(granularity, region, period, period).filter(pl.col("code").is_in(codes))


def comparison(granularity: str, region: str, period: dt.date, picked: tuple[str, ...]) -> pl.DataFrame:
    """Every KPI for the picked branches and the region in one period, long form."""
    return kpi_values(granularity, region, period, period).filter(pl.col("code").is_in([region, *picked]))


# --- evaluation ---------------------------------------------------------------------------------------------------------

def _two_periods(granularity: str, region: str, period: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Mart rows (branches and region) of the period and of the one before (empty when there is none)."""
    starts = recent_periods(granularity, period, 2)
    rows = kpi_values(granularity, region, starts[0], period)
    before = rows.filter(pl.col("period_start") == starts[0]) if len(starts) == 2 else rows.clear()
    return rows.filter(pl.col("period_start") == period), before


@versioned(scope=_region_in_view)
def league(version: str, granularity: str, region: str, period: dt.date) -> pl.DataFrame:
    """Every branch of the region ranked by compliance index, with zone, changes, misses and funnel flags."""
    now, before = _two_periods(granularity, region, period)
    branch = pl.col("level") == "branch"
    table = evaluation.league_table(now.filter(branch), before.filter(branch))
    names = branch_names()
    return table.with_columns(pl.col("code").replace_strict(names, default=pl.col("code")).alias("name"),
                              zone_of(pl.col("index")).alias("zone"))


@versioned(scope=_region_in_view)
def funnel(version: str, granularity: str, region: str, period: dt.date, kpi: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(branches of the period on one rate KPI with their funnel verdict, the bands to draw)."""
    rows = kpi_values(granularity, region, period, period, (kpi,)).filter(pl.col("level") == "branch")
    judged = evaluation.funnel_kpi(rows, kpi).drop_nulls("rate")
    return judged, evaluation.funnel_curve(judged, kpi)


@versioned(scope=_region_in_view)
def control_chart(version: str, granularity: str, region: str, branch: str, kpi: str, period: dt.date,
                  shown: int = 2 * RECENT_PERIODS) -> pl.DataFrame:
    """One branch's KPI up to the period: `shown` periods judged against limits from the 12 before them."""
    starts = recent_periods(granularity, period, shown + stats.BASELINE_PERIODS)
    rows = kpi_values(granularity, region, starts[0], period, (kpi,)).filter(pl.col("code") == branch)
    return evaluation.control_chart(rows, kpi)


@versioned(scope=_region_in_view)
def what_changed(version: str, granularity: str, region: str, period: dt.date) -> pl.DataFrame:
    """The period's significant and material changes against the one before, most important first."""
    starts = recent_periods(granularity, period, stats.BASELINE_PERIODS + evaluation.BASELINE_LAG + 2)
    if len(starts) < 2:
        return pl.DataFrame(schema=evaluation.CHANGE_SCHEMA)
    rows = kpi_values(granularity, region, starts[0], period)
    found = evaluation.changes(rows.filter(pl.col("period_start") == period),
                               rows.filter(pl.col("period_start") == starts[-2]),
                               rows.filter(pl.col("period_start") < starts[-2]))
    return found.with_columns(pl.col("code").replace_strict(branch_names(), default=pl.col("code")).alias("name"))


@versioned(scope=_region_in_view)
def report_card(version: str, granularity: str, region: str, period: dt.date, branch: str) -> pl.DataFrame:
    """Every KPI of one branch in the period: value, target, status, funnel verdict and the recent values."""
    starts = recent_periods(granularity, period)
    rows = kpi_values(granularity, region, starts[0], period)
    now = rows.filter(pl.col("period_start") == period)
    verdicts = evaluation.verdicts(now.filter(pl.col("level") == "branch")).filter(pl.col("code") == branch)
    recent = rows.filter(pl.col("code") == branch).group_by("kpi").agg(
        pl.col("value").sort_by("period_start").alias("recent"))
    return (now.filter(pl.col("code") == branch)
            .join(verdicts.select("kpi", "verdict"), on="kpi", how="left")
            .join(recent, on="kpi", how="left")
            .sort("kpi_order"))


# --- follow-ups --------------------------------------------------------------------------------------------------------
# Not cached: people edit these between ETL batches, and a stale list would hide a colleague's save.

OPEN_STATUSES = ("open", "in_progress")


def follow_up_list(region: str, statuses: tuple[str, ...] | None = None,
                   due_on_or_before: dt.date | None = None) -> pl.DataFrame:
    """The region's follow-ups (soonest due first) with branch names and how their KPI did since raised."""
    if not viewer().sees_region(region):
        raise auth.OutOfScope(region)
    codes = region_branches(region)["branch_code"].to_list()
    items = follow_ups.follow_ups(engine(), codes, statuses=statuses, due_on_or_before=due_on_or_before)
    first = items["raised_period"].min() if items.height else None
    weekly = (kpi_values("week", region, first - dt.timedelta(days=6), dt.date.max).filter(pl.col("level") == "branch")
              if first else kpi_values("week", region, dt.date.min, dt.date.min))
    names = branch_names()
    return follow_ups.recovery(items, weekly).with_columns(
        pl.col("branch_code").replace_strict(names, default=pl.col("branch_code")).alias("name"))


def meeting_week_end(period: dt.date, granularity: str) -> dt.date:
    """The Sunday of the week after the period: the week its meeting is held in."""
    return period_bounds(period, granularity)[1].date() + dt.timedelta(days=6)


def open_follow_ups(region: str, period: dt.date | None = None, granularity: str = "week") -> pl.DataFrame:
    """Open and in-progress items; with a period, those due by the end of its meeting week (overdue included)."""
    return follow_up_list(region, OPEN_STATUSES, None if period is None else meeting_week_end(period, granularity))


def follow_up_history(follow_up_id: int) -> pl.DataFrame:
    """Every saved version of one item, oldest first."""
    if follow_ups.branch_of(engine(), follow_up_id) not in set(branches()["branch_code"]):
        raise auth.OutOfScope(str(follow_up_id))
    return follow_ups.history(engine(), follow_up_id)


def may_edit_follow_ups(branch_code: str) -> bool:
    """A regional head edits the items of their region's branches, a branch manager those of their own."""
    return branch_code in set(branches()["branch_code"]) and viewer().may_edit(branch_code)


def add_follow_up(**fields) -> int:
    """Store a new item (see etl.follow_ups.create); raises FollowUpError with the field to correct."""
    if not may_edit_follow_ups(fields.get("branch_code", "")):
        raise auth.OutOfScope(fields.get("branch_code"))
    return follow_ups.create(engine(), **fields)


def save_follow_up(follow_up_id: int, expected_version: int, changed_by: str, **changes) -> int:
    """Save changes made to `expected_version`; raises StaleEdit when someone saved in between."""
    if not may_edit_follow_ups(follow_ups.branch_of(engine(), follow_up_id) or ""):
        raise auth.OutOfScope(str(follow_up_id))
    return follow_ups.update(engine(), follow_up_id, expected_version=expected_version, changed_by=changed_by,
                             **changes)


# --- queue facts -------------------------------------------------------------------------------------------------------

@versioned(scope=_codes_in_view)
def tickets(version: str, codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Tickets issued in the period at the branches, with wait minutes, weekday and hour."""
    q = schema.queue_tickets
    frame = _read(select(q.c.branch_code, q.c.visit_id, q.c.service, q.c.priority_group, q.c.issued_at, q.c.called_at,
                         q.c.counter_id, q.c.outcome)
                  .where(q.c.branch_code.in_(codes), _in_period(q.c.issued_at, start, granularity)))
    return frame.with_columns(
        ((pl.col("called_at") - pl.col("issued_at")).dt.total_seconds(fractional=True) / 60).alias("wait_min"),
        (pl.col("issued_at").dt.weekday() - 1).alias("weekday"),
        pl.col("issued_at").dt.hour().alias("hour"),
    )


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


def wait_histogram(codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Share of each branch's called tickets per wait bucket (`0–5`, …, `60+` minutes)."""
    called = tickets(codes, start, granularity).drop_nulls("wait_min")
    labels = bucket_labels(WAIT_BUCKETS)
    bucketed = called.with_columns(bucket(pl.col("wait_min"), WAIT_BUCKETS).alias("bucket"))
    counts = bucketed.group_by("branch_code", "bucket").agg(pl.len().alias("tickets"))
    grid = pl.DataFrame({"branch_code": list(codes)}).join(pl.DataFrame({"bucket": labels}), how="cross")
    return grid.join(counts, on=["branch_code", "bucket"], how="left").with_columns(
        pl.col("tickets").fill_null(0),
        (pl.col("tickets").fill_null(0) / pl.col("tickets").fill_null(0).sum().over("branch_code")).fill_nan(None)
        .alias("share"),
        pl.col("bucket").replace_strict(labels, list(range(len(labels)))).alias("bucket_order"),
    ).sort("branch_code", "bucket_order")


def hour_weekday(codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Tickets and mean wait per weekday (0 = Monday) and hour of issue."""
    return tickets(codes, start, granularity).group_by("weekday", "hour").agg(
        pl.len().alias("tickets"), pl.col("wait_min").mean().alias("wait_min_mean")
    ).sort("weekday", "hour")


def staffing_by_hour(codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Per branch: counters available, and counters calling tickets on average over busy hour slots.

    The slots are the counter_staffing KPI's own (etl.kpis.queue.busy_slots), so the chart
    and the KPI always agree.
    """
    frame = tickets(codes, start, granularity)
    closed = holidays_between(dt.date(start.year - 1, 1, 1), start)
    slots = busy_slots(frame, branches().filter(pl.col("branch_code").is_in(list(codes))), closed)
    return slots.group_by("branch_code").agg(
        pl.col("active_counters").mean().alias("active_mean"), pl.len().alias("busy_hours"),
        (pl.col("active_counters") == 0).sum().alias("busy_hours_empty"),
    ).join(region_counters(codes), on="branch_code", how="right").select(
        "branch_code", "branch_name", "counters", "active_mean", "busy_hours", "busy_hours_empty"
    ).sort("branch_code")


def region_counters(codes: tuple[str, ...]) -> pl.DataFrame:
    """branch_code, branch_name and counters for the given branches."""
    return branches().filter(pl.col("branch_code").is_in(list(codes))).select("branch_code", "branch_name", "counters")


def priority_waits(codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Wait quartiles and within-limit shares for each priority group and for everyone else."""
    limits = sop()
    called = tickets(codes, start, granularity).drop_nulls("wait_min").with_columns(
        pl.col("priority_group").fill_null("everyone_else").alias("group"))
    wait = pl.col("wait_min")
    return called.group_by("group").agg(
        pl.len().alias("tickets"), wait.quantile(0.25, "linear").alias("q1"), wait.median().alias("median"),
        wait.quantile(0.75, "linear").alias("q3"), wait.quantile(0.9, "linear").alias("p90"), wait.min().alias("min"),
        (wait <= limits.priority_wait_minutes).mean().alias("within_priority_limit"),
        (wait <= limits.wait_minutes).mean().alias("within_limit"),
    ).sort(pl.col("group") == "everyone_else", "group")


def transfer_flows(codes: tuple[str, ...], start: dt.date, granularity: str, max_steps: int = 4) -> pl.DataFrame:
    """Visits moving from one desk to the next: source step/desk, target step/desk, visits."""
    frame = tickets(codes, start, granularity).sort("issued_at")
    steps = frame.select("visit_id", "service", pl.int_range(pl.len()).over("visit_id").alias("step"),
                         pl.len().over("visit_id").alias("tickets")).filter(
        (pl.col("tickets") > 1) & (pl.col("step") < max_steps))
    pairs = steps.join(steps.select("visit_id", (pl.col("step") - 1).alias("step"), pl.col("service").alias("target")),
                       on=["visit_id", "step"])
    return pairs.group_by(pl.col("step"), pl.col("service").alias("source"), "target").agg(
        pl.len().alias("visits")).sort("step", "visits", descending=[False, True])


# --- claims facts -----------------------------------------------------------------------------------------------------

@versioned(scope=_own_records)
def claim_records(version: str, codes: tuple[str, ...], first: dt.date, last: dt.date, granularity: str) -> pl.DataFrame:
    """Claims touching the periods `first`..`last` (submitted, decided, or still open), with SLA and working days."""
    c = schema.claims
    begin, end = period_bounds(first, granularity)[0], period_bounds(last, granularity)[1]
    touched = or_(_between(c.c.submitted_at, begin, end), _between(c.c.decided_at, begin, end),
                  _between(c.c.paid_at, begin, end),
                  and_(c.c.docs_complete_at < end, or_(c.c.decided_at.is_(None), c.c.decided_at >= end)))
    frame = _read(select(c.c.claim_id, c.c.branch_code, c.c.programme, c.c.channel, c.c.amount_idr, c.c.submitted_at,
                         c.c.docs_complete_at, c.c.decided_at, c.c.paid_at, c.c.status, c.c.rejection_reason)
                  .where(c.c.branch_code.in_(codes), touched))
    # Open claims can date from the year before.
    closed = holidays_between(dt.date(first.year - 1, 1, 1), last)
    return frame.with_columns(
        claim_sla_days(sop().claim_sla).alias("sla_days"),
        elapsed_working_days(pl.col("docs_complete_at"), pl.col("paid_at"), closed).alias("days_working"),
    )


def _recent_claims(codes: tuple[str, ...], period: dt.date, granularity: str) -> pl.DataFrame:
    """Claims of the recent periods up to `period`: one cached read serves every chart of the claims page."""
    starts = recent_periods(granularity, period) or [period]
    return claim_records(codes, starts[0], period, granularity)


def _claims_in(codes, start, granularity, column: str) -> pl.DataFrame:
    first, after = period_bounds(start, granularity)
    return _recent_claims(codes, start, granularity).filter((pl.col(column) >= first) & (pl.col(column) < after))


def claim_sla(codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Paid claims and the share paid within SLA, per programme and channel."""
    paid = _claims_in(codes, start, granularity, "paid_at")
    return paid.group_by("programme", "channel").agg(
        pl.len().alias("paid"), (pl.col("days_working") <= pl.col("sla_days")).sum().alias("within_sla"),
    ).with_columns((pl.col("within_sla") / pl.col("paid")).alias("share")).sort("programme", "channel")


def claim_processing(codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Paid claims per working days taken and SLA (for the distribution against the SLA)."""
    paid = _claims_in(codes, start, granularity, "paid_at")
    return paid.group_by("days_working", "sla_days").agg(pl.len().alias("claims")).sort("days_working")


def rejection_pareto(codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Rejected claims per reason, most frequent first, with the cumulative share."""
    rejected = _claims_in(codes, start, granularity, "decided_at").filter(pl.col("status") == "rejected")
    return pareto(rejected.with_columns(pl.col("rejection_reason").fill_null("other")), "rejection_reason")


def pareto(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Counts of `column`'s values, largest first, with the cumulative share."""
    counts = frame.group_by(column).agg(pl.len().alias("count")).sort("count", column, descending=[True, False])
    return counts.with_columns((pl.col("count").cum_sum() / pl.col("count").sum()).alias("cumulative_share"))


def _over_recent(records: pl.DataFrame, column: str, group: str, starts: list[dt.date], granularity: str) -> pl.DataFrame:
    every = "1w" if granularity == "week" else "1mo"
    dated = records.drop_nulls(column).with_columns(pl.col(column).dt.truncate(every).dt.date().alias("period_start"))
    return dated.filter(pl.col("period_start").is_in(starts)).group_by("period_start", group).agg(
        pl.len().alias("count")).sort("period_start", group)


def rejection_trend(codes: tuple[str, ...], period: dt.date, granularity: str) -> pl.DataFrame:
    """Rejected claims per reason for each recent period."""
    starts = recent_periods(granularity, period)
    rejected = _recent_claims(codes, period, granularity).filter(pl.col("status") == "rejected")
    return _over_recent(rejected.with_columns(pl.col("rejection_reason").fill_null("other")), "decided_at",
                        "rejection_reason", starts, granularity)


def channel_trend(codes: tuple[str, ...], period: dt.date, granularity: str) -> pl.DataFrame:
    """Claims submitted per channel for each recent period."""
    starts = recent_periods(granularity, period)
    return _over_recent(_recent_claims(codes, period, granularity), "submitted_at", "channel", starts, granularity)


def claim_backlog(codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Claims open at the period's end (documents complete, not decided), by working-day age and SLA status."""
    end = period_bounds(start, granularity)[1]
    frame = _recent_claims(codes, start, granularity).filter(
        (pl.col("docs_complete_at") < end) & (pl.col("decided_at").is_null() | (pl.col("decided_at") >= end)))
    closed = holidays_between(dt.date(start.year - 1, 1, 1), start)
    aged = frame.with_columns(
        elapsed_working_days(pl.col("docs_complete_at"), pl.lit(end - dt.timedelta(seconds=1)), closed).alias("age"))
    return age_buckets(aged.with_columns((pl.col("age") > pl.col("sla_days")).alias("over_limit")))


def age_buckets(frame: pl.DataFrame) -> pl.DataFrame:
    """Open records per age bucket (`0–1`, …, `20+` working days) and whether they are over their limit."""
    labels = bucket_labels(AGE_BUCKETS)
    bucketed = frame.with_columns(bucket(pl.col("age"), AGE_BUCKETS).alias("bucket"))
    return bucketed.group_by("bucket", "over_limit").agg(pl.len().alias("count")).with_columns(
        pl.col("bucket").replace_strict(labels, list(range(len(labels)))).alias("bucket_order")
    ).sort("bucket_order", "over_limit")


# --- complaints facts -------------------------------------------------------------------------------------------------

@versioned(scope=_own_records)
def complaint_records(version: str, codes: tuple[str, ...], first: dt.date, last: dt.date,
                      granularity: str) -> pl.DataFrame:
    """Complaints received in `first`..`last`, or still open at the end of `last` (pseudonymised ids only)."""
    c = schema.complaints
    begin, end = period_bounds(first, granularity)[0], period_bounds(last, granularity)[1]
    touched = or_(_between(c.c.received_at, begin, end),
                  and_(c.c.received_at < end, or_(c.c.resolved_at.is_(None), c.c.resolved_at >= end)))
    return _read(select(c.c.complaint_id, c.c.branch_code, c.c.participant_id, c.c.channel, c.c.category,
                        c.c.received_at, c.c.first_response_at, c.c.resolved_at, c.c.status, c.c.reopened)
                 .where(c.c.branch_code.in_(codes), touched).order_by(c.c.received_at.desc()))


def complaints_received(codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Complaints received in the period."""
    first, after = period_bounds(start, granularity)
    frame = complaint_records(codes, start, start, granularity)
    return frame.filter((pl.col("received_at") >= first) & (pl.col("received_at") < after))


def complaint_volume(codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Complaints received per channel and category."""
    return complaints_received(codes, start, granularity).group_by("channel", "category").agg(
        pl.len().alias("count")).sort("count", descending=True)


def category_pareto(codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Complaint categories, most frequent first, with the cumulative share."""
    return pareto(complaints_received(codes, start, granularity), "category")


def category_trend(codes: tuple[str, ...], period: dt.date, granularity: str) -> pl.DataFrame:
    """Complaints received per category for each recent period."""
    starts = recent_periods(granularity, period)
    return _over_recent(complaint_records(codes, starts[0], period, granularity), "received_at", "category", starts,
                        granularity)


def complaint_backlog(codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Complaints open at the period's end by working-day age, and whether they are over the SOP."""
    end = period_bounds(start, granularity)[1]
    frame = complaint_records(codes, start, start, granularity).filter(
        (pl.col("received_at") < end) & (pl.col("resolved_at").is_null() | (pl.col("resolved_at") >= end)))
    closed = holidays_between(dt.date(start.year - 1, 1, 1), start)
    aged = frame.with_columns(
        elapsed_working_days(pl.col("received_at"), pl.lit(end - dt.timedelta(seconds=1)), closed).alias("age"))
    return age_buckets(aged.with_columns((pl.col("age") > sop().complaint_resolution_working_days).alias("over_limit")))


def escalations(codes: tuple[str, ...], start: dt.date, granularity: str) -> pl.DataFrame:
    """Complaints received through mass or social media in the period."""
    return complaints_received(codes, start, granularity).filter(
        pl.col("channel").is_in(PUBLIC_ESCALATION_CHANNELS))


def search_complaints(codes: tuple[str, ...], start: dt.date, granularity: str, text: str = "") -> pl.DataFrame:
    """Complaints received in the period whose id, branch, channel, category or status contains `text`."""
    frame = complaints_received(codes, start, granularity)
    if not text.strip():
        return frame
    needle = text.strip().lower()
    searchable = ("complaint_id", "branch_code", "participant_id", "channel", "category", "status")
    return frame.filter(pl.any_horizontal(pl.col(c).str.to_lowercase().str.contains(needle, literal=True)
                                          for c in searchable))


# --- data & ETL --------------------------------------------------------------------------------------------------------

@versioned
def batches(version: str) -> pl.DataFrame:
    """ETL batches, newest first."""
    b = schema.etl_batches
    return _read(select(b.c.batch_id, b.c.file_name, b.c.source, b.c.status, b.c.rows_read, b.c.rows_loaded,
                        b.c.rows_adjusted, b.c.rows_quarantined, b.c.exact_duplicates, b.c.started_at,
                        b.c.finished_at, b.c.message).order_by(b.c.batch_id.desc()))


@versioned
def source_freshness(version: str) -> pl.DataFrame:
    """Per fact table: rows, the latest record timestamp and the last batch that loaded it."""
    rows = []
    with engine().connect() as conn:
        for table, column in (("queue_tickets", "issued_at"), ("claims", "submitted_at"),
                              ("complaints", "received_at")):
            fact = schema.metadata.tables[table]
            # Two statements: SQLite answers max() from the index only when it is the sole aggregate.
            count = conn.execute(select(func.count()).select_from(fact)).scalar()
            latest = conn.execute(select(func.max(fact.c[column]))).scalar()
            b = schema.etl_batches
            loaded = conn.execute(select(func.max(b.c.finished_at)).where(b.c.source == table,
                                                                           b.c.status == "loaded")).scalar()
            rows.append({"source": table, "rows": count, "latest_record": latest, "last_loaded": loaded})
    return pl.DataFrame(rows, schema={"source": pl.String, "rows": pl.Int64, "latest_record": pl.Datetime("us"),
                                      "last_loaded": pl.Datetime("us")})


@versioned
def quarantine_summary(version: str) -> pl.DataFrame:
    """Quarantined rows per source and reason, most first."""
    q = schema.quarantine
    return _read(select(q.c.source, q.c.reason, func.count().label("rows")).group_by(q.c.source, q.c.reason)
                 .order_by(func.count().desc()))


def _own_quarantine(arguments: dict) -> None:
    """A branch manager sees the quarantined rows that name their branch, and no others."""
    arguments["branch"] = viewer().own_branch


@versioned(scope=_own_quarantine)
def quarantine_samples(version: str, source: str, reason: str, limit: int = 5, branch: str | None = None) -> pl.DataFrame:
    """A few quarantined rows for one source and reason (set by the scope, not the caller: `branch`)."""
    q = schema.quarantine
    statement = select(q.c.batch_id, q.c.file_name, q.c.row_number, q.c.column_name, q.c.detail, q.c.raw_values).where(
        q.c.source == source, q.c.reason == reason)
    if branch is not None:  # raw_values is the row as JSON, written by etl.validate with json.dumps
        statement = statement.where(q.c.raw_values.contains(f'"branch_code": {json.dumps(branch)}', autoescape=True))
    return _read(statement.order_by(q.c.quarantine_id).limit(limit))

