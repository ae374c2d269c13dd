"""The marts refresh reads the facts one block of months at a time; the result must not depend on the blocks."""
from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest
from sqlalchemy import select

from etl import migrate
from etl.contract import CLAIM_CHANNELS, COMPLAINT_CHANNELS, OUTCOMES, PRIORITY_GROUPS, PROGRAMMES, SERVICES
from etl.db import read_frame, write_rows
from etl.kpis.periods import period_starts
from etl.refresh import plan_chunks, refresh_marts
from etl.schema import branches, claims, complaints, kpi_monthly, kpi_weekly, queue_tickets, staffing_hourly
from etl.sop import load_sop

# Due dates and load times: run again under a moved clock (`make test-dates`).
pytestmark = pytest.mark.dates

D = dt.datetime
FIRST_DAY, LAST_DAY = D(2026, 8, 20), D(2026, 11, 30)  # Aug–Nov: four monthly blocks, weeks across their edges
SOP = load_sop()


def test_weeks_belong_to_the_block_of_their_monday_and_windows_cover_whole_periods():
    periods = {g: period_starts(dt.date(2026, 9, 30), dt.date(2026, 11, 3), g) for g in ("week", "month")}
    chunks = plan_chunks(periods, 1)
    assert [c.periods for c in chunks] == [
        {"week": (dt.date(2026, 9, 28), dt.date(2026, 9, 28)), "month": (dt.date(2026, 9, 1), dt.date(2026, 9, 1))},
        {"week": (dt.date(2026, 10, 5), dt.date(2026, 10, 26)), "month": (dt.date(2026, 10, 1), dt.date(2026, 10, 1))},
        {"week": (dt.date(2026, 11, 2), dt.date(2026, 11, 2)), "month": (dt.date(2026, 11, 1), dt.date(2026, 11, 1))},
    ]
    # The week of 28 September runs to 4 October; the week of 26 October to 1 November.
    assert [(c.start, c.end) for c in chunks] == [
        (D(2026, 9, 1), D(2026, 10, 5)), (D(2026, 10, 1), D(2026, 11, 2)), (D(2026, 11, 1), D(2026, 12, 1)),
    ]
    assert [c.periods for c in plan_chunks(periods, 12)] == [
        {"week": (dt.date(2026, 9, 28), dt.date(2026, 11, 2)), "month": (dt.date(2026, 9, 1), dt.date(2026, 11, 1))},
    ]


