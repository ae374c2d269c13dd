"""Load one validated file as one batch, in one transaction: facts, quarantine and the batch record."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Engine, func, insert, select, update

from etl.contract import Source
from etl.db import read_keyed, upsert_rows, write_rows
from etl.schema import FACT_TABLES, etl_batch_regions, etl_batches, marts_pending, quarantine
from etl.validate import Validated

# The timestamp that starts each record's life: no other timestamp of a valid record is earlier.
FIRST_TIMESTAMP = {"queue_tickets": "issued_at", "claims": "submitted_at", "complaints": "received_at"}


@dataclass(frozen=True)
class BatchResult:
    file_name: str
    source: str | None
    status: str  # loaded | failed | skipped (already loaded)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_adjusted: int = 0
    rows_quarantined: int = 0
    exact_duplicates: int = 0
    message: str | None = None
    batch_id: int | None = None

    @property
    def reconciles(self) -> bool:
        """Rows read = rows loaded + rows quarantined + exact duplicates."""
        return self.rows_read == self.rows_loaded + self.rows_quarantined + self.exact_duplicates


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def already_loaded(engine: Engine, sha256: str) -> bool:
    """True when a file with these exact bytes was loaded before: loading it again changes nothing."""
    with engine.connect() as conn:
        found = conn.execute(
            select(etl_batches.c.batch_id).where(etl_batches.c.sha256 == sha256, etl_batches.c.status == "loaded")
        ).first()
    return found is not None


@dataclass(frozen=True)
class Reoffer:
    """A loaded file offered again: the rows its last batch quarantined as unknown_branch, branches having changed."""

    batch_id: int
    row_numbers: list[int]


def reoffer(engine: Engine, sha256: str) -> Reoffer | None:
    """The rows of an already loaded file to read again, or None when there are none.

    A row quarantined as unknown_branch may load once a later branches file names its branch. Only the last
    batch of the file counts, and only a branches batch loaded after it: rows offered again and still unknown
    wait for the next change of the branches.
    """
    with engine.connect() as conn:
        last = conn.execute(select(func.max(etl_batches.c.batch_id)).where(
            etl_batches.c.sha256 == sha256, etl_batches.c.status == "loaded")).scalar()
        if last is None:
            return None
        changed = conn.execute(select(etl_batches.c.batch_id).where(
            etl_batches.c.source == "branches", etl_batches.c.status == "loaded", etl_batches.c.batch_id > last,
            etl_batches.c.rows_loaded > 0).limit(1)).first()
        if changed is None:
            return None
        rows = conn.execute(select(quarantine.c.row_number).where(
            quarantine.c.batch_id == last, quarantine.c.reason == "unknown_branch")).scalars().all()
    return Reoffer(last, sorted(rows)) if rows else None


def stored_ids(engine: Engine, source: Source, ids: list[str]) -> set[str]:
    """Which of `ids` the fact table of `source` holds."""
    table = FACT_TABLES[source.name]
    key = table.c[source.id_column]
    found: set[str] = set()
    with engine.connect() as conn:
        for start in range(0, len(ids), 1000):  # a bounded IN list per query
            found |= set(conn.execute(select(key).where(key.in_(ids[start:start + 1000]))).scalars())
    return found


def record_failure(engine: Engine, path: Path, sha256: str, source: Source | None, message: str,
                   started_at: dt.datetime, loaded_by: str) -> BatchResult:
    """A file that could not be read fails its own batch; nothing from it is loaded.

    It has no region: only viewers of every region, and whoever loaded it, list it (service.data).
    """
    with engine.begin() as conn:
        batch_id = conn.execute(insert(etl_batches).values(
            file_name=path.name, source=source.name if source else None, sha256=sha256, status="failed",
            message=message, started_at=started_at, finished_at=_now(), loaded_by=loaded_by,
        ).returning(etl_batches.c.batch_id)).scalar_one()
    return BatchResult(path.name, source.name if source else None, "failed", message=message, batch_id=batch_id)


def load_batch(engine: Engine, path: Path, sha256: str, source: Source, validated: Validated, rows_read: int,
               started_at: dt.datetime, loaded_by: str, regions: dict[str, str],
               message: str | None = None) -> BatchResult:
    """Upsert the valid rows, store the quarantined ones and record the batch, all or nothing.

    `regions` is every branch's region before this file: the batch is filed under the regions it wrote for.
    `message` says what reading the file did that people should know (an encoding guessed, blank lines skipped).
    """
    with engine.begin() as conn:
        batch_id = conn.execute(insert(etl_batches).values(
            file_name=path.name, source=source.name, sha256=sha256, status="loading", started_at=started_at,
            loaded_by=loaded_by,
        ).returning(etl_batches.c.batch_id)).scalar_one()
        written = _regions_written(source, validated, regions)
        if written:
            conn.execute(insert(etl_batch_regions), [{"batch_id": batch_id, "region_code": r} for r in written])
        rows = validated.rows.with_columns(pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"))
        touched_from = _write_facts(conn, source, rows) if rows.height else None
        if validated.quarantine.height:
            conn.execute(insert(quarantine), validated.quarantine.with_columns(
                batch_id=pl.lit(batch_id), source=pl.lit(source.name), file_name=pl.lit(path.name),
            ).to_dicts())
        result = BatchResult(
            path.name, source.name, "loaded", rows_read=rows_read, rows_loaded=rows.height,
            rows_adjusted=validated.adjusted, rows_quarantined=validated.quarantine.height,
            exact_duplicates=validated.exact_duplicates, message=message, batch_id=batch_id,
        )
        if touched_from is not None:  # marts are recomputed from the period of its earliest new or replaced record
            conn.execute(insert(marts_pending).values(since=touched_from, batch_id=batch_id))
        if not result.reconciles:
            raise AssertionError(f"{path.name}: rows do not reconcile: {result}")  # rolls the batch back
        conn.execute(update(etl_batches).where(etl_batches.c.batch_id == batch_id).values(
            status="loaded", rows_read=rows_read, rows_loaded=result.rows_loaded, rows_adjusted=result.rows_adjusted,
            rows_quarantined=result.rows_quarantined, exact_duplicates=result.exact_duplicates, finished_at=_now(),
            message=message,
        ))
    return result


def _regions_written(source: Source, validated: Validated, regions: dict[str, str]) -> list[str]:
    """The regions of the branches this batch loads or quarantines rows for; a branches file's own regions too."""
    codes = set(validated.rows.get_column("branch_code").unique()) | set(
        validated.quarantine.get_column("branch_code").drop_nulls().unique())
    written = {regions[c] for c in codes if c in regions}
    if source.name in ("branches", "annotations"):
        written |= set(validated.rows.get_column("region_code").unique())
    return sorted(written)


def _write_facts(conn: Connection, source: Source, rows: pl.DataFrame) -> dt.datetime | None:
    """Append the rows whose ids are new, upsert only those stored before; the earliest moment they touch.

    That is the earliest first timestamp among the rows written and the stored rows they replace; None when
    no KPI reads them (events are drawn beside the KPIs, never counted in them).
    """
    table = FACT_TABLES[source.name]
    key = table.c[source.id_column]
    column = FIRST_TIMESTAMP.get(source.name)
    stored = read_keyed(conn, [key] + ([table.c[column]] if column else []), key, rows.get_column(key.name))
    resent = pl.col(key.name).is_in(stored.get_column(key.name).implode())
    write_rows(conn, table, rows.filter(~resent))  # a weekly file's ids are all new: a plain bulk insert
    upsert_rows(conn, table, rows.filter(resent))
    if source.name == "annotations":
        return None
    if column is None:
        return dt.datetime.min  # branch changes (counters, hours, region) reach every period
    candidates = [rows[column].min(), stored[column].min()]
    return min(c for c in candidates if c is not None)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)
