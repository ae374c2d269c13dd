"""Database access for the ETL: engines, bulk staging and upserts.

Every difference between SQLite and PostgreSQL lives in this module.
"""
from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl
from sqlalchemy import (
    Boolean, Connection, Date, DateTime, Engine, Float, Integer, Select, String, Table, create_engine, event, inspect,
    select, text, true,
)
from sqlalchemy.dialects import postgresql, sqlite

from etl.schema import metadata

STAGE_PREFIX = "stage_"
READ_BATCH_ROWS = 250_000
WAL_SWITCH_TRIES = 100  # 0.1 s apart
# Text and BigInteger are subclasses of String and Integer, so the first match is enough.
SQL_TO_POLARS = ((DateTime, pl.Datetime("us")), (Date, pl.Date), (Boolean, pl.Boolean), (Float, pl.Float64),
                 (Integer, pl.Int64), (String, pl.String))


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL so that dashboard readers never block on a load.

    A new SQLite file is created readable by this user only (0600), before SQLite opens it: the write-ahead
    log and shared-memory files take the database file's mode, so they are private too.
    """
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///").split("?", 1)[0]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if path and path != ":memory:":
            _create_private(Path(path))
        engine = create_engine(url, connect_args={"timeout": 60})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


def _create_private(path: Path) -> None:
    """An empty file at `path` with mode 0600 (SQLite takes an empty file as an empty database); left alone if there."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # A process connecting while another switches a brand-new file to WAL gets "database is locked" at
    # once, busy timeout or not (the ETL and the dashboard both migrating a new database at start).
    for attempt in range(WAL_SWITCH_TRIES):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == WAL_SWITCH_TRIES - 1:
                raise
            time.sleep(0.1)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def drop_stage_tables(engine: Engine) -> None:
    """Drop the staging tables that a killed run left behind; call it only while holding the ETL lock.

    A stage exists only while a load runs, so any found under the lock are debris. The schema itself
    is etl.migrate's business, not this module's.
    """
    with engine.begin() as conn:
        for name in inspect(conn).get_table_names():
            if name.startswith(STAGE_PREFIX):
                conn.execute(text(f'DROP TABLE "{name}"'))


def is_sqlite(engine_or_conn: Engine | Connection) -> bool:
    return engine_or_conn.dialect.name == "sqlite"


@contextmanager
def staged(conn: Connection, frame: pl.DataFrame, like: Table):
    """Bulk-write `frame` into a temporary staging table shaped like `like`, inside `conn`'s transaction.

    PostgreSQL gets COPY; SQLite gets one executemany. Both run on the caller's
    connection, so the stage and the upsert that reads it commit or roll back together.
    """
    stage = Table(f"{STAGE_PREFIX}{like.name}_{uuid.uuid4().hex[:8]}", metadata,
                  *[c._copy() for c in like.columns if c.name in frame.columns])
    stage.create(conn)
    try:
        write_rows(conn, stage, frame)
        yield stage
    finally:
        stage.drop(conn)
        metadata.remove(stage)


def read_keyed(conn: Connection, columns: list, key, values: pl.Series) -> pl.DataFrame:
    """`columns` of the rows of `key`'s table whose key is one of `values`, typed as declared.

    The values travel as one parameter (a JSON array on SQLite, an array on PostgreSQL) and the primary key
    is probed once per value: no stage to write, and no limit on how many values one statement may carry.
    """
    statement = select(*columns)
    names = ", ".join(f'"{c.name}"' for c in columns)
    where = "IN (SELECT value FROM json_each(?))" if is_sqlite(conn) else "= ANY(%s)"
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(f'SELECT {names} FROM "{key.table.name}" WHERE "{key.name}" {where}',
                       (json.dumps(values.to_list()) if is_sqlite(conn) else values.to_list(),))
        found = pl.DataFrame(cursor.fetchall(), schema=[c.name for c in columns], orient="row",
                             infer_schema_length=None)
    finally:
        cursor.close()
    return _as_declared_frame(found, statement)


def upsert_rows(conn: Connection, table: Table, frame: pl.DataFrame) -> None:
    """Write `frame` into `table`; a row whose key exists replaces it (the newer version wins).

    SQLite upserts straight from the rows; PostgreSQL's COPY cannot, so it stages them first.
    """
    if frame.is_empty():
        return
    if is_sqlite(conn):
        columns = [c.name for c in table.columns if c.name in frame.columns]
        keys = [c.name for c in table.primary_key.columns]
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
        _sqlite_insert(conn, table, frame.select(columns),
                       f" ON CONFLICT ({', '.join(keys)}) DO " + (f"UPDATE SET {updates}" if updates else "NOTHING"))
        return
    with staged(conn, frame, table) as stage:
        upsert_from(conn, table, stage)


