"""Back-test and next week's plan (etl/staffing_plan.py), and the staffing mart's rows, without a database."""
from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from etl.kpis.staffing import staffing_table
from etl.queueing import counters_needed
from etl.sop import load_sop
from etl.staffing_plan import backtest_slots, calibration, error_by_size, plan_week, surge_days

SOP = load_sop()
D = dt.date


def slots(rows: list[tuple]) -> pl.DataFrame:
    """(branch, slot_start, arrivals, priority, called, service mean, predicted, actual)"""
    return pl.DataFrame(rows, orient="row", schema={
        "branch_code": pl.String, "slot_start": pl.Datetime("us"), "arrivals": pl.Int64,
        "priority_arrivals": pl.Int64, "called": pl.Int64, "service_min_mean": pl.Float64,
        "predicted_within_sop": pl.Float64, "actual_within_sop": pl.Float64})


def test_error_by_size_and_calibration():
    at = dt.datetime(2026, 11, 16, 8)
    frame = slots([
        ("A", at, 2, 0, 2, 10.0, 0.95, 0.5),  # a small slot: half the tickets waited long
        ("A", at, 12, 0, 10, 10.0, 0.95, 0.9),
        ("A", at, 30, 0, 30, 10.0, 0.15, 0.2),
        ("A", at, 3, 0, 0, None, 0.9, None),  # nobody called: nothing to check
    ])
    checked = backtest_slots(frame)
    assert checked.height == 3
    by_size = error_by_size(checked)
    assert by_size["size_from"].to_list() == [1, 10, 20, None]
    assert by_size["mae"].to_list() == pytest.approx([0.45, 0.05, 0.05, 0.55 / 3])
    assert by_size["bias"][-1] == pytest.approx((0.45 + 0.05 - 0.05) / 3)
    table = calibration(checked)
    assert table["decile"].to_list() == [1, 9]
    # Pooled over the tickets called: (2 × 0.5 + 10 × 0.9) / 12
    assert table["actual"].to_list() == pytest.approx([0.2, 10 / 12])


def test_surge_days_follow_a_long_closure_only():
    # Lebaran 2026 closures: Wednesday 18 to Tuesday 24 March (weekdays 18, 19, 20, 23, 24).
    closed = [D(2026, 3, 18), D(2026, 3, 19), D(2026, 3, 20), D(2026, 3, 23), D(2026, 3, 24), D(2026, 5, 14)]
    assert sorted(surge_days(closed)) == [D(2026, 3, 25), D(2026, 3, 26), D(2026, 3, 27), D(2026, 3, 30),
                                          D(2026, 3, 31)]


def test_next_weeks_plan_averages_the_same_weekday_and_hour_of_recent_weeks():
    mondays = [D(2026, 10, 19) + dt.timedelta(weeks=k) for k in range(6)]  # 19 Oct to 23 Nov
    rows = []
    for k, monday in enumerate(mondays[:5]):
        at = dt.datetime.combine(monday, dt.time(8))
        # The first week is older than PLAN_WEEKS: its 100 arrivals must not count.
        rows.append(("A", at, 100 if k == 0 else 20 + 4 * k, 2, 20, 10.0, None, None))
        rows.append(("A", at + dt.timedelta(days=1), 6, 0, 6, 8.0, None, None))  # Tuesdays
    history = slots(rows)
    branches = pl.DataFrame({"branch_code": ["A"], "counters": [4]})
    targets = pl.DataFrame({"branch_code": ["A"], "target": [0.9], "priority_target": [0.95]})
    # Wednesday 25 November is a configured closure in this test: no plan for it.
    plan = plan_week(history, branches, mondays[5], [D(2026, 11, 25)], SOP, targets)
    assert plan["day"].to_list() == [D(2026, 11, 23), D(2026, 11, 24)]
    monday = plan.row(0, named=True)
    assert monday["slot"] == "08:00" and monday["arrivals"] == pytest.approx((24 + 28 + 32 + 36) / 4)
    assert monday["counters_needed"] == int(counters_needed(30 / 60, 10.0, 15, 0.9, priority_per_min=2 / 60,
                                                            priority_limit_min=5, priority_target=0.95))
    assert monday["counters_available"] == 4


def test_a_staffed_day_has_every_hour_slot_and_a_day_without_calls_needs_counters():
    tickets = pl.DataFrame({
        "branch_code": ["A"] * 3, "issued_at": [dt.datetime(2026, 11, 16, 9, m) for m in (0, 10, 20)],
        "called_at": [None] * 3, "finished_at": [None] * 3, "counter_id": [None] * 3,
        "priority_group": [None] * 3,
    }, schema_overrides={"called_at": pl.Datetime("us"), "finished_at": pl.Datetime("us"), "counter_id": pl.String,
                         "priority_group": pl.String})
    branches = pl.DataFrame({"branch_code": ["A"], "counters": [3], "region_code": ["R"], "opens_at": ["08:00"],
                             "closes_at": ["10:30"]})
    table = staffing_table(tickets, branches, [], SOP, D(2026, 11, 16), D(2026, 11, 16))
    assert table["slot_start"].dt.hour().to_list() == [8, 9, 10]  # 10:00-10:30 is a slot too
    # Nobody was called that day: no service time to price the hour with, so no counters_needed, but the model
    # still says no ticket is called in time with no counter open.
    assert table["arrivals"].to_list() == [0, 3, 0]
    assert table["counters_needed"].to_list() == [0, None, 0]
    assert table["predicted_within_sop"].to_list() == [None, 0.0, None]


def test_each_slot_is_priced_with_its_own_arrivals_whatever_order_the_tickets_come_in():
    busy = [dt.datetime(2026, 11, 16, 9, 0) + dt.timedelta(minutes=m) for m in range(0, 60, 2)]  # 30 an hour
    issued = busy + [dt.datetime(2026, 11, 16, 8, 30)]  # branch B's tickets first, then A's one
    tickets = pl.DataFrame({
        "branch_code": ["B"] * len(busy) + ["A"], "issued_at": issued,
        "called_at": [t + dt.timedelta(minutes=1) for t in issued],
        "finished_at": [t + dt.timedelta(minutes=11) for t in issued],
        "counter_id": ["L1"] * len(issued), "priority_group": [None] * len(issued),
    }, schema_overrides={"priority_group": pl.String})
    branches = pl.DataFrame({"branch_code": ["B", "A"], "counters": [9, 3], "region_code": ["R", "R"],
                             "opens_at": ["08:00", "08:00"], "closes_at": ["10:00", "10:00"]})
    table = staffing_table(tickets, branches, [], SOP, D(2026, 11, 16), D(2026, 11, 16))
    needed = {(r["branch_code"], r["slot_start"].hour): r["counters_needed"] for r in table.iter_rows(named=True)}
    assert needed == {("A", 8): int(counters_needed(1 / 60, 10.0, 15, 0.9)), ("A", 9): 0, ("B", 8): 0,
                      ("B", 9): int(counters_needed(30 / 60, 10.0, 15, 0.9))}
    assert needed[("B", 9)] > needed[("A", 8)]
