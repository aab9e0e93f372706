"""Alembic environment of the plan archive.

Run through :func:`planner.archive.db.upgrade`, which passes an open
connection in ``config.attributes["connection"]``; there is no alembic.ini.
All revisions run in one transaction; on PostgreSQL an advisory lock keeps
two planners opening a new archive at once from both creating it (SQLite's
write transaction does the same there).
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    render_as_batch=connection.dialect.name == "sqlite",
    transaction_per_migration=False,
)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7219004415)")
    context.run_migrations()
