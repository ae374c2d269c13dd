"""Every table Pantau stores, on one MetaData, for SQLite and PostgreSQL alike.

Grains:
- branches: one row per branch_code.
- queue_tickets / claims / complaints: one row per record id; a resent id replaces the row.
- quarantine: one row per rejected raw row (the first rule it broke).
- etl_batches: one row per raw file loaded (or failed), with who loaded it.
- etl_batch_regions: one row per batch × region whose branches it loaded or quarantined rows for.
- etl_settings: one row per setting the ETL must keep across runs (the pseudonym key's fingerprint).
- marts_pending: one row per load (or target change) whose periods the KPI marts do not reflect yet.
- sop_targets: one row per kpi × region_code × effective_from.
- kpi_weekly / kpi_monthly: one row per level × code × period_start × kpi.
- staffing_hourly: one row per branch_code × hour slot (slot_start) of each working day it issued tickets on.
- users: one row per person allowed in, with their role and the region or branch it applies to.
- follow_ups: one row per action item agreed in a weekly meeting, as last saved.
- follow_up_history: one row per saved version of an item (follow_up_id × version).
- subscriptions: one row per user × every (week | month): the meeting pack they get by e-mail.
- deliveries: one row per subscription × period the pack was (or is being) sent for.
- alerts: one row per condition and period an alert rule found (alert_key), once, whatever reruns.
- alert_digests: one row per person and ETL run that found new alerts in their scope; sent_at once e-mailed.
- annotations: one row per known event (an outage, a closure) for a region or one branch, from a file or the dashboard.
The follow-up, user and subscription tables are written by people, not by the ETL: no load, rerun or demo reload touches them.
Timestamps are local time (Asia/Jakarta, WIB) without an offset, as the raw exports give them.
"""
from __future__ import annotations

from sqlalchemy import (
    BigInteger, Boolean, Column, Date, DateTime, Float, Index, Integer, MetaData, String, Table, Text,
    UniqueConstraint,
)

metadata = MetaData()

branches = Table(
    "branches", metadata,
    Column("branch_code", String(32), primary_key=True),
    Column("branch_name", String(120), nullable=False),
    Column("branch_type", String(8), nullable=False),
    Column("region_code", String(32), nullable=False),
    Column("region_name", String(120), nullable=False),
    Column("city", String(120)),
    Column("counters", Integer, nullable=False),
    Column("opens_at", String(5), nullable=False),
    Column("closes_at", String(5), nullable=False),
    Column("batch_id", Integer, nullable=False),
)

queue_tickets = Table(
    "queue_tickets", metadata,
    Column("ticket_id", String(64), primary_key=True),
    Column("visit_id", String(64), nullable=False),
    Column("branch_code", String(32), nullable=False),
    Column("participant_id", String(64)),
    Column("service", String(32), nullable=False),
    Column("priority_group", String(16)),
    Column("issued_at", DateTime, nullable=False),
    Column("called_at", DateTime),
    Column("finished_at", DateTime),
    Column("counter_id", String(32)),
    Column("outcome", String(16), nullable=False),
    Column("rating", Integer),
    Column("clock_skew_adjusted", Boolean, nullable=False),
    Column("batch_id", Integer, nullable=False),
    Index("ix_queue_tickets_branch_issued", "branch_code", "issued_at"),
    Index("ix_queue_tickets_issued", "issued_at"),
)

