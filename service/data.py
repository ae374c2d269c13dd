"""The ETL's own record: batches, how fresh each source is, and the quarantine."""
from __future__ import annotations

import json

import polars as pl
from sqlalchemy import func, select

from etl import schema
from service.reader import Reader
from service.reference import FACT_TIMES


def _batches(r: Reader) -> pl.DataFrame:
    b = schema.etl_batches
    return r.read(select(b.c.batch_id, b.c.file_name, b.c.source, b.c.status, b.c.rows_read, b.c.rows_loaded,
                         b.c.rows_adjusted, b.c.rows_quarantined, b.c.exact_duplicates, b.c.started_at,
                         b.c.finished_at, b.c.message).order_by(b.c.batch_id.desc()))


def batches(r: Reader) -> pl.DataFrame:
    """ETL batches, newest first."""
    return r.cached(_batches)


def _source_freshness(r: Reader) -> pl.DataFrame:
    rows = []
    b = schema.etl_batches
    with r.engine.connect() as conn:
        for table, column in FACT_TIMES:
            fact = schema.metadata.tables[table]
            # Two statements: SQLite answers max() from the index only when it is the sole aggregate.
            count = conn.execute(select(func.count()).select_from(fact)).scalar()
            latest = conn.execute(select(func.max(fact.c[column]))).scalar()
            loaded = conn.execute(select(func.max(b.c.finished_at)).where(b.c.source == table,
                                                                           b.c.status == "loaded")).scalar()
            rows.append({"source": table, "rows": count, "latest_record": latest, "last_loaded": loaded})
    return pl.DataFrame(rows, schema={"source": pl.String, "rows": pl.Int64, "latest_record": pl.Datetime("us"),
                                      "last_loaded": pl.Datetime("us")})


def source_freshness(r: Reader) -> pl.DataFrame:
    """Per fact table: rows, the latest record timestamp and the last batch that loaded it."""
    return r.cached(_source_freshness)


def _quarantine_summary(r: Reader) -> pl.DataFrame:
    q = schema.quarantine
    return r.read(select(q.c.source, q.c.reason, func.count().label("rows")).group_by(q.c.source, q.c.reason)
                  .order_by(func.count().desc()))


def quarantine_summary(r: Reader) -> pl.DataFrame:
    """Quarantined rows per source and reason, most first."""
    return r.cached(_quarantine_summary)


def _quarantine_samples(r: Reader, source: str, reason: str, limit: int, branch: str | None) -> pl.DataFrame:
    q = schema.quarantine
    statement = select(q.c.batch_id, q.c.file_name, q.c.row_number, q.c.column_name, q.c.detail, q.c.raw_values).where(
        q.c.source == source, q.c.reason == reason)
    if branch is not None:  # raw_values is the row as JSON, written by etl.validate with json.dumps
        statement = statement.where(q.c.raw_values.contains(f'"branch_code": {json.dumps(branch)}', autoescape=True))
    return r.read(statement.order_by(q.c.quarantine_id).limit(limit))


def quarantine_samples(r: Reader, source: str, reason: str, limit: int = 5) -> pl.DataFrame:
    """A few quarantined rows for one source and reason; a branch manager sees only rows naming their branch."""
    return r.cached(_quarantine_samples, source, reason, limit, r.viewer.own_branch)
