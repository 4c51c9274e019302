"""Incidents say what opened them: a radar track, a drone's detection or an observer's report.

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("source", sa.String(16), nullable=False, server_default="track"))
        batch.create_check_constraint("ck_incidents_source", "source IN ('track', 'drone', 'observer')")


def downgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.drop_constraint("ck_incidents_source", type_="check")
        batch.drop_column("source")
