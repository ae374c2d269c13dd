"""Alembic's environment for Pantau: always run by etl.migrate on a connection it already holds.

The caller's connection (SQLite or PostgreSQL, inside its transaction and lock) arrives as
`config.attributes["connection"]`, so no URL, no alembic.ini and no second engine exist here.
"""
from __future__ import annotations

from alembic import context

from etl.db import STAGE_PREFIX
from etl.schema import metadata


def include_name(name: str | None, type_: str, _parent_names) -> bool:
    """Staging tables left by a killed run are not schema: autogenerate must never propose dropping them."""
    return not (type_ == "table" and name is not None and name.startswith(STAGE_PREFIX))


connection = context.config.attributes.get("connection")
if connection is None:  # offline (--sql) mode or a bare `alembic` CLI: there is nothing to run on
    raise RuntimeError("Pantau migrations run on a connection: use etl.migrate.upgrade(engine) "
                       "or `python -m etl.migrate`, which pass one in config.attributes['connection']")

context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    include_name=include_name,
    compare_type=True,
)
# The caller's transaction is already open, so this joins it: the whole upgrade commits or rolls back at once.
with context.begin_transaction():
    context.run_migrations()
