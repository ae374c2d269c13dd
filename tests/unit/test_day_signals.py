"""Known-answer tests for the day signals (etl/kpis/days.py) on a hand-built week; values worked out in comments.

Limits as in data/config/sop.toml: a wait over 60 minutes, or busy-hour staffing under 50 %, breaks a day.
"""
from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from etl.catalogue import DAY_SIGNALS, KPIS
from etl.kpis import days
from etl.kpis.marts import kpi_table
from present import sentences
from tests.unit.test_kpis import BRANCHES, CLOSED, SOP, facts, ticket, values

WEEK = dt.date(2026, 11, 16)
MON, TUE, WED, SAT = (dt.datetime(2026, 11, d) for d in (16, 17, 18, 21))


def at(day: dt.datetime, hhmm: str) -> dt.datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return day.replace(hour=hours, minute=minutes)


TICKETS = [
    # KCP C: 2 counters, open 08:00–11:00 (slots 08, 09, 10).
    # Monday, an ordinary day. Waits 20, 10, 15. 08:00 busy (c1, c2 wait), L1 and L2 call → 1.0;
    # 09:00 busy (c3 waits since 08:50), only L1 calls → 0.5. Staffing 0.75.
    ticket("c1", "c1", "C", at(MON, "07:50"), at(MON, "08:10"), at(MON, "08:30"), "L1"),
    ticket("c2", "c2", "C", at(MON, "07:55"), at(MON, "08:05"), at(MON, "08:20"), "L2"),
    ticket("c3", "c3", "C", at(MON, "08:50"), at(MON, "09:05"), at(MON, "09:15"), "L1"),
    # Tuesday, the bad day. Waits 70 (over the limit), 60 (exactly the limit: within), 40, 15.
    # 09:00 busy (d1), only L1 calls → 0.5; 10:00 busy (d2 waits since 09:00), only L1 calls → 0.5: staffing
    # 0.5, not under the limit. d3 and d4 still wait at 11:00 (d4 is called at exactly 11:00); d5 never called
    # (when it left is unknown, as for a busy slot). The last service ends 11:40: 40 minutes after closing.
    ticket("d1", "d1", "C", at(TUE, "08:30"), at(TUE, "09:40"), at(TUE, "10:00"), "L1"),
    ticket("d2", "d2", "C", at(TUE, "09:00"), at(TUE, "10:00"), at(TUE, "10:30"), "L1"),
    ticket("d3", "d3", "C", at(TUE, "10:30"), at(TUE, "11:10"), at(TUE, "11:40"), "L1"),
    ticket("d4", "d4", "C", at(TUE, "10:45"), at(TUE, "11:00"), at(TUE, "11:20"), "L2"),
    ticket("d5", "d5", "C", at(TUE, "10:50"), outcome="no_show"),
    # Saturday is not a working day: a 90-minute wait there is not a day signal.
    ticket("s1", "s1", "C", at(SAT, "09:00"), at(SAT, "10:30"), at(SAT, "10:40"), "L1"),
    # KC A: 4 counters, open 08:00–15:00. Wednesday: 08:00 busy (a1 waits), only L1 calls → 0.25, under 50 %.
    ticket("a1", "a1", "A", at(WED, "07:50"), at(WED, "08:20"), at(WED, "08:40"), "L1"),
]


def test_each_working_day_gets_its_own_figures():
    frame = days.daily(facts(TICKETS).tickets, BRANCHES, CLOSED, SOP.day_wait_minutes, SOP.day_staffing_below)
    assert frame.rows() == [
        # One wait of 30; the p90 of one wait is that wait.
        ("A", WED.date(), 30.0, 30.0, 0.25, 0, 0.0, True),
        # Waits [10, 15, 20]: position 0.9 × 2 = 1.8 → 15 + 0.8 × 5.
        ("C", MON.date(), 19.0, 20.0, 0.75, 0, 0.0, False),
        # Waits [15, 40, 60, 70]: position 2.7 → 60 + 0.7 × 10.
        ("C", TUE.date(), pytest.approx(67.0), 70.0, 0.5, 2, 40.0, True),
    ]


@pytest.mark.parametrize(("code", "kpi", "expected"), [
    ("C", "worst_day_wait_p90_min", 67.0),
    ("C", "worst_day_staffing", 0.5),
    ("C", "worst_day_waiting_at_close", 2.0),
    ("C", "worst_day_after_close_min", 40.0),
    # Tuesday broke the wait limit; Monday none.
    ("C", "breach_days", 1.0),
    ("A", "worst_day_wait_p90_min", 30.0),
    ("A", "worst_day_staffing", 0.25),
    ("A", "worst_day_waiting_at_close", 0.0),
    ("A", "worst_day_after_close_min", 0.0),
    ("A", "breach_days", 1.0),
    # The region: the worst day of its branches, and branch-days in breach summed (C's Tuesday, A's Wednesday).
    ("R", "worst_day_wait_p90_min", 67.0),
    ("R", "worst_day_staffing", 0.25),
    ("R", "worst_day_waiting_at_close", 2.0),
    ("R", "worst_day_after_close_min", 40.0),
    ("R", "breach_days", 2.0),
])
def test_the_period_keeps_its_worst_day(code, kpi, expected):
    for granularity, period in (("week", WEEK), ("month", dt.date(2026, 11, 1))):
        table = kpi_table(facts(TICKETS), SOP, CLOSED, granularity, period, period)
        assert values(table, period)[(code, kpi)] == pytest.approx(expected), granularity


