"""Foundation: users, audit log, rejects ledger, vessels and position history.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from watchkeeper.store.models import UtcDateTime

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("clearance", sa.String(32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("time", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(64)),
        sa.Column("object_id", sa.String(128)),
        sa.Column("detail", sa.JSON()),
    )
    op.create_index("ix_audit_log_time", "audit_log", ["time"])
    op.create_table(
        "rejects",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("receive_time", UtcDateTime(), nullable=False),
        sa.Column("log_seq", sa.BigInteger()),
    )
    op.create_index("ix_rejects_source_reason", "rejects", ["source", "reason"])
    op.create_table(
        "vessels",
        sa.Column("mmsi", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(64)),
        sa.Column("callsign", sa.String(16)),
        sa.Column("ship_type", sa.Integer()),
        sa.Column("destination", sa.String(64)),
        sa.Column("imo", sa.BigInteger()),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("sog_kn", sa.Float()),
        sa.Column("cog_deg", sa.Float()),
        sa.Column("heading_deg", sa.Float()),
        sa.Column("nav_status", sa.Integer()),
        sa.Column("last_seen", UtcDateTime(), nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("simulated", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "positions",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("mmsi", sa.BigInteger(), nullable=False),
        sa.Column("time", UtcDateTime(), nullable=False),
        sa.Column("time_source", sa.String(16), nullable=False),
        sa.Column("msg_type", sa.Integer(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("sog_kn", sa.Float()),
        sa.Column("cog_deg", sa.Float()),
        sa.Column("heading_deg", sa.Float()),
        sa.Column("nav_status", sa.Integer()),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("log_seq", sa.BigInteger(), unique=True),
        sa.Column("simulated", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_positions_mmsi_time", "positions", ["mmsi", "time"])


def downgrade() -> None:
    op.drop_index("ix_positions_mmsi_time", table_name="positions")
    op.drop_table("positions")
    op.drop_table("vessels")
    op.drop_index("ix_rejects_source_reason", table_name="rejects")
    op.drop_table("rejects")
    op.drop_index("ix_audit_log_time", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("users")
