"""Crossing statistics: Home Office small-boat series (daily SB_01, weekly SB_02, quarterly breakdown).

Revision ID: 0002_stats_weather
Revises: 0001_foundation
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_stats_weather"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crossings_daily",
        sa.Column("date", sa.Date(), primary_key=True),
        sa.Column("migrants_arrived", sa.Integer(), nullable=False),
        sa.Column("boats_arrived", sa.Integer(), nullable=False),
        sa.Column("boats_uncontrolled_landings", sa.Integer()),
        sa.Column("revised", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.CheckConstraint("migrants_arrived >= 0 AND boats_arrived >= 0", name="ck_crossings_daily_counts"),
    )
    op.create_table(
        "crossings_weekly",
        sa.Column("week_ending", sa.Date(), primary_key=True),
        sa.Column("migrants_arrived", sa.Integer(), nullable=False),
        sa.Column("boats_arrived", sa.Integer(), nullable=False),
        sa.Column("boats_uncontrolled_landings", sa.Integer()),
        sa.Column("migrants_prevented_fr", sa.Integer()),
        sa.Column("events_prevented_fr", sa.Integer()),
        sa.Column("revised", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.CheckConstraint("migrants_arrived >= 0 AND boats_arrived >= 0", name="ck_crossings_weekly_counts"),
    )
    op.create_table(
        "crossings_quarterly",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("quarter_end_date", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("method_of_entry", sa.String(64), nullable=False),
        sa.Column("nationality", sa.String(128), nullable=False),
        sa.Column("region", sa.String(128), nullable=False),
        sa.Column("sex", sa.String(32), nullable=False),
        sa.Column("age_group", sa.String(32), nullable=False),
        sa.Column("number_of_detections", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.UniqueConstraint(
            "quarter_end_date", "method_of_entry", "nationality", "region", "sex", "age_group",
            name="uq_crossings_quarterly_breakdown",
        ),
        sa.CheckConstraint("number_of_detections >= 0", name="ck_crossings_quarterly_count"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("crossings_quarterly")
    op.drop_table("crossings_weekly")
    op.drop_table("crossings_daily")
