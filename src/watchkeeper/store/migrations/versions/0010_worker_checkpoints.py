"""Worker checkpoints: a stateful worker's state with the bus stream sequence it covers, and the
ingest's publish watermark (the last input-log sequence published on the bus).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "worker_checkpoints",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("format", sa.String(64), nullable=False),
        sa.Column("state", sa.LargeBinary()),
        sa.CheckConstraint("seq >= 0", name="ck_worker_checkpoints_seq"),
    )


def downgrade() -> None:
    op.drop_table("worker_checkpoints")
