"""Follow-up action items (Tindak Lanjut): what a regional head agrees in the weekly meeting and checks later.

Every save writes a full snapshot to follow_up_history, so an item's whole story can be read back.
Two people may have the same item open: each save names the version it started from, and a save
based on a version that is no longer current is refused (StaleEdit) instead of overwriting the other.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl
from sqlalchemy import Connection, Engine, String, insert, select, update as sql_update

from etl import schema
from etl.catalogue import KPI_BY_ID
from etl.db import read_frame
from etl.kpis.periods import GRANULARITIES, period_start

STATUSES = ("open", "in_progress", "done", "dropped")
EDITABLE = ("kpi", "topic", "agreed", "owner", "due_date", "status", "notes")
REQUIRED_TEXT = ("topic", "agreed", "owner")
MAX_LENGTHS = {c.name: c.type.length for t in (schema.follow_ups, schema.follow_up_history) for c in t.columns
               if isinstance(c.type, String) and c.type.length}
RECOVERY_SCHEMA = {"weeks_since": pl.Int64, "weeks_met": pl.Int64, "latest_value": pl.Float64,
                   "latest_meets": pl.Boolean}


class FollowUpError(ValueError):
    """Bad input; `field` names the field to correct."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field = field


class StaleEdit(RuntimeError):
    """The item was saved by someone else after it was opened; `current` is the row as now stored."""

    def __init__(self, current: dict, expected_version: int):
        super().__init__(
            f"Follow-up {current['follow_up_id']} was changed by {current['updated_by']} at "
            f"{current['updated_at']:%Y-%m-%d %H:%M} (now version {current['version']}, you opened version "
            f"{expected_version}); reload it and apply your edit again."
        )
        self.current = current


def create(engine: Engine, *, branch_code: str, topic: str, agreed: str, owner: str, due_date: dt.date,
           granularity: str, raised_period: dt.date, created_by: str, kpi: str | None = None,
           notes: str | None = None, status: str = "open", now: dt.datetime | None = None) -> int:
    """Store a new item as version 1 and return its id."""
    if granularity not in GRANULARITIES:
        raise FollowUpError("granularity", f"{granularity!r} is not one of {', '.join(GRANULARITIES)}")
    if not _is_date(raised_period):
        raise FollowUpError("raised_period", "must be a date")
    fields = _checked({"kpi": kpi, "topic": topic, "agreed": agreed, "owner": owner, "due_date": due_date,
                       "status": status, "notes": notes}, raised_period)
    author = _person("created_by", created_by)
    saved_at = now or _now()
    table = schema.follow_ups
    with engine.begin() as conn:
        if conn.execute(select(schema.branches.c.branch_code).where(
                schema.branches.c.branch_code == branch_code)).first() is None:
            raise FollowUpError("branch_code", f"no branch {branch_code!r}")
        follow_up_id = conn.execute(insert(table).values(
            branch_code=branch_code, granularity=granularity, raised_period=raised_period, **fields, version=1,
            created_at=saved_at, created_by=author, updated_at=saved_at, updated_by=author,
        ).returning(table.c.follow_up_id)).scalar_one()
        _record(conn, follow_up_id, 1, "created", fields, saved_at, author)
    return follow_up_id


def update(engine: Engine, follow_up_id: int, *, expected_version: int, changed_by: str,
           now: dt.datetime | None = None, **changes) -> int:
    """Save `changes` to an item opened at `expected_version` and return the version now stored.

    A save that changes nothing writes nothing and keeps the version. The row and its history
    row are written in one transaction, so neither exists without the other.
    """
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise FollowUpError(unknown[0], f"cannot be changed; editable fields are {', '.join(EDITABLE)}")
    author = _person("changed_by", changed_by)
    table = schema.follow_ups
    with engine.begin() as conn:
        current = _current(conn, follow_up_id)
        # An editor who has not seen the other save is refused even when their edit changes nothing.
        if current["version"] != expected_version:
            raise StaleEdit(current, expected_version)
        fields = _checked({**{f: current[f] for f in EDITABLE}, **changes}, current["raised_period"])
        changed = {f: v for f, v in fields.items() if v != current[f]}
        if not changed:
            return expected_version
        saved_at = now or _now()
        # The version in the WHERE is what stops a save that raced past the check above.
        matched = conn.execute(
            sql_update(table)
            .where(table.c.follow_up_id == follow_up_id, table.c.version == expected_version)
            .values(**changed, version=table.c.version + 1, updated_at=saved_at, updated_by=author)
        ).rowcount
        if matched == 0:
            raise StaleEdit(_current(conn, follow_up_id), expected_version)
        _record(conn, follow_up_id, expected_version + 1, "updated", fields, saved_at, author)
    return expected_version + 1