def test_breach_days_count_out_of_the_days_seen_and_signals_are_never_judged_against_a_target():
    table = kpi_table(facts(TICKETS), SOP, CLOSED, "week", WEEK, WEEK)
    signals = table.filter(pl.col("kpi").is_in([k.id for k in DAY_SIGNALS]))
    assert signals["target"].is_null().all() and signals["meets_target"].is_null().all()
    breach = {r["code"]: (r["numerator"], r["denominator"]) for r in
              signals.filter(pl.col("kpi") == "breach_days").iter_rows(named=True)}
    assert breach == {"A": (1.0, 1.0), "C": (1.0, 2.0), "R": (2.0, 3.0)}
    # The compliance index weighs every judged row of C, and none of them is a day signal.
    index = table.filter((pl.col("kpi") == "sop_compliance_index") & (pl.col("code") == "C")).row(0, named=True)
    judged = table.filter((pl.col("code") == "C") & pl.col("meets_target").is_not_null()
                          & (pl.col("kpi") != "sop_compliance_index"))
    assert index["denominator"] == judged.height > 0
    assert set(judged["kpi"]) <= {k.id for k in KPIS}


def test_a_day_at_the_limits_breaks_none_and_a_day_without_calls_has_no_wait():
    """C on Monday: a wait of exactly 60 minutes, and 08:00 busy with 1 of 2 counters calling (exactly 50 %)."""
    quiet = [ticket("q1", "q1", "A", at(MON, "09:00"), outcome="no_show"),
             ticket("q2", "q2", "C", at(MON, "07:30"), at(MON, "08:30"), at(MON, "08:40"), "L1")]
    frame = days.daily(facts(quiet).tickets, BRANCHES, CLOSED, 60, 0.5)
    assert frame.rows() == [("A", MON.date(), None, None, None, 0, 0.0, False),
                            ("C", MON.date(), 60.0, 60.0, 0.5, 0, 0.0, False)]
    table = kpi_table(facts(quiet), SOP, CLOSED, "week", WEEK, WEEK)
    assert ("A", "worst_day_wait_p90_min") not in values(table, WEEK)
    assert values(table, WEEK)[("A", "breach_days")] == 0.0


def test_every_day_signal_is_covered_by_a_known_answer():
    tested = {kpi for _, kpi, _ in test_the_period_keeps_its_worst_day.pytestmark[0].args[1]}
    assert tested == {k.id for k in DAY_SIGNALS}


def test_the_worst_day_of_each_branch_with_a_breach_worst_branch_first():
    frame = days.daily(facts(TICKETS).tickets, BRANCHES, CLOSED, SOP.day_wait_minutes, SOP.day_staffing_below)
    worst = days.worst_breach_days(frame)
    # C's Tuesday (P90 67 min) before A's Wednesday (P90 30 min); C broke a limit on 1 of its 2 days.
    assert worst.select("branch_code", "day", "breach_days", "days_seen").rows() == [
        ("C", TUE.date(), 1, 2), ("A", WED.date(), 1, 1)]
    assert days.worst_breach_days(frame.filter(pl.col("branch_code") == "C", ~pl.col("breach"))).is_empty()


def test_the_sentence_reads_the_worst_day_aloud_in_both_languages():
    row = {"name": "KC Serang", "breach_days": 1, "days_seen": 5, "day": dt.date(2026, 11, 12),
           "wait_p90_min": 273.86, "wait_max_min": 292.25, "staffing": 0.1528, "waiting_at_close": 1234,
           "after_close_min": 239.6}
    assert sentences.day_breach_sentence(row, "id") == (
        "KC Serang: 1 dari 5 hari melewati batas. Terparah Kamis, 12 Nov 2026: tunggu P90 274 mnt (terlama 292 mnt), "
        "loket terisi 15,3% saat antre, 1.234 tiket masih antre saat tutup, layanan sampai 240 mnt lewat jam tutup.")
    assert sentences.day_breach_sentence(row, "en") == (
        "KC Serang: 1 of 5 days over a hard limit. Worst Thursday 12 Nov 2026: wait P90 274 min (longest 292 min), "
        "15.3% of counters staffed while busy, 1,234 tickets still waiting at closing, service until 240 min past "
        "closing.")
    assert sentences.day_limits_note(60, 0.5, "id").startswith("Hari kerja dengan tunggu lebih dari 60 mnt, atau "
                                                                "kurang dari 50,0% loket terisi")
