"""Track history: one row per confirmed track per scan, append-only, unique on (track_id, time).

Revision ID: 0004
Revises: 0002_stats_weather
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from watchkeeper.store.models import UtcDateTime

revision = "0004"
# The lead re-chains revisions when merging; "0002" is the stats/weather migration (its id in full).
down_revision = "0002_stats_weather"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "track_points",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("track_id", sa.BigInteger(), nullable=False),
        sa.Column("time", UtcDateTime(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("sog_kn", sa.Float(), nullable=False),
        sa.Column("cog_deg", sa.Float(), nullable=False),
        sa.Column("mmsi", sa.BigInteger()),
        sa.Column("name", sa.String(64)),
        sa.Column("dark", sa.Boolean(), nullable=False),
        sa.Column("p_steady", sa.Float()),
        sa.Column("position_sigma_m", sa.Float()),
        sa.Column("simulated", sa.Boolean(), nullable=False),
        sa.Column("marking", sa.String(16), nullable=False),
        sa.UniqueConstraint("track_id", "time", name="uq_track_points_track_time"),
    )
    op.create_index("ix_track_points_time", "track_points", ["time"])
    op.create_index("ix_track_points_mmsi_time", "track_points", ["mmsi", "time"])


def downgrade() -> None:
    op.drop_index("ix_track_points_mmsi_time", table_name="track_points")
    op.drop_index("ix_track_points_time", table_name="track_points")
    op.drop_table("track_points")
