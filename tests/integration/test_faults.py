"""Faults: a killed ETL run leaves no half batch and the next run finishes its work; runs never overlap;
readers never see a period half recomputed.

The kill tests SIGKILL a real `python -m etl run` at random moments and compare the database, after a
final run, with a clean single run: same rows in every table, same KPI values. The fast variant runs a
few weeks of one region in `make test`; the national-scale variant belongs to `make verify`.
"""
from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine, func, inspect, select

from etl.db import read_frame
from etl.generate import generate
from etl.pipeline import run_etl
from etl.runlock import EtlBusy, etl_lock
from etl.schema import FACT_TABLES, etl_batches, kpi_weekly, marts_pending, quarantine
from tests.conftest import TEST_SECRET, drop_everything
from tests.integration.test_pipeline import table_frames

ROOT = Path(__file__).resolve().parents[2]
END = dt.date(2026, 11, 15)


class Crash(Exception):
    """Stands for the process dying at a chosen step."""


@pytest.fixture(scope="module")
def region_weeks(tmp_path_factory) -> Path:
    """Three weeks of the demo region: 10 files, about 40 k rows."""
    folder = tmp_path_factory.mktemp("faults") / "raw"
    generate(folder, weeks=3, end=END)
    return folder


def fresh(engine: Engine) -> Engine:
    drop_everything(engine)
    return engine


def crash_at(step: str):
    """A progress callback that dies when the run reaches `step`."""
    def progress(what: str, _done: int, _total: int) -> None:
        if what.startswith(step):
            raise Crash(what)
    return progress


def assert_no_half_batch(engine: Engine) -> None:
    """Every stored fact and quarantine row belongs to a batch that finished loading."""
    with engine.connect() as conn:
        loaded = select(etl_batches.c.batch_id).where(etl_batches.c.status == "loaded")
        assert conn.execute(select(func.count()).select_from(etl_batches).where(
            etl_batches.c.status == "loading")).scalar() == 0
        for table in (*FACT_TABLES.values(), quarantine):
            orphans = conn.execute(select(func.count()).select_from(table).where(table.c.batch_id.not_in(loaded)))
            assert orphans.scalar() == 0, f"{table.name} holds rows of an unfinished batch"


def assert_same_database(engine: Engine, clean: dict[str, pl.DataFrame]) -> None:
    """Same rows in every table; KPI values equal up to the last bits of a float sum (its order may differ)."""
    after = table_frames(engine)
    for name, frame in clean.items():
        assert after[name].height == frame.height, f"{name}: {after[name].height} rows, clean run {frame.height}"
        assert_frame_equal(after[name], frame, check_exact=False, rel_tol=1e-12, abs_tol=1e-12)


# --- in-process faults ----------------------------------------------------------------------------------------------

def test_a_run_that_dies_before_recomputing_is_finished_by_the_next(any_engine, region_weeks):
    run_etl(region_weeks, fresh(any_engine), secret=TEST_SECRET)
    clean = table_frames(any_engine)

    fresh(any_engine)
    with pytest.raises(Crash):
        run_etl(region_weeks, any_engine, secret=TEST_SECRET, progress=crash_at("Menghitung KPI"))
    with any_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(marts_pending)).scalar() > 0
        assert conn.execute(select(func.count()).select_from(kpi_weekly)).scalar() == 0
    rerun = run_etl(region_weeks, any_engine, secret=TEST_SECRET)
    assert rerun.batches == [] and rerun.mart_rows > 0  # nothing to load again, but the KPIs still to compute
    assert_same_database(any_engine, clean)


def test_a_second_run_refuses_with_a_clear_message_while_one_is_loading(any_engine, region_weeks):
    fresh(any_engine)
    with etl_lock(any_engine):
        with pytest.raises(EtlBusy, match=r"Proses ETL lain sedang memuat basis data ini \(pid \d+"):
            run_etl(region_weeks, any_engine, secret=TEST_SECRET)
        assert not inspect(any_engine).has_table(etl_batches.name)  # refused before touching anything


