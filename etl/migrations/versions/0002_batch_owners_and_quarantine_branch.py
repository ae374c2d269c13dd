"""Who loaded each batch, the regions it wrote rows for, and the branch of each quarantined row.

Uploads are scoped to the uploader's region, and the Data page shows each region its own batches and
quarantine: `etl_batches.loaded_by`, `etl_batch_regions` and `quarantine.branch_code` say whose they are.
Rows from before are filled in from what the database still holds: a quarantined row's branch from its
raw values (when the branches table holds that code, as the validator now requires), a batch's regions
from the branches of the rows still carrying its batch_id. Batches whose rows were all replaced since,
or that failed, get no region: only viewers of every region list them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""
from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILL_ROWS = 10_000  # quarantined rows read and updated at a time
FACT_TABLES = ("queue_tickets", "claims", "complaints")


def upgrade() -> None:
    op.create_table(
        "etl_batch_regions",
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("batch_id", "region_code"),
    )
    op.create_index("ix_etl_batch_regions_region", "etl_batch_regions", ["region_code"], unique=False)
    # Adding a nullable column is a plain ALTER on both databases: no table is copied.
    with op.batch_alter_table("etl_batches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("loaded_by", sa.String(length=200), nullable=True))
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.add_column(sa.Column("branch_code", sa.String(length=32), nullable=True))
        batch_op.create_index("ix_quarantine_branch", ["branch_code"], unique=False)
    _fill_quarantine_branches()
    _fill_batch_regions()


def _fill_quarantine_branches() -> None:
    """Each quarantined row's branch_code, from its raw values (JSON written by the validator), read in Python:
    JSON functions differ between the databases, and a value with NUL cannot become PostgreSQL text."""
    bind = op.get_bind()
    quarantine = sa.table("quarantine", sa.column("quarantine_id", sa.Integer), sa.column("raw_values", sa.Text),
                          sa.column("branch_code", sa.String))
    known = set(bind.execute(sa.text("SELECT branch_code FROM branches")).scalars())
    after = 0
    while True:
        chunk = bind.execute(sa.select(quarantine.c.quarantine_id, quarantine.c.raw_values)
                             .where(quarantine.c.quarantine_id > after).order_by(quarantine.c.quarantine_id)
                             .limit(FILL_ROWS)).all()
        if not chunk:
            return
        after = chunk[-1][0]
        found = [{"id": row_id, "code": code} for row_id, raw in chunk if (code := _branch_code(raw)) in known]
        if found:
            bind.execute(sa.update(quarantine).where(quarantine.c.quarantine_id == sa.bindparam("id"))
                         .values(branch_code=sa.bindparam("code")), found)


def _branch_code(raw_values: str) -> str | None:
    try:
        code = json.loads(raw_values).get("branch_code")
    except (ValueError, AttributeError):
        return None
    return code if isinstance(code, str) else None


def _fill_batch_regions() -> None:
    """The regions of the branches whose rows each batch still holds (loaded or quarantined)."""
    sources = [f"SELECT batch_id, branch_code FROM {table}" for table in FACT_TABLES]
    sources += ["SELECT batch_id, branch_code FROM branches",
                "SELECT batch_id, branch_code FROM quarantine WHERE branch_code IS NOT NULL"]
    op.execute(
        "INSERT INTO etl_batch_regions (batch_id, region_code) "
        f"SELECT DISTINCT written.batch_id, b.region_code FROM ({' UNION '.join(sources)}) AS written "
        "JOIN branches AS b ON b.branch_code = written.branch_code"
    )


def downgrade() -> None:
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_index("ix_quarantine_branch")
        batch_op.drop_column("branch_code")
    with op.batch_alter_table("etl_batches", schema=None) as batch_op:
        batch_op.drop_column("loaded_by")
    op.drop_index("ix_etl_batch_regions_region", table_name="etl_batch_regions")
    op.drop_table("etl_batch_regions")
