"""What comes in and what goes out (pydantic): never the stored rows themselves.

``*In`` models are what a writer sends; ``*Public`` models are what a reader gets, already filtered by
releasability and source protection in ``intel.service``. Times are timezone-aware UTC.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from watchkeeper.core.marking import DEFAULT_MARKING

SourceKind = Literal["human", "technical", "partner", "open_source", "sensor"]
RefKind = Literal["incident", "track", "vessel", "place", "entity"]
MAX_ATTRIBUTES_BYTES = 8192


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("give a time zone (e.g. 2026-11-25T08:00:00Z)")
    return value


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- sources -------------------------------------------------------------------------------------


class SourceIn(_In):
    kind: SourceKind
    identity: str = Field(min_length=1, max_length=4000, description="who the source is: handler only")


class SourcePublic(BaseModel):
    """A source as its handler sees it."""

    id: int
    reference: str
    kind: str
    identity: str
    handler: str
    created_at: datetime


class SourceView(BaseModel):
    """A report's source as a reader sees it: the identity for the handler, ``protected`` otherwise."""

    protected: bool
    id: int | None = None
    reference: str | None = None
    kind: str | None = None
    identity: str | None = None
    handler: str | None = None


# --- reports -------------------------------------------------------------------------------------


class GradingIn(_In):
    system: Literal["3x5x2", "admiralty"] = "3x5x2"
    source: str = Field(min_length=1, max_length=2, description="3x5x2: 1-3; Admiralty: A-F")
    information: str = Field(min_length=1, max_length=2, description="3x5x2: A-E; Admiralty: 1-6")
    handling: str = Field(min_length=1, max_length=2, description="P or C")
    conditions: str | None = Field(None, max_length=2000, description="handling conditions (code C)")


class GradingPublic(BaseModel):
    system: str
    code: str
    source: str
    information: str
    handling: str
    conditions: str | None
    meaning: dict[str, str]


class ReportRefIn(_In):
    kind: RefKind
    ref: str = Field(min_length=1, max_length=128)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)


class ReportRefPublic(BaseModel):
    kind: str
    ref: str
    lat: float | None = None
    lon: float | None = None
    name: str | None = None  # the entity's name when kind is "entity"


class ReportIn(_In):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20000)
    information_time: datetime | None = None
    grading: GradingIn
    source_id: int
    marking: str = DEFAULT_MARKING.value
    refs: list[ReportRefIn] = Field(default_factory=list, max_length=200)

    _tz = field_validator("information_time")(_aware)


class ReleaseIn(_In):
    marking: str = Field(description="the wider marking to release the report to, e.g. UK-FR")


class ReleasePublic(BaseModel):
    from_marking: str
    to_marking: str
    handling_code: str
    conditions: str | None
    released_by: str
    time: datetime


class ReportSummary(BaseModel):
    id: int
    reference: str
    title: str
    grading: str
    handling: str
    marking: str
    information_time: datetime | None
    recorded_at: datetime


class ReportPublic(BaseModel):
    id: int
    reference: str
    title: str
    body: str
    information_time: datetime | None
    grading: GradingPublic
    source: SourceView
    marking: str
    recorded_by: str
    recorded_at: datetime
    refs: list[ReportRefPublic]
    releases: list[ReleasePublic]


# --- entities and links ----------------------------------------------------------------------------


class IdentifierIn(_In):
    kind: str = Field(min_length=1, max_length=32)
    value: str = Field(min_length=1, max_length=64)


class IdentifierPublic(BaseModel):
    kind: str
    value: str
    normalised: str


class EntityIn(_In):
    kind: str
    name: str = Field(min_length=1, max_length=200)
    attributes: dict[str, Any] = Field(default_factory=dict)
    notes: str = Field("", max_length=20000)
    marking: str = DEFAULT_MARKING.value
    identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=50)

    @field_validator("attributes")
    @classmethod
    def _small_json(cls, value: dict[str, Any]) -> dict[str, Any]:
        try:
            size = len(json.dumps(value))
        except (TypeError, ValueError):
            raise ValueError("attributes must be plain JSON") from None
        if size > MAX_ATTRIBUTES_BYTES:
            raise ValueError(f"attributes larger than {MAX_ATTRIBUTES_BYTES} bytes")
        return value


class EntityPublic(BaseModel):
    id: int
    kind: str
    name: str
    attributes: dict[str, Any]
    notes: str
    marking: str
    identifiers: list[IdentifierPublic]
    created_by: str
    created_at: datetime


