"""CAT010 — Transmission of Monosensor Surface Movement Data.

EUROCONTROL-SPEC-0149-7, "Part 7: Category 010 Monosensor Surface Movement Data", Edition 1.1
(March 2007). What surface-movement and VTS radars send: target reports (message type 1) with polar
(I040: RHO 1 m, THETA 360/2^16°), WGS-84 (I041: 180/2^31°) or local Cartesian (I042: 1 m) positions,
track number (I161), polar (I200: 2^-14 NM/s) or Cartesian (I202: 0.25 m/s) velocity, target size
(I270), plus start-of-update-cycle (type 2) and status (types 3, 4) messages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar

from watchkeeper.ingest.radar.asterix.framing import AsterixRecord, Category, register
from watchkeeper.ingest.radar.asterix.items import (
    Explicit,
    Extended,
    F,
    Fixed,
    ItemSpec,
    Repetitive,
    mode_s_mb,
    sac_sic,
)

DEG16 = 360 / 2**16
DEG32 = 180 / 2**31


class Cat010MessageType(IntEnum):
    """I010/000 values."""

    TARGET_REPORT = 1
    START_OF_UPDATE_CYCLE = 2
    PERIODIC_STATUS = 3
    EVENT_TRIGGERED_STATUS = 4


I020 = Extended(
    Fixed(1, F("TYP", 8, 6), F("DCR", 5), F("CHN", 4), F("GBS", 3), F("CRT", 2)),
    Fixed(1, F("SIM", 8), F("TST", 7), F("RAB", 6), F("LOP", 5, 4), F("TOT", 3, 2)),
    Fixed(1, F("SPI", 8)),
    name="I010/020",
)
I170 = Extended(
    Fixed(1, F("CNF", 8), F("TRE", 7), F("CST", 6, 5), F("MAH", 4), F("TCC", 3), F("STH", 2)),
    Fixed(1, F("TOM", 8, 7), F("DOU", 6, 4), F("MRS", 3, 2)),
    Fixed(1, F("GHO", 8)),
    name="I010/170",
)

UAP: tuple[tuple[str, ItemSpec] | None, ...] = (
    ("I010", sac_sic()),
    ("I000", Fixed(1, F("MsgTyp", 8, 1, "Message Type"))),
    ("I020", I020),
    ("I140", Fixed(3, F("ToD", 24, 1, "Time of Day", 1 / 128, unit="s"), name="I010/140")),
    (
        "I041",
        Fixed(
            8,
            F("Lat", 64, 33, scale=DEG32, signed=True, unit="deg"),
            F("Lon", 32, 1, scale=DEG32, signed=True, unit="deg"),
            name="I010/041",
        ),
    ),
    (
        "I040",
        Fixed(
            4,
            F("RHO", 32, 17, scale=1.0, unit="m"),
            F("THETA", 16, 1, scale=DEG16, unit="deg"),
            name="I010/040",
        ),
    ),
    (
        "I042",
        Fixed(
            4,
            F("X", 32, 17, scale=1.0, signed=True, unit="m"),
            F("Y", 16, 1, scale=1.0, signed=True, unit="m"),
            name="I010/042",
        ),
    ),
    (
        "I200",
        Fixed(
            4,
            F("GS", 32, 17, "Ground Speed", 2**-14, unit="NM/s"),
            F("TA", 16, 1, "Track Angle", DEG16, unit="deg"),
        ),
    ),
    (
        "I202",
        Fixed(
            4,
            F("Vx", 32, 17, scale=0.25, signed=True, unit="m/s"),
            F("Vy", 16, 1, scale=0.25, signed=True, unit="m/s"),
        ),
    ),
    ("I161", Fixed(2, F("TrkNb", 12, 1, "Track number"))),
    ("I170", I170),
    ("I060", Fixed(2, F("V", 16), F("G", 15), F("L", 14), F("Mode3A", 12, 1, kind="octal"))),
    ("I220", Fixed(3, F("TAddr", 24, 1, "Target Address", kind="hex"))),
    ("I245", Fixed(7, F("STI", 56, 55), F("TId", 48, 1, kind="icao6"))),
    ("I250", mode_s_mb()),
    ("I300", Fixed(1, F("VFI", 8, 1, "Vehicle Fleet Identification"))),
    ("I090", Fixed(2, F("V", 16), F("G", 15), F("FL", 14, 1, "Flight Level", 0.25, True, unit="FL"))),
    ("I091", Fixed(2, F("MHeight", 16, 1, "Measured Height", 6.25, True, unit="ft"))),
    (
        "I270",
        Extended(
            Fixed(1, F("Length", 8, 2, scale=1.0, unit="m")),
            Fixed(1, F("Ori", 8, 2, "Orientation", 360 / 128, unit="deg")),
            Fixed(1, F("Width", 8, 2, scale=1.0, unit="m")),
            name="I010/270",
        ),
    ),
    ("I550", Fixed(1, F("NOGO", 8, 7), F("OVL", 6), F("TSV", 5), F("DIV", 4), F("TTF", 3))),
    ("I310", Fixed(1, F("TRB", 8), F("MSG", 7, 1))),
    (
        "I500",
        Fixed(
            4,
            F("SigmaX", 32, 25, scale=0.25, unit="m"),
            F("SigmaY", 24, 17, scale=0.25, unit="m"),
            F("SigmaXY", 16, 1, scale=0.25, signed=True, unit="m2"),
        ),
    ),
    (
        "I280",
        Repetitive(
            Fixed(
                2,
                F("DRHO", 16, 9, scale=1.0, signed=True, unit="m"),
                F("DTHETA", 8, 1, scale=0.15, signed=True, unit="deg"),
            ),
            name="I010/280",
        ),
    ),
    ("I131", Fixed(1, F("PAM", 8, 1, "Amplitude of Primary Plot"))),
    (
        "I210",
        Fixed(
            2,
            F("Ax", 16, 9, scale=0.25, signed=True, unit="m/s2"),
            F("Ay", 8, 1, scale=0.25, signed=True, unit="m/s2"),
        ),
    ),
    None,
    ("RE", Explicit("I010/RE")),
    ("SP", Explicit("I010/SP")),
)


@dataclass(slots=True)
class Cat010Record(AsterixRecord):
    """A surface-movement target report or service message."""

    category: ClassVar[int] = 10

    @property
    def message_type(self) -> int | None:
        mt = self.items.get("I000")
        return None if mt is None else int(mt["MsgTyp"])

    @property
    def time_of_day_s(self) -> float | None:
        tod = self.items.get("I140")
        return None if tod is None else float(tod["ToD"])

    @property
    def track_number(self) -> int | None:
        tn = self.items.get("I161")
        return None if tn is None else int(tn["TrkNb"])

    @property
    def speed_course(self) -> tuple[float, float] | None:
        """(knots, degrees true) from I200 (polar) or else I202 (Cartesian, m/s)."""
        pol = self.items.get("I200")
        if pol is not None:
            return float(pol["GS"]) * 3600.0, float(pol["TA"])
        cart = self.items.get("I202")
        if cart is not None:
            vx, vy = float(cart["Vx"]), float(cart["Vy"])
            return math.hypot(vx, vy) * 3600 / 1852, math.degrees(math.atan2(vx, vy)) % 360.0
        return None


CATEGORY = Category(10, "1.1", UAP, Cat010Record)
register(CATEGORY)
