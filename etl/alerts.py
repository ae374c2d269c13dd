"""Alerts: what breaks between meetings, found after every ETL run, stored once per condition and period, and
gathered into one digest per person per run for whoever may see it.

Rules (thresholds in sop.toml `[alerts]`):
- `worse`: a branch KPI the weekly meeting must discuss (etl.attention: below target and significantly worse than
  the region or than its own baseline), in the latest complete week;
- `long_wait`: a day on which a branch's visitor waited longer than `day_wait_minutes`, in the last 7 days of data;
- `understaffed`: a day on which, over its busy hours (a ticket waiting at the hour's start, as the
  counter_staffing KPI counts them), fewer than `busy_staffing_below` of the branch's counters called, same days;
- `overdue`: an open follow-up past its due date;
- `stale`: a region's source (queue tickets, claims, complaints) whose newest record is older than
  `stale_after_days`, or that holds none.

Each finding has a key (rule, period, branch, detail) that is unique in `alerts`: a rerun, or the next run that
finds the same condition in the same period, stores nothing and tells nobody again. A regional head gets their
region's new alerts; a branch manager only their own branch's. The e-mail goes out later (`unsent_digests`,
`mark_sent`); this module only records.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, func, insert, select, update

from etl import schema
from etl.attention import attention
from etl.calendar import holidays_between
from etl.db import read_frame
from etl.evaluation import BASELINE_LAG
from etl.guard import branch_regions
from etl.kpis.queue import busy_slots
from etl.sop import Sop
from etl.stats import BASELINE_PERIODS
from etl.users import BRANCH_MANAGER, REGIONAL_HEAD

RULES = ("worse", "long_wait", "understaffed", "overdue", "stale")
SOURCES = (("queue_tickets", "issued_at"), ("claims", "submitted_at"), ("complaints", "received_at"))
OPEN = ("open", "in_progress")
FOUND_SCHEMA = {"alert_key": pl.String, "rule": pl.String, "region_code": pl.String, "branch_code": pl.String,
                "kpi": pl.String, "period_start": pl.Date, "detail": pl.String}


@dataclass(frozen=True)
class AlertRun:
    raised: int  # new alerts stored by this run
    digests: int  # digests recorded, one per person with a new alert in scope


def raise_alerts(engine: Engine, sop: Sop, today: dt.date, now: dt.datetime | None = None) -> AlertRun:
    """Check every rule on what the database holds, store the new alerts and each person's digest of them."""
    return store(engine, find(engine, sop, today), now or dt.datetime.now().replace(microsecond=0))


def find(engine: Engine, sop: Sop, today: dt.date) -> pl.DataFrame:
    """Every condition the rules find now, new or not, one row each (FOUND_SCHEMA)."""
    regions = branch_regions(engine)
    up_to = _data_up_to(engine)
    parts = [_worse(engine, regions, up_to), *_days(engine, sop, regions, up_to),
             _overdue(engine, regions, today), _stale(engine, sop, regions, today)]
    return pl.concat([p for p in parts if p.height] or [pl.DataFrame(schema=FOUND_SCHEMA)]).cast(FOUND_SCHEMA)


def store(engine: Engine, found: pl.DataFrame, now: dt.datetime) -> AlertRun:
    """Store the alerts not stored before and one digest per person in whose scope one of them falls, together."""
    table = schema.alerts
    with engine.begin() as conn:
        known = set()
        keys = found["alert_key"].to_list()
        for start in range(0, len(keys), 500):  # bounded IN lists
            known |= set(conn.execute(select(table.c.alert_key).where(
                table.c.alert_key.in_(keys[start:start + 500]))).scalars())
        new = found.filter(~pl.col("alert_key").is_in(sorted(known))).unique("alert_key", maintain_order=True)
        if new.is_empty():
            return AlertRun(0, 0)
        conn.execute(insert(table), new.with_columns(raised_at=pl.lit(now)).to_dicts())
        people = read_frame(conn, select(schema.users.c.login, schema.users.c.role, schema.users.c.region_code,
                                         schema.users.c.branch_code))
        digests = [{"login": person["login"], "created_at": now, "alert_keys": json.dumps(mine)}
                   for person in people.iter_rows(named=True) if (mine := in_scope(new, person)["alert_key"].to_list())]
        if digests:
            conn.execute(insert(schema.alert_digests), digests)
    return AlertRun(new.height, len(digests))


