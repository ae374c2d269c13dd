"""The staffing mart (staffing_hourly) as the ETL writes it, on both databases, and its incremental refresh."""
from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import select

from etl.db import read_frame
from etl.pipeline import run_etl
from etl.queueing import counters_needed, share_within
from etl.schema import staffing_hourly
from tests.conftest import TEST_SECRET

HEADER = "ticket_id,visit_id,branch_code,participant_id,service,priority_group,issued_at,called_at,finished_at," \
         "counter_id,outcome,rating\n"
# Monday 16 November 2026 at KC Serang (4 counters, 08:00-15:00); a Saturday ticket makes no slot.
FIRST = HEADER + """T1,V1,SRG,,claim_jht,,2026-11-16 08:05:00,2026-11-16 08:10:00,2026-11-16 08:20:00,L1,resolved,
T2,V2,SRG,,membership,,2026-11-16 08:06:00,2026-11-16 08:30:00,2026-11-16 08:40:00,L2,resolved,
T3,V3,SRG,,information,elderly,2026-11-16 08:20:00,2026-11-16 08:25:00,2026-11-16 08:35:00,L1,resolved,
T4,V4,SRG,,information,,2026-11-16 10:10:00,,,,no_show,
T5,V5,SRG,,information,,2026-11-21 09:00:00,2026-11-21 09:05:00,2026-11-21 09:10:00,L1,resolved,
"""
# A later export resends T4: it was called after all.
RESENT = HEADER + "T4,V4,SRG,,information,,2026-11-16 10:10:00,2026-11-16 10:20:00,2026-11-16 10:30:00,L3,resolved,\n"


def staffing(engine) -> pl.DataFrame:
    with engine.connect() as conn:
        return read_frame(conn, select(staffing_hourly)).sort("branch_code", "slot_start")


def test_the_etl_writes_one_row_per_hour_slot_and_refreshes_it(any_engine, raw_dir):
    (raw_dir / "queue_tickets_2026-W47.csv").write_text(FIRST, encoding="utf-8")
    run_etl(raw_dir, any_engine, secret=TEST_SECRET)
    rows = staffing(any_engine)
    monday = dt.datetime(2026, 11, 16)
    assert rows["branch_code"].to_list() == ["SRG"] * 7  # Pandeglang issued nothing; Saturday is no working day
    assert rows["slot_start"].to_list() == [monday + dt.timedelta(hours=8 + k) for k in range(7)]
    first, empty, walked_out = rows.row(0, named=True), rows.row(1, named=True), rows.row(2, named=True)
    assert (first["arrivals"], first["called"], first["counters_active"], first["counters_available"]) == (3, 3, 2, 4)
    assert first["service_min_mean"] == pytest.approx(10.0)
    assert first["actual_within_sop"] == pytest.approx(2 / 3)
    assert first["predicted_within_sop"] == pytest.approx(float(share_within(2, 3 / 60, 10.0, 15)))
    assert first["priority_arrivals"] == 1
    assert first["counters_needed"] == int(counters_needed(
        3 / 60, 10.0, 15, 0.90, priority_per_min=1 / 60, priority_limit_min=5, priority_target=0.95)) == 2
    assert (empty["arrivals"], empty["counters_needed"], empty["predicted_within_sop"]) == (0, 0, None)
    # Nobody called at 10:00: no share happened, the model says none with no counter, and prices with the day's mean.
    assert (walked_out["arrivals"], walked_out["called"], walked_out["counters_active"]) == (1, 0, 0)
    assert walked_out["actual_within_sop"] is None and walked_out["predicted_within_sop"] == 0.0
    assert walked_out["service_min_mean"] is None and walked_out["counters_needed"] == 1

    (raw_dir / "queue_tickets_2026-W47_resent.csv").write_text(RESENT, encoding="utf-8")
    run_etl(raw_dir, any_engine, secret=TEST_SECRET)
    again = staffing(any_engine)
    assert again.height == 7
    assert again.row(2, named=True) | {} == walked_out | {
        "called": 1, "counters_active": 1, "service_min_mean": pytest.approx(10.0), "actual_within_sop": 1.0,
        "predicted_within_sop": pytest.approx(float(share_within(1, 1 / 60, 10.0, 15)))}
    assert again.row(0) == rows.row(0)