def _minutes(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(minutes=rng.randint(low, high))


def _moment(rng: random.Random) -> D:
    """Any minute of the test span, night included, so that visits straddle midnight and month ends."""
    return FIRST_DAY + _minutes(rng, 0, int((LAST_DAY - FIRST_DAY).total_seconds() // 60))


def random_facts(seed: int) -> dict:
    """Consistent random records whose lives cross the block boundaries: long claims, open backlogs."""
    rng = random.Random(seed)
    tickets, claim_rows, complaint_rows = [], [], []
    for v in range(1500):
        issued, branch = _moment(rng), rng.choice("ABC")
        for t in range(rng.choice([1, 1, 2, 3])):
            called = None if rng.random() < 0.1 else issued + _minutes(rng, 0, 90)
            outcome = "no_show" if called is None else rng.choice([o for o in OUTCOMES if o != "no_show"])
            tickets.append({
                "ticket_id": f"T{v}-{t}", "visit_id": f"V{v}", "branch_code": branch, "participant_id": None,
                "service": rng.choice(SERVICES), "priority_group": rng.choice([None, None, *PRIORITY_GROUPS]),
                "issued_at": issued, "called_at": called, "finished_at": called and called + _minutes(rng, 1, 40),
                "counter_id": called and f"L{rng.randint(1, 4)}", "outcome": outcome,
                "rating": rng.choice([None, 1, 3, 4, 5]) if called else None, "clock_skew_adjusted": False,
                "batch_id": 1,
            })
            issued = (called or issued) + _minutes(rng, 1, 60)
    # Visits across the midnights where blocks meet: month ends, and the Sundays ending a block's last week.
    for day in (D(2026, 8, 31), D(2026, 9, 6), D(2026, 9, 30), D(2026, 10, 4), D(2026, 10, 31), D(2026, 11, 1)):
        for n, branch in enumerate("ABC"):
            first, second = day + dt.timedelta(hours=23, minutes=40), day + dt.timedelta(days=1, minutes=30)
            tickets += [
                {**tickets[0], "ticket_id": f"M{day:%m%d}{n}-0", "visit_id": f"M{day:%m%d}{n}", "branch_code": branch,
                 "issued_at": first, "called_at": first + _minutes(rng, 1, 9), "finished_at": None,
                 "counter_id": "L1", "outcome": "transferred"},
                {**tickets[0], "ticket_id": f"M{day:%m%d}{n}-1", "visit_id": f"M{day:%m%d}{n}", "branch_code": branch,
                 "issued_at": second, "called_at": second + _minutes(rng, 1, 9), "finished_at": None,
                 "counter_id": "L2", "outcome": "resolved"},
            ]
    for c in range(600):
        submitted = _moment(rng)
        docs = None if rng.random() < 0.15 else submitted + _minutes(rng, 0, 20 * 24 * 60)
        # Rejections need no complete documents, so they are anchored only by their decision.
        status = rng.choice(["in_process", "rejected"]) if docs is None else rng.choice(
            ["in_process", "paid", "paid", "rejected"])
        decided = (docs or submitted) + _minutes(rng, 0, 50 * 24 * 60) if status != "in_process" else None
        claim_rows.append({
            "claim_id": f"C{c}", "branch_code": rng.choice("ABC"), "participant_id": "p",
            "programme": rng.choice(PROGRAMMES), "channel": rng.choice(CLAIM_CHANNELS),
            "amount_idr": float(rng.choice([5_000_000, 20_000_000])), "submitted_at": submitted,
            "docs_complete_at": docs, "decided_at": decided,
            "paid_at": decided + _minutes(rng, 0, 3 * 24 * 60) if status == "paid" else None, "status": status,
            "rejection_reason": "incomplete_documents" if status == "rejected" else None,
            "clock_skew_adjusted": False, "batch_id": 1,
        })
    for k in range(300):
        received = _moment(rng)
        resolved = None if rng.random() < 0.3 else received + _minutes(rng, 0, 40 * 24 * 60)
        complaint_rows.append({
            "complaint_id": f"K{k}", "branch_code": rng.choice("ABC"), "participant_id": None,
            "channel": rng.choice(COMPLAINT_CHANNELS), "category": "queue", "received_at": received,
            "first_response_at": None if rng.random() < 0.2 else received + _minutes(rng, 0, 8 * 24 * 60),
            "resolved_at": resolved, "status": "resolved" if resolved else rng.choice(["open", "in_progress"]),
            "reopened": rng.random() < 0.1, "clock_skew_adjusted": False, "batch_id": 1,
        })
    return {queue_tickets: tickets, claims: claim_rows, complaints: complaint_rows}


@pytest.fixture
def random_year(any_engine):
    store_random_facts(any_engine, seed=46)
    return any_engine


def store_random_facts(engine, seed: int) -> None:
    migrate.upgrade(engine)
    with engine.begin() as conn:
        write_rows(conn, branches, pl.DataFrame({
            "branch_code": ["A", "B", "C"], "branch_name": ["KC A", "KC B", "KC C"], "branch_type": ["KC"] * 3,
            "region_code": ["R", "R", "S"], "region_name": ["Reg R", "Reg R", "Reg S"], "city": ["x"] * 3,
            "counters": [4, 2, 3], "opens_at": ["08:00"] * 3, "closes_at": ["15:00", "15:00", "12:00"],
            "batch_id": [1] * 3,
        }))
        for table, rows in random_facts(seed).items():
            schema = {c.name: pl.Datetime("us") if c.name.endswith("_at") else None for c in table.columns}
            write_rows(conn, table, pl.DataFrame(rows, schema_overrides={k: v for k, v in schema.items() if v},
                                                 infer_schema_length=None))


def marts(engine) -> dict[str, pl.DataFrame]:
    with engine.connect() as conn:
        return {t.name: read_frame(conn, select(t)).sort(pl.all()) for t in (kpi_weekly, kpi_monthly, staffing_hourly)}


def test_a_refresh_month_by_month_equals_a_refresh_in_one_read(random_year):
    written_whole = refresh_marts(random_year, SOP, dt.datetime.min, months_per_chunk=24)
    whole = marts(random_year)
    written_monthly = refresh_marts(random_year, SOP, dt.datetime.min, months_per_chunk=1)
    monthly = marts(random_year)
    assert written_monthly == written_whole
    for name, frame in whole.items():
        assert frame.equals(monthly[name]), name
    # The random records reach every KPI family in every month, so each block had something to lose.
    weekly = whole["kpi_weekly"]
    for kpi in ("claim_backlog_over_sla", "complaint_backlog_over_sop", "first_visit_resolution", "counter_staffing",
                "claim_paid_within_sla", "complaint_resolved_within_sop", "complaint_rate_per_1000",
                "worst_day_wait_p90_min", "worst_day_staffing", "breach_days"):
        months = set(weekly.filter(pl.col("kpi") == kpi)["period_start"].dt.month())
        assert months >= {8, 9, 10, 11}, kpi
    assert set(whole["staffing_hourly"]["slot_start"].dt.month()) >= {8, 9, 10, 11}
    # A partial refresh, block by block, from mid-October on leaves the same tables.
    refresh_marts(random_year, SOP, D(2026, 10, 14), months_per_chunk=1)
    again = marts(random_year)
    for name, frame in whole.items():
        assert frame.equals(again[name]), name


def test_a_first_load_computes_its_marts_from_memory_and_they_equal_marts_read_back(any_engine, tmp_path, monkeypatch):
    from etl import refresh
    from etl.generate import generate
    from etl.pipeline import run_etl
    from tests.conftest import TEST_SECRET

    raw = tmp_path / "raw"
    generate(raw, weeks=3, end=dt.date(2026, 11, 29), scale="region")
    (raw / "claims_2026-W48.csv").write_text((raw / "claims_2026-W47.csv").read_text())  # resends replace records
    reading = refresh.read_facts

    def no_read_back(*_args):
        raise AssertionError("a first load read its facts back")

    monkeypatch.setattr(refresh, "read_facts", no_read_back)
    run_etl(raw, any_engine, secret=TEST_SECRET)
    from_memory = marts(any_engine)
    monkeypatch.setattr(refresh, "read_facts", reading)
    refresh_marts(any_engine, SOP, dt.datetime.min)
    read_back = marts(any_engine)
    assert from_memory["kpi_weekly"].height > 0
    for name, frame in read_back.items():
        assert frame.equals(from_memory[name]), name


def test_a_run_keeps_its_facts_for_the_marts_only_while_they_are_few(any_engine, monkeypatch):
    from etl import refresh

    migrate.upgrade(any_engine)
    rows = pl.DataFrame({c.name: [None, None] for c in claims.columns if c.name != "batch_id"}).with_columns(
        claim_id=pl.Series(["C1", "C2"]))
    kept = refresh.RunFacts(any_engine)
    kept.add("claims", rows, batch_id=1)
    assert kept.facts(any_engine) is not None
    monkeypatch.setattr(refresh, "KEPT_FACT_ROWS", 3)
    kept.add("claims", rows, batch_id=2)  # four rows: more than it may keep
    assert kept.facts(any_engine) is None