def in_scope(alerts: pl.DataFrame, person: dict) -> pl.DataFrame:
    """The alerts a person may see: a regional head their region's; a branch manager their own branch's only."""
    mine = alerts.filter(pl.col("region_code") == person["region_code"])
    if person["role"] == REGIONAL_HEAD:
        return mine
    if person["role"] == BRANCH_MANAGER:
        return mine.filter(pl.col("branch_code") == person["branch_code"])
    return mine.clear()


def history(engine: Engine, region: str, branches: list[str] | None = None) -> pl.DataFrame:
    """The region's alerts, newest first; with `branches`, those branches' only (region-wide ones left out)."""
    table = schema.alerts
    query = select(table).where(table.c.region_code == region)
    if branches is not None:
        query = query.where(table.c.branch_code.in_(branches))
    with engine.connect() as conn:
        return read_frame(conn, query.order_by(table.c.raised_at.desc(), table.c.alert_id.desc()))


def unsent_digests(engine: Engine) -> list[dict]:
    """Digests not e-mailed yet, oldest first: digest_id, login, created_at and its alerts (rows of `alerts`)."""
    with engine.connect() as conn:
        digests = read_frame(conn, select(schema.alert_digests).where(schema.alert_digests.c.sent_at.is_(None))
                             .order_by(schema.alert_digests.c.digest_id))
        result = []
        for digest in digests.iter_rows(named=True):
            keys = json.loads(digest["alert_keys"])
            rows = read_frame(conn, select(schema.alerts).where(schema.alerts.c.alert_key.in_(keys)))
            order = {key: i for i, key in enumerate(keys)}
            result.append({**digest, "alerts": rows.sort(pl.col("alert_key").replace_strict(order))})
    return result


def mark_sent(engine: Engine, digest_id: int, at: dt.datetime) -> bool:
    """Record that a digest went out; False when another sender recorded it first (send nothing twice)."""
    table = schema.alert_digests
    with engine.begin() as conn:
        done = conn.execute(update(table).where(table.c.digest_id == digest_id, table.c.sent_at.is_(None))
                            .values(sent_at=at))
    return done.rowcount == 1


# --- the rules ------------------------------------------------------------------------------------------------------

def _found(rule: str, rows: list[dict]) -> pl.DataFrame:
    """Findings as FOUND_SCHEMA rows; `detail` becomes JSON (dates as ISO text)."""
    return pl.DataFrame([{**row, "rule": rule, "detail": json.dumps(row["detail"], default=str)} for row in rows],
                        schema=FOUND_SCHEMA)


def _rounded(value):
    """Six decimals: all a sentence shows, and no long run of digits that reads like an identifier."""
    return round(value, 6) if isinstance(value, float) else value


def _data_up_to(engine: Engine) -> dt.date | None:
    days = [select(func.max(schema.metadata.tables[t].c[c])).scalar_subquery() for t, c in SOURCES]
    with engine.connect() as conn:
        latest = [d for d in conn.execute(select(*days)).one() if d is not None]
    return max(latest).date() if latest else None


def _worse(engine: Engine, regions: dict[str, str], up_to: dt.date | None) -> pl.DataFrame:
    """The meeting's list (etl.attention) of the latest complete week, per region."""
    if up_to is None:
        return _found("worse", [])
    mart = schema.kpi_weekly
    with engine.connect() as conn:
        starts = [s for s in conn.execute(select(mart.c.period_start).distinct().order_by(mart.c.period_start.desc())
                                          .limit(BASELINE_PERIODS + BASELINE_LAG + 2)).scalars()]
    complete = [s for s in starts if s + dt.timedelta(days=6) <= up_to]
    if not complete:
        return _found("worse", [])
    period = complete[0]
    with engine.connect() as conn:
        rows = read_frame(conn, select(mart).where(mart.c.period_start.between(min(starts), period)))
    found = []
    for region in sorted(set(regions.values())):
        codes = [region, *(c for c, r in regions.items() if r == region)]
        mine = rows.filter(pl.col("code").is_in(codes))
        listed = attention(mine.filter(pl.col("period_start") == period), mine.filter(pl.col("period_start") < period))
        found += [{"alert_key": f"worse|{period}|{r['code']}|{r['kpi']}", "region_code": region,
                   "branch_code": r["code"], "kpi": r["kpi"], "period_start": period,
                   "detail": {k: _rounded(r[k]) for k in ("value", "target", "region", "usual", "worse_than_region",
                                                         "worse_than_usual", "streak")}}
                  for r in listed.iter_rows(named=True)]
    return _found("worse", found)


