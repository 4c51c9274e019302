"""Drift runs: request, GeoJSON areas, probability grids and search plan per run, with a marking.

Revision ID: 0009
Revises: 0002_stats_weather
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sar_drift_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("incident_id", sa.String(64)),
        sa.Column("marking", sa.String(16), nullable=False),
        sa.Column("object_type", sa.String(32), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("start_time", sa.DateTime(), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("particles", sa.Integer(), nullable=False),
        sa.Column("current_model", sa.String(255), nullable=False),
        sa.Column("wind_model", sa.String(255), nullable=False),
        sa.Column("compute_s", sa.Float(), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("geojson", sa.JSON(), nullable=False),
        sa.Column("grids", sa.JSON(), nullable=False),
        sa.Column("plan", sa.JSON()),
        sa.CheckConstraint("marking IN ('UK-ONLY', 'UK-FR', 'PUBLIC')", name="ck_sar_drift_runs_marking"),
        sa.CheckConstraint("hours > 0 AND particles > 0", name="ck_sar_drift_runs_sizes"),
    )
    op.create_index("ix_sar_drift_runs_incident_id", "sar_drift_runs", ["incident_id"])


def downgrade() -> None:
    op.drop_index("ix_sar_drift_runs_incident_id", table_name="sar_drift_runs")
    op.drop_table("sar_drift_runs")
