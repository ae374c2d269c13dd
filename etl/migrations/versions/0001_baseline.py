"""Baseline: the schema as it stood when migrations began (etl/schema.py at commit 8f01422).

Written out in full, never derived from etl.schema, so later edits of schema.py cannot change history.

Revision ID: 0001
Revises:
Create Date: 2026-11-20
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# One function per table, so etl.migrate can create just the tables a pre-migration database lacks.
TABLES: dict[str, Callable[[], None]] = {}


def _table(create: Callable[[], None]) -> Callable[[], None]:
    TABLES[create.__name__.lstrip("_")] = create
    return create


@_table
def _branches() -> None:
    op.create_table(
        "branches",
        sa.Column("branch_code", sa.String(length=32), nullable=False),
        sa.Column("branch_name", sa.String(length=120), nullable=False),
        sa.Column("branch_type", sa.String(length=8), nullable=False),
        sa.Column("region_code", sa.String(length=32), nullable=False),
        sa.Column("region_name", sa.String(length=120), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=True),
        sa.Column("counters", sa.Integer(), nullable=False),
        sa.Column("opens_at", sa.String(length=5), nullable=False),
        sa.Column("closes_at", sa.String(length=5), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("branch_code"),
    )


@_table
def _queue_tickets() -> None:
    op.create_table(
        "queue_tickets",
        sa.Column("ticket_id", sa.String(length=64), nullable=False),
        sa.Column("visit_id", sa.String(length=64), nullable=False),
        sa.Column("branch_code", sa.String(length=32), nullable=False),
        sa.Column("participant_id", sa.String(length=64), nullable=True),
        sa.Column("service", sa.String(length=32), nullable=False),
        sa.Column("priority_group", sa.String(length=16), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("called_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("counter_id", sa.String(length=32), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("clock_skew_adjusted", sa.Boolean(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("ticket_id"),
    )


@_table
def _claims() -> None:
    op.create_table(
        "claims",
        sa.Column("claim_id", sa.String(length=64), nullable=False),
        sa.Column("branch_code", sa.String(length=32), nullable=False),
        sa.Column("participant_id", sa.String(length=64), nullable=False),
        sa.Column("programme", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("amount_idr", sa.Float(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("docs_complete_at", sa.DateTime(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("paid_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rejection_reason", sa.String(length=32), nullable=True),
        sa.Column("clock_skew_adjusted", sa.Boolean(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("claim_id"),
    )


@_table
def _complaints() -> None:
    op.create_table(
        "complaints",
        sa.Column("complaint_id", sa.String(length=64), nullable=False),
        sa.Column("branch_code", sa.String(length=32), nullable=False),
        sa.Column("participant_id", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("first_response_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reopened", sa.Boolean(), nullable=False),
        sa.Column("clock_skew_adjusted", sa.Boolean(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("complaint_id"),
    )


@_table
def _etl_batches() -> None:
    op.create_table(
        "etl_batches",
        sa.Column("batch_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows_read", sa.BigInteger(), nullable=False),
        sa.Column("rows_loaded", sa.BigInteger(), nullable=False),
        sa.Column("rows_adjusted", sa.BigInteger(), nullable=False),
        sa.Column("rows_quarantined", sa.BigInteger(), nullable=False),
        sa.Column("exact_duplicates", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("batch_id"),
    )


@_table
def _quarantine() -> None:
    op.create_table(
        "quarantine",
        sa.Column("quarantine_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("column_name", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("raw_values", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("quarantine_id"),
    )


@_table
def _etl_settings() -> None:
    op.create_table(
        "etl_settings",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


@_table
def _marts_pending() -> None:
    op.create_table(
        "marts_pending",
        sa.Column("pending_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("pending_id"),
    )


@_table
def _sop_targets() -> None:
    op.create_table(
        "sop_targets",
        sa.Column("kpi", sa.String(length=48), nullable=False),
        sa.Column("region_code", sa.String(length=32), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("kpi", "region_code", "effective_from"),
    )


def _kpi_mart(name: str) -> None:
    op.create_table(
        name,
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("kpi", sa.String(length=48), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("meets_target", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("level", "code", "period_start", "kpi"),
    )


@_table
def _kpi_weekly() -> None:
    _kpi_mart("kpi_weekly")


@_table
def _kpi_monthly() -> None:
    _kpi_mart("kpi_monthly")


@_table
def _users() -> None:
    op.create_table(
        "users",
        sa.Column("login", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=32), nullable=False),
        sa.Column("branch_code", sa.String(length=32), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("login"),
    )


def _follow_up_fields() -> list[sa.Column]:
    return [
        sa.Column("kpi", sa.String(length=64), nullable=True),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("agreed", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
    ]


@_table
def _follow_ups() -> None:
    op.create_table(
        "follow_ups",
        sa.Column("follow_up_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("branch_code", sa.String(length=32), nullable=False),
        sa.Column("granularity", sa.String(length=8), nullable=False),
        sa.Column("raised_period", sa.Date(), nullable=False),
        *_follow_up_fields(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("follow_up_id"),
    )


@_table
def _follow_up_history() -> None:
    op.create_table(
        "follow_up_history",
        sa.Column("history_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("follow_up_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        *_follow_up_fields(),
        sa.PrimaryKeyConstraint("history_id"),
        sa.UniqueConstraint("follow_up_id", "version", name="uq_follow_up_history_version"),
    )


# name -> (table, columns); none of them unique. Kept apart from the tables so that a database built
# before an index was added gets just that index.
INDEXES: dict[str, tuple[str, list[str]]] = {
    "ix_queue_tickets_branch_issued": ("queue_tickets", ["branch_code", "issued_at"]),
    "ix_queue_tickets_issued": ("queue_tickets", ["issued_at"]),
    "ix_claims_branch_submitted": ("claims", ["branch_code", "submitted_at"]),
    "ix_claims_submitted": ("claims", ["submitted_at"]),
    "ix_claims_decided": ("claims", ["decided_at"]),
    "ix_claims_paid": ("claims", ["paid_at"]),
    "ix_complaints_branch_received": ("complaints", ["branch_code", "received_at"]),
    "ix_complaints_received": ("complaints", ["received_at"]),
    "ix_complaints_resolved": ("complaints", ["resolved_at"]),
    "ix_etl_batches_sha256": ("etl_batches", ["sha256"]),
    "ix_quarantine_batch": ("quarantine", ["batch_id"]),
    "ix_quarantine_source_reason": ("quarantine", ["source", "reason"]),
    "ix_kpi_weekly_period_kpi": ("kpi_weekly", ["period_start", "kpi"]),
    "ix_kpi_monthly_period_kpi": ("kpi_monthly", ["period_start", "kpi"]),
    "ix_follow_ups_branch_due": ("follow_ups", ["branch_code", "due_date"]),
    "ix_follow_ups_status": ("follow_ups", ["status"]),
}


def create_missing(tables: set[str], indexes: set[str]) -> None:
    """Create this revision's tables not in `tables` and indexes not in `indexes` (the names that exist)."""
    for name, create in TABLES.items():
        if name not in tables:
            create()
    for name, (table, columns) in INDEXES.items():
        if name not in indexes:
            op.create_index(name, table, columns, unique=False)


def upgrade() -> None:
    create_missing(tables=set(), indexes=set())


def downgrade() -> None:
    # Below the baseline there is no schema, only dropped tables, including the users and follow-ups
    # people typed in. Nobody should get that from a mistyped command.
    raise NotImplementedError("the baseline is the start of Pantau's history and is never downgraded")
