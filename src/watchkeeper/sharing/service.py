"""The releasability service: the registry of releasable record types, the release action, audited
reads, desk messages, and the effective marking of records that carry none of their own (vessels).

**Registry.** Each capability registers its record types once (``register(RecordType(...))``): how to
read a record's current marking, optionally how to store a new one on the record, and optionally how to
list its records visible at given markings (the partner API lists every registered type). A type with
no ``apply`` keeps its released marking here (``releases``, loaded at start): that is how the AIS
picture's vessels, which have no marking column, are released one by one. A record of the live core
(incident, alert, track) also says from which event time a release takes effect (``effective_from``,
stored with the release): the live workers and a replay apply it at the first scan after it. A type may
store the whole release with its record (``on_release``: the incident's timeline says who released it,
from what, to what and why). ``sharing.records`` registers the cell's other records.

**Release.** ``release(user, type, id, marking, reason)`` checks the rule (``releasability``), stores
the release (append-only table), applies it, and audits it (action ``release``). A record the user may
not see is "not found" to them, never "forbidden": its existence is not disclosed.

**Audited reads.** ``audit_read`` writes one audit row per request that returned restricted records
(anything not ``PUBLIC``), with the ids (first 50), the count and the most restrictive marking.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Engine

from watchkeeper.core.clock import Clock
from watchkeeper.core.marking import DEFAULT_MARKING, Marking, combine, may_see, parse_marking, rank
from watchkeeper.core.wire import observation_to_dict
from watchkeeper.ingest.cot.store import FieldStore
from watchkeeper.picture.live import LivePicture, vessel_to_dict
from watchkeeper.sharing.releasability import RELEASER_ROLES, release_refusal
from watchkeeper.sharing.store import DeskStore, Release, ReleaseStore
from watchkeeper.store.audit import AuditWriter

INCIDENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
DESK_MARKING = Marking.UK_FR  # messages between the two desks are shared by nature
PARTNER_CEILING = Marking.UK_FR  # the partner API never shows more than what is released to UK-FR


class User(Protocol):
    username: str
    roles: frozenset[str]
    clearance: str


class SharingError(Exception):
    """A refused sharing action; ``status`` is the HTTP status the API answers with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class RecordType:
    """A kind of record that can be released (``vessel``, ``observation``, ``report``, ``incident``…)."""

    name: str
    marking_of: Callable[[str], str | None]  # the record's stored marking; None: no such record
    apply: Callable[[str, str], None] | None = None  # store a new marking on the record itself
    listing: Callable[[Sequence[str]], list[dict[str, Any]]] | None = (
        None  # JSON of records at these markings
    )
    effective_from: Callable[[str], datetime | None] | None = None  # event time a release takes effect after
    on_release: Callable[[Release], None] | None = (
        None  # store the release with the record (instead of apply)
    )

    @property
    def stored_with_record(self) -> bool:
        return self.apply is not None or self.on_release is not None


def partner_markings(clearance: str) -> tuple[str, ...]:
    """What the partner API shows a user: at most UK-FR, at most their clearance."""
    ceiling = min(rank(clearance), rank(PARTNER_CEILING))
    return tuple(m.value for m in Marking if rank(m) <= ceiling)


def visible(clearance: str) -> tuple[str, ...]:
    return tuple(m.value for m in Marking if may_see(clearance, m))


