"""Entities of a smuggling network and the links between them: kinds, identifiers, link types.

Pure validation and normalisation; storage is in ``intel.repo``. Identifiers (hull and engine serial
numbers, phone numbers, IMEIs, vehicle registrations, ...) are stored twice: as written, and
normalised (upper case, no spaces, dashes, dots or slashes) so that ``YAM-40 XWL 1234`` written by a
French officer and ``yam40xwl1234`` typed in Dover find the same engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from watchkeeper.core.errors import WatchkeeperError


class IntelValidationError(WatchkeeperError, ValueError):
    """An entity, link, report or case that is not valid, with the reason."""


class EntityKind(StrEnum):
    PERSON = "person"
    OCG = "ocg"  # organised crime group
    BOAT = "boat"
    ENGINE = "engine"
    VEHICLE = "vehicle"
    PHONE = "phone"
    ADDRESS = "address"
    BEACH = "beach"
    SUPPLIER = "supplier"


class IdentifierKind(StrEnum):
    HULL_SERIAL = "hull_serial"  # builder's serial or ISO 10087 HIN moulded/stamped on the transom
    ENGINE_SERIAL = "engine_serial"  # outboard serial number (maker's plate / stamped on the block)
    ENGINE_MODEL = "engine_model"
    PHONE_NUMBER = "phone_number"  # E.164
    IMEI = "imei"  # 15 digits, Luhn check digit
    VEHICLE_REGISTRATION = "vehicle_registration"
    VIN = "vin"  # ISO 3779, 17 characters, no I, O, Q
    MMSI = "mmsi"
    PASSPORT = "passport"
    COMPANY_NUMBER = "company_number"
    POSTCODE = "postcode"
    OTHER = "other"


# Which identifiers make sense on which entity (anything else is refused with the list).
IDENTIFIERS_BY_KIND: dict[EntityKind, frozenset[IdentifierKind]] = {
    EntityKind.PERSON: frozenset({IdentifierKind.PASSPORT, IdentifierKind.OTHER}),
    EntityKind.OCG: frozenset({IdentifierKind.OTHER}),
    EntityKind.BOAT: frozenset({IdentifierKind.HULL_SERIAL, IdentifierKind.MMSI, IdentifierKind.OTHER}),
    EntityKind.ENGINE: frozenset(
        {IdentifierKind.ENGINE_SERIAL, IdentifierKind.ENGINE_MODEL, IdentifierKind.OTHER}
    ),
    EntityKind.VEHICLE: frozenset(
        {IdentifierKind.VEHICLE_REGISTRATION, IdentifierKind.VIN, IdentifierKind.OTHER}
    ),
    EntityKind.PHONE: frozenset({IdentifierKind.PHONE_NUMBER, IdentifierKind.IMEI, IdentifierKind.OTHER}),
    EntityKind.ADDRESS: frozenset({IdentifierKind.POSTCODE, IdentifierKind.OTHER}),
    EntityKind.BEACH: frozenset({IdentifierKind.OTHER}),
    EntityKind.SUPPLIER: frozenset({IdentifierKind.COMPANY_NUMBER, IdentifierKind.OTHER}),
}


class LinkType(StrEnum):
    """How two entities are connected. Direction reads ``source <type> target``."""

    ASSOCIATE_OF = "associate_of"
    MEMBER_OF = "member_of"  # person -> ocg
    LEADS = "leads"  # person -> ocg
    OWNS = "owns"
    USES = "uses"  # person -> phone / vehicle
    CALLED = "called"  # phone -> phone
    SUPPLIED = "supplied"  # supplier/person -> boat/engine
    BOUGHT = "bought"
    TRANSPORTED = "transported"  # vehicle -> boat/engine (delivery to the coast)
    FITTED_TO = "fitted_to"  # engine -> boat
    LAUNCHED_FROM = "launched_from"  # boat -> beach
    LIVES_AT = "lives_at"  # person -> address
    STORED_AT = "stored_at"  # boat/engine -> address
    REGISTERED_TO = "registered_to"  # vehicle/phone -> person/address
    SEEN_WITH = "seen_with"


_STRIP = re.compile(r"[\s\-./]+")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_ALNUM = re.compile(r"^[A-Z0-9]+$")

_SERIALS = frozenset(
    {IdentifierKind.HULL_SERIAL, IdentifierKind.ENGINE_SERIAL, IdentifierKind.VEHICLE_REGISTRATION}
)
MAX_NAME = 200
MAX_IDENTIFIER = 64


def luhn_ok(digits: str) -> bool:
    """The Luhn check (ISO/IEC 7812-1 annex B), used by IMEIs (3GPP TS 23.003 §6.2.1)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def normalise_identifier(kind: IdentifierKind, value: str) -> str:
    """The searchable form of ``value``; ``IntelValidationError`` when it cannot be that kind."""
    raw = value.strip()
    if not raw:
        raise IntelValidationError(f"{kind.value}: empty identifier")
    if len(raw) > MAX_IDENTIFIER:
        raise IntelValidationError(f"{kind.value}: longer than {MAX_IDENTIFIER} characters")
    if kind is IdentifierKind.PHONE_NUMBER:
        compact = re.sub(r"[\s\-.()]", "", raw)
        if compact.startswith("00"):
            compact = "+" + compact[2:]
        if not _E164.match(compact):
            raise IntelValidationError(
                f"phone_number {value!r}: write it in international form (E.164), e.g. +447700900123"
            )
        return compact
    norm = _STRIP.sub("", raw).upper()
    if kind is IdentifierKind.IMEI:
        if not (norm.isdigit() and len(norm) == 15 and luhn_ok(norm)):
            raise IntelValidationError(f"imei {value!r}: 15 digits with a valid Luhn check digit")
    elif kind is IdentifierKind.VIN:
        if not _VIN.match(norm):
            raise IntelValidationError(f"vin {value!r}: 17 characters, letters I, O and Q not used")
    elif kind is IdentifierKind.MMSI:
        if not (norm.isdigit() and len(norm) == 9):
            raise IntelValidationError(f"mmsi {value!r}: 9 digits")
    elif kind in _SERIALS and not _ALNUM.match(norm):
        raise IntelValidationError(f"{kind.value} {value!r}: letters and digits only (spaces, dashes ok)")
    return norm


@dataclass(frozen=True, slots=True)
class Identifier:
    kind: IdentifierKind
    value: str
    normalised: str


def parse_identifier(entity_kind: EntityKind, kind: str, value: str) -> Identifier:
    try:
        ident_kind = IdentifierKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in IdentifierKind)
        raise IntelValidationError(f"identifier kind {kind!r} unknown: one of {allowed}") from None
    allowed_here = IDENTIFIERS_BY_KIND[entity_kind]
    if ident_kind not in allowed_here:
        names = ", ".join(sorted(k.value for k in allowed_here))
        raise IntelValidationError(f"a {entity_kind.value} has no {ident_kind.value}: one of {names}")
    return Identifier(ident_kind, value.strip(), normalise_identifier(ident_kind, value))


def parse_entity_kind(kind: str) -> EntityKind:
    try:
        return EntityKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in EntityKind)
        raise IntelValidationError(f"entity kind {kind!r} unknown: one of {allowed}") from None


def parse_link_type(kind: str) -> LinkType:
    try:
        return LinkType(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in LinkType)
        raise IntelValidationError(f"link type {kind!r} unknown: one of {allowed}") from None


def check_name(name: str) -> str:
    text = name.strip()
    if not text:
        raise IntelValidationError("a name is needed")
    if len(text) > MAX_NAME:
        raise IntelValidationError(f"name longer than {MAX_NAME} characters")
    return text
