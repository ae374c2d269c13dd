"""Databases for the dashboard's tests: a hand-built one with known values, and the ETL's demo region."""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert

from etl import migrate, schema
from etl.db import make_engine
from etl.generate import generate
from etl.pipeline import run_etl

REGION = ("R01", "Kanwil Uji")
DEMO_SECRET = "pantau-tests-demo-key"  # the pseudonym key the demo database is loaded with
LOADED_AT = dt.datetime(2026, 11, 17, 6, 0)
# The demo every test sees ends on this Sunday, whatever the clock says: the same random year on any date.
DEMO_END = dt.date(2026, 11, 22)


def _write(engine: Engine, table, rows: list[dict]) -> None:
    if rows:
        with engine.begin() as conn:
            conn.execute(insert(table), rows)


def _branch(code: str, name: str, kind: str = "KC", counters: int = 4) -> dict:
    return {"branch_code": code, "branch_name": name, "branch_type": kind, "region_code": REGION[0],
            "region_name": REGION[1], "city": name, "counters": counters, "opens_at": "08:00",
            "closes_at": "16:00", "batch_id": 1}


def _batch(batch_id: int, source: str, rows: int, quarantined: int = 0) -> dict:
    return {"batch_id": batch_id, "file_name": f"{source}_demo.csv", "source": source, "sha256": f"{batch_id:064d}",
            "rows_read": rows + quarantined, "rows_loaded": rows, "rows_adjusted": 0,
            "rows_quarantined": quarantined, "exact_duplicates": 0, "status": "loaded", "message": None,
            "started_at": LOADED_AT, "finished_at": LOADED_AT}


# --- the known database -------------------------------------------------------------------------------------------

KNOWN_WEEKS = (dt.date(2026, 10, 26), dt.date(2026, 11, 2), dt.date(2026, 11, 9))
# Compliance index per branch and week: B1 stays green, B2 falls into red, B3 has no third week.
KNOWN_INDEX = {"B1": (90.0, 88.0, 95.0), "B2": (70.0, 55.0, 40.0), "B3": (80.0, 65.0, None), "R01": (80.0, 69.0, 67.5)}
# wait_within_sop per code and week as (numerator, denominator); B2 misses the 0.9 target twice running.
KNOWN_WAIT = {"B1": ((95, 100), (92, 100), (182, 200)), "B2": ((91, 100), (80, 100), (70, 100)),
              "B3": ((9, 10), (5, 10), None), "R01": ((195, 210), (177, 210), (252, 300))}
# The region raised its wait target in the last week (a target with a later effective_from).
KNOWN_RAISED_TARGET = 0.92


def build_known_db(url: str) -> Engine:
    """Three branches, three weeks of two KPIs, and a handful of facts with hand-checked values."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    _write(engine, schema.branches, [_branch("B1", "Alpha"), _branch("B2", "Beta"),
                                     _branch("B3", "Gamma", "KCP", counters=2)])
    _write(engine, schema.etl_batches, [_batch(1, "branches", 3), _batch(2, "queue_tickets", 4, quarantined=1)])
    mart = []
    for code, values in KNOWN_INDEX.items():
        level = "region" if code == REGION[0] else "branch"
        for week, value in zip(KNOWN_WEEKS, values):
            if value is not None:
                mart.append({"level": level, "code": code, "period_start": week, "kpi": "sop_compliance_index",
                             "value": value, "numerator": value / 10, "denominator": 10.0, "target": 85.0,
                             "meets_target": value >= 85})
    for code, parts in KNOWN_WAIT.items():
        level = "region" if code == REGION[0] else "branch"
        for week, part in zip(KNOWN_WEEKS, parts):
            if part is not None:
                value = part[0] / part[1]
                target = KNOWN_RAISED_TARGET if (code, week) == (REGION[0], KNOWN_WEEKS[-1]) else 0.9
                mart.append({"level": level, "code": code, "period_start": week, "kpi": "wait_within_sop",
                             "value": value, "numerator": float(part[0]), "denominator": float(part[1]),
                             "target": target, "meets_target": value >= target})
    _write(engine, schema.kpi_weekly, mart)
    monday = dt.datetime(2026, 11, 9, 8, 0)
    _write(engine, schema.queue_tickets, [
        _ticket("T1", "V1", "B1", monday, 5, "resolved", service="membership"),
        _ticket("T2", "V2", "B1", monday, 20, "transferred", service="information", priority="elderly"),
        _ticket("T3", "V2", "B1", monday + dt.timedelta(minutes=30), 10, "resolved", service="membership"),
        _ticket("T4", "V3", "B2", monday + dt.timedelta(days=6, hours=7), None, "no_show"),
    ])
    _write(engine, schema.quarantine, [
        {"batch_id": 2, "source": "queue_tickets", "file_name": "queue_tickets_demo.csv", "row_number": 7,
         "column_name": "issued_at", "reason": "bad_timestamp", "detail": "31/02/2026", "raw_values": "{}"},
    ])
    return engine


def _ticket(ticket_id, visit_id, branch, issued, wait_min, outcome, service="claim_jht", priority=None) -> dict:
    called = issued + dt.timedelta(minutes=wait_min) if wait_min is not None else None
    return {"ticket_id": ticket_id, "visit_id": visit_id, "branch_code": branch, "participant_id": f"p_{visit_id}",
            "service": service, "priority_group": priority, "issued_at": issued, "called_at": called,
            "finished_at": called + dt.timedelta(minutes=12) if called else None,
            "counter_id": f"{branch}-1" if called else None, "outcome": outcome, "rating": None,
            "clock_skew_adjusted": False, "batch_id": 2}


def copy_of_demo(demo_db_url: str, target: Path) -> str:
    """A private copy of the SQLite demo database (skips on another database), so writes stay out of other tests.

    SQLite's backup API, not a file copy: recent writes may still sit in the write-ahead log.
    """
    source = Path(demo_db_url.removeprefix("sqlite:///"))
    if not demo_db_url.startswith("sqlite:///") or not source.exists():
        pytest.skip("needs the SQLite demo database")
    with sqlite3.connect(source) as original, sqlite3.connect(target) as duplicate:
        original.backup(duplicate)
    return f"sqlite:///{target}"


# --- the demo region -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def demo_db_url(tmp_path_factory) -> str:
    """The demo region as the ETL generates and loads it (about a minute), or $PANTAU_TEST_DATABASE_URL."""
    if os.environ.get("PANTAU_TEST_DATABASE_URL"):
        return os.environ["PANTAU_TEST_DATABASE_URL"]
    folder = tmp_path_factory.mktemp("demo")
    generate(folder / "raw", end=DEMO_END)
    url = f"sqlite:///{folder / 'demo.db'}"
    run_etl(folder / "raw", make_engine(url), secret=DEMO_SECRET.encode())
    return url
