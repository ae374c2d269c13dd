"""Database helpers: typed reads in batches, and the staging tables a killed run leaves behind."""
from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import inspect, select, text

from etl import db, migrate
from etl.db import STAGE_PREFIX, drop_stage_tables, read_frame, write_rows
from etl.schema import claims

CLAIM_ROWS = pl.DataFrame({
    "claim_id": [f"C{i}" for i in range(7)], "branch_code": ["A"] * 7, "participant_id": ["p"] * 7,
    "programme": ["JHT"] * 7, "channel": ["jmo"] * 7, "amount_idr": [1.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0],
    "submitted_at": [dt.datetime(2026, 11, 16, 8, i) for i in range(7)],
    # Empty in the first batches only: each batch must be typed as declared, not as inferred from its values.
    "decided_at": [None, None, None, None, None, dt.datetime(2026, 11, 17, 9), dt.datetime(2026, 11, 18, 9, 30, 1)],
    "status": ["in_process"] * 5 + ["paid"] * 2, "clock_skew_adjusted": [False] * 7, "batch_id": [1] * 7,
})


def test_a_read_in_batches_equals_a_read_at_once(any_engine, monkeypatch):
    migrate.upgrade(any_engine)
    with any_engine.begin() as conn:
        write_rows(conn, claims, CLAIM_ROWS)
    statement = select(claims).order_by(claims.c.claim_id)
    with any_engine.connect() as conn:
        at_once = read_frame(conn, statement)
        monkeypatch.setattr(db, "READ_BATCH_ROWS", 2)
        in_batches = read_frame(conn, statement)
        empty = read_frame(conn, statement.where(claims.c.claim_id == "none"))
    assert in_batches.equals(at_once)
    assert at_once.select(CLAIM_ROWS.columns).equals(CLAIM_ROWS)
    assert empty.height == 0 and empty.schema == at_once.schema


def test_staging_tables_left_by_a_killed_run_are_dropped_and_nothing_else(any_engine):
    migrate.upgrade(any_engine)
    with any_engine.begin() as conn:
        conn.execute(text(f'CREATE TABLE "{STAGE_PREFIX}claims_dead0001" (claim_id VARCHAR(64))'))
    before = set(inspect(any_engine).get_table_names())
    drop_stage_tables(any_engine)
    assert set(inspect(any_engine).get_table_names()) == before - {f"{STAGE_PREFIX}claims_dead0001"}
