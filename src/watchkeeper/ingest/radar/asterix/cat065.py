"""CAT065 — SDPS Service Status Messages.

EUROCONTROL-SPEC-0149-15, "Part 15: Category 065 SDPS Service Status Messages", Edition 1.3.
Sent by a surveillance data processing system beside its CAT062 tracks: SDPS status (type 1),
end of batch (type 2), service status report (type 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar

from watchkeeper.ingest.radar.asterix.framing import AsterixRecord, Category, register
from watchkeeper.ingest.radar.asterix.items import Explicit, F, Fixed, sac_sic


class Cat065MessageType(IntEnum):
    """I065/000 values."""

    SDPS_STATUS = 1
    END_OF_BATCH = 2
    SERVICE_STATUS_REPORT = 3


UAP = (
    ("I010", sac_sic()),
    ("I000", Fixed(1, F("Typ", 8, 1, "Message Type"))),
    ("I015", Fixed(1, F("SID", 8, 1, "Service Identification"))),
    ("I030", Fixed(3, F("ToD", 24, 1, "Time Of Message", 1 / 128, unit="s"))),
    ("I020", Fixed(1, F("BTN", 8, 1, "Batch Number"))),
    (
        "I040",
        Fixed(
            1,
            F("NOGO", 8, 7),
            F("OVL", 6, 6, "Overload"),
            F("TSV", 5, 5, "Time Source Status"),
            F("PSS", 4, 3, "Processing System Status"),
        ),
    ),
    ("I050", Fixed(1, F("REPORT", 8, 1, "Service Status Report"))),
    None,
    None,
    None,
    None,
    None,
    ("RE", Explicit("I065/RE")),
    ("SP", Explicit("I065/SP")),
)


@dataclass(slots=True)
class Cat065Record(AsterixRecord):
    """An SDPS service status message."""

    category: ClassVar[int] = 65

    @property
    def message_type(self) -> int | None:
        mt = self.items.get("I000")
        return None if mt is None else int(mt["Typ"])

    @property
    def time_of_day_s(self) -> float | None:
        tod = self.items.get("I030")
        return None if tod is None else float(tod["ToD"])


CATEGORY = Category(65, "1.3", UAP, Cat065Record)
register(CATEGORY)
