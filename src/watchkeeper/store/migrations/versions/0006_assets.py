"""Assets: the registry, its append-only event history, and taskings.

Revision ID: 0006
Revises: 0002_stats_weather (the revision id of 0002 on main; the lead re-chains at merge)
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from watchkeeper.store.models import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

KINDS = "kind IN ('sea', 'air', 'land')"
STATES = "IN ('available', 'tasked', 'transiting', 'on_scene', 'returning', 'maintenance')"
MARKINGS = "IN ('UK-ONLY', 'UK-FR', 'PUBLIC')"


def upgrade() -> None:
    op.create_table(
        "assets",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(128)),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("asset_type", sa.String(96)),
        sa.Column("operator", sa.String(96)),
        sa.Column("nation", sa.String(2)),
        sa.Column("home_base", sa.String(96)),
        sa.Column("home_lat", sa.Float()),
        sa.Column("home_lon", sa.Float()),
        sa.Column("cruise_kn", sa.Float()),
        sa.Column("max_kn", sa.Float(), nullable=False),
        sa.Column("endurance_h", sa.Float(), nullable=False),
        sa.Column("crew", sa.Integer()),
        sa.Column("capacity_persons", sa.Integer(), nullable=False),
        sa.Column("mmsi", sa.BigInteger(), unique=True),
        sa.Column("sensor_footprint_m", sa.Float()),
        sa.Column("sector", sa.String(96)),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("state_since", UtcDateTime()),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("position_time", UtcDateTime()),
        sa.Column("position_source", sa.String(16), nullable=False),
        sa.Column("position_detail", sa.String(128)),
        sa.Column("deployed_since", UtcDateTime()),
        sa.Column("marking", sa.String(16), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.CheckConstraint(KINDS, name="ck_assets_kind"),
        sa.CheckConstraint(f"state {STATES}", name="ck_assets_state"),
        sa.CheckConstraint(f"marking {MARKINGS}", name="ck_assets_marking"),
        sa.CheckConstraint(
            "max_kn > 0 AND endurance_h >= 0 AND capacity_persons >= 0", name="ck_assets_numbers"
        ),
    )
    op.create_table(
        "asset_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("asset_id", sa.String(64), sa.ForeignKey("assets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("time", UtcDateTime(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("from_state", sa.String(16)),
        sa.Column("to_state", sa.String(16)),
        sa.Column("reason", sa.Text()),
        sa.Column("tasking_id", sa.Integer()),
        sa.Column("incident_id", sa.String(64)),
        sa.Column("detail", sa.JSON()),
        sa.Column("marking", sa.String(16), nullable=False),
        sa.CheckConstraint("kind IN ('state', 'position')", name="ck_asset_events_kind"),
    )
    op.create_index("ix_asset_events_asset_time", "asset_events", ["asset_id", "time"])
    op.create_table(
        "taskings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("asset_id", sa.String(64), sa.ForeignKey("assets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("incident_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("target", sa.JSON(), nullable=False),
        sa.Column("persons", sa.Integer()),
        sa.Column("eta_s", sa.Float()),
        sa.Column("eta_time", UtcDateTime()),
        sa.Column("intercept_lat", sa.Float()),
        sa.Column("intercept_lon", sa.Float()),
        sa.Column("route", sa.JSON()),
        sa.Column("explanation", sa.Text()),
        sa.Column("conflicts", sa.JSON(), nullable=False),
        sa.Column("conflicts_accepted", sa.Boolean(), nullable=False),
        sa.Column("closed_at", UtcDateTime()),
        sa.Column("closed_by", sa.String(64)),
        sa.Column("close_reason", sa.Text()),
        sa.Column("marking", sa.String(16), nullable=False),
        sa.CheckConstraint("status IN ('active', 'completed', 'cancelled')", name="ck_taskings_status"),
    )
    op.create_index("ix_taskings_incident_id", "taskings", ["incident_id"])
    op.create_index("ix_taskings_asset_status", "taskings", ["asset_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_taskings_asset_status", table_name="taskings")
    op.drop_index("ix_taskings_incident_id", table_name="taskings")
    op.drop_table("taskings")
    op.drop_index("ix_asset_events_asset_time", table_name="asset_events")
    op.drop_table("asset_events")
    op.drop_table("assets")
