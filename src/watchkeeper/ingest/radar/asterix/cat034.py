"""CAT034 — Transmission of Monoradar Service Messages.

EUROCONTROL-SPEC-0149-2B, "Part 2b: Category 034 Transmission of Monoradar Service Messages",
Edition 1.27. North Marker (message type 1) and Sector Crossing (type 2) messages give the antenna's
scan boundaries: the tracker may close a scan on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar

from watchkeeper.ingest.radar.asterix.framing import AsterixRecord, Category, register
from watchkeeper.ingest.radar.asterix.items import Compound, Explicit, F, Fixed, Repetitive, sac_sic

NM = 1 / 256
DEG16 = 360 / 2**16


class Cat034MessageType(IntEnum):
    """I034/000 values."""

    NORTH_MARKER = 1
    SECTOR_CROSSING = 2
    GEOGRAPHICAL_FILTERING = 3
    JAMMING_STROBE = 4


I050 = Compound(
    (
        "COM",
        Fixed(
            1,
            F("NOGO", 8, 8, "Operational Release Status of the System"),
            F("RDPC", 7, 7, "Radar Data Processor Chain Selection Status"),
            F("RDPR", 6, 6, "Event to signal a reset/restart of the selected Radar Data Processor Chain"),
            F("OVLRDP", 5, 5, "Radar Data Processor Overload Indicator"),
            F("OVLXMT", 4, 4, "Transmission Subsystem Overload Status"),
            F("MSC", 3, 3, "Monitoring System Connected Status"),
            F("TSV", 2, 2, "Time Source Validity"),
        ),
    ),
    None,
    None,
    (
        "PSR",
        Fixed(
            1,
            F("PSRANT", 8, 8, "Selected PSR antenna"),
            F("PSRCHAB", 7, 6, "PSR Channel A/B selection status"),
            F("PSROVL", 5, 5, "PSSR Overload condition"),
            F("PSRMSC", 4, 4, "PSSR Monitoring System Connected Status"),
        ),
    ),
    (
        "SSR",
        Fixed(
            1,
            F("SSRANT", 8, 8, "Selected SSR antenna"),
            F("SSRCHAB", 7, 6, "SSR Channel A/B selection status"),
            F("SSROVL", 5, 5, "SSR Overload condition"),
            F("SSRMSC", 4, 4, "SSR Monitoring System Connected Status"),
        ),
    ),
    (
        "MDS",
        Fixed(
            2,
            F("MDSANT", 16, 16, "Mode S Selected antenna"),
            F("MDSCHAB", 15, 14, "Mode S Channel A/B selection status for surveillance"),
            F("MDSOVLSUR", 13, 13, "Mode S Overload condition"),
            F("MDSMSC", 12, 12, "Mode S Monitoring System Connected Status"),
            F("MDSSCF", 11, 11, "Mode S Channel A/B sellection for Surveillance Co-ordination Function"),
            F("MDSDLF", 10, 10, "Mode S Channel A/B sellection for Data Link Function"),
            F("MDSOVLSCF", 9, 9, "Mode S Overload in Surveillance Co-ordination Function"),
            F("MDSOVLDLF", 8, 8, "Mode S Overload in Data Link Function"),
        ),
    ),
    None,
    name="I034/050",
)
I060 = Compound(
    (
        "COM",
        Fixed(
            1,
            F("REDRDP", 7, 5, "Reduction Steps in use for an overload of the RDP"),
            F("REDXMT", 4, 2, "Reduction Steps in use for an overload of the Transmission subsystem"),
        ),
    ),
    None,
    None,
    (
        "PSR",
        Fixed(
            1,
            F("POL", 8, 8, "Polarization in use by PSR"),
            F("PSRREDRAD", 7, 5, "Reduction Steps in use as result of an overload within the PSR subsystem"),
            F("STC", 4, 3, "Sensitivity Time Control Map in use"),
        ),
    ),
    (
        "SSR",
        Fixed(
            1,
            F("SSRREDRAD", 8, 6, "Reduction Steps in use as result of an overload within the SSR subsystem"),
        ),
    ),
    (
        "MDS",
        Fixed(
            1,
            F(
                "MDSREDRAD",
                8,
                6,
                "Reduction Steps in use as result of an overload within the Mode S subsystem",
            ),
            F("CLU", 5, 5, "Cluster State"),
        ),
    ),
    None,
    name="I034/060",
)

UAP = (
    ("I010", sac_sic()),
    ("I000", Fixed(1, F("MsgTyp", 8, 1, "Message Type"))),
    ("I030", Fixed(3, F("ToD", 24, 1, "Time of day", 1 / 128, unit="s"))),
    ("I020", Fixed(1, F("Azi", 8, 1, "Antenna azimuth", 360 / 2**8, unit="deg"))),
    ("I041", Fixed(2, F("RotS", 16, 1, "Antenna rotation speed", 1 / 128, unit="s"))),
    ("I050", I050),
    ("I060", I060),
    (
        "I070",
        Repetitive(
            Fixed(2, F("TYP", 16, 12, "Type of message counter"), F("counter", 11, 1, "Counter value"))
        ),
    ),
    (
        "I100",
        Fixed(
            8,
            F("RhoS", 64, 49, "Rho start", NM),
            F("RhoE", 48, 33, "Rho end", NM),
            F("ThetaS", 32, 17, "Theta start", DEG16),
            F("ThetaE", 16, 1, "Theta end", DEG16),
        ),
    ),
    ("I110", Fixed(1, F("TYP", 8, 1))),
    (
        "I120",
        Fixed(
            8,
            F(
                "Height",
                64,
                49,
                "Signed Height of the Data Source, expressed in meters above WGS 84 reference ellipsoid.",
                1.0,
                True,
                unit="m",
            ),
            F("LAT", 48, 25, "Latitude in WGS-84", 180 / 2**23, True, unit="deg"),
            F("Lon", 24, 1, "Longitude in WGS-84", 180 / 2**23, True, unit="deg"),
        ),
    ),
    (
        "I090",
        Fixed(
            2,
            F("RngErr", 16, 9, "Range Error", 1 / 128, True, unit="NM"),
            F("AziErr", 8, 1, "Azimuth Error", 360 / 2**14, True, unit="deg"),
        ),
    ),
    ("RE", Explicit("I034/RE")),
    ("SP", Explicit("I034/SP")),
)


@dataclass(slots=True)
class Cat034Record(AsterixRecord):
    """A monoradar service message: north marker, sector crossing, filtering or jamming strobe."""

    category: ClassVar[int] = 34

    @property
    def message_type(self) -> int | None:
        mt = self.items.get("I000")
        return None if mt is None else int(mt["MsgTyp"])

    @property
    def time_of_day_s(self) -> float | None:
        tod = self.items.get("I030")
        return None if tod is None else float(tod["ToD"])

    @property
    def sector_azimuth_deg(self) -> float | None:
        """Azimuth of the sector just crossed (1.40625° steps); 0 on a north marker."""
        sec = self.items.get("I020")
        return None if sec is None else float(sec["Azi"])

    @property
    def antenna_period_s(self) -> float | None:
        rot = self.items.get("I041")
        return None if rot is None else float(rot["RotS"])


CATEGORY = Category(34, "1.27", UAP, Cat034Record)
register(CATEGORY)
