"""CAT048 — Monoradar Target Reports.

EUROCONTROL-SPEC-0149-4, "Part 4: Category 048 Monoradar Target Reports", Edition 1.21 (UAP and item
layouts below follow that edition's §4 and §5). Plots and local tracks of one radar, position in polar
co-ordinates (RHO 1/256 NM, THETA 360/2^16 degrees) from the radar.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from watchkeeper.ingest.radar.asterix.framing import AsterixRecord, Category, register
from watchkeeper.ingest.radar.asterix.items import (
    Compound,
    Explicit,
    Extended,
    F,
    Fixed,
    Repetitive,
    mode_s_mb,
    sac_sic,
)

NM = 1 / 256
DEG16 = 360 / 2**16


def _confidence(hi_spare: int) -> Fixed:
    names = ("QA4", "QA2", "QA1", "QB4", "QB2", "QB1", "QC4", "QC2", "QC1", "QD4", "QD2", "QD1")
    return Fixed(2, *(F(n, 12 - i) for i, n in enumerate(names)))


I020 = Extended(
    Fixed(1, F("TYP", 8, 6), F("SIM", 5), F("RDP", 4), F("SPI", 3), F("RAB", 2)),
    Fixed(1, F("TST", 8), F("XPP", 6), F("ME", 5), F("MI", 4), F("FOEFRI", 3, 2, "FOE/FRI")),
    name="I048/020",
)
I130 = Compound(
    ("SRL", Fixed(1, F("SRL", 8, 1, "SSR Plot Runlength", 360 / 2**13, unit="deg"))),
    ("SRR", Fixed(1, F("SRR", 8, 1, "SSR-Number of received reply"))),
    ("SAM", Fixed(1, F("SAM", 8, 1, "SSR-Reply amplitude", 1.0, True, unit="dBm"))),
    ("PRL", Fixed(1, F("PRL", 8, 1, "Primary Plot Runlength", 360 / 2**13, unit="deg"))),
    ("PAM", Fixed(1, F("PAM", 8, 1, "Amplitude of Primary plot", 1.0, True, unit="dBm"))),
    ("RPD", Fixed(1, F("RPD", 8, 1, "Difference in Range between PSR and SSR plot", NM, True, unit="NM"))),
    ("APD", Fixed(1, F("APD", 8, 1, "Difference in Azimuth between PSR and SSR plot", 360 / 2**14, True))),
    name="I048/130",
)
I120 = Compound(
    (
        "CAL",
        Fixed(
            2,
            F("D", 16, 16, "Doppler Speed Validation"),
            F("CAL", 10, 1, "Calculated Doppler Speed", 1.0, True),
        ),
    ),
    (
        "RDS",
        Repetitive(
            Fixed(
                6,
                F("DOP", 48, 33, "Doppler speed", 1.0),
                F("AMB", 32, 17, "Ambiguity", 1.0),
                F("FRQ", 16, 1, "Transmitted Frequency", 1.0),
            )
        ),
    ),
    name="I048/120",
)
I170 = Extended(
    Fixed(1, F("CNF", 8), F("RAD", 7, 6), F("DOU", 5), F("MAH", 4), F("CDM", 3, 2)),
    Fixed(1, F("TRE", 8), F("GHO", 7), F("SUP", 6), F("TCC", 5)),
    name="I048/170",
)

UAP = (
    ("I010", sac_sic()),
    ("I140", Fixed(3, F("ToD", 24, 1, "Time Of Day", 1 / 128, unit="s"), name="I048/140")),
    ("I020", I020),
    (
        "I040",
        Fixed(
            4,
            F("RHO", 32, 17, scale=NM, unit="NM"),
            F("THETA", 16, 1, scale=DEG16, unit="deg"),
            name="I048/040",
        ),
    ),
    (
        "I070",
        Fixed(2, F("V", 16), F("G", 15), F("L", 14), F("Mode3A", 12, 1, "Mode-3/A reply code", kind="octal")),
    ),
    ("I090", Fixed(2, F("V", 16), F("G", 15), F("FL", 14, 1, "FlightLevel", 0.25, True, unit="FL"))),
    ("I130", I130),
    ("I220", Fixed(3, F("ACAddr", 24, 1, "AircraftAddress", kind="hex"))),
    (
        "I240",
        Fixed(
            6,
            F(
                "TId",
                48,
                1,
                "Characters 1-8 (coded on 6 bits each) defining target identification",
                kind="icao6",
            ),
        ),
    ),
    ("I250", mode_s_mb()),
    ("I161", Fixed(2, F("TN", 12, 1, "Track Number"))),
    (
        "I042",
        Fixed(
            4,
            F("X", 32, 17, "X component", 1 / 128, True, unit="NM"),
            F("Y", 16, 1, "Y component", 1 / 128, True, unit="NM"),
        ),
    ),
    (
        "I200",
        Fixed(
            4,
            F("CGS", 32, 17, "Calculated groundspeed", 2**-14 * 3600, unit="kt"),
            F("CHdg", 16, 1, "Calculated heading", DEG16, unit="deg"),
        ),
    ),
    ("I170", I170),
    (
        "I210",
        Fixed(
            4,
            F("SigmaX", 32, 25, scale=1 / 128),
            F("SigmaY", 24, 17, scale=1 / 128),
            F("SigmaV", 16, 9, "Sigma Groundspeed", 2**-14 * 3600),
            F("SigmaH", 8, 1, "Sigma Heading", 360 / 2**12),
        ),
    ),
    ("I030", Extended(Fixed(1, F("WE", 8, 2, "Warning/error condition value")), name="I048/030")),
    ("I080", _confidence(1)),
    (
        "I100",
        Fixed(
            4,
            F("V", 32),
            F("G", 31),
            F("ModeC", 28, 17, "Mode-C reply in Gray notation"),
            F("QC1", 12),
            F("QA1", 11),
            F("QC2", 10),
            F("QA2", 9),
            F("QC4", 8),
            F("QA4", 7),
            F("QB1", 6),
            F("QD1", 5),
            F("QB2", 4),
            F("QD2", 3),
            F("QB4", 2),
            F("QD4", 1),
        ),
    ),
    ("I110", Fixed(2, F("3D_Height", 14, 1, scale=25.0, signed=True, unit="ft"))),
    ("I120", I120),
    (
        "I230",
        Fixed(
            2,
            F("COM", 16, 14),
            F("STAT", 13, 11),
            F("SI", 10, 10, "SI/II Transponder Capability"),
            F("ModeSSSC", 8, 8, "ModeS Specific Service Capability"),
            F("ARC", 7, 7, "Altitude reporting capability"),
            F("AIC", 6, 6, "Aircraft identification capability"),
            F("BDS16", 5, 5, "BDS 1,0 bit 16"),
            F("BDS37", 4, 1, "BDS 1,0 bits 37/40"),
        ),
    ),
    ("I260", Fixed(7, F("ACASRA", 56, 1, "ACAS Resolution Advisory Report", kind="hex"))),
    ("I055", Fixed(1, F("V", 8), F("G", 7), F("L", 6), F("Mode1", 5, 1, "Mode-1 code"))),
    ("I050", Fixed(2, F("V", 16), F("G", 15), F("L", 14), F("Mode2", 12, 1, "Mode-2 code", kind="octal"))),
    ("I065", Fixed(1, F("QA4", 5), F("QA2", 4), F("QA1", 3), F("QB2", 2), F("QB1", 1))),
    ("I060", _confidence(1)),
    ("SP", Explicit("I048/SP")),
    ("RE", Explicit("I048/RE")),
)


@dataclass(slots=True)
class Cat048Record(AsterixRecord):
    """A monoradar target report (plot or local track)."""

    category: ClassVar[int] = 48

    @property
    def time_of_day_s(self) -> float | None:
        tod = self.items.get("I140")
        return None if tod is None else float(tod["ToD"])

    @property
    def rho_nm(self) -> float | None:
        pos = self.items.get("I040")
        return None if pos is None else float(pos["RHO"])

    @property
    def theta_deg(self) -> float | None:
        pos = self.items.get("I040")
        return None if pos is None else float(pos["THETA"])

    @property
    def track_number(self) -> int | None:
        tn = self.items.get("I161")
        return None if tn is None else int(tn["TN"])


CATEGORY = Category(48, "1.21", UAP, Cat048Record)
register(CATEGORY)