claims = Table(
    "claims", metadata,
    Column("claim_id", String(64), primary_key=True),
    Column("branch_code", String(32), nullable=False),
    Column("participant_id", String(64), nullable=False),
    Column("programme", String(8), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("amount_idr", Float, nullable=False),
    Column("submitted_at", DateTime, nullable=False),
    Column("docs_complete_at", DateTime),
    Column("decided_at", DateTime),
    Column("paid_at", DateTime),
    Column("status", String(16), nullable=False),
    Column("rejection_reason", String(32)),
    Column("clock_skew_adjusted", Boolean, nullable=False),
    Column("batch_id", Integer, nullable=False),
    Index("ix_claims_branch_submitted", "branch_code", "submitted_at"),
    Index("ix_claims_submitted", "submitted_at"),  # the data's last day without a scan per branch
    Index("ix_claims_decided", "decided_at"),
    Index("ix_claims_paid", "paid_at"),
)

complaints = Table(
    "complaints", metadata,
    Column("complaint_id", String(64), primary_key=True),
    Column("branch_code", String(32), nullable=False),
    Column("participant_id", String(64)),
    Column("channel", String(16), nullable=False),
    Column("category", String(32), nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("first_response_at", DateTime),
    Column("resolved_at", DateTime),
    Column("status", String(16), nullable=False),
    Column("reopened", Boolean, nullable=False),
    Column("clock_skew_adjusted", Boolean, nullable=False),
    Column("batch_id", Integer, nullable=False),
    Index("ix_complaints_branch_received", "branch_code", "received_at"),
    Index("ix_complaints_received", "received_at"),
    Index("ix_complaints_resolved", "resolved_at"),
)

etl_batches = Table(
    "etl_batches", metadata,
    Column("batch_id", Integer, primary_key=True, autoincrement=True),
    Column("file_name", String(255), nullable=False),
    Column("source", String(32)),
    Column("sha256", String(64), nullable=False),
    Column("rows_read", BigInteger, nullable=False, default=0),
    Column("rows_loaded", BigInteger, nullable=False, default=0),
    Column("rows_adjusted", BigInteger, nullable=False, default=0),
    Column("rows_quarantined", BigInteger, nullable=False, default=0),
    Column("exact_duplicates", BigInteger, nullable=False, default=0),
    Column("status", String(16), nullable=False),  # loaded | failed
    Column("message", Text),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    # Who made the batch: the uploader's login, or `cli:<os user>` for the administrator's unscoped command line.
    Column("loaded_by", String(200)),
    Index("ix_etl_batches_sha256", "sha256"),
)

# Which regions a batch wrote rows for (loaded or quarantined), decided when it loads: the Data page lists a
# batch to the people of those regions, whatever later loads move or replace.
etl_batch_regions = Table(
    "etl_batch_regions", metadata,
    Column("batch_id", Integer, primary_key=True),
    Column("region_code", String(32), primary_key=True),
    Index("ix_etl_batch_regions_region", "region_code"),
)

quarantine = Table(
    "quarantine", metadata,
    Column("quarantine_id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", Integer, nullable=False),
    Column("source", String(32), nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("row_number", Integer, nullable=False),
    Column("column_name", String(64)),
    Column("reason", String(32), nullable=False),
    Column("detail", Text),
    Column("raw_values", Text, nullable=False),  # JSON object, personal columns already pseudonymised
    # The row's branch_code when it names one (null when empty or unfit to store): who may read the row.
    Column("branch_code", String(32)),
    Index("ix_quarantine_batch", "batch_id"),
    Index("ix_quarantine_branch", "branch_code"),
    Index("ix_quarantine_source_reason", "source", "reason"),  # the data page's summary and samples
)

etl_settings = Table(
    "etl_settings", metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# Written in the same transaction as the batch it stands for and deleted only after the marts are
# recomputed, so a run killed between loading and refreshing is finished by the next run.
marts_pending = Table(
    "marts_pending", metadata,
    Column("pending_id", Integer, primary_key=True, autoincrement=True),
    Column("since", DateTime, nullable=False),  # recompute every period from the one holding this instant
    Column("batch_id", Integer),  # null for a change of targets
)

sop_targets = Table(
    "sop_targets", metadata,
    Column("kpi", String(48), primary_key=True),
    Column("region_code", String(32), primary_key=True),  # "*" = every region
    Column("effective_from", Date, primary_key=True),
    Column("target", Float, nullable=False),
    Column("weight", Float, nullable=False),
)


def _kpi_mart(name: str) -> Table:
    return Table(
        name, metadata,
        Column("level", String(8), primary_key=True),  # branch | region
        Column("code", String(32), primary_key=True),
        Column("period_start", Date, primary_key=True),
        Column("kpi", String(48), primary_key=True),
        Column("value", Float),
        Column("numerator", Float),
        Column("denominator", Float),
        Column("target", Float),
        Column("meets_target", Boolean),
        Index(f"ix_{name}_period_kpi", "period_start", "kpi"),
    )


kpi_weekly = _kpi_mart("kpi_weekly")
kpi_monthly = _kpi_mart("kpi_monthly")

# Counters needed against counters open, per hour slot (etl/kpis/staffing.py); shares are fractions.
staffing_hourly = Table(
    "staffing_hourly", metadata,
    Column("branch_code", String(32), primary_key=True),
    Column("slot_start", DateTime, primary_key=True),
    Column("arrivals", Integer, nullable=False),
    Column("priority_arrivals", Integer, nullable=False),  # the model's second standard; next week's plan needs it
    Column("called", Integer, nullable=False),
    Column("service_min_mean", Float),
    Column("counters_active", Integer, nullable=False),
    Column("counters_available", Integer, nullable=False),
    Column("counters_needed", Integer),
    Column("predicted_within_sop", Float),
    Column("actual_within_sop", Float),
    Index("ix_staffing_hourly_slot", "slot_start"),  # a refresh deletes from a slot on, every branch
)


users = Table(
    "users", metadata,
    Column("login", String(200), primary_key=True),  # the e-mail the identity provider or proxy vouches for, lower case
    Column("name", String(120), nullable=False),
    Column("role", String(16), nullable=False),  # regional_head | branch_manager
    Column("region_code", String(32), nullable=False),
    Column("branch_code", String(32)),  # a branch manager's own branch
    Column("added_at", DateTime, nullable=False),
)


def _follow_up_fields() -> list[Column]:
    """The editable fields of a follow-up, shared by the item and its history so a snapshot holds all of them."""
    return [
        Column("kpi", String(64)),  # a catalogue KPI id; null for a free topic
        Column("topic", String(200), nullable=False),
        Column("agreed", Text, nullable=False),
        Column("owner", String(120), nullable=False),
        Column("due_date", Date, nullable=False),
        Column("status", String(16), nullable=False),  # open | in_progress | done | dropped
        Column("notes", Text),
    ]


follow_ups = Table(
    "follow_ups", metadata,
    Column("follow_up_id", Integer, primary_key=True, autoincrement=True),
    Column("branch_code", String(32), nullable=False),
    Column("granularity", String(8), nullable=False),  # week | month: the view the meeting was looking at
    Column("raised_period", Date, nullable=False),  # period_start the item was raised in
    *_follow_up_fields(),
    Column("version", Integer, nullable=False),  # 1 on creation, +1 per saved change: guards against lost edits
    Column("created_at", DateTime),
    Column("created_by", String(120)),
    Column("updated_at", DateTime),
    Column("updated_by", String(120)),
    Index("ix_follow_ups_branch_due", "branch_code", "due_date"),
    Index("ix_follow_ups_status", "status"),
)

follow_up_history = Table(
    "follow_up_history", metadata,
    Column("history_id", Integer, primary_key=True, autoincrement=True),
    Column("follow_up_id", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("changed_at", DateTime, nullable=False),
    Column("changed_by", String(120), nullable=False),
    Column("action", String(16), nullable=False),  # created | updated
    *_follow_up_fields(),
    # Its index leads with follow_up_id, so it also serves reading one item's history.
    UniqueConstraint("follow_up_id", "version", name="uq_follow_up_history_version"),
)

# The scope of a subscription is the user's row in `users`, read at every sending, never stored here.
subscriptions = Table(
    "subscriptions", metadata,
    Column("subscription_id", Integer, primary_key=True, autoincrement=True),
    Column("login", String(200), nullable=False),  # users.login
    Column("every", String(8), nullable=False),  # week | month
    Column("lang", String(2), nullable=False),  # id | en
    Column("created_at", DateTime, nullable=False),  # the first pack is the period before the one holding this
    UniqueConstraint("login", "every", name="uq_subscriptions_login_every"),
)

# The unique key is the decision to send: a run inserts (or takes over) the row as `sending` and commits
# before it talks to the mail server, so two runs never both send one pack.
deliveries = Table(
    "deliveries", metadata,
    Column("delivery_id", Integer, primary_key=True, autoincrement=True),
    Column("subscription_id", Integer, nullable=False),
    Column("period_start", Date, nullable=False),
    Column("status", String(8), nullable=False),  # sending | sent | failed
    Column("attempts", Integer, nullable=False),
    Column("attempted_at", DateTime, nullable=False),  # when the last attempt started: the retry back-off counts from it
    Column("sent_at", DateTime),
    Column("error", Text),  # the mail server's answer to the last failed attempt
    UniqueConstraint("subscription_id", "period_start", name="uq_deliveries_subscription_period"),
)

annotations = Table(
    "annotations", metadata,
    Column("annotation_id", String(64), primary_key=True),
    Column("region_code", String(32), nullable=False),
    Column("branch_code", String(32)),  # null: the whole region
    Column("category", String(16), nullable=False),  # etl.contract.ANNOTATION_CATEGORIES
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),  # the last day, inclusive
    Column("label", String(40), nullable=False),
    Column("text", String(500)),
    Column("author", String(200), nullable=False),
    Column("batch_id", Integer),  # null: written in the dashboard
    Column("updated_at", DateTime),
    Column("updated_by", String(200)),
    Index("ix_annotations_region_dates", "region_code", "starts_on"),
)

alerts = Table(
    "alerts", metadata,
    Column("alert_id", Integer, primary_key=True, autoincrement=True),
    # rule|period|code|detail: the condition and period, so a rerun finding it again stores nothing.
    Column("alert_key", String(200), nullable=False),
    Column("rule", String(32), nullable=False),  # etl.alerts.RULES
    Column("region_code", String(32), nullable=False),
    Column("branch_code", String(32)),  # null: the region's (a source without fresh data)
    Column("kpi", String(48)),
    Column("period_start", Date, nullable=False),  # the week, the day, or the due date the condition is about
    Column("detail", Text, nullable=False),  # JSON: the numbers the sentence names
    Column("raised_at", DateTime, nullable=False),
    UniqueConstraint("alert_key", name="uq_alerts_key"),
    Index("ix_alerts_region_branch", "region_code", "branch_code"),
)

alert_digests = Table(
    "alert_digests", metadata,
    Column("digest_id", Integer, primary_key=True, autoincrement=True),
    Column("login", String(200), nullable=False),  # users.login: who it is for
    Column("created_at", DateTime, nullable=False),
    Column("alert_keys", Text, nullable=False),  # JSON list of alerts.alert_key, in the order the digest lists them
    Column("sent_at", DateTime),  # null until the e-mail went out
    Index("ix_alert_digests_unsent", "sent_at"),
)

FACT_TABLES = {"branches": branches, "queue_tickets": queue_tickets, "claims": claims, "complaints": complaints,
               "annotations": annotations}
KPI_MARTS = {"week": kpi_weekly, "month": kpi_monthly}
