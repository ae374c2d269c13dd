"""Known-answer tests: every KPI in the catalogue on small hand-built tables.

Expected values are worked out by hand in the comments. Percentiles use linear
interpolation (numpy's default, Excel's PERCENTILE.INC).
"""
from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from etl.calendar import holidays_between
from etl.catalogue import COMPONENT_KPIS, KPIS
from etl.kpis.marts import Facts, kpi_table, with_targets
from etl.kpis.queue import busy_slots
from etl.schema import claims as claims_table
from etl.schema import complaints as complaints_table
from etl.sop import load_sop

D = dt.datetime
CLOSED = holidays_between(dt.date(2025, 1, 1), dt.date(2026, 12, 31))
SOP = load_sop()

BRANCHES = pl.DataFrame({
    "branch_code": ["A", "B", "C"], "branch_name": ["KC A", "KC B", "KCP C"], "branch_type": ["KC", "KC", "KCP"],
    "region_code": ["R", "R", "R"], "region_name": ["Reg"] * 3, "city": ["x"] * 3, "counters": [4, 4, 2],
    "opens_at": ["08:00", "08:00", "08:00"], "closes_at": ["15:00", "15:00", "11:00"],
})
TICKET_SCHEMA = {"ticket_id": pl.String, "visit_id": pl.String, "branch_code": pl.String, "service": pl.String,
                 "priority_group": pl.String, "issued_at": pl.Datetime("us"), "called_at": pl.Datetime("us"),
                 "finished_at": pl.Datetime("us"), "counter_id": pl.String, "outcome": pl.String,
                 "rating": pl.Int64}
CLAIM_SCHEMA = {c.name: t for c, t in zip(claims_table.columns, [
    pl.String, pl.String, pl.String, pl.String, pl.String, pl.Float64, pl.Datetime("us"), pl.Datetime("us"),
    pl.Datetime("us"), pl.Datetime("us"), pl.String, pl.String, pl.Boolean, pl.Int64])}
COMPLAINT_SCHEMA = {c.name: t for c, t in zip(complaints_table.columns, [
    pl.String, pl.String, pl.String, pl.String, pl.String, pl.Datetime("us"), pl.Datetime("us"),
    pl.Datetime("us"), pl.String, pl.Boolean, pl.Boolean, pl.Int64])}


def ticket(tid, visit, branch, issued, called=None, finished=None, counter=None, outcome="resolved", rating=None,
           priority=None, service="information"):
    return {"ticket_id": tid, "visit_id": visit, "branch_code": branch, "service": service, "priority_group": priority,
            "issued_at": issued, "called_at": called, "finished_at": finished, "counter_id": counter,
            "outcome": outcome, "rating": rating}


def claim(cid, programme, channel, amount, submitted, docs=None, decided=None, paid=None, status="paid",
          reason=None, branch="A"):
    return {"claim_id": cid, "branch_code": branch, "participant_id": "p", "programme": programme, "channel": channel,
            "amount_idr": amount, "submitted_at": submitted, "docs_complete_at": docs, "decided_at": decided,
            "paid_at": paid, "status": status, "rejection_reason": reason, "clock_skew_adjusted": False,
            "batch_id": 1}


def complaint(cid, channel, received, first_response=None, resolved=None, reopened=False, branch="A"):
    return {"complaint_id": cid, "branch_code": branch, "participant_id": None, "channel": channel, "category": "queue",
            "received_at": received, "first_response_at": first_response, "resolved_at": resolved,
            "status": "resolved" if resolved else "open", "reopened": reopened, "clock_skew_adjusted": False,
            "batch_id": 1}


def facts(tickets=(), claims=(), complaints=()) -> Facts:
    return Facts(BRANCHES, pl.DataFrame(list(tickets), schema=TICKET_SCHEMA),
                 pl.DataFrame(list(claims), schema=CLAIM_SCHEMA), pl.DataFrame(list(complaints), schema=COMPLAINT_SCHEMA))


def values(table: pl.DataFrame, period: dt.date) -> dict[tuple[str, str], float]:
    """{(code, kpi): value} for one period."""
    rows = table.filter(pl.col("period_start") == period)
    return {(r["code"], r["kpi"]): r["value"] for r in rows.iter_rows(named=True)}


