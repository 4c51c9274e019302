"""CAT062 — SDPS Track Messages (system tracks).

EUROCONTROL-SPEC-0149-9, "Part 9: Category 062 SDPS Track Messages", Edition 1.18. A surveillance data
processing system's fused tracks: WGS-84 position (I105, 180/2^25 degrees), system Cartesian position
(I100, 0.5 m) and velocity (I185, 0.25 m/s), track number (I040). Items a maritime picture does not use
(flight plan I390, accuracies I500, Mode 5 I110) are framed exactly and kept as hex.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from watchkeeper.ingest.radar.asterix.framing import AsterixRecord, Category, register
from watchkeeper.ingest.radar.asterix.items import (
    Compound,
    Explicit,
    Extended,
    F,
    Fixed,
    ItemSpec,
    Repetitive,
    mode_s_mb,
    sac_sic,
)

NM = 1 / 256
DEG16 = 360 / 2**16
AGE = 0.25  # s, LSB of every age in I290/I295


def _hex(length: int) -> Fixed:
    return Fixed(length)


def _ages(*spec: tuple[str, int]) -> tuple[tuple[str, ItemSpec] | None, ...]:
    return tuple((name, Fixed(n, F(name, 8 * n, 1, scale=AGE, unit="s"))) for name, n in spec)


I080 = Extended(
    Fixed(1, F("MON", 8), F("SPI", 7), F("MRH", 6), F("SRC", 5, 3), F("CNF", 2)),
    Fixed(1, F("SIM", 8), F("TSE", 7), F("TSB", 6), F("FPC", 5), F("AFF", 4), F("STP", 3), F("KOS", 2)),
    Fixed(1, F("AMA", 8), F("MD4", 7, 6), F("ME", 5), F("MI", 4), F("MD5", 3, 2)),
    Fixed(1, F("CST", 8), F("PSR", 7), F("SSR", 6), F("MDS", 5), F("ADS", 4), F("SUC", 3), F("AAC", 2)),
    Fixed(1, F("SDS", 8, 7), F("EMS", 6, 4), F("PFT", 3), F("FPLT", 2)),
    Fixed(1, F("DUPT", 8), F("DUPF", 7), F("DUPM", 6), F("SFC", 5), F("IDD", 4), F("IEC", 3)),
    name="I062/080",
)

I290 = Compound(
    *_ages(("TRK", 1), ("PSR", 1), ("SSR", 1), ("MDS", 1), ("ADS", 2), ("ES", 1), ("VDL", 1)),
    *_ages(("UAT", 1), ("LOP", 1), ("MLT", 1)),
    name="I062/290",
)
I295 = Compound(
    *_ages(*((n, 1) for n in ("MFL", "MD1", "MD2", "MDA", "MD4", "MD5", "MHG"))),
    *_ages(*((n, 1) for n in ("IAS", "TAS", "SAL", "FSS", "TID", "COM", "SAB"))),
    *_ages(*((n, 1) for n in ("ACS", "BVR", "GVR", "RAN", "TAR", "TAN", "GSP"))),
    *_ages(*((n, 1) for n in ("VUN", "MET", "EMC", "POS", "GAL", "PUN", "MB"))),
    *_ages(*((n, 1) for n in ("IAR", "MAC", "BPS"))),
    name="I062/295",
)
I380 = Compound(
    ("ADR", Fixed(3, F("ADR", 24, 1, "Target Address", kind="hex"))),
    ("ID", Fixed(6, F("ACID", 48, 1, "Target Identification", kind="icao6"))),
    ("MHG", Fixed(2, F("MHG", 16, 1, "Magnetic Heading", DEG16, unit="deg"))),
    ("IAS", Fixed(2, F("IM", 16), F("AS", 15, 1, "Air Speed"))),
    ("TAS", Fixed(2, F("TAS", 16, 1, "True Air Speed", 1.0, unit="kt"))),
    ("SAL", Fixed(2, F("SAS", 16), F("SRC", 15, 14), F("Alt", 13, 1, "Altitude", 25.0, True, unit="ft"))),
    (
        "FSS",
        Fixed(2, F("MV", 16), F("AH", 15), F("AM", 14), F("Alt", 13, 1, "Altitude", 25.0, True, unit="ft")),
    ),
    ("TIS", Extended(Fixed(1, F("NAV", 8), F("NVB", 7)))),
    ("TID", Repetitive(_hex(15))),
    (
        "COM",
        Fixed(
            2,
            F("COM", 16, 14),
            F("STAT", 13, 11),
            F("SSC", 8),
            F("ARC", 7),
            F("AIC", 6),
            F("B1A", 5),
            F("B1B", 4, 1),
        ),
    ),
    ("SAB", _hex(2)),
    ("ACS", _hex(7)),
    ("BVR", Fixed(2, F("BVR", 16, 1, "Barometric Vertical Rate", 6.25, True, unit="ft/min"))),
    ("GVR", Fixed(2, F("GVR", 15, 1, "Geometric Vertical Rate", 6.25, True, unit="ft/min"))),
    ("RAN", Fixed(2, F("RAN", 16, 1, "Roll Angle", 0.01, True, unit="deg"))),
    ("TAR", _hex(2)),
    ("TAN", Fixed(2, F("TAN", 16, 1, "Track Angle", DEG16, unit="deg"))),
    ("GSP", Fixed(2, F("GSP", 16, 1, "Ground Speed", 2**-14, True, unit="NM/s"))),
    ("VUN", _hex(1)),
    ("MET", _hex(8)),
    ("EMC", Fixed(1, F("ECAT", 8, 1, "Emitter Category"))),
    (
        "POS",
        Fixed(
            6,
            F("Lat", 48, 25, scale=180 / 2**23, signed=True, unit="deg"),
            F("Lon", 24, 1, scale=180 / 2**23, signed=True, unit="deg"),
        ),
    ),
    ("GAL", Fixed(2, F("GAL", 16, 1, "Geometric Altitude", 6.25, True, unit="ft"))),
    ("PUN", Fixed(1, F("PUN", 4, 1, "Position Uncertainty"))),
    ("MB", mode_s_mb()),
    ("IAR", Fixed(2, F("IAR", 16, 1, "Indicated Airspeed", 1.0, unit="kt"))),
    ("MAC", Fixed(2, F("MAC", 16, 1, "Mach Number", 0.008))),
    ("BPS", Fixed(2, F("BPS", 12, 1, "Barometric Pressure Setting", 0.1, unit="mb"))),
    name="I062/380",
)
I390 = Compound(
    *(
        (name, Repetitive(_hex(4)) if name == "TOD" else _hex(n))
        for name, n in (
            ("TAG", 2),
            ("CSN", 7),
            ("IFI", 4),
            ("FCT", 1),
            ("TAC", 4),
            ("WTC", 1),
            ("DEP", 4),
            ("DST", 4),
            ("RDS", 3),
            ("CFL", 2),
            ("CTL", 2),
            ("TOD", 0),
            ("AST", 6),
            ("STS", 1),
            ("STD", 7),
            ("STA", 7),
            ("PEM", 2),
            ("PEC", 7),
        )
    ),
    name="I062/390",
)
I500 = Compound(
    ("APC", Fixed(4, F("APCX", 32, 17, scale=0.5, unit="m"), F("APCY", 16, 1, scale=0.5, unit="m"))),
    ("COV", Fixed(2, F("COV", 16, 1, scale=0.5, signed=True, unit="m"))),
    (
        "APW",
        Fixed(
            4,
            F("APWLat", 32, 17, scale=180 / 2**25, unit="deg"),
            F("APWLon", 16, 1, scale=180 / 2**25, unit="deg"),
        ),
    ),
    ("AGA", Fixed(1, F("AGA", 8, 1, scale=6.25, unit="ft"))),
    ("ABA", Fixed(1, F("ABA", 8, 1, scale=0.25, unit="FL"))),
    ("ATV", Fixed(2, F("ATVX", 16, 9, scale=0.25, unit="m/s"), F("ATVY", 8, 1, scale=0.25, unit="m/s"))),
    ("AA", Fixed(2, F("AAX", 16, 9, scale=0.25, unit="m/s2"), F("AAY", 8, 1, scale=0.25, unit="m/s2"))),
    ("ARC", Fixed(1, F("ARC", 8, 1, scale=6.25, unit="ft/min"))),
    name="I062/500",
)
I110 = Compound(
    ("SUM", _hex(1)),
    ("PMN", _hex(4)),
    ("POS", _hex(6)),
    ("GA", _hex(2)),
    ("EM1", _hex(2)),
    ("TOS", _hex(1)),
    ("XP", _hex(1)),
    name="I062/110",
)
I340 = Compound(
    ("SID", sac_sic()),
    (
        "POS",
        Fixed(
            4,
            F("RHO", 32, 17, "Measured distance", NM, unit="NM"),
            F("THETA", 16, 1, "Measured azimuth", DEG16, unit="deg"),
        ),
    ),
    ("HEI", Fixed(2, F("HEIGHT", 16, 1, "Measured 3-D Height", 25.0, True, unit="ft"))),
    (
        "MDC",
        Fixed(
            2, F("CV", 16), F("CG", 15), F("ModeC", 14, 1, "Last Measured Mode C Code", 0.25, True, unit="FL")
        ),
    ),
    ("MDA", Fixed(2, F("V", 16), F("G", 15), F("L", 14), F("Mode3A", 12, 1, kind="octal"))),
    ("TYP", Fixed(1, F("TYP", 8, 6), F("SIM", 5), F("RAB", 4), F("TST", 3))),
    name="I062/340",
)

UAP: tuple[tuple[str, ItemSpec] | None, ...] = (
    ("I010", sac_sic()),
    None,
    ("I015", Fixed(1, F("SID", 8, 1, "Service Identification"))),
    ("I070", Fixed(3, F("ToT", 24, 1, "Time Of Track Information", 1 / 128, unit="s"))),
    (
        "I105",
        Fixed(
            8,
            F("Lat", 64, 33, scale=180 / 2**25, signed=True, unit="deg"),
            F("Lon", 32, 1, scale=180 / 2**25, signed=True, unit="deg"),
        ),
    ),
    (
        "I100",
        Fixed(
            6,
            F("X", 48, 25, scale=0.5, signed=True, unit="m"),
            F("Y", 24, 1, scale=0.5, signed=True, unit="m"),
        ),
    ),
    (
        "I185",
        Fixed(
            4,
            F("Vx", 32, 17, scale=0.25, signed=True, unit="m/s"),
            F("Vy", 16, 1, scale=0.25, signed=True, unit="m/s"),
        ),
    ),
    (
        "I210",
        Fixed(
            2,
            F("Ax", 16, 9, scale=0.25, signed=True, unit="m/s2"),
            F("Ay", 8, 1, scale=0.25, signed=True, unit="m/s2"),
        ),
    ),
    ("I060", Fixed(2, F("V", 16), F("G", 15), F("CH", 14), F("Mode3A", 12, 1, kind="octal"))),
    ("I245", Fixed(7, F("STI", 56, 55), F("TId", 48, 1, kind="icao6"))),
    ("I380", I380),
    ("I040", Fixed(2, F("TrkN", 16, 1, "Track number"))),
    ("I080", I080),
    ("I290", I290),
    ("I200", Fixed(1, F("TRANSA", 8, 7), F("LONGA", 6, 5), F("VERTA", 4, 3), F("ADF", 2))),
    ("I295", I295),
    ("I136", Fixed(2, F("MFL", 16, 1, "Measured Flight Level", 25.0, True, unit="ft"))),
    ("I130", Fixed(2, F("Alt", 16, 1, "Altitude", 6.25, True, unit="ft"))),
    (
        "I135",
        Fixed(2, F("QNH", 16), F("CTBA", 15, 1, "Calculated Track Barometric Alt", 25.0, True, unit="ft")),
    ),
    ("I220", Fixed(2, F("RoC", 16, 1, "Rate of Climb/Descent", 6.25, True, unit="ft/min"))),
    ("I390", I390),
    (
        "I270",
        Extended(
            Fixed(1, F("Len", 8, 2, scale=1.0, unit="m")),
            Fixed(1, F("ORI", 8, 2, scale=360 / 128, unit="deg")),
            Fixed(1, F("WIDTH", 8, 2, scale=1.0, unit="m")),
        ),
    ),
    ("I300", Fixed(1, F("VFI", 8, 1))),
    ("I110", I110),
    ("I120", Fixed(2, F("Mode2", 12, 1, kind="octal"))),
    ("I510", Extended(Fixed(3, F("IDENT", 24, 17), F("TRACK", 16, 2)), name="I062/510")),
    ("I500", I500),
    ("I340", I340),
    None,
    None,
    None,
    None,
    None,
    ("RE", Explicit("I062/RE")),
    ("SP", Explicit("I062/SP")),
)


@dataclass(slots=True)
class Cat062Record(AsterixRecord):
    """A system track update."""

    category: ClassVar[int] = 62

    @property
    def time_of_day_s(self) -> float | None:
        tod = self.items.get("I070")
        return None if tod is None else float(tod["ToT"])

    @property
    def track_number(self) -> int | None:
        tn = self.items.get("I040")
        return None if tn is None else int(tn["TrkN"])

    @property
    def lat_lon(self) -> tuple[float, float] | None:
        pos = self.items.get("I105")
        return None if pos is None else (float(pos["Lat"]), float(pos["Lon"]))

    @property
    def velocity_ms(self) -> tuple[float, float] | None:
        """(east, north) m/s from I185."""
        v = self.items.get("I185")
        return None if v is None else (float(v["Vx"]), float(v["Vy"]))

    @property
    def speed_course(self) -> tuple[float, float] | None:
        """(knots, degrees true) from I185."""
        v = self.velocity_ms
        if v is None:
            return None
        return math.hypot(*v) * 3600 / 1852, math.degrees(math.atan2(v[0], v[1])) % 360.0


CATEGORY = Category(62, "1.18", UAP, Cat062Record)
register(CATEGORY)
