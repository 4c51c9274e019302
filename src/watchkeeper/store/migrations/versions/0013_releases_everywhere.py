"""Releases of incidents, alerts, tracks, assets and drift runs: the release stored with the record.

``releases.event_time``: the event time a release takes effect from (after the last scan its record had
when it was released; the live workers and a replay apply it there). ``incidents.released_marking`` and
``alerts.released_marking``: the marking a user released the record to, while the release stands (a
later, more restrictive source re-restricts the record and clears it).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from watchkeeper.store.models import UtcDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("releases", sa.Column("event_time", UtcDateTime(), nullable=True))
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("released_marking", sa.String(16), nullable=True))
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("released_marking", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("released_marking")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("released_marking")
    op.drop_column("releases", "event_time")
