"""Fictitious AIS identities (MMSI, name, call sign, ship type, destination) for SIMULATED vessels.

Names are made up from word lists so that the demo picture reads like a real one without naming a
real ship. MMSIs carry a plausible maritime identification digit (MID: 232/235 UK, 226–228 FR, …)
and are unique per target serial.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SHIP_MIDS = (232, 235, 244, 636, 538, 477, 256, 311, 219, 257, 211, 245)
FERRY_MIDS = (235, 228)
FISHING_MIDS = (227, 228, 232, 235)

_ADJ = (
    "NORDIC", "ATLANTIC", "BALTIC", "GOLDEN", "SILVER", "NORTHERN", "CELTIC", "IBERIAN", "ARCTIC",
    "AMBER", "CORAL", "EASTERN", "GRAND", "OCEAN", "POLAR", "ROYAL", "SEA", "STELLAR", "SWIFT", "WESTERN",
)  # fmt: skip
_NOUN = (
    "STAR", "SPIRIT", "PIONEER", "TRADER", "EXPRESS", "HARMONY", "HORIZON", "VOYAGER", "BREEZE",
    "CARRIER", "DAWN", "EAGLE", "FALCON", "GLORY", "MERCHANT", "NAVIGATOR", "PRIDE", "QUEEN", "WAVE",
)  # fmt: skip
_FISHING_NAMES = (
    "MARIE", "JEANNE", "PETIT LOUIS", "SAINTE ANNE", "ESPERANCE", "BON PECHEUR", "GOOD INTENT",
    "PROVIDER", "SEA HARVEST", "KATIE B", "TWO BROTHERS", "ANNE MARIE",
)  # fmt: skip
NE_DESTINATIONS = ("ROTTERDAM", "HAMBURG", "ANTWERP", "BREMERHAVEN", "GDANSK", "FELIXSTOWE")
SW_DESTINATIONS = ("LE HAVRE", "SOUTHAMPTON", "LISBON", "ALGECIRAS", "NEW YORK", "SANTOS")
CARGO_TYPES = (70, 70, 70, 71, 79, 80, 80, 81, 89)
FERRY_TYPE = 60  # passenger
FISHING_TYPE = 30


@dataclass(slots=True)
class Identity:
    """What a type 5 static/voyage message carries."""

    mmsi: int
    name: str
    callsign: str
    ship_type: int
    destination: str
    length_m: int


def _callsign(rng: np.random.Generator) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    chars = [letters[int(i)] for i in rng.integers(0, 26, 3)] + [str(int(d)) for d in rng.integers(0, 10, 3)]
    return "".join(chars)


def _mmsi(mid: int, serial: int) -> int:
    # 7919 is coprime with 10**6: distinct serials below 10**6 give distinct MMSIs per MID
    return mid * 1_000_000 + (serial * 7919 + 104_729) % 1_000_000


def ship_identity(rng: np.random.Generator, serial: int, northbound: bool) -> Identity:
    """A merchant ship in the TSS (cargo or tanker)."""
    dests = NE_DESTINATIONS if northbound else SW_DESTINATIONS
    return Identity(
        mmsi=_mmsi(SHIP_MIDS[int(rng.integers(len(SHIP_MIDS)))], serial),
        name=f"{_ADJ[int(rng.integers(len(_ADJ)))]} {_NOUN[int(rng.integers(len(_NOUN)))]}",
        callsign=_callsign(rng),
        ship_type=CARGO_TYPES[int(rng.integers(len(CARGO_TYPES)))],
        destination=dests[int(rng.integers(len(dests)))],
        length_m=int(rng.integers(90, 300)),
    )


def ferry_identity(rng: np.random.Generator, serial: int, to_calais: bool) -> Identity:
    """A Dover–Calais ro-ro passenger ferry."""
    return Identity(
        mmsi=_mmsi(FERRY_MIDS[int(rng.integers(len(FERRY_MIDS)))], serial),
        name=f"STRAIT {_NOUN[int(rng.integers(len(_NOUN)))]}",
        callsign=_callsign(rng),
        ship_type=FERRY_TYPE,
        destination="CALAIS" if to_calais else "DOVER",
        length_m=int(rng.integers(180, 215)),
    )


def fishing_identity(rng: np.random.Generator, serial: int) -> Identity:
    """An inshore fishing vessel."""
    return Identity(
        mmsi=_mmsi(FISHING_MIDS[int(rng.integers(len(FISHING_MIDS)))], serial),
        name=_FISHING_NAMES[int(rng.integers(len(_FISHING_NAMES)))],
        callsign=_callsign(rng),
        ship_type=FISHING_TYPE,
        destination=("BOULOGNE", "DOVER", "CALAIS", "FOLKESTONE")[int(rng.integers(4))],
        length_m=int(rng.integers(10, 25)),
    )
