"""Alerts and incidents: alerts (with acknowledgement), incidents and their append-only timeline.

Revision ID: 0005
Revises: 0002_stats_weather
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("incident_id", sa.String(40), primary_key=True),
        sa.Column("opened_time", sa.DateTime(), nullable=False),
        sa.Column("updated_time", sa.DateTime(), nullable=False),
        sa.Column("closed_time", sa.DateTime()),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(20)),
        sa.Column("persons_estimate", sa.Integer()),
        sa.Column("persons_landed", sa.Integer()),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("severity_rank", sa.Integer(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("track_ids", sa.JSON(), nullable=False),
        sa.Column("marking", sa.String(16), nullable=False),
        sa.Column("simulated", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "state IN ('detected', 'monitored', 'asset_tasked', 'intercepted', 'rescued', 'landed_uk', "
            "'returned_fr', 'lost_contact', 'closed')",
            name="ck_incidents_state",
        ),
        sa.CheckConstraint("marking IN ('UK-ONLY', 'UK-FR', 'PUBLIC')", name="ck_incidents_marking"),
        sa.CheckConstraint(
            "(persons_estimate IS NULL OR persons_estimate >= 0)"
            " AND (persons_landed IS NULL OR persons_landed >= 0)",
            name="ck_incidents_persons",
        ),
    )
    op.create_index("ix_incidents_state_opened", "incidents", ["state", "opened_time"])
    op.create_table(
        "incident_timeline",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.String(40),
            sa.ForeignKey("incidents.incident_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("time", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_incident_timeline_incident_time", "incident_timeline", ["incident_id", "time"])
    op.create_table(
        "alerts",
        sa.Column("alert_id", sa.String(160), primary_key=True),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("severity_rank", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("raised_time", sa.DateTime(), nullable=False),
        sa.Column("last_time", sa.DateTime(), nullable=False),
        sa.Column("cleared_time", sa.DateTime()),
        sa.Column("track_id", sa.BigInteger()),
        sa.Column("track_ids", sa.JSON(), nullable=False),
        sa.Column("mmsi", sa.BigInteger()),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("latest", sa.JSON(), nullable=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("geometry", sa.JSON()),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("marking", sa.String(16), nullable=False),
        sa.Column("simulated", sa.Boolean(), nullable=False),
        sa.Column("incident_id", sa.String(40), sa.ForeignKey("incidents.incident_id", ondelete="SET NULL")),
        sa.Column("acknowledged_by", sa.String(64)),
        sa.Column("acknowledged_at", sa.DateTime()),
        sa.Column("ack_note", sa.Text()),
        sa.CheckConstraint("status IN ('active', 'cleared')", name="ck_alerts_status"),
        sa.CheckConstraint("marking IN ('UK-ONLY', 'UK-FR', 'PUBLIC')", name="ck_alerts_marking"),
    )
    op.create_index("ix_alerts_status_raised", "alerts", ["status", "raised_time"])
    op.create_index("ix_alerts_rule_raised", "alerts", ["rule", "raised_time"])
    op.create_index("ix_alerts_incident", "alerts", ["incident_id"])


def downgrade() -> None:
    op.drop_index("ix_alerts_incident", table_name="alerts")
    op.drop_index("ix_alerts_rule_raised", table_name="alerts")
    op.drop_index("ix_alerts_status_raised", table_name="alerts")
    op.drop_table("alerts")
    op.drop_index("ix_incident_timeline_incident_time", table_name="incident_timeline")
    op.drop_table("incident_timeline")
    op.drop_index("ix_incidents_state_opened", table_name="incidents")
    op.drop_table("incidents")
