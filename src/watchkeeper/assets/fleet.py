"""An ILLUSTRATIVE default fleet for the demo: real base names, plausible kinds and performance.

**This is not a real order of battle.** Names are generic ("Border Force cutter 1"), no real vessel,
aircraft or unit is named, no MMSI is given (set the real one when a real fleet is configured: the
position then follows AIS). Speeds, endurance, crews and capacities are round, plausible figures for
the kind of asset, not the figures of any real one. Every asset made here is stored with
``illustrative = true`` and the page says so.

Bases (harbours, lifeboat stations, airfields, coastal sectors) are real places of the strait.
"""

from __future__ import annotations

from dataclasses import dataclass

from watchkeeper.assets.model import Asset, AssetKind, AssetState
from watchkeeper.core.marking import Marking

ILLUSTRATIVE_NOTE = "ILLUSTRATIVE fleet for the demo: not a real order of battle"


@dataclass(frozen=True, slots=True)
class Base:
    name: str
    lat: float
    lon: float
    nation: str


BASES: dict[str, Base] = {
    b.name: b
    for b in (
        Base("Dover", 51.114, 1.330, "GB"),
        Base("Ramsgate", 51.327, 1.419, "GB"),
        Base("Folkestone", 51.078, 1.192, "GB"),
        Base("Walmer", 51.205, 1.404, "GB"),
        Base("Dungeness", 50.912, 0.978, "GB"),
        Base("Littlestone", 50.978, 0.975, "GB"),
        Base("Lydd", 50.956, 0.939, "GB"),
        Base("Manston", 51.342, 1.346, "GB"),
        Base("Deal", 51.223, 1.402, "GB"),
        Base("Dymchurch", 51.025, 0.994, "GB"),
        Base("Calais", 50.968, 1.862, "FR"),
        Base("Boulogne-sur-Mer", 50.727, 1.588, "FR"),
        Base("Dunkerque", 51.052, 2.364, "FR"),
        Base("Le Touquet", 50.517, 1.621, "FR"),
        Base("Loon-Plage", 50.996, 2.218, "FR"),
        Base("Sangatte", 50.945, 1.753, "FR"),
        Base("Wissant", 50.885, 1.662, "FR"),
        Base("Equihen-Plage", 50.676, 1.572, "FR"),
    )
}

# French coastal sectors held by police units, and the embarkation communes (geo/data/places) in each.
SECTORS: dict[str, tuple[str, ...]] = {
    "Dunkerque–Gravelines": ("Dunkerque", "Loon-Plage", "Gravelines"),
    "Calais–Sangatte": ("Calais", "Sangatte"),
    "Wissant–Wimereux": ("Wissant", "Wimereux"),
    "Boulogne–Hardelot": ("Boulogne-sur-Mer", "Equihen-Plage", "Neufchatel-Hardelot"),
    "Le Touquet–Berck": ("Le Touquet-Paris-Plage", "Berck"),
}


def _asset(
    id_: str,
    name: str,
    kind: AssetKind,
    asset_type: str,
    operator: str,
    base: str,
    max_kn: float,
    cruise_kn: float,
    endurance_h: float,
    crew: int,
    capacity: int,
    marking: Marking,
    at: tuple[float, float] | None = None,
    state: AssetState = AssetState.AVAILABLE,
    sensor_footprint_m: float | None = None,
    sector: str | None = None,
) -> Asset:
    home = BASES[base]
    lat, lon = at or (home.lat, home.lon)
    return Asset(
        id=id_,
        kind=kind,
        lat=lat,
        lon=lon,
        max_kn=max_kn,
        endurance_h=endurance_h,
        capacity_persons=capacity,
        state=state,
        cruise_kn=cruise_kn,
        name=name,
        asset_type=asset_type,
        operator=operator,
        nation=home.nation,
        home_base=home.name,
        home_lat=home.lat,
        home_lon=home.lon,
        crew=crew,
        sensor_footprint_m=sensor_footprint_m,
        sector=sector,
        marking=marking,
        illustrative=True,
    )


