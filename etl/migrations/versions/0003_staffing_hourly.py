"""The staffing mart: counters needed against counters open, per branch and hour slot.

Filled by the next ETL run: the table is new, so every period is marked to be recomputed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staffing_hourly",
        sa.Column("branch_code", sa.String(length=32), nullable=False),
        sa.Column("slot_start", sa.DateTime(), nullable=False),
        sa.Column("arrivals", sa.Integer(), nullable=False),
        sa.Column("priority_arrivals", sa.Integer(), nullable=False),
        sa.Column("called", sa.Integer(), nullable=False),
        sa.Column("service_min_mean", sa.Float(), nullable=True),
        sa.Column("counters_active", sa.Integer(), nullable=False),
        sa.Column("counters_available", sa.Integer(), nullable=False),
        sa.Column("counters_needed", sa.Integer(), nullable=True),
        sa.Column("predicted_within_sop", sa.Float(), nullable=True),
        sa.Column("actual_within_sop", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("branch_code", "slot_start"),
    )
    op.create_index("ix_staffing_hourly_slot", "staffing_hourly", ["slot_start"], unique=False)
    # A database with facts gets the mart on its next run; "0001-01-01" is refresh.ALL_PERIODS.
    op.execute("INSERT INTO marts_pending (since) SELECT '0001-01-01 00:00:00' "
               "WHERE EXISTS (SELECT 1 FROM queue_tickets)")


def downgrade() -> None:
    op.drop_index("ix_staffing_hourly_slot", table_name="staffing_hourly")
    op.drop_table("staffing_hourly")
