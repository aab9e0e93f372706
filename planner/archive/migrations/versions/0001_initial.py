"""The first archive schema: scenarios, plans, publications, ledger.

Published plans cannot be updated or deleted (a trigger refuses it).

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "scenarios",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("file_name", sa.String(400)),
        sa.Column("first_year", sa.Integer, nullable=False),
        sa.Column("last_year", sa.Integer, nullable=False),
        sa.Column("workbook", sa.LargeBinary, nullable=False),
        sa.Column("staff_names", sa.JSON, nullable=False),
        sa.Column("history", sa.JSON, nullable=False),
        sa.Column("stored_at", TS, nullable=False),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("scenario_id", sa.Integer, sa.ForeignKey("scenarios.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("solve_status", sa.String(16), nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("goals", sa.JSON, nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("from_year", sa.Integer, nullable=False),
        sa.Column("to_year", sa.Integer, nullable=False),
        sa.Column("planner_version", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint("status IN ('draft', 'published')", name="ck_plans_status"),
    )
    op.create_index("ix_plans_scenario", "plans", ["scenario_id"])
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=False),
        sa.Column("from_year", sa.Integer, nullable=False),
        sa.Column("to_year", sa.Integer, nullable=False),
        sa.Column("published_by", sa.String(200), nullable=False),
        sa.Column("published_at", TS, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("supersedes_id", sa.Integer, sa.ForeignKey("publications.id")),
    )
    op.create_table(
        "ledger",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("staff_id", sa.String(100), nullable=False),
        sa.Column("staff_name", sa.String(200), nullable=False),
        sa.Column("school_year", sa.Integer, nullable=False),
        sa.Column("school_id", sa.String(100), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("publication_id", sa.Integer, sa.ForeignKey("publications.id")),
        sa.Column("scenario_id", sa.Integer, sa.ForeignKey("scenarios.id")),
        sa.UniqueConstraint("staff_id", "school_year", name="uq_ledger_person_year"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION planner_plans_immutable() RETURNS trigger AS $$
            BEGIN
              IF OLD.status = 'published' THEN
                RAISE EXCEPTION 'published plan % is immutable', OLD.id;
              END IF;
              IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER plans_published_immutable BEFORE UPDATE OR DELETE ON plans "
            "FOR EACH ROW EXECUTE FUNCTION planner_plans_immutable()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER plans_published_no_{event.lower()} BEFORE {event} ON plans "
                "WHEN OLD.status = 'published' "
                "BEGIN SELECT RAISE(ABORT, 'published plans are immutable'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER plans_published_immutable ON plans")
        op.execute("DROP FUNCTION planner_plans_immutable()")
    else:
        op.execute("DROP TRIGGER plans_published_no_update")
        op.execute("DROP TRIGGER plans_published_no_delete")
    for table in ("ledger", "publications", "plans", "scenarios"):
        op.drop_table(table)