def _sqlite_insert(conn: Connection, table: Table, rows: pl.DataFrame, suffix: str = "") -> None:
    """One executemany of `rows` (columns already in the table's order) into `table`, dates as SQLite's text."""
    placeholders = ", ".join("?" * rows.width)
    conn.connection.dbapi_connection.cursor().executemany(
        f'INSERT INTO "{table.name}" ({", ".join(rows.columns)}) VALUES ({placeholders}){suffix}',
        rows.with_columns(_sqlite_text_dates(rows)).iter_rows(),
    )


def write_rows(conn: Connection, table: Table, frame: pl.DataFrame) -> None:
    """Bulk-insert `frame` into `table` on `conn`: COPY on PostgreSQL, one executemany on SQLite."""
    if frame.is_empty():
        return
    columns = [c.name for c in table.columns if c.name in frame.columns]
    rows = frame.select(columns)
    raw = conn.connection.dbapi_connection
    if is_sqlite(conn):
        _sqlite_insert(conn, table, rows)
    else:
        with raw.cursor().copy(f'COPY "{table.name}" ({", ".join(columns)}) FROM STDIN (FORMAT csv)') as copy:
            copy.write(rows.write_csv(include_header=False))


def _sqlite_text_dates(rows: pl.DataFrame) -> list[pl.Expr]:
    """SQLAlchemy keeps SQLite dates and datetimes as ISO text; write the same text."""
    formats = {pl.Datetime: "%Y-%m-%d %H:%M:%S.%6f", pl.Date: "%Y-%m-%d"}
    return [pl.col(c).dt.strftime(formats[t.base_type()]) for c, t in rows.schema.items() if t.base_type() in formats]


def read_frame(conn: Connection, statement: Select) -> pl.DataFrame:
    """Run a select and type every column as SQL declares it, so empty results keep their schema.

    Rows arrive in batches of READ_BATCH_ROWS, each typed on its own, so a large result never
    exists as Python objects all at once. SQLite hands dates and datetimes back as text; they
    are parsed here, in bulk, instead of one Python object per value.
    """
    batches = _read_sqlite(conn, statement) if is_sqlite(conn) else pl.read_database(
        statement, conn, iter_batches=True, batch_size=READ_BATCH_ROWS, infer_schema_length=None)
    typed = [_as_declared_frame(batch, statement) for batch in batches]
    if not typed:  # PostgreSQL yields no batch for no rows; a one-shot read keeps the result's column names
        typed = [_as_declared_frame(pl.read_database(statement, conn, infer_schema_length=None), statement)]
    return pl.concat(typed) if len(typed) > 1 else typed[0]


def _as_declared_frame(frame: pl.DataFrame, statement: Select) -> pl.DataFrame:
    return frame.with_columns(
        _as_declared(name, dtype, column.type)
        for (name, dtype), column in zip(frame.schema.items(), statement.selected_columns)
    )


def polars_type(sql_type) -> pl.DataType:
    """The polars type for an SQL column type; text for anything unknown."""
    return next((p for s, p in SQL_TO_POLARS if isinstance(sql_type, s)), pl.String)


def _as_declared(name: str, dtype: pl.DataType, sql_type) -> pl.Expr:
    wanted = polars_type(sql_type)
    if dtype == pl.String and wanted == pl.Datetime("us"):
        return pl.col(name).str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us")
    if dtype == pl.String and wanted == pl.Date:
        return pl.col(name).str.to_date("%Y-%m-%d")
    return pl.col(name).cast(wanted)


def _read_sqlite(conn: Connection, statement: Select) -> Iterator[pl.DataFrame]:
    """Read through the raw sqlite3 cursor, so neither SQLAlchemy rows nor datetimes are built per value."""
    sql = str(statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(sql)
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchmany(READ_BATCH_ROWS)
        yield pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)  # even when empty
        while rows := cursor.fetchmany(READ_BATCH_ROWS):
            yield pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)
    finally:
        cursor.close()


def upsert_from(conn: Connection, target: Table, stage: Table) -> None:
    """Insert the staged rows; a row whose key exists replaces it (the newer version wins)."""
    columns = [c.name for c in stage.columns]
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    # `WHERE true` keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
    statement = insert(target).from_select(columns, select(*[stage.c[c] for c in columns]).where(true()))
    keys = [c.name for c in target.primary_key.columns]
    updates = {c: statement.excluded[c] for c in columns if c not in keys}
    conn.execute(statement.on_conflict_do_update(index_elements=keys, set_=updates) if updates
                 else statement.on_conflict_do_nothing(index_elements=keys))


