"""Intelligence and justice: sources, graded reports, entities, links, investigations, arrests,
charges, court outcomes, evidence packages and their continuity record.

``intel_releases``, ``evidence_packages`` and ``evidence_continuity`` are append-only: triggers refuse
UPDATE and DELETE (and TRUNCATE on PostgreSQL) so that not even a hand-typed SQL statement can
rewrite what was released or exported, or who did it.

Revision ID: 0007
Revises: 0002_stats_weather
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from watchkeeper.store.models import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

APPEND_ONLY = ("intel_releases", "evidence_packages", "evidence_continuity")
MARKINGS = "('UK-ONLY', 'UK-FR', 'PUBLIC')"


def _marking(table: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"marking IN {MARKINGS}", name=f"ck_{table}_marking")


def _who(prefix: str) -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column(f"{prefix}_by", sa.String(64), nullable=False),
        sa.Column(f"{prefix}_at", UtcDateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "intel_sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(32), nullable=False, unique=True),
        sa.Column("handler", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "intel_entities",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("marking", sa.String(16), nullable=False, index=True),
        *_who("created"),
        _marking("intel_entities"),
    )
    op.create_table(
        "intel_identifiers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity_id", sa.Integer(), sa.ForeignKey("intel_entities.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("normalised", sa.String(64), nullable=False),
        sa.UniqueConstraint("entity_id", "kind", "normalised", name="uq_intel_identifiers"),
    )
    op.create_index("ix_intel_identifiers_normalised", "intel_identifiers", ["normalised"])
    op.create_table(
        "intel_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(32), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("information_time", UtcDateTime()),
        sa.Column("grading_system", sa.String(16), nullable=False),
        sa.Column("source_grade", sa.String(1), nullable=False),
        sa.Column("information_grade", sa.String(1), nullable=False),
        sa.Column("handling_code", sa.String(1), nullable=False),
        sa.Column("handling_conditions", sa.Text()),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("intel_sources.id"), nullable=False, index=True),
        sa.Column("marking", sa.String(16), nullable=False, index=True),
        *_who("recorded"),
        _marking("intel_reports"),
        sa.CheckConstraint("grading_system IN ('3x5x2', 'admiralty')", name="ck_intel_reports_system"),
        sa.CheckConstraint("handling_code IN ('P', 'C')", name="ck_intel_reports_handling"),
        sa.CheckConstraint(
            "handling_code = 'P' OR handling_conditions IS NOT NULL", name="ck_intel_reports_conditions"
        ),
    )
    op.create_table(
        "intel_report_refs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("intel_reports.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("ref", sa.String(128), nullable=False),
        sa.Column("entity_id", sa.Integer(), sa.ForeignKey("intel_entities.id"), index=True),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.UniqueConstraint("report_id", "kind", "ref", name="uq_intel_report_refs"),
    )
    op.create_table(
        "intel_releases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("intel_reports.id"), nullable=False, index=True),
        sa.Column("from_marking", sa.String(16), nullable=False),
        sa.Column("to_marking", sa.String(16), nullable=False),
        sa.Column("handling_code", sa.String(1), nullable=False),
        sa.Column("conditions", sa.Text()),
        sa.Column("released_by", sa.String(64), nullable=False),
        sa.Column("time", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "intel_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("intel_entities.id"), nullable=False, index=True),
        sa.Column("target_id", sa.Integer(), sa.ForeignKey("intel_entities.id"), nullable=False, index=True),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("valid_from", UtcDateTime()),
        sa.Column("valid_to", UtcDateTime()),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("marking", sa.String(16), nullable=False, index=True),
        *_who("created"),
        _marking("intel_links"),
        sa.CheckConstraint("source_id <> target_id", name="ck_intel_links_not_self"),
    )
    op.create_table(
        "intel_link_reports",
        sa.Column("link_id", sa.Integer(), sa.ForeignKey("intel_links.id"), primary_key=True),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("intel_reports.id"), primary_key=True, index=True),
    )
    op.create_table(
        "investigations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(64), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date()),
        sa.Column("lead", sa.String(64), nullable=False),
        sa.Column("marking", sa.String(16), nullable=False, index=True),
        *_who("created"),
        _marking("investigations"),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_investigations_status"),
        sa.CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="ck_investigations_dates"),
    )
    op.create_table(
        "investigation_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "investigation_id", sa.Integer(), sa.ForeignKey("investigations.id"), nullable=False, index=True
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("ref", sa.String(128), nullable=False),
        *_who("added"),
        sa.UniqueConstraint("investigation_id", "kind", "ref", name="uq_investigation_items"),
    )
    op.create_table(
        "intel_arrests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "investigation_id", sa.Integer(), sa.ForeignKey("investigations.id"), nullable=False, index=True
        ),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("intel_entities.id"), nullable=False, index=True),
        sa.Column("arrested_at", UtcDateTime(), nullable=False, index=True),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("agency", sa.String(64), nullable=False),
        sa.Column("marking", sa.String(16), nullable=False),
        *_who("recorded"),
        _marking("intel_arrests"),
    )
    op.create_table(
        "intel_charges",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("arrest_id", sa.Integer(), sa.ForeignKey("intel_arrests.id"), nullable=False, index=True),
        sa.Column("offence", sa.String(200), nullable=False),
        sa.Column("statute", sa.String(200), nullable=False),
        sa.Column("charged_on", sa.Date(), nullable=False),
        sa.Column("marking", sa.String(16), nullable=False),
        *_who("recorded"),
        _marking("intel_charges"),
    )
    op.create_table(
        "intel_court_outcomes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("charge_id", sa.Integer(), sa.ForeignKey("intel_charges.id"), nullable=False, unique=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("court", sa.String(200), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("marking", sa.String(16), nullable=False),
        *_who("recorded"),
        _marking("intel_court_outcomes"),
        sa.CheckConstraint(
            "outcome IN ('convicted', 'acquitted', 'discontinued')", name="ck_intel_court_outcomes_outcome"
        ),
    )
    op.create_table(
        "evidence_packages",
        sa.Column("package_id", sa.String(36), primary_key=True),
        sa.Column("incident_ref", sa.String(128), nullable=False, index=True),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("head_sha256", sa.String(64), nullable=False),
        sa.Column("manifest_sha256", sa.String(64), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("key_fingerprint", sa.String(64), nullable=False),
        sa.Column("simulated", sa.Boolean(), nullable=False),
        sa.Column("marking", sa.String(16), nullable=False),
        sa.Column("exported_by", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        _marking("evidence_packages"),
    )
    op.create_table(
        "evidence_continuity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "package_id",
            sa.String(36),
            sa.ForeignKey("evidence_packages.package_id"),
            nullable=False,
            index=True,
        ),
        sa.Column("time", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("detail", sa.JSON()),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in APPEND_ONLY:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER trg_{table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION intel_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER trg_{table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION intel_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER trg_{table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION intel_append_only()"
            )
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported stores
        raise NotImplementedError(f"append-only triggers for {dialect}")


def downgrade() -> None:
    for table in (
        "evidence_continuity",
        "evidence_packages",
        "intel_court_outcomes",
        "intel_charges",
        "intel_arrests",
        "investigation_items",
        "investigations",
        "intel_link_reports",
        "intel_links",
        "intel_releases",
        "intel_report_refs",
        "intel_reports",
        "intel_identifiers",
        "intel_entities",
        "intel_sources",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS intel_append_only()")