# Monday 16 November 2026, an ordinary working week.
WEEK = dt.date(2026, 11, 16)
MON = D(2026, 11, 16)
QUEUE_TICKETS = [
    # Branch A. Waits 10, 15 (exactly the limit: within), 14, 30 minutes; one no-show.
    ticket("a1", "v1", "A", MON.replace(hour=8), MON.replace(hour=8, minute=10), MON.replace(hour=8, minute=25), "L1",
           rating=5),
    ticket("a2", "v2", "A", MON.replace(hour=8), MON.replace(hour=8, minute=15), MON.replace(hour=8, minute=35), "L2",
           outcome="transferred", priority="elderly"),
    ticket("a3", "v2", "A", MON.replace(hour=8, minute=36), MON.replace(hour=8, minute=50), MON.replace(hour=9), "L1",
           rating=3),
    ticket("a4", "v3", "A", MON.replace(hour=8, minute=20), outcome="no_show"),
    ticket("a5", "v4", "A", MON.replace(hour=8, minute=30), MON.replace(hour=9), MON.replace(hour=9, minute=5), "L1",
           outcome="unresolved", rating=4),
    # Branch B. Waits 5 and 20 minutes; no ratings.
    ticket("b1", "w1", "B", MON.replace(hour=9), MON.replace(hour=9, minute=5), MON.replace(hour=9, minute=15), "L1"),
    ticket("b2", "w2", "B", MON.replace(hour=9), MON.replace(hour=9, minute=20), MON.replace(hour=9, minute=30), "L2",
           priority="pregnant"),
]


@pytest.fixture(scope="module")
def queue_week() -> dict:
    return values(kpi_table(facts(QUEUE_TICKETS), SOP, CLOSED, "week", WEEK, WEEK), WEEK)


@pytest.mark.parametrize(("code", "kpi", "expected"), [
    # A: called waits [10, 15, 14, 30]: 3 of 4 within 15 min.
    ("A", "wait_within_sop", 3 / 4),
    # A: sorted [10, 14, 15, 30], position 0.9 × 3 = 2.7 → 15 + 0.7 × 15.
    ("A", "wait_p90_min", 25.5),
    # A: the one priority ticket waited 15 > 5 min.
    ("A", "priority_wait_within_sop", 0.0),
    # A: service [15, 20, 10, 5] → median of [5, 10, 15, 20].
    ("A", "service_time_median_min", 12.5),
    ("A", "no_show_rate", 1 / 5),
    # A: served visits v1, v2, v4; only v1's first called ticket was resolved.
    ("A", "first_visit_resolution", 1 / 3),
    ("A", "handoffs_per_visit", 1 / 3),
    # A: v4 ended unresolved; v2's last ticket (a3) was resolved.
    ("A", "unresolved_visit_rate", 1 / 3),
    # A: ratings 5, 3, 4.
    ("A", "csat", 2 / 3),
    ("B", "wait_within_sop", 1 / 2),
    ("B", "wait_p90_min", 18.5),
    ("B", "first_visit_resolution", 1.0),
    ("B", "handoffs_per_visit", 0.0),
    # Region R pools the records: 4 of 6 waits within 15 min, not the mean of 75 % and 50 %.
    ("R", "wait_within_sop", 4 / 6),
    # Pooled waits [5, 10, 14, 15, 20, 30]: position 4.5 → 20 + 0.5 × 10.
    ("R", "wait_p90_min", 25.0),
    # Pooled service times [5, 10, 10, 10, 15, 20].
    ("R", "service_time_median_min", 10.0),
    ("R", "no_show_rate", 1 / 7),
    ("R", "priority_wait_within_sop", 0.0),
    ("R", "first_visit_resolution", 3 / 5),
    ("R", "handoffs_per_visit", 1 / 5),
    ("R", "unresolved_visit_rate", 1 / 5),
    ("R", "csat", 2 / 3),
])
def test_queue_kpis(queue_week, code, kpi, expected):
    assert queue_week[(code, kpi)] == pytest.approx(expected)


def test_a_kpi_without_records_has_no_value(queue_week):
    """B has no ratings: csat is absent, not zero."""
    assert ("B", "csat") not in queue_week


def test_compliance_index_counts_kpis_with_a_value(queue_week):
    """B meets service time, no-show, first-visit resolution, hand-offs, unresolved visits,
    complaint rate (0 per 1,000) and escalations (0); misses wait, wait P90 and priority wait.
    csat and counter staffing have no value and are left out: 7 of 10 → 70."""
    assert queue_week[("B", "sop_compliance_index")] == pytest.approx(70.0)


