"""Publication versions and the optimistic publish check.

* ``publications.version``: 1, 2, 3, ... in publishing order (existing rows
  numbered by id), unique, so two publishers can never both make version N.
* ``archive_head``: one row holding the newest version; a publisher locks it,
  compares it with the version its plan was made against, and raises
  "superseded, reload" when someone published in between.
* ``plans.based_on_version``: the version a plan was made against (existing
  plans: unknown, NULL).
* Publications are never updated or deleted (a trigger refuses it).

Every row of revision 0001 is kept.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("plans", sa.Column("based_on_version", sa.Integer))
    op.add_column("publications", sa.Column("version", sa.Integer))
    op.execute(
        "UPDATE publications SET version = "
        "(SELECT COUNT(*) FROM publications AS earlier WHERE earlier.id <= publications.id)"
    )
    with op.batch_alter_table("publications") as batch:
        batch.alter_column("version", existing_type=sa.Integer, nullable=False)
        batch.create_unique_constraint("uq_publications_version", ["version"])
    op.create_table(
        "archive_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("id = 1", name="ck_archive_head_one_row"),
    )
    op.execute(
        "INSERT INTO archive_head (id, version) "
        "SELECT 1, COALESCE(MAX(version), 0) FROM publications"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION planner_publications_immutable() RETURNS trigger AS $$
            BEGIN
              RAISE EXCEPTION 'publication % is immutable', OLD.version;
            END $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER publications_immutable BEFORE UPDATE OR DELETE ON publications "
            "FOR EACH ROW EXECUTE FUNCTION planner_publications_immutable()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER publications_no_{event.lower()} BEFORE {event} "
                "ON publications "
                "BEGIN SELECT RAISE(ABORT, 'publications are immutable'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER publications_immutable ON publications")
        op.execute("DROP FUNCTION planner_publications_immutable()")
    else:
        op.execute("DROP TRIGGER publications_no_update")
        op.execute("DROP TRIGGER publications_no_delete")
    op.drop_table("archive_head")
    with op.batch_alter_table("publications") as batch:
        batch.drop_constraint("uq_publications_version", type_="unique")
        batch.drop_column("version")
    op.drop_column("plans", "based_on_version")
