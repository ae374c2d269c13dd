"""The KPI catalogue: the single source of ids, labels, units, directions and default targets.

The ETL computes exactly these KPIs, the dashboard labels them from here, and the
editable targets in `data/config/sop.toml` override the defaults with an
`effective_from` date.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kpi:
    id: str
    label_id: str
    label_en: str
    group: str  # queue | claims | complaints | composite
    unit: str  # share | minutes | ratio | per_1000 | working_days | count | index
    direction: str  # higher | lower: which way is better
    default_target: float | None  # None: a day signal, judged by the hard limits in sop.toml, not a target
    anchor: str
    quantile: float | None = None  # set for percentile KPIs, whose region value pools the records

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher"

    @property
    def is_rate(self) -> bool:
        """Rates carry a numerator and a denominator and can be pooled and funnel-plotted."""
        return self.unit in ("share", "ratio", "per_1000")

    @property
    def scale(self) -> float:
        """What numerator / denominator is multiplied by to give the value."""
        return 1000.0 if self.unit == "per_1000" else 1.0


KPIS: tuple[Kpi, ...] = (
    Kpi("wait_within_sop", "Tunggu ≤ 15 menit", "Wait ≤ 15 min", "queue", "share", "higher", 0.90, "issued_at"),
    Kpi("wait_p90_min", "Waktu tunggu P90 (menit)", "Wait P90 (min)", "queue", "minutes", "lower", 15, "issued_at",
        quantile=0.9),
    Kpi("priority_wait_within_sop", "Prioritas tunggu ≤ 5 menit", "Priority wait ≤ 5 min", "queue", "share",
        "higher", 0.95, "issued_at"),
    Kpi("service_time_median_min", "Median waktu layanan (menit)", "Median service time (min)", "queue", "minutes",
        "lower", 20, "issued_at", quantile=0.5),
    Kpi("no_show_rate", "Tiket tidak hadir", "No-show rate", "queue", "share", "lower", 0.05, "issued_at"),
    Kpi("first_visit_resolution", "Selesai di loket pertama", "First-visit resolution", "queue", "share", "higher",
        0.85, "visit"),
    Kpi("handoffs_per_visit", "Pindah loket per kunjungan", "Hand-offs per visit", "queue", "ratio", "lower", 0.20,
        "visit"),
    Kpi("unresolved_visit_rate", "Kunjungan tak terselesaikan", "Unresolved visits", "queue", "share", "lower", 0.03,
        "visit"),
    Kpi("counter_staffing", "Loket terisi saat antre", "Counters staffed when busy", "queue", "share", "higher",
        0.80, "hour slot"),
    Kpi("csat", "Kepuasan (nilai ≥ 4)", "Satisfaction (rating ≥ 4)", "queue", "share", "higher", 0.85,
        "issued_at"),
    Kpi("claim_paid_within_sla", "Klaim dibayar sesuai SLA", "Claims paid within SLA", "claims", "share", "higher",
        0.95, "paid_at"),
    Kpi("claim_days_median", "Median hari kerja klaim", "Median claim working days", "claims", "working_days",
        "lower", 5, "paid_at", quantile=0.5),
    Kpi("claim_rejection_rate", "Klaim ditolak", "Claim rejection rate", "claims", "share", "lower", 0.10,
        "decided_at"),
    Kpi("claim_backlog_over_sla", "Klaim tertunda melewati SLA", "Claim backlog over SLA", "claims", "share",
        "lower", 0.05, "period end"),
    Kpi("online_claim_share", "Klaim daring (JMO/Lapak Asik)", "Online claim share", "claims", "share", "higher",
        0.60, "submitted_at"),
    Kpi("complaint_rate_per_1000", "Pengaduan per 1.000 layanan", "Complaints per 1,000 services", "complaints",
        "per_1000", "lower", 5, "received_at"),
    Kpi("complaint_response_within_sop", "Pengaduan ditanggapi ≤ 1 hari kerja",
        "Complaints answered ≤ 1 working day", "complaints", "share", "higher", 0.95, "first_response_at"),
    Kpi("complaint_resolved_within_sop", "Pengaduan selesai ≤ 5 hari kerja", "Complaints resolved ≤ 5 working days",
        "complaints", "share", "higher", 0.90, "resolved_at"),
    Kpi("complaint_backlog_over_sop", "Pengaduan tertunda > 5 hari kerja", "Complaint backlog over SOP",
        "complaints", "share", "lower", 0.10, "period end"),
    Kpi("complaint_reopen_rate", "Pengaduan dibuka kembali", "Complaints reopened", "complaints", "share", "lower",
        0.05, "resolved_at"),
    Kpi("public_escalations", "Eskalasi ke media", "Public escalations", "complaints", "count", "lower", 0,
        "received_at"),
    Kpi("sop_compliance_index", "Indeks kepatuhan SOP", "SOP compliance index", "composite", "index", "higher", 85,
        "period"),
)

# Day signals (etl/kpis/days.py): each period's worst working day per branch, and the days that broke a hard
# limit of [day_limits] in sop.toml. Stored in the marts beside the KPIs, but outside KPIS: no target, no place in
# the compliance index, the funnel or the brief, which judge whole periods.
DAY_SIGNALS: tuple[Kpi, ...] = (
    Kpi("worst_day_wait_p90_min", "Hari terburuk: tunggu P90", "Worst day: wait P90", "day", "minutes", "lower",
        None, "day of issued_at"),
    Kpi("worst_day_staffing", "Hari terburuk: loket terisi saat antre", "Worst day: counters staffed when busy",
        "day", "share", "higher", None, "day of issued_at"),
    Kpi("worst_day_waiting_at_close", "Hari terburuk: antrean saat tutup", "Worst day: waiting at closing time",
        "day", "count", "lower", None, "day of issued_at"),
    Kpi("worst_day_after_close_min", "Hari terburuk: layanan lewat jam tutup", "Worst day: service after closing",
        "day", "minutes", "lower", None, "day of issued_at"),
    Kpi("breach_days", "Hari melanggar batas", "Days over a hard limit", "day", "count", "lower", None,
        "day of issued_at"),
)
KPI_BY_ID: dict[str, Kpi] = {k.id: k for k in (*KPIS, *DAY_SIGNALS)}
# What a rate KPI's denominator counts, so "182 of 200" can say "tickets" (labels in present/words.py).
COUNTED: dict[str, str] = {
    "wait_within_sop": "tickets", "priority_wait_within_sop": "tickets", "no_show_rate": "tickets",
    "first_visit_resolution": "visits", "handoffs_per_visit": "visits", "unresolved_visit_rate": "visits",
    "counter_staffing": "busy_hours", "csat": "ratings", "claim_paid_within_sla": "claims",
    "claim_rejection_rate": "claims", "claim_backlog_over_sla": "claims", "online_claim_share": "claims",
    "complaint_rate_per_1000": "services", "complaint_response_within_sop": "complaints",
    "complaint_resolved_within_sop": "complaints", "complaint_backlog_over_sop": "complaints",
    "complaint_reopen_rate": "complaints",
}
COMPLIANCE_INDEX = "sop_compliance_index"
# The tiles a regional head reads aloud first, on the weekly page and in the meeting pack.
HEADLINE_KPIS: tuple[str, ...] = (
    COMPLIANCE_INDEX, "wait_within_sop", "priority_wait_within_sop", "counter_staffing", "handoffs_per_visit",
    "claim_paid_within_sla", "claim_rejection_rate", "complaint_resolved_within_sop", "public_escalations",
    "online_claim_share",
)
COMPONENT_KPIS: tuple[str, ...] = tuple(k.id for k in KPIS if k.id != COMPLIANCE_INDEX)