def _days(engine: Engine, sop: Sop, regions: dict[str, str], up_to: dt.date | None) -> list[pl.DataFrame]:
    """Days in the last week of data on which a branch's longest wait (issued to called) passed the limit, and
    days whose busy hours had too few counters calling."""
    if up_to is None:
        return []
    tickets, first = schema.queue_tickets, up_to - dt.timedelta(days=6)
    with engine.connect() as conn:
        rows = read_frame(conn, select(tickets.c.branch_code, tickets.c.issued_at, tickets.c.called_at,
                                       tickets.c.counter_id).where(
            tickets.c.issued_at >= dt.datetime.combine(first, dt.time()), tickets.c.called_at.is_not(None)))
        offices = read_frame(conn, select(schema.branches.c.branch_code, schema.branches.c.counters,
                                          schema.branches.c.opens_at, schema.branches.c.closes_at))
    limit = float(sop.alerts["day_wait_minutes"])
    waits = (rows.with_columns(((pl.col("called_at") - pl.col("issued_at")).dt.total_seconds() / 60).alias("wait"),
                               pl.col("issued_at").dt.date().alias("day"))
             .group_by("branch_code", "day").agg(pl.col("wait").max().alias("longest"),
                                                 (pl.col("wait") > limit).sum().alias("over"))
             .filter(pl.col("longest") > limit).sort("day", "branch_code"))
    share = float(sop.alerts["busy_staffing_below"])
    staffed = (busy_slots(rows, offices, holidays_between(first, up_to))
               .group_by("branch_code", "day").agg(pl.col("ratio").mean().alias("staffed"), pl.len().alias("hours"))
               .filter(pl.col("staffed") < share).sort("day", "branch_code"))
    return [
        _found("long_wait", [
            {"alert_key": f"long_wait|{r['day']}|{r['branch_code']}", "region_code": regions[r["branch_code"]],
             "branch_code": r["branch_code"], "kpi": None, "period_start": r["day"],
             "detail": {"longest_minutes": round(r["longest"], 1), "visitors_over": r["over"], "limit_minutes": limit}}
            for r in waits.iter_rows(named=True) if r["branch_code"] in regions]),
        _found("understaffed", [
            {"alert_key": f"understaffed|{r['day']}|{r['branch_code']}", "region_code": regions[r["branch_code"]],
             "branch_code": r["branch_code"], "kpi": "counter_staffing", "period_start": r["day"],
             "detail": {"staffed": round(r["staffed"], 3), "busy_hours": r["hours"], "limit": share}}
            for r in staffed.iter_rows(named=True) if r["branch_code"] in regions]),
    ]


def _overdue(engine: Engine, regions: dict[str, str], today: dt.date) -> pl.DataFrame:
    """Open follow-ups whose due date has passed: once per item and due date (a new due date is a new promise)."""
    items = schema.follow_ups
    with engine.connect() as conn:
        rows = read_frame(conn, select(items.c.follow_up_id, items.c.branch_code, items.c.kpi, items.c.due_date)
                          .where(items.c.status.in_(OPEN), items.c.due_date < today).order_by(items.c.due_date))
    return _found("overdue", [
        {"alert_key": f"overdue|{r['due_date']}|{r['branch_code']}|{r['follow_up_id']}",
         "region_code": regions[r["branch_code"]], "branch_code": r["branch_code"], "kpi": r["kpi"],
         "period_start": r["due_date"], "detail": {"follow_up_id": r["follow_up_id"], "due_date": r["due_date"]}}
        for r in rows.iter_rows(named=True) if r["branch_code"] in regions])


def _stale(engine: Engine, sop: Sop, regions: dict[str, str], today: dt.date) -> pl.DataFrame:
    """Per region and source, the newest record when it is older than the limit: once per ISO week of `today`."""
    limit = int(sop.alerts["stale_after_days"])
    week = today - dt.timedelta(days=today.weekday())
    branches = schema.branches
    found = []
    with engine.connect() as conn:
        for source, column in SOURCES:
            table = schema.metadata.tables[source]
            newest = dict(conn.execute(select(branches.c.region_code, func.max(table.c[column]))
                                       .join(table, table.c.branch_code == branches.c.branch_code)
                                       .group_by(branches.c.region_code)).all())
            for region in sorted(set(regions.values())):
                latest = newest.get(region)
                latest = latest.date() if isinstance(latest, dt.datetime) else latest
                if latest is None or (today - latest).days > limit:
                    found.append({"alert_key": f"stale|{week}|{region}|{source}", "region_code": region,
                                  "branch_code": None, "kpi": None, "period_start": week,
                                  "detail": {"source": source, "newest": latest, "limit_days": limit}})
    return _found("stale", found)
