"""The ETL's own record: batches, how fresh each source is, and the quarantine, each for the viewer's scope.

- A viewer of every region (region None: the command line, a process, the open demo) sees all of it.
- A regional head sees the batches that wrote rows (loaded or quarantined) for their region's branches, as
  filed when the batch loaded (`etl_batch_regions`), and every batch they loaded themselves; freshness
  counts their region's records; quarantined rows are those naming one of their region's branches, and the
  rows of their own uploads (what they sent, whichever branch it names).
- A branch manager sees their region's batches and freshness, as they see the region's KPIs, but
  quarantined rows of their own branch only.
- A quarantined row without a branch the viewer's region holds (an empty or unknown branch_code, or a
  failed batch, which has no rows and no region) is shown only to viewers of every region and to whoever
  uploaded it: when in doubt, a row is not shown.
"""
from __future__ import annotations

import polars as pl
from sqlalchemy import func, or_, select

from etl import schema
from service.access import Viewer
from service.reader import Reader
from service.reference import FACT_TIMES


def _scope(viewer: Viewer) -> tuple[str | None, str | None, str | None]:
    """(region, own branch, login): the cache key of everything here. All None: every region."""
    if viewer.region_code is None:
        return None, None, None
    return viewer.region_code, viewer.own_branch, viewer.login


def _region_branches(region: str):
    return select(schema.branches.c.branch_code).where(schema.branches.c.region_code == region)


def _batches_of(region: str | None, login: str | None):
    """The batch ids a viewer of `region` may list; None: every batch."""
    if region is None:
        return None
    b, regions = schema.etl_batches, schema.etl_batch_regions
    return select(b.c.batch_id).where(or_(
        b.c.batch_id.in_(select(regions.c.batch_id).where(regions.c.region_code == region)),
        b.c.loaded_by == login))


def _batches(r: Reader, region: str | None, login: str | None) -> pl.DataFrame:
    b = schema.etl_batches
    statement = select(b.c.batch_id, b.c.file_name, b.c.source, b.c.status, b.c.rows_read, b.c.rows_loaded,
                       b.c.rows_adjusted, b.c.rows_quarantined, b.c.exact_duplicates, b.c.started_at,
                       b.c.finished_at, b.c.loaded_by, b.c.message)
    visible = _batches_of(region, login)
    if visible is not None:
        statement = statement.where(b.c.batch_id.in_(visible))
    return r.read(statement.order_by(b.c.batch_id.desc()))


def batches(r: Reader) -> pl.DataFrame:
    """ETL batches the viewer may list, newest first."""
    region, _, login = _scope(r.viewer)
    return r.cached(_batches, region, login)


def _source_freshness(r: Reader, region: str | None, login: str | None) -> pl.DataFrame:
    rows = []
    b = schema.etl_batches
    visible = _batches_of(region, login)
    with r.engine.connect() as conn:
        for table, column in FACT_TIMES:
            fact = schema.metadata.tables[table]
            mine = fact.c.branch_code.in_(_region_branches(region)) if region is not None else None
            # Two statements: SQLite answers max() from the index only when it is the sole aggregate.
            count = select(func.count()).select_from(fact)
            latest = select(func.max(fact.c[column]))
            loaded = select(func.max(b.c.finished_at)).where(b.c.source == table, b.c.status == "loaded")
            if region is not None:
                count, latest, loaded = count.where(mine), latest.where(mine), loaded.where(b.c.batch_id.in_(visible))
            rows.append({"source": table, "rows": conn.execute(count).scalar(),
                         "latest_record": conn.execute(latest).scalar(), "last_loaded": conn.execute(loaded).scalar()})
    return pl.DataFrame(rows, schema={"source": pl.String, "rows": pl.Int64, "latest_record": pl.Datetime("us"),
                                      "last_loaded": pl.Datetime("us")})


def source_freshness(r: Reader) -> pl.DataFrame:
    """Per fact table: the viewer's region's rows, its latest record timestamp and the last batch that loaded it."""
    region, _, login = _scope(r.viewer)
    return r.cached(_source_freshness, region, login)


def _quarantine_scope(statement, region: str | None, branch: str | None, login: str | None):
    q, b = schema.quarantine, schema.etl_batches
    if branch is not None:
        return statement.where(q.c.branch_code == branch)
    if region is not None:
        return statement.where(or_(q.c.branch_code.in_(_region_branches(region)),
                                   q.c.batch_id.in_(select(b.c.batch_id).where(b.c.loaded_by == login))))
    return statement


def _quarantine_summary(r: Reader, region: str | None, branch: str | None, login: str | None) -> pl.DataFrame:
    q = schema.quarantine
    statement = _quarantine_scope(select(q.c.source, q.c.reason, func.count().label("rows")), region, branch, login)
    return r.read(statement.group_by(q.c.source, q.c.reason).order_by(func.count().desc()))


def quarantine_summary(r: Reader) -> pl.DataFrame:
    """Quarantined rows the viewer may see, per source and reason, most first."""
    return r.cached(_quarantine_summary, *_scope(r.viewer))


def _quarantine_samples(r: Reader, source: str, reason: str, limit: int, region: str | None, branch: str | None,
                        login: str | None) -> pl.DataFrame:
    q = schema.quarantine
    statement = select(q.c.batch_id, q.c.file_name, q.c.row_number, q.c.branch_code, q.c.column_name, q.c.detail,
                       q.c.raw_values).where(q.c.source == source, q.c.reason == reason)
    statement = _quarantine_scope(statement, region, branch, login)
    return r.read(statement.order_by(q.c.quarantine_id).limit(limit))


def quarantine_samples(r: Reader, source: str, reason: str, limit: int = 5) -> pl.DataFrame:
    """A few quarantined rows the viewer may see, for one source and reason."""
    return r.cached(_quarantine_samples, source, reason, limit, *_scope(r.viewer))
