"""Known events written on the charts (annotations), and alerts with the digests that carry them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "annotations",
        sa.Column("annotation_id", sa.String(length=64), nullable=False),
        sa.Column("region_code", sa.String(length=32), nullable=False),
        sa.Column("branch_code", sa.String(length=32), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("annotation_id"),
    )
    op.create_index("ix_annotations_region_dates", "annotations", ["region_code", "starts_on"], unique=False)
    op.create_table(
        "alerts",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("alert_key", sa.String(length=200), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("region_code", sa.String(length=32), nullable=False),
        sa.Column("branch_code", sa.String(length=32), nullable=True),
        sa.Column("kpi", sa.String(length=48), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("alert_id"),
        sa.UniqueConstraint("alert_key", name="uq_alerts_key"),
    )
    op.create_index("ix_alerts_region_branch", "alerts", ["region_code", "branch_code"], unique=False)
    op.create_table(
        "alert_digests",
        sa.Column("digest_id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("alert_keys", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("digest_id"),
    )
    op.create_index("ix_alert_digests_unsent", "alert_digests", ["sent_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_alert_digests_unsent", table_name="alert_digests")
    op.drop_table("alert_digests")
    op.drop_index("ix_alerts_region_branch", table_name="alerts")
    op.drop_table("alerts")
    op.drop_index("ix_annotations_region_dates", table_name="annotations")
    op.drop_table("annotations")
