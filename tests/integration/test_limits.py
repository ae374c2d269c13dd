"""Limits before reading (etl.limits): a file past one fails its own batch, says which limit, and loads nothing.

The limits are lowered here so that small files cross them; the readers are made to fail if they are
reached at all, where the limit must be checked from what the file declares, before any data is read.
"""
from __future__ import annotations

import polars as pl
import pytest
from sqlalchemy import func, select

from etl import limits
from etl.pipeline import run_etl
from etl.schema import quarantine, queue_tickets
from tests.conftest import TEST_SECRET
from tests.integration.test_hostile import TICKET_HEADER, ticket_line


def run(raw_dir, engine) -> dict:
    return {b.file_name: b for b in run_etl(raw_dir, engine, secret=TEST_SECRET).batches}


def stored(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def never_read(*_args, **_kwargs):
    raise AssertionError("the file was read although its metadata is past the limit")


def tickets_frame(rows: int, text: str = "") -> pl.DataFrame:
    return pl.select(
        ticket_id="T" + pl.int_range(rows).cast(pl.String), visit_id=pl.lit("V1"), branch_code=pl.lit("SRG"),
        service=pl.lit("information"), issued_at=pl.lit("2026-11-16 08:00:00"),
        outcome=pl.lit("no_show"), counter_id=pl.lit(text or None, pl.String))


def test_a_parquet_file_with_more_rows_than_the_limit_is_refused_from_its_metadata(raw_dir, sqlite_engine,
                                                                                     monkeypatch):
    tickets_frame(101).write_parquet(raw_dir / "queue_tickets_many.parquet")
    monkeypatch.setattr(limits, "MAX_ROWS", 100)
    monkeypatch.setattr(pl, "read_parquet", never_read)
    batch = run(raw_dir, sqlite_engine)["queue_tickets_many.parquet"]
    assert batch.status == "failed"
    assert batch.message.startswith("too many rows: 101 rows, more than the 100-row limit; nothing was loaded")


def test_a_small_parquet_file_that_unpacks_large_is_refused_from_its_metadata(raw_dir, sqlite_engine, monkeypatch):
    """The finding: 270 KB of Parquet, 200,000 rows of one long text, took 1.1 GB to read."""
    tickets_frame(20_000, "x" * 500).write_parquet(raw_dir / "queue_tickets_dense.parquet", use_pyarrow=True,
                                                   pyarrow_options={"use_dictionary": False})
    monkeypatch.setattr(limits, "MAX_PARQUET_UNPACKED_BYTES", 1 << 20)
    monkeypatch.setattr(pl, "read_parquet", never_read)
    batch = run(raw_dir, sqlite_engine)["queue_tickets_dense.parquet"]
    assert batch.status == "failed"
    assert "of data once unpacked, more than the 1 MB limit; nothing was loaded" in batch.message


def test_a_csv_file_is_refused_past_its_size_columns_or_rows(raw_dir, sqlite_engine, monkeypatch):
    (raw_dir / "queue_tickets_big.csv").write_text(TICKET_HEADER + ticket_line("B1") * 2_000, encoding="utf-8")
    (raw_dir / "queue_tickets_wide.csv").write_text(
        TICKET_HEADER.rstrip("\n") + "".join(f",extra{i}" for i in range(30)) + "\n", encoding="utf-8")
    (raw_dir / "queue_tickets_long.csv").write_text(
        TICKET_HEADER + "".join(ticket_line(f"L{i}") for i in range(11)), encoding="utf-8")
    monkeypatch.setattr(limits, "MAX_CSV_BYTES", 100_000)
    monkeypatch.setattr(limits, "MAX_COLUMNS", 40)
    monkeypatch.setattr(limits, "MAX_ROWS", 10)
    batches = run(raw_dir, sqlite_engine)
    messages = {name: batches[name].message for name in ("queue_tickets_big.csv", "queue_tickets_wide.csv",
                                                         "queue_tickets_long.csv")}
    assert messages["queue_tickets_big.csv"].startswith("too large: 193 KB, more than the 98 KB limit for a CSV")
    assert messages["queue_tickets_wide.csv"].startswith("too wide: 42 columns, more than the 40-column limit")
    # The reader stops one row past the limit: a file of millions of rows is never read whole.
    assert messages["queue_tickets_long.csv"].startswith("too many rows: more than 10 rows; nothing was loaded")
    assert stored(sqlite_engine, queue_tickets) == 0


def test_a_workbook_whose_sheet_declares_too_many_rows_is_refused_before_it_is_read(raw_dir, sqlite_engine,
                                                                                      monkeypatch):
    tickets_frame(11).write_excel(raw_dir / "queue_tickets_many.xlsx")
    monkeypatch.setattr(limits, "MAX_ROWS", 10)
    monkeypatch.setattr(pl, "read_excel", never_read)  # the sheet's <dimension ref="A1:G12"> is enough
    batch = run(raw_dir, sqlite_engine)["queue_tickets_many.xlsx"]
    assert batch.message.startswith("too many rows: 11 rows, more than the 10-row limit")


def test_a_workbook_at_the_row_limit_loads(raw_dir, sqlite_engine, monkeypatch):
    tickets_frame(10).write_excel(raw_dir / "queue_tickets_enough.xlsx")
    monkeypatch.setattr(limits, "MAX_ROWS", 10)
    assert run(raw_dir, sqlite_engine)["queue_tickets_enough.xlsx"].rows_loaded == 10


@pytest.mark.parametrize(("rows", "bad", "refused"), [(200, 60, True), (30, 20, True), (30, 15, False), (8, 8, False)],
                         ids=["over-the-count", "over-half-of-a-large-file", "half", "a-small-file-may-be-all-bad"])
def test_a_file_whose_rows_are_mostly_refused_fails_whole_instead_of_filling_the_quarantine(
        raw_dir, any_engine, monkeypatch, rows, bad, refused):
    monkeypatch.setattr(limits, "MAX_QUARANTINED_ROWS", 50)
    monkeypatch.setattr(limits, "QUARANTINED_SHARE_FROM_ROWS", 10)
    (raw_dir / "queue_tickets_wrong.csv").write_text(TICKET_HEADER + "".join(
        ticket_line(f"W{i}", service="klaim" if i < bad else "information") for i in range(rows)), encoding="utf-8")
    batch = run(raw_dir, any_engine)["queue_tickets_wrong.csv"]
    if not refused:
        assert (batch.status, batch.rows_loaded, batch.rows_quarantined) == ("loaded", rows - bad, bad)
        return
    assert batch.status == "failed"
    assert batch.message.startswith(f"{bad:,} of {rows:,} rows break the rules, more than the file may send to "
                                    "quarantine (50 rows, or half of a file of more than 10 rows); nothing was loaded")
    assert f"Most common: bad_code ({bad:,})" in batch.message
    assert stored(any_engine, queue_tickets) == 0 and stored(any_engine, quarantine) == 0