def test_counter_staffing_mean_over_busy_slots():
    """KCP C has 2 counters, slots 08, 09 and 10 o'clock.
    08:00 busy (x1 waits since 07:55), L1 and L2 call → 1.0;
    09:00 busy (x2 issued 08:30, called at exactly 09:00), only L2 calls → 0.5;
    10:00 busy (x4 waits 09:50–10:40), only L1 calls → 0.5. Mean 2.0 / 3.
    The Saturday ticket does not count: it is not a working day."""
    saturday = D(2026, 11, 21)
    tickets = [
        ticket("x1", "x1", "C", MON.replace(hour=7, minute=55), MON.replace(hour=8, minute=5), None, "L1"),
        ticket("x5", "x5", "C", MON.replace(hour=8, minute=10), MON.replace(hour=8, minute=20), None, "L2"),
        ticket("x2", "x2", "C", MON.replace(hour=8, minute=30), MON.replace(hour=9), None, "L2"),
        ticket("x3", "x3", "C", MON.replace(hour=9, minute=10), MON.replace(hour=9, minute=20), None, "L2"),
        ticket("x4", "x4", "C", MON.replace(hour=9, minute=50), MON.replace(hour=10, minute=40), None, "L1"),
        ticket("x6", "x6", "C", saturday.replace(hour=8, minute=30), saturday.replace(hour=9, minute=30), None, "L1"),
    ]
    table = kpi_table(facts(tickets), SOP, CLOSED, "week", WEEK, WEEK)
    row = table.filter((pl.col("code") == "C") & (pl.col("kpi") == "counter_staffing")).row(0, named=True)
    assert (row["numerator"], row["denominator"]) == (2.0, 3.0)
    assert row["value"] == pytest.approx(2 / 3)
    # The same slots feed the Queue page's staffing chart.
    slots = busy_slots(facts(tickets).tickets, BRANCHES, CLOSED).sort("slot")
    assert slots.select("slot", "active_counters").rows() == [(0, 2), (1, 1), (2, 1)]


# Claims and complaints around Nyepi and Lebaran 2025: 28 March to 7 April are all closed.
MAR24, MAR31, APR7, APR14, APR21 = (dt.date(2025, 3, 24), dt.date(2025, 3, 31), dt.date(2025, 4, 7),
                                    dt.date(2025, 4, 14), dt.date(2025, 4, 21))
CLAIMS = [
    # Docs complete Thu 27 Mar, paid Tue 8 Apr: 1 working day (the spec's example); small JHT via JMO, SLA 1.
    claim("p1", "JHT", "jmo", 5_000_000, D(2025, 3, 27, 8), D(2025, 3, 27, 9), D(2025, 4, 8, 9), D(2025, 4, 8, 10)),
    # Large JHT at a branch, SLA 5: Tue 8 → Thu 10 Apr = 2 working days.
    claim("p2", "JHT", "branch", 20_000_000, D(2025, 4, 8, 8), D(2025, 4, 8, 9), D(2025, 4, 10, 9),
          D(2025, 4, 10, 10)),
    # Small JHT via JMO, SLA 1: 2 working days → late.
    claim("p3", "JHT", "jmo", 8_000_000, D(2025, 4, 8, 8), D(2025, 4, 8, 9), D(2025, 4, 10, 9), D(2025, 4, 10, 10)),
    claim("r1", "JHT", "lapak_asik", 3_000_000, D(2025, 4, 8, 8), None, D(2025, 4, 9, 9), status="rejected",
          reason="duplicate_membership"),
    # JKK (SLA 7), docs complete Tue 8 Apr, still open.
    claim("o1", "JKK", "employer", 1_000_000, D(2025, 4, 8, 8), D(2025, 4, 8, 9), status="in_process"),
]
COMPLAINTS = [
    # Received Thu 27 Mar; answered and resolved Tue 8 Apr: 1 working day.
    complaint("k1", "lapor", D(2025, 3, 27, 10), D(2025, 4, 8, 9), D(2025, 4, 8, 15)),
    # Received Tue 8 Apr; answered Thu 10 (2 days: late); resolved Wed 16 Apr (6 days: late); reopened.
    complaint("k2", "social_media", D(2025, 4, 8, 10), D(2025, 4, 10, 9), D(2025, 4, 16, 9), reopened=True),
    complaint("k3", "walk_in", D(2025, 4, 9, 10)),
]


@pytest.fixture(scope="module")
def spring_2025() -> pl.DataFrame:
    return kpi_table(facts(claims=CLAIMS, complaints=COMPLAINTS), SOP, CLOSED, "week", MAR24, APR21)


