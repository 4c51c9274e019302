"""Stored intelligence: sources, reports, entities, links, investigations, justice outcomes, evidence.

The schema is made by migration ``0007_intel``. Every row that can leave the service carries a
``marking`` (``core.marking``). Sources are the exception: a source row is never shown to anyone but
its handler (source protection), so it has no marking to filter on.

Append-only: ``intel_releases``, ``evidence_packages`` and ``evidence_continuity`` are never updated
or deleted — the service has no such path and the migration installs triggers (SQLite and
PostgreSQL) that refuse UPDATE and DELETE on them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.store.models import Base, UtcDateTime

APPEND_ONLY_TABLES = ("intel_releases", "evidence_packages", "evidence_continuity")


class IntelSource(Base):
    """Who gave the information. ``identity`` is visible to ``handler`` only."""

    __tablename__ = "intel_sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    handler: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    identity: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class IntelReport(Base):
    __tablename__ = "intel_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    information_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    grading_system: Mapped[str] = mapped_column(String(16), nullable=False)
    source_grade: Mapped[str] = mapped_column(String(1), nullable=False)
    information_grade: Mapped[str] = mapped_column(String(1), nullable=False)
    handling_code: Mapped[str] = mapped_column(String(1), nullable=False)
    handling_conditions: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[int] = mapped_column(ForeignKey("intel_sources.id"), nullable=False, index=True)
    marking: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    recorded_by: Mapped[str] = mapped_column(String(64), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class IntelReportRef(Base):
    """What a report is about: an incident, a track, a vessel, a place or an entity."""

    __tablename__ = "intel_report_refs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("intel_reports.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    ref: Mapped[str] = mapped_column(String(128), nullable=False)
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("intel_entities.id"), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (UniqueConstraint("report_id", "kind", "ref", name="uq_intel_report_refs"),)


class IntelRelease(Base):
    """A report released to a wider marking (append-only): who, when, under which conditions."""

    __tablename__ = "intel_releases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("intel_reports.id"), nullable=False, index=True)
    from_marking: Mapped[str] = mapped_column(String(16), nullable=False)
    to_marking: Mapped[str] = mapped_column(String(16), nullable=False)
    handling_code: Mapped[str] = mapped_column(String(1), nullable=False)
    conditions: Mapped[str | None] = mapped_column(Text)
    released_by: Mapped[str] = mapped_column(String(64), nullable=False)
    time: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class IntelEntity(Base):
    __tablename__ = "intel_entities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    marking: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class IntelIdentifier(Base):
    """Hull and engine serials, phone numbers, registrations, ... of an entity (as written + normalised)."""

    __tablename__ = "intel_identifiers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("intel_entities.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    value: Mapped[str] = mapped_column(String(64), nullable=False)
    normalised: Mapped[str] = mapped_column(String(64), nullable=False)

    __table_args__ = (
        Index("ix_intel_identifiers_normalised", "normalised"),
        UniqueConstraint("entity_id", "kind", "normalised", name="uq_intel_identifiers"),
    )


class IntelLink(Base):
    """``source_id <type> target_id`` between ``valid_from`` and ``valid_to`` (either may be unknown)."""

    __tablename__ = "intel_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("intel_entities.id"), nullable=False, index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("intel_entities.id"), nullable=False, index=True)
    type: Mapped[str] = mapped_column(String(32), nullable=False)
    valid_from: Mapped[datetime | None] = mapped_column(UtcDateTime)
    valid_to: Mapped[datetime | None] = mapped_column(UtcDateTime)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    marking: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class IntelLinkReport(Base):
    """The reports that support a link."""

    __tablename__ = "intel_link_reports"
    link_id: Mapped[int] = mapped_column(ForeignKey("intel_links.id"), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("intel_reports.id"), primary_key=True, index=True)


class Investigation(Base):
    __tablename__ = "investigations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    opened_on: Mapped[date] = mapped_column(Date, nullable=False)
    closed_on: Mapped[date | None] = mapped_column(Date)
    lead: Mapped[str] = mapped_column(String(64), nullable=False)
    marking: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class InvestigationItem(Base):
    """An entity, report, incident or evidence package attached to a case."""

    __tablename__ = "investigation_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investigation_id: Mapped[int] = mapped_column(ForeignKey("investigations.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    ref: Mapped[str] = mapped_column(String(128), nullable=False)
    added_by: Mapped[str] = mapped_column(String(64), nullable=False)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (UniqueConstraint("investigation_id", "kind", "ref", name="uq_investigation_items"),)


class Arrest(Base):
    __tablename__ = "intel_arrests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investigation_id: Mapped[int] = mapped_column(ForeignKey("investigations.id"), nullable=False, index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("intel_entities.id"), nullable=False, index=True)
    arrested_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, index=True)
    place: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    agency: Mapped[str] = mapped_column(String(64), nullable=False)
    marking: Mapped[str] = mapped_column(String(16), nullable=False)
    recorded_by: Mapped[str] = mapped_column(String(64), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class Charge(Base):
    __tablename__ = "intel_charges"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    arrest_id: Mapped[int] = mapped_column(ForeignKey("intel_arrests.id"), nullable=False, index=True)
    offence: Mapped[str] = mapped_column(String(200), nullable=False)
    statute: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    charged_on: Mapped[date] = mapped_column(Date, nullable=False)
    marking: Mapped[str] = mapped_column(String(16), nullable=False)
    recorded_by: Mapped[str] = mapped_column(String(64), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class CourtOutcome(Base):
    """The final outcome of a charge (one per charge): convicted, acquitted, discontinued."""

    __tablename__ = "intel_court_outcomes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    charge_id: Mapped[int] = mapped_column(ForeignKey("intel_charges.id"), nullable=False, unique=True)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    decided_on: Mapped[date] = mapped_column(Date, nullable=False)
    court: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    sentence: Mapped[str] = mapped_column(Text, nullable=False, default="")
    marking: Mapped[str] = mapped_column(String(16), nullable=False)
    recorded_by: Mapped[str] = mapped_column(String(64), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class EvidencePackage(Base):
    """One exported evidence package (append-only): what it holds is fixed by its hashes."""

    __tablename__ = "evidence_packages"
    package_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    incident_ref: Mapped[str] = mapped_column(String(128), nullable=False, index=True)
    scope: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    item_count: Mapped[int] = mapped_column(Integer, nullable=False)
    head_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    manifest_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    file_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    key_fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    simulated: Mapped[bool] = mapped_column(Boolean, nullable=False)
    marking: Mapped[str] = mapped_column(String(16), nullable=False)
    exported_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class ContinuityEvent(Base):
    """Continuity of evidence (append-only): who exported, verified or handed over which package."""

    __tablename__ = "evidence_continuity"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    package_id: Mapped[str] = mapped_column(
        ForeignKey("evidence_packages.package_id"), nullable=False, index=True
    )
    time: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    file_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