class SharingService:
    def __init__(
        self, engine: Engine, audit: AuditWriter, clock: Clock, picture: LivePicture | None = None
    ) -> None:
        self.engine = engine
        self.audit = audit
        self.clock = clock  # wall clock: releases and messages are facts about the room
        self.picture = picture
        self.field = FieldStore(engine)
        self.releases = ReleaseStore(engine)
        self.desk = DeskStore(engine)
        self._types: dict[str, RecordType] = {}
        self._overrides: dict[tuple[str, str], str] = self.releases.latest()
        self.incident_exists: Callable[[str], bool] | None = None  # wired by the incidents capability
        self.cot_marking: str = DEFAULT_MARKING.value  # what the CoT listeners receive is marked (settings)
        self._register_builtin()

    # ------------------------------------------------------------------ registry
    def register(self, record_type: RecordType) -> None:
        self._types[record_type.name] = record_type

    @property
    def record_types(self) -> tuple[str, ...]:
        return tuple(self._types)

    def marking_of(self, object_type: str, object_id: str) -> str | None:
        """The effective marking of a record (None: no such record, or no such type)."""
        rt = self._types.get(object_type)
        if rt is None:
            return None
        stored = rt.marking_of(object_id)
        if stored is None:
            return None
        if not rt.stored_with_record:
            return self._overrides.get((object_type, object_id), stored)
        return stored

    def overrides(self, object_type: str) -> dict[str, str]:
        """The released marking of every record of a type with no marking of its own that was released."""
        return {oid: m for (otype, oid), m in list(self._overrides.items()) if otype == object_type}

    def releases_of(self, clearance: str, object_type: str, object_id: str) -> list[dict[str, Any]]:
        """A record's releases, newest first, as far as ``clearance`` may see them (a release is seen at
        the more restrictive of its two markings): what a record's detail shows."""
        found = [r.as_dict() for r in self.releases.history(object_type, object_id)]
        return [r for r in found if may_see(clearance, r["marking"])]

    def vessel_marking(self, mmsi: int) -> str:
        return self._overrides.get(("vessel", str(mmsi)), DEFAULT_MARKING.value)

    def vessel_releases(self) -> dict[int, str]:
        """Every vessel whose marking was changed by a release, with its marking now (the others are
        ``DEFAULT_MARKING``): lets a store query keep only the vessels a clearance may see."""
        overrides = list(self._overrides.items())
        return {int(oid): m for (otype, oid), m in overrides if otype == "vessel" and oid.isdigit()}

    def resolve_tracks(self, scan: dict[str, Any] | None) -> dict[str, Any] | None:
        """A radar scan message (``runtime.latest_tracks``) with each released track at its released
        marking (the tracker marks the scans after a release; this covers the scan it had already sent)."""
        released = self.overrides("track")
        if scan is None or not released:
            return scan
        tracks = [
            {**t, "marking": released.get(str(t.get("track_id")), t.get("marking"))} for t in scan["tracks"]
        ]
        return {**scan, "tracks": tracks}

    def live_resolver(self, item: dict[str, Any]) -> str | None:
        """The effective marking of a live-message record whose own may be out of date (vessels)."""
        mmsi = item.get("mmsi")
        if isinstance(mmsi, int) and "obs_id" not in item:
            return self.vessel_marking(mmsi)
        return None

    def _register_builtin(self) -> None:
        f = self.field

        def obs_marking(obs_id: str) -> str | None:
            o = f.observation(obs_id)
            return None if o is None else o.marking

        def obs_listing(markings: Sequence[str]) -> list[dict[str, Any]]:
            return [observation_to_dict(o) for o in f.observations(markings, limit=200)]

        def report_marking(rid: str) -> str | None:
            return f.report_marking(int(rid)) if rid.isdigit() else None

        def attachment_marking(aid: str) -> str | None:
            return f.attachment_marking(int(aid)) if aid.isdigit() else None

        def desk_marking(mid: str) -> str | None:
            return self.desk.marking_of(int(mid)) if mid.isdigit() else None

        self.register(
            RecordType("observation", obs_marking, lambda i, m: f.set_observation_marking(i, m), obs_listing)
        )
        self.register(
            RecordType(
                "report",
                report_marking,
                lambda i, m: f.set_report_marking(int(i), m),
                lambda markings: f.reports(markings),
            )
        )
        self.register(
            RecordType("attachment", attachment_marking, lambda i, m: f.set_attachment_marking(int(i), m))
        )
        self.register(
            RecordType(
                "desk_message",
                desk_marking,
                lambda i, m: self.desk.set_marking(int(i), m),
                lambda markings: self.desk.messages(None, markings, limit=200),
            )
        )
        self.register(RecordType("vessel", self._vessel_exists, None, self._vessel_listing))

    def _vessel_exists(self, mmsi: str) -> str | None:
        if self.picture is None or not mmsi.isdigit() or int(mmsi) not in self.picture.vessels:
            return None
        return DEFAULT_MARKING.value

    def _vessel_listing(self, markings: Sequence[str]) -> list[dict[str, Any]]:
        if self.picture is None:
            return []
        allowed = set(markings)
        out = []
        for (otype, oid), marking in list(self._overrides.items()):
            if otype == "vessel" and marking in allowed:
                v = self.picture.vessels.get(int(oid))
                if v is not None:
                    out.append({**vessel_to_dict(v), "marking": marking})
        return out

    # ------------------------------------------------------------------ release
    def release(self, user: User, object_type: str, object_id: str, target: str, reason: str) -> Release:
        if object_type not in self._types:
            raise SharingError(404, f"no record type {object_type!r}: one of {', '.join(self._types)}")
        if not user.roles & set(RELEASER_ROLES):
            raise SharingError(403, f"releasing needs one of the roles: {', '.join(RELEASER_ROLES)}")
        current = self.marking_of(object_type, object_id)
        if current is None or not may_see(user.clearance, current):
            raise SharingError(404, f"no {object_type} {object_id}")
        refusal = release_refusal(user.roles, user.clearance, current, target, reason)
        if refusal is not None:
            raise SharingError(422, refusal)
        new = parse_marking(target).value
        rt = self._types[object_type]
        after = None if rt.effective_from is None else rt.effective_from(object_id)
        record = self.releases.add(
            object_type, object_id, current, new, user.username, reason.strip(), self.clock.now(), after
        )
        if rt.on_release is not None:
            rt.on_release(record)
        elif rt.apply is not None:
            rt.apply(object_id, new)
        else:
            self._overrides[(object_type, object_id)] = new
        self.audit.write(
            user.username,
            "release",
            object_type,
            object_id,
            {
                "from": current,
                "to": new,
                "reason": reason.strip(),
                "release_id": record.id,
                "marking": combine([current, new]).value,
            },
        )
        return record

    # ------------------------------------------------------------------ reads
    def audit_read(
        self, user: User, object_type: str, records: Iterable[dict[str, Any]], id_key: str = "id"
    ) -> None:
        """One audit row for a request that returned restricted records (not PUBLIC)."""
        restricted = [r for r in records if r.get("marking") != Marking.PUBLIC.value]
        if not restricted:
            return
        ids = [str(r.get(id_key)) for r in restricted]
        self.audit.write(
            user.username,
            "read",
            object_type,
            ids[0] if len(ids) == 1 else None,
            {
                "ids": ids[:50],
                "count": len(ids),
                "marking": combine([str(r["marking"]) for r in restricted]).value,
            },
        )

    def partner_records(self, user: User) -> dict[str, list[dict[str, Any]]]:
        """Every registered type's records released to the partner (at most UK-FR), audited."""
        markings = partner_markings(user.clearance)
        out: dict[str, list[dict[str, Any]]] = {}
        for name, rt in self._types.items():
            if rt.listing is None:
                continue
            records = rt.listing(markings)
            out[name] = records
            self.audit_read(user, name, records, "obs_id" if name == "observation" else "id")
        return out

    # ------------------------------------------------------------------ desk messages
    def _check_incident(self, user: User, incident_id: str) -> None:
        if not INCIDENT_ID.match(incident_id):
            raise SharingError(422, "incident id: 1 to 128 letters, digits or . _ : -")
        if "incident" in self._types:
            marking = self.marking_of("incident", incident_id)
            if marking is None or not may_see(user.clearance, marking):
                raise SharingError(404, f"no incident {incident_id}")
        elif self.incident_exists is not None and not self.incident_exists(incident_id):
            raise SharingError(404, f"no incident {incident_id}")

    @staticmethod
    def desk_of(user: User) -> str:
        """Partner accounts (cleared below UK-ONLY) speak for the French desk; UK staff for the UK desk."""
        return "UK" if may_see(user.clearance, Marking.UK_ONLY) else "FR"

    def post_message(self, user: User, incident_id: str, text: str, lang: str) -> dict[str, Any]:
        self._check_incident(user, incident_id)
        text = text.strip()
        if not text:
            raise SharingError(422, "text: write something")
        if lang not in ("en", "fr"):
            raise SharingError(422, "lang: en or fr")
        message = self.desk.add(
            incident_id, self.desk_of(user), user.username, text, lang, DESK_MARKING.value, self.clock.now()
        )
        self.audit.write(
            user.username,
            "desk_message",
            "incident",
            incident_id,
            {"message_id": message["id"], "desk": message["desk"], "marking": message["marking"]},
        )
        return message

    def messages(self, user: User, incident_id: str, markings: Sequence[str]) -> list[dict[str, Any]]:
        self._check_incident(user, incident_id)
        found = self.desk.messages(incident_id, markings)
        self.audit_read(user, "desk_message", found)
        return found