def test_a_waiting_run_starts_when_the_first_finishes(any_engine, region_weeks):
    fresh(any_engine)
    results = []
    with etl_lock(any_engine):
        waiting = threading.Thread(target=lambda: results.append(
            run_etl(region_weeks, any_engine, secret=TEST_SECRET, wait=True)))
        waiting.start()
        time.sleep(1.0)
        assert results == [] and waiting.is_alive()
    waiting.join(timeout=120)
    assert len(results) == 1 and not results[0].failed and len(results[0].batches) == 10


def test_readers_see_each_period_before_or_after_a_load_never_between(any_engine, region_weeks, tmp_path):
    """A reader polling the marts while a correction is loaded sees the old or the new values of a period."""
    first_two = tmp_path / "first"
    first_two.mkdir()
    for path in region_weeks.iterdir():
        if "W46" not in path.name:
            (first_two / path.name).write_bytes(path.read_bytes())
    run_etl(first_two, fresh(any_engine), secret=TEST_SECRET)
    before = weekly_marts(any_engine)
    seen: list[pl.DataFrame] = []
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            seen.append(weekly_marts(any_engine))

    reader = threading.Thread(target=poll)
    reader.start()
    try:
        run_etl(region_weeks, any_engine, secret=TEST_SECRET)
    finally:
        done.set()
        reader.join()
    after = weekly_marts(any_engine)
    assert not before.equals(after) and len(seen) >= 3
    for snapshot in seen:
        for period, rows in snapshot.group_by("period_start"):
            old, new = before.filter(pl.col("period_start") == period[0]), after.filter(pl.col("period_start") == period[0])
            assert rows.equals(old) or rows.equals(new), f"period {period[0]} seen half recomputed"


def weekly_marts(engine: Engine) -> pl.DataFrame:
    with engine.connect() as conn:
        return read_frame(conn, select(kpi_weekly)).sort("period_start", "level", "code", "kpi")


# --- SIGKILL and rerun ----------------------------------------------------------------------------------------------

def etl_command(raw: Path, url: str) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "DATABASE_URL": url, "PANTAU_SECRET": TEST_SECRET.decode()}
    return [sys.executable, "-m", "etl", "run", "--raw", str(raw)], env


def kill_and_rerun(engine: Engine, url: str, raw: Path, kills: int, seed: int) -> int:
    """Compare `kills` SIGKILLed runs plus a final one with a clean run; returns the kills that hit a live run.

    Each kill waits until a random number of the remaining files is loaded (all of them: the kill lands
    while the marts are recomputed), then a random fraction of a second more, so that kills spread over
    loading and recomputing whatever the machine's speed.
    """
    command, env = etl_command(raw, url)
    fresh(engine)
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    clean = table_frames(engine)
    files = len(list(raw.iterdir()))

    fresh(engine)
    rng = random.Random(seed)
    hits = 0
    for _ in range(kills):
        target = rng.randint(loaded_batches(engine), files)
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while process.poll() is None and loaded_batches(engine) < target:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 0.5))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            hits += 1
        assert process.wait() in (0, -signal.SIGKILL), f"a run failed by itself: exit {process.returncode}"
        assert_no_half_batch(engine)
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    assert_no_half_batch(engine)
    assert_same_database(engine, clean)
    return hits


def loaded_batches(engine: Engine) -> int:
    if not inspect(engine).has_table(etl_batches.name):
        return 0
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(etl_batches).where(etl_batches.c.status == "loaded")).scalar()


def database_url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_sigkill_at_random_moments_then_rerun_equals_a_clean_run(any_engine, region_weeks):
    hits = kill_and_rerun(any_engine, database_url_of(any_engine), region_weeks, kills=4, seed=46)
    assert hits >= 2, "most kills should land while a run is alive"