@pytest.mark.parametrize(("period", "kpi", "expected"), [
    # Paid in the week of 7 April: p1 (1 ≤ 1), p2 (2 ≤ 5), p3 (2 > 1).
    (APR7, "claim_paid_within_sla", 2 / 3),
    (APR7, "claim_days_median", 2.0),
    # Decided that week: p1, p2, p3 paid, r1 rejected.
    (APR7, "claim_rejection_rate", 1 / 4),
    # Submitted that week: branch, jmo, lapak_asik, employer.
    (APR7, "online_claim_share", 2 / 4),
    (MAR24, "online_claim_share", 1.0),
    # p1 is open at the ends of the weeks of 24 and 31 March with 0 working days elapsed (all closed).
    (MAR24, "claim_backlog_over_sla", 0.0),
    (MAR31, "claim_backlog_over_sla", 0.0),
    # o1 (SLA 7): 3 working days by Sun 13 Apr, 7 by Sun 20 Apr (Good Friday closed) — not over — 12 by 27 Apr.
    (APR7, "claim_backlog_over_sla", 0.0),
    (APR14, "claim_backlog_over_sla", 0.0),
    (APR21, "claim_backlog_over_sla", 1.0),
    (APR7, "complaint_response_within_sop", 1 / 2),
    (APR7, "complaint_resolved_within_sop", 1.0),
    (APR14, "complaint_resolved_within_sop", 0.0),
    (APR7, "complaint_reopen_rate", 0.0),
    (APR14, "complaint_reopen_rate", 1.0),
    # k2 and k3 open at Sun 13 Apr with 3 and 2 working days; k3 has 6 by Sun 20 Apr.
    (APR7, "complaint_backlog_over_sop", 0.0),
    (APR14, "complaint_backlog_over_sop", 1.0),
    (MAR24, "complaint_backlog_over_sop", 0.0),
    (APR7, "public_escalations", 1.0),
    (MAR24, "public_escalations", 0.0),
    # 2 complaints / (0 visits + 4 claims) × 1,000; and 1 / (0 + 1) × 1,000 in the week of 24 March.
    (APR7, "complaint_rate_per_1000", 500.0),
    (MAR24, "complaint_rate_per_1000", 1000.0),
])
def test_claim_and_complaint_kpis(spring_2025, period, kpi, expected):
    assert values(spring_2025, period)[("A", kpi)] == pytest.approx(expected)


def test_every_catalogue_kpi_is_covered_by_a_known_answer():
    """A KPI added to the catalogue without a known-answer test fails here."""
    tested = {kpi for _, kpi, _ in [*test_queue_kpis.pytestmark[0].args[1]]}
    tested |= {kpi for _, kpi, _ in test_claim_and_complaint_kpis.pytestmark[0].args[1]}
    tested |= {"counter_staffing", "sop_compliance_index"}
    assert tested == {k.id for k in KPIS}


def test_monthly_periods_pool_the_whole_month(spring_2025):
    table = kpi_table(facts(claims=CLAIMS), SOP, CLOSED, "month", dt.date(2025, 3, 1), dt.date(2025, 4, 1))
    april = values(table, dt.date(2025, 4, 1))
    # Submitted in April: p2, p3, r1, o1; in March: p1.
    assert april[("A", "online_claim_share")] == pytest.approx(2 / 4)
    assert values(table, dt.date(2025, 3, 1))[("A", "online_claim_share")] == 1.0


def test_targets_follow_effective_from_and_region_override():
    """online_claim_share: default 0.60, 0.65 from 1 July 2026 (data/config/sop.toml); a region's own wins."""
    targets = pl.concat([SOP.targets(), pl.DataFrame(
        [{"kpi": "online_claim_share", "region_code": "R2", "effective_from": dt.date(2026, 1, 1), "target": 0.5,
          "weight": 1.0}], schema=SOP.targets().schema)])
    frame = pl.DataFrame({
        "level": ["branch", "branch", "region"], "code": ["A", "A", "R2"],
        "period_start": [dt.date(2026, 6, 29), dt.date(2026, 7, 6), dt.date(2026, 7, 6)],
        "kpi": ["online_claim_share"] * 3, "value": [0.62, 0.62, 0.55], "numerator": [None] * 3,
        "denominator": [None] * 3,
    }, schema_overrides={"numerator": pl.Float64, "denominator": pl.Float64})
    regions = pl.DataFrame({"branch_code": ["A", "Z"], "region_code": ["R", "R2"]})
    judged = with_targets(frame, targets, regions).sort("code", "period_start")
    assert judged["target"].to_list() == [0.60, 0.65, 0.5]
    assert judged["meets_target"].to_list() == [True, False, True]


def test_component_kpis_exclude_the_index():
    assert "sop_compliance_index" not in COMPONENT_KPIS
    assert len(COMPONENT_KPIS) == len(KPIS) - 1