def follow_ups(engine: Engine, branch_codes: Sequence[str] | None = None, *, statuses: Sequence[str] | None = None,
               due_on_or_before: dt.date | None = None) -> pl.DataFrame:
    """Stored items, soonest due first; None means no filter."""
    table = schema.follow_ups
    statement = select(table).order_by(table.c.due_date, table.c.follow_up_id)
    if branch_codes is not None:
        statement = statement.where(table.c.branch_code.in_(branch_codes))
    if statuses is not None:
        statement = statement.where(table.c.status.in_(statuses))
    if due_on_or_before is not None:
        statement = statement.where(table.c.due_date <= due_on_or_before)
    with engine.connect() as conn:
        return read_frame(conn, statement)


def branch_of(engine: Engine, follow_up_id: int) -> str | None:
    table = schema.follow_ups
    with engine.connect() as conn:
        return conn.execute(select(table.c.branch_code).where(table.c.follow_up_id == follow_up_id)).scalar()


def history(engine: Engine, follow_up_id: int) -> pl.DataFrame:
    """Every saved version of one item, oldest first."""
    table = schema.follow_up_history
    with engine.connect() as conn:
        return read_frame(conn, select(table).where(table.c.follow_up_id == follow_up_id).order_by(table.c.version))


def recovery(items: pl.DataFrame, weekly: pl.DataFrame) -> pl.DataFrame:
    """`items` with how their KPI did in the weeks after the week they were raised in.

    `weekly` holds kpi_weekly rows (code, kpi, period_start, value, meets_target) for the items'
    branches. weeks_since counts the weeks after the raised week that have a value, up to the
    latest; weeks_met counts those that met the target; latest_value and latest_meets are the
    latest such week's. All four are null for an item without a KPI and for one with no week
    since yet (raised in the latest week), because "met 0 of 0 weeks" says nothing.
    """
    weeks = weekly.select(pl.col("code").alias("branch_code"), "kpi", "period_start", "value", "meets_target")
    since = (
        items.filter(pl.col("kpi").is_not_null())
        .select("follow_up_id", "branch_code", "kpi",
                period_start(pl.col("raised_period").cast(pl.Datetime), "week").alias("raised_week"))
        .join(weeks, on=["branch_code", "kpi"])
        .filter(pl.col("period_start") > pl.col("raised_week"))
        .group_by("follow_up_id")
        .agg(
            weeks_since=pl.len(),
            weeks_met=pl.col("meets_target").sum(),
            latest_value=pl.col("value").sort_by("period_start").last(),
            latest_meets=pl.col("meets_target").sort_by("period_start").last(),
        )
        .cast(RECOVERY_SCHEMA)
    )
    return items.join(since, on="follow_up_id", how="left", maintain_order="left")


def _checked(fields: dict, raised_period: dt.date) -> dict:
    """The editable fields with text trimmed and empty optional text as None; FollowUpError on the first bad one."""
    cleaned = {f: v.strip() if isinstance(v, str) else v for f, v in fields.items()}
    cleaned["kpi"] = cleaned["kpi"] or None
    cleaned["notes"] = cleaned["notes"] or None
    if cleaned["kpi"] is not None and cleaned["kpi"] not in KPI_BY_ID:
        raise FollowUpError("kpi", f"{cleaned['kpi']!r} is not a KPI in the catalogue")
    for field in REQUIRED_TEXT:
        if not cleaned[field]:
            raise FollowUpError(field, "must not be empty")
    if cleaned["status"] not in STATUSES:
        raise FollowUpError("status", f"{cleaned['status']!r} is not one of {', '.join(STATUSES)}")
    if not _is_date(cleaned["due_date"]):
        raise FollowUpError("due_date", "must be a date")
    if cleaned["due_date"] < raised_period:
        raise FollowUpError("due_date", f"{cleaned['due_date']} is before the period it was raised in "
                                        f"({raised_period})")
    for field, value in cleaned.items():
        _fits(field, value)
    return cleaned


def _person(field: str, name: str) -> str:
    """Who saves: required, since the history and the StaleEdit message name them."""
    name = (name or "").strip()
    if not name:
        raise FollowUpError(field, "must name who saves the change")
    _fits(field, name)
    return name


def _fits(field: str, value) -> None:
    """PostgreSQL refuses text longer than its column and SQLite does not: refuse it on both, by name."""
    length = MAX_LENGTHS.get(field)
    if length is not None and isinstance(value, str) and len(value) > length:
        raise FollowUpError(field, f"is {len(value)} characters long; at most {length} fit")


def _current(conn: Connection, follow_up_id: int) -> dict:
    table = schema.follow_ups
    row = conn.execute(select(table).where(table.c.follow_up_id == follow_up_id)).mappings().first()
    if row is None:
        raise FollowUpError("follow_up_id", f"no follow-up {follow_up_id}")
    return dict(row)


def _record(conn: Connection, follow_up_id: int, version: int, action: str, fields: dict,
            changed_at: dt.datetime, changed_by: str) -> None:
    conn.execute(insert(schema.follow_up_history).values(
        follow_up_id=follow_up_id, version=version, changed_at=changed_at, changed_by=changed_by, action=action,
        **fields,
    ))


def _is_date(value) -> bool:
    # A datetime is a date too, but cannot be compared with one.
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)
