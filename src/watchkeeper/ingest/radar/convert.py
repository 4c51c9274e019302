"""Decoded ASTERIX records → ``core.types.Plot`` (what the tracker consumes).

* CAT048: polar I040 (RHO NM → ``range_m`` ×1852, THETA → ``bearing_deg``), else Cartesian I042;
  I161 → ``sensor_track_id``; I200 → ``sog_kn``/``cog_deg``; I130 PAM (dBm) → ``amplitude``.
* CAT010 (target reports): polar I040 (metres), else Cartesian I042 (metres east/north of the sensor,
  turned into range/bearing), WGS-84 I041 → ``lat``/``lon``; I161, I200/I202, I131 likewise.
* CAT062: WGS-84 I105 → ``lat``/``lon``; a system track has no single radar, so ``range_m`` and
  ``bearing_deg`` are NaN (documented: consumers of system tracks use lat/lon). I040 → track id,
  I185 → speed and course.
* CAT034/CAT065 and CAT010 status messages are service messages: no Plot (``None``).

``sensor_id`` is ``"<SAC>-<SIC>"`` (e.g. ``"25-201"``) or the site name a table maps it to. Event
time is the record's Time of Day resolved by ``TimeOfDayResolver`` (``TimeSource.SENSOR``); a record
without one takes the capture time, flagged ``TimeSource.RECEIVE``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime

from watchkeeper.core.types import Plot, TimeSource
from watchkeeper.ingest.radar.asterix import (
    AsterixRecord,
    Cat010MessageType,
    Cat010Record,
    Cat048Record,
    Cat062Record,
)
from watchkeeper.ingest.radar.timeofday import TimeOfDayResolver

NM_M = 1852.0


def _polar_from_xy(x_m: float, y_m: float) -> tuple[float, float]:
    return math.hypot(x_m, y_m), math.degrees(math.atan2(x_m, y_m)) % 360.0


class AsterixPlotter:
    """Turns records into Plots with resolved event times and mapped sensor names."""

    def __init__(self, resolver: TimeOfDayResolver, sensor_names: Mapping[str, str] | None = None) -> None:
        self.resolver = resolver
        self.sensor_names = dict(sensor_names or {})

    def sensor_id(self, rec: AsterixRecord) -> str:
        key = rec.sensor_key or "unknown"
        return self.sensor_names.get(key, key)

    def event_time(
        self, rec: AsterixRecord, reference: datetime | None
    ) -> tuple[datetime, TimeSource] | None:
        tod = rec.time_of_day_s
        if tod is not None:
            return self.resolver.resolve(tod, reference), TimeSource.SENSOR
        if reference is not None:
            return reference, TimeSource.RECEIVE
        return None

    def plot(
        self, rec: AsterixRecord, reference: datetime | None = None, log_seq: int | None = None
    ) -> Plot | None:
        """The Plot of a target report/track, or ``None`` for service messages and position-less records."""
        if isinstance(rec, Cat048Record):
            return self._cat048(rec, reference, log_seq)
        if isinstance(rec, Cat010Record):
            return self._cat010(rec, reference, log_seq)
        if isinstance(rec, Cat062Record):
            return self._cat062(rec, reference, log_seq)
        if rec.time_of_day_s is not None:
            self.resolver.resolve(rec.time_of_day_s, reference)  # service messages still move the date on
        return None

    def _cat048(self, rec: Cat048Record, reference: datetime | None, log_seq: int | None) -> Plot | None:
        items = rec.items
        pol = items.get("I040")
        if pol is not None:
            rng, brg = float(pol["RHO"]) * NM_M, float(pol["THETA"])
        elif (cart := items.get("I042")) is not None:
            rng, brg = _polar_from_xy(float(cart["X"]) * NM_M, float(cart["Y"]) * NM_M)
        else:
            return None
        when = self.event_time(rec, reference)
        if when is None:
            return None
        vel = items.get("I200")
        chars = items.get("I130")
        tn = items.get("I161")
        return Plot(
            time=when[0],
            sensor_id=self.sensor_id(rec),
            range_m=rng,
            bearing_deg=brg,
            time_source=when[1],
            amplitude=float(chars["PAM"]["PAM"]) if chars is not None and "PAM" in chars else None,
            sensor_track_id=None if tn is None else str(tn["TN"]),
            sog_kn=None if vel is None else float(vel["CGS"]),
            cog_deg=None if vel is None else float(vel["CHdg"]),
            log_seq=log_seq,
        )

    def _cat010(self, rec: Cat010Record, reference: datetime | None, log_seq: int | None) -> Plot | None:
        mt = rec.message_type
        if mt is not None and mt != Cat010MessageType.TARGET_REPORT:
            if rec.time_of_day_s is not None:
                self.resolver.resolve(rec.time_of_day_s, reference)
            return None
        items = rec.items
        lat = lon = None
        if (wgs := items.get("I041")) is not None:
            lat, lon = float(wgs["Lat"]), float(wgs["Lon"])
        if (pol := items.get("I040")) is not None:
            rng, brg = float(pol["RHO"]), float(pol["THETA"])
        elif (cart := items.get("I042")) is not None:
            rng, brg = _polar_from_xy(float(cart["X"]), float(cart["Y"]))
        elif lat is not None:
            rng = brg = math.nan
        else:
            return None
        when = self.event_time(rec, reference)
        if when is None:
            return None
        sc = rec.speed_course
        tn = rec.track_number
        amp = items.get("I131")
        return Plot(
            time=when[0],
            sensor_id=self.sensor_id(rec),
            range_m=rng,
            bearing_deg=brg,
            time_source=when[1],
            lat=lat,
            lon=lon,
            amplitude=None if amp is None else float(amp["PAM"]),
            sensor_track_id=None if tn is None else str(tn),
            sog_kn=None if sc is None else sc[0],
            cog_deg=None if sc is None else sc[1],
            log_seq=log_seq,
        )

    def _cat062(self, rec: Cat062Record, reference: datetime | None, log_seq: int | None) -> Plot | None:
        ll = rec.lat_lon
        if ll is None:
            return None
        when = self.event_time(rec, reference)
        if when is None:
            return None
        sc = rec.speed_course
        tn = rec.track_number
        return Plot(
            time=when[0],
            sensor_id=self.sensor_id(rec),
            range_m=math.nan,
            bearing_deg=math.nan,
            time_source=when[1],
            lat=ll[0],
            lon=ll[1],
            sensor_track_id=None if tn is None else str(tn),
            sog_kn=None if sc is None else sc[0],
            cog_deg=None if sc is None else sc[1],
            log_seq=log_seq,
        )
