"""Our drifting-object types and the OpenDrift Leeway categories that stand for them.

Leeway is the wind-driven drift of an object relative to the surface current, tabulated per
object category as downwind and crosswind linear functions of the 10 m wind speed
(Allen & Plourde 1999, USCG R&D Center CG-D-08-99; Allen 2005, CG-D-05-05; Breivik & Allen 2008,
J. Mar. Syst. 69:99-113). OpenDrift ships the table as ``opendrift/models/OBJECTPROP.DAT``
(85 categories); each row gives, for downwind (DW) and crosswind right/left (CWR/CWL), a slope
(% of wind speed), an offset (cm/s) and the regression's standard error (cm/s).

No category describes a Channel small boat (a 7-10 m unballasted inflatable with a plywood or
slatted floor, an outboard, and 50-60+ people aboard, freeboard of a few tens of centimetres).
``inflatable`` is therefore an equal mix of two categories that bracket it: LIFE-RAFT-NB-1
(no-ballast inflatable life-raft, mean values: the hull form) and REFUGEE-RAFT-1 (the Cuban
refugee raft without sail: a crowded, low-freeboard improvised craft, with the lower downwind
slope of a deep-loaded hull). Seeding half the particles with each widens the cloud to cover both
behaviours instead of pretending to know which holds. The choice is documented in
``docs/design.md`` (Drift) and must be revisited when leeway measurements of these boats are published.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources

from watchkeeper.core.errors import ConfigError


class ObjectType(StrEnum):
    """What is adrift: the values are the CLI's ``--object`` choices."""

    INFLATABLE = "inflatable"
    PIW = "piw"
    LIFERAFT = "liferaft"
    SMALLBOAT = "smallboat"


#: object type -> (Leeway OBJKEY, share of particles). Shares of one type sum to 1.
LEEWAY_CATEGORIES: dict[ObjectType, tuple[tuple[str, float], ...]] = {
    ObjectType.INFLATABLE: (("LIFE-RAFT-NB-1", 0.5), ("REFUGEE-RAFT-1", 0.5)),
    # Person in the water, state unknown (mean values): a casualty from a boat is rarely known to
    # be conscious and vertical, wearing a PFD type III, etc.
    ObjectType.PIW: (("PIW-1", 1.0),),
    # SOLAS life-rafts are deep-ballast; capacity and loading unknown (mean values).
    ObjectType.LIFERAFT: (("LIFE-RAFT-DB-10", 1.0),),
    # Small open boat: outboard runabout skiff (modified-V).
    ObjectType.SMALLBOAT: (("SKIFF-1", 1.0),),
}


@dataclass(frozen=True, slots=True)
class LeewayCoefficients:
    """One OBJECTPROP.DAT row: slopes in % of the 10 m wind speed, offsets and errors in cm/s."""

    index: int
    key: str
    description: str
    downwind_slope_pct: float
    downwind_offset_cms: float
    downwind_std_cms: float
    crosswind_right_slope_pct: float
    crosswind_right_offset_cms: float
    crosswind_right_std_cms: float
    crosswind_left_slope_pct: float
    crosswind_left_offset_cms: float
    crosswind_left_std_cms: float

    def downwind_speed_ms(self, wind_speed_ms: float) -> float:
        """Mean downwind leeway (m/s) at a 10 m wind speed (m/s): slope x U + offset."""
        return (self.downwind_slope_pct * wind_speed_ms + self.downwind_offset_cms) / 100.0

    def simulated_downwind_speed_ms(self, wind_speed_ms: float) -> float:
        """Mean downwind leeway (m/s) of OpenDrift's particles for this category at ``wind_speed_ms``.

        OpenDrift draws each particle's error ``eps ~ N(0, std)`` and applies
        ``(slope + eps/20) x U + offset + eps/2``, redrawing ``eps`` while ``slope + eps/20 < 0``: the
        draws are a normal truncated below ``-20 x slope``, whose mean is
        ``std x pdf(a) / (1 - cdf(a))`` with ``a = -20 x slope / std``. For most categories that is
        nil; for PIW-1 (slope 0.96 %, std 12 cm/s) it adds 1.4 cm/s x (U/20 + 1/2).
        """
        std = self.downwind_std_cms
        if std <= 0:
            return self.downwind_speed_ms(wind_speed_ms)
        a = -20.0 * self.downwind_slope_pct / std
        pdf = math.exp(-a * a / 2.0) / math.sqrt(2.0 * math.pi)
        survival = 0.5 * math.erfc(a / math.sqrt(2.0))
        eps_mean = std * pdf / survival
        return self.downwind_speed_ms(wind_speed_ms) + eps_mean * (wind_speed_ms / 20.0 + 0.5) / 100.0


@lru_cache(maxsize=1)
def leeway_table() -> dict[str, LeewayCoefficients]:
    """The installed OpenDrift OBJECTPROP.DAT, keyed by OBJKEY (three lines per category)."""
    text = resources.files("opendrift.models").joinpath("OBJECTPROP.DAT").read_text(encoding="utf-8")
    lines = text.splitlines()
    table: dict[str, LeewayCoefficients] = {}
    for i in range(len(lines) // 3):
        head = lines[3 * i].split()
        if not head:
            break
        values = [float(v) for v in lines[3 * i + 2].split()]
        table[head[0]] = LeewayCoefficients(i + 1, head[0], lines[3 * i + 1].strip(), *values[:9])
    return table


def categories_for(object_type: ObjectType | str) -> tuple[tuple[LeewayCoefficients, float], ...]:
    """The Leeway categories (with particle shares) for ``object_type``; ``ConfigError`` if unknown."""
    try:
        kind = ObjectType(object_type)
    except ValueError as exc:
        choices = ", ".join(t.value for t in ObjectType)
        raise ConfigError(f"unknown object type {object_type!r} (choose {choices})") from exc
    table = leeway_table()
    return tuple((table[key], share) for key, share in LEEWAY_CATEGORIES[kind])


def mean_downwind_speed_ms(object_type: ObjectType | str, wind_speed_ms: float) -> float:
    """Particle-weighted mean downwind leeway (m/s) of ``object_type`` at ``wind_speed_ms`` (the tables)."""
    return sum(c.downwind_speed_ms(wind_speed_ms) * share for c, share in categories_for(object_type))


def simulated_downwind_speed_ms(object_type: ObjectType | str, wind_speed_ms: float) -> float:
    """As ``mean_downwind_speed_ms``, with OpenDrift's redraw of negative slopes (see the method)."""
    return sum(
        c.simulated_downwind_speed_ms(wind_speed_ms) * share for c, share in categories_for(object_type)
    )
