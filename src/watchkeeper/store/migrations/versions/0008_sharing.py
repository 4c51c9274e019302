"""Sharing: field observations (drones, TAK clients, observers), observer reports and photos, releases,
desk messages; the audit log and the releases made append-only in the database itself.

Revision ID: 0008
Revises: 0002_stats_weather
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from watchkeeper.store.models import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit_log", "releases")


def _append_only_up() -> None:
    """UPDATE and DELETE refused by triggers: rows are only ever inserted (a DROP TABLE still works)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION wk_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION wk_refuse_change()"
            )
    else:
        for table in APPEND_ONLY:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )


def _append_only_down() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS wk_refuse_change()")
    else:
        for table in APPEND_ONLY:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")


def upgrade() -> None:
    op.create_table(
        "field_observations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("obs_id", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("event_time", UtcDateTime(), nullable=False),
        sa.Column("time_source", sa.String(16), nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("sensor_uid", sa.String(256), nullable=False),
        sa.Column("cot_type", sa.String(64)),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("ce_m", sa.Float()),
        sa.Column("persons", sa.Integer()),
        sa.Column("boat_type", sa.String(32)),
        sa.Column("course_deg", sa.Float()),
        sa.Column("speed_kn", sa.Float()),
        sa.Column("callsign", sa.String(128)),
        sa.Column("text", sa.Text()),
        sa.Column("stale_time", UtcDateTime()),
        sa.Column("report_id", sa.Integer()),
        sa.Column("marking", sa.String(32), nullable=False),
        sa.Column("log_seq", sa.BigInteger()),
        sa.Column("simulated", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_field_observations_time", "field_observations", ["event_time"])
    op.create_index("ix_field_observations_sensor", "field_observations", ["sensor_uid", "event_time"])
    op.create_table(
        "observer_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reporter", sa.String(64), nullable=False),
        sa.Column("event_time", UtcDateTime(), nullable=False),
        sa.Column("time_source", sa.String(16), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("persons", sa.Integer()),
        sa.Column("boat_type", sa.String(32)),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("marking", sa.String(32), nullable=False),
        sa.Column("log_seq", sa.BigInteger()),
    )
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "report_id",
            sa.Integer(),
            sa.ForeignKey("observer_reports.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("media_type", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(128), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("marking", sa.String(32), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_attachments_report", "attachments", ["report_id"])
    op.create_table(
        "releases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("object_type", sa.String(64), nullable=False),
        sa.Column("object_id", sa.String(128), nullable=False),
        sa.Column("from_marking", sa.String(32), nullable=False),
        sa.Column("to_marking", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("time", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_releases_object", "releases", ["object_type", "object_id", "id"])
    op.create_table(
        "desk_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.String(128), nullable=False),
        sa.Column("desk", sa.String(8), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("marking", sa.String(32), nullable=False),
        sa.Column("time", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_desk_messages_incident", "desk_messages", ["incident_id", "id"])
    _append_only_up()


def downgrade() -> None:
    _append_only_down()
    op.drop_index("ix_desk_messages_incident", table_name="desk_messages")
    op.drop_table("desk_messages")
    op.drop_index("ix_releases_object", table_name="releases")
    op.drop_table("releases")
    op.drop_index("ix_attachments_report", table_name="attachments")
    op.drop_table("attachments")
    op.drop_table("observer_reports")
    op.drop_index("ix_field_observations_sensor", table_name="field_observations")
    op.drop_index("ix_field_observations_time", table_name="field_observations")
    op.drop_table("field_observations")
