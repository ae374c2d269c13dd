"""The slow variants of tests/integration/test_hostile.py (`make verify`)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from etl import limits
from tests.integration.test_hostile import (
    FIVE_MILLION_RUN, PEAK_MEMORY_MB, ROOT, _workbook_with_sheet_padding, run, write_many_tickets,
)


@pytest.mark.reliability
def test_a_gigabyte_zip_bomb_is_refused_at_the_real_limit(raw_dir, sqlite_engine):
    (raw_dir / "queue_tickets_bomb.xlsx").write_bytes(
        _workbook_with_sheet_padding(limits.MAX_XLSX_UNPACKED_BYTES + (64 << 20), lie_about_size=True))
    started = time.perf_counter()
    batch = run(raw_dir, sqlite_engine)["queue_tickets_bomb.xlsx"]
    assert batch.status == "failed" and "zip bomb" in batch.message
    assert time.perf_counter() - started < 60


@pytest.mark.reliability
def test_five_million_rows_reconcile_within_a_few_gigabytes(raw_dir, tmp_path):
    lines, bad, copies = write_many_tickets(raw_dir / "queue_tickets_5m.csv", 5_000_000)
    # Its own process, so that the peak memory measured is the ETL's alone.
    done = subprocess.run([sys.executable, "-c", FIVE_MILLION_RUN, str(raw_dir), str(tmp_path / "big.db")],
                          cwd=ROOT, capture_output=True, text=True, timeout=1800,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"\n5,000,000 ticket lines: {report['seconds']:.0f} s, peak {report['peak_mb']:,.0f} MB")
    [batch] = [b for b in report["batches"] if b["file"] == "queue_tickets_5m.csv"]
    assert (batch["status"], batch["read"], batch["quarantined"], batch["duplicates"]) == ("loaded", lines, bad, copies)
    assert batch["read"] == batch["loaded"] + batch["quarantined"] + batch["duplicates"]
    assert report["peak_mb"] < PEAK_MEMORY_MB



@pytest.mark.reliability
def test_a_small_parquet_file_of_mostly_bad_rows_fails_without_filling_the_database(raw_dir, tmp_path):
    """The finding, at the real limits: 270 KB of Parquet, 200,000 rows of one long text each, became
    200,000 quarantined rows (+397 MB of database). Now the file fails whole and nothing is stored."""
    import polars as pl
    from sqlalchemy import func, select

    from etl.db import make_engine
    from etl.schema import quarantine

    path = raw_dir / "queue_tickets_dense.parquet"
    pl.select(ticket_id="T" + pl.int_range(200_000).cast(pl.String), visit_id=pl.lit("V1"), branch_code=pl.lit("SRG"),
              service=pl.lit("information"), issued_at=pl.lit("2026-11-16 08:00:00"), outcome=pl.lit("no_show"),
              counter_id=pl.lit("x" * 2_000)).write_parquet(path)
    assert path.stat().st_size < 1 << 20
    database = tmp_path / "dense.db"
    engine = make_engine(f"sqlite:///{database}")
    batch = run(raw_dir, engine)["queue_tickets_dense.parquet"]
    assert batch.status == "failed" and "200,000 of 200,000 rows break the rules" in batch.message
    assert "too_long (200,000)" in batch.message
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(quarantine)).scalar_one() == 0
    assert database.stat().st_size < 10 << 20