class LinkIn(_In):
    source_id: int
    target_id: int
    type: str
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    note: str = Field("", max_length=4000)
    marking: str = DEFAULT_MARKING.value
    report_ids: list[int] = Field(default_factory=list, max_length=100)

    _tz = field_validator("valid_from", "valid_to")(_aware)


class LinkPublic(BaseModel):
    id: int
    source_id: int
    target_id: int
    type: str
    valid_from: datetime | None
    valid_to: datetime | None
    note: str
    marking: str
    report_ids: list[int]
    created_by: str
    created_at: datetime


class EntityDetail(EntityPublic):
    links: list[LinkPublic]
    reports: list[ReportSummary]


# --- search and network ----------------------------------------------------------------------------


class SearchHit(BaseModel):
    type: Literal["report", "entity", "investigation"]
    id: int
    label: str
    marking: str
    match: str


class SearchResult(BaseModel):
    query: str
    hits: list[SearchHit]


class NetworkNode(BaseModel):
    id: int
    kind: str
    name: str
    marking: str
    degree: float
    betweenness: float
    eigenvector: float
    community: int
    cut_vertex: bool
    key_facilitator: bool


class NetworkEdge(BaseModel):
    id: int
    source: int
    target: int
    type: str
    marking: str
    report_ids: list[int]


class FacilitatorPublic(BaseModel):
    id: int
    name: str
    kind: str
    rank: int
    betweenness: float
    degree: float
    communities_reached: list[int]
    cut_vertex: bool
    reasons: list[str]


class NetworkPublic(BaseModel):
    method: str
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    communities: list[list[int]]
    modularity: float
    facilitators: list[FacilitatorPublic]
    reports: list[ReportSummary]


# --- investigations and justice ----------------------------------------------------------------------

ItemKind = Literal["entity", "report", "incident", "evidence"]
Outcome = Literal["convicted", "acquitted", "discontinued"]


class InvestigationIn(_In):
    reference: str = Field(min_length=1, max_length=64, description="operation name or case number")
    title: str = Field(min_length=1, max_length=200)
    summary: str = Field("", max_length=20000)
    opened_on: date
    lead: str | None = Field(None, max_length=64, description="lead officer (default: the creator)")
    marking: str = DEFAULT_MARKING.value


class InvestigationClose(_In):
    closed_on: date


class ItemIn(_In):
    kind: ItemKind
    ref: str = Field(min_length=1, max_length=128)


class ItemPublic(BaseModel):
    kind: str
    ref: str
    label: str | None
    added_by: str
    added_at: datetime


class ArrestIn(_In):
    person_id: int
    arrested_at: datetime
    place: str = Field("", max_length=200)
    agency: str = Field(min_length=1, max_length=64, description="e.g. NCA, Kent Police, PAF, OCRIEST")
    marking: str | None = Field(None, description="default: the investigation's marking")

    _tz = field_validator("arrested_at")(_aware)


class ChargeIn(_In):
    offence: str = Field(min_length=1, max_length=200)
    statute: str = Field("", max_length=200)
    charged_on: date


class OutcomeIn(_In):
    outcome: Outcome
    decided_on: date
    court: str = Field("", max_length=200)
    sentence: str = Field("", max_length=4000)


class OutcomePublic(BaseModel):
    id: int
    outcome: str
    decided_on: date
    court: str
    sentence: str


class ChargePublic(BaseModel):
    id: int
    arrest_id: int
    offence: str
    statute: str
    charged_on: date
    marking: str
    outcome: OutcomePublic | None


class ArrestPublic(BaseModel):
    id: int
    investigation_id: int
    person_id: int | None  # None when the person's entity is above the viewer's clearance
    person_name: str | None
    arrested_at: datetime
    place: str
    agency: str
    marking: str
    charges: list[ChargePublic]


class InvestigationSummary(BaseModel):
    id: int
    reference: str
    title: str
    status: str
    opened_on: date
    closed_on: date | None
    lead: str
    marking: str


class InvestigationPublic(InvestigationSummary):
    summary: str
    items: list[ItemPublic]
    arrests: list[ArrestPublic]


class Figures(BaseModel):
    """The cell's justice figures, computed from the records the viewer may see."""

    period_from: date | None
    period_to: date | None
    live_investigations: int
    investigations_opened: int
    investigations_closed: int
    arrests: int
    persons_arrested: int
    charges: int
    convictions: int
    persons_convicted: int
    acquittals: int
    discontinued: int