def illustrative_fleet() -> list[Asset]:
    """The demo's ILLUSTRATIVE fleet (see the module docstring): 26 assets of the strait's kinds."""
    sea, air, land = AssetKind.SEA, AssetKind.AIR, AssetKind.LAND
    uk, ukfr = Marking.UK_ONLY, Marking.UK_FR
    bf, rnli, pn = "Border Force", "RNLI", "Police nationale"
    fleet = [
        # UK sea
        _asset("BF-CUT-1", "Border Force cutter 1", sea, "Border Force cutter (42 m)", bf, "Dover",
               26, 14, 72, 12, 80, uk, at=(51.02, 1.45)),
        _asset("BF-CUT-2", "Border Force cutter 2", sea, "Border Force cutter (42 m)", bf, "Dover",
               26, 14, 72, 12, 80, uk),
        _asset("BF-CPV-1", "Coastal patrol vessel 1", sea, "Coastal patrol vessel (20 m)", bf, "Dover",
               30, 18, 18, 5, 40, uk),
        _asset("BF-CPV-2", "Coastal patrol vessel 2", sea, "Coastal patrol vessel (20 m)", bf, "Ramsgate",
               30, 18, 18, 5, 40, uk, state=AssetState.MAINTENANCE),
        _asset("RNLI-DOV", "Dover lifeboat", sea, "RNLI all-weather lifeboat (Severn class)", rnli, "Dover",
               25, 20, 12, 7, 60, ukfr),
        _asset("RNLI-RAM", "Ramsgate lifeboat", sea, "RNLI all-weather lifeboat (Trent class)", rnli,
               "Ramsgate", 25, 20, 10, 6, 50, ukfr),
        _asset("RNLI-WAL", "Walmer inshore lifeboat", sea, "RNLI inshore lifeboat (Atlantic 85)", rnli,
               "Walmer", 35, 25, 3, 4, 20, ukfr),
        _asset("RNLI-DUN", "Dungeness lifeboat", sea, "RNLI all-weather lifeboat (Shannon class)", rnli,
               "Dungeness", 25, 20, 10, 6, 50, ukfr),
        _asset("RNLI-LIT", "Littlestone inshore lifeboat", sea, "RNLI inshore lifeboat (Atlantic 85)", rnli,
               "Littlestone", 35, 25, 3, 4, 20, ukfr),
        # French sea
        _asset("FR-PV-1", "Patrouilleur 1", sea, "French patrol vessel", "Marine nationale",
               "Boulogne-sur-Mer", 22, 14, 48, 20, 100, ukfr, at=(50.93, 1.52)),
        _asset("FR-GM-1", "Vedette de gendarmerie 1", sea, "French patrol boat", "Gendarmerie maritime",
               "Calais", 25, 15, 24, 8, 40, ukfr),
        _asset("FR-SNSM-CAL", "Canot SNSM Calais", sea, "French all-weather lifeboat", "SNSM", "Calais",
               22, 16, 10, 8, 50, ukfr),
        _asset("FR-SNSM-BOU", "Canot SNSM Boulogne", sea, "French all-weather lifeboat", "SNSM",
               "Boulogne-sur-Mer", 22, 16, 10, 8, 50, ukfr),
        _asset("FR-SNSM-DK", "Canot SNSM Dunkerque", sea, "French all-weather lifeboat", "SNSM", "Dunkerque",
               22, 16, 10, 8, 50, ukfr),
        # air
        _asset("HMCG-LYD", "Coastguard helicopter", air, "Coastguard SAR helicopter", "HM Coastguard", "Lydd",
               145, 130, 4, 4, 16, ukfr),
        _asset("BF-FW-1", "Patrol aircraft 1", air, "Fixed-wing patrol aircraft", bf, "Manston",
               220, 180, 6, 3, 0, uk, sensor_footprint_m=30_000),
        _asset("UAS-1", "Drone 1", air, "Long-endurance drone (fixed-wing UAS)", bf, "Lydd",
               80, 60, 14, 2, 0, uk, sensor_footprint_m=10_000),
        _asset("FR-HELI-1", "Hélicoptère 1", air, "French SAR helicopter", "Marine nationale", "Le Touquet",
               140, 125, 3.5, 4, 8, ukfr),
        _asset("FR-UAS-1", "Drone police 1", air, "Beach-watch drone", pn, "Calais",
               40, 30, 2, 2, 0, ukfr, sensor_footprint_m=3_000),
        # French police units by sector
        _asset("FR-POL-1", "Unité Dunkerque–Gravelines", land, "Police unit", pn, "Loon-Plage",
               30, 20, 12, 6, 0, ukfr, sector="Dunkerque–Gravelines"),
        _asset("FR-POL-2", "Unité Calais–Sangatte", land, "Police unit", pn, "Sangatte",
               30, 20, 12, 6, 0, ukfr, sector="Calais–Sangatte"),
        _asset("FR-POL-3", "Unité Wissant–Wimereux", land, "Police unit", pn, "Wissant",
               30, 20, 12, 6, 0, ukfr, sector="Wissant–Wimereux"),
        _asset("FR-POL-4", "Unité Boulogne–Hardelot", land, "Police unit", pn, "Equihen-Plage",
               30, 20, 12, 6, 0, ukfr, sector="Boulogne–Hardelot"),
        _asset("FR-POL-5", "Unité Le Touquet–Berck", land, "Police unit", pn, "Le Touquet",
               30, 20, 12, 6, 0, ukfr, sector="Le Touquet–Berck"),
        # Kent beach patrols
        _asset("GB-BP-1", "Beach patrol Dover–Deal", land, "Beach patrol", bf, "Deal",
               30, 20, 12, 2, 0, uk, sector="Dover–Deal"),
        _asset("GB-BP-2", "Beach patrol Folkestone–Dungeness", land, "Beach patrol", bf, "Dymchurch",
               30, 20, 12, 2, 0, uk, sector="Folkestone–Dungeness"),
    ]  # fmt: skip
    return fleet
