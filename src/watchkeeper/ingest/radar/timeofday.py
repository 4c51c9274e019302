"""From a time of day (seconds since midnight UTC) to an absolute UTC time.

ASTERIX Time of Day items (I048/140, I062/070, I010/140, I034/030, I065/030; 1/128 s, wrapping at
86,400 s) and the NMEA ``hhmmss.ss`` fields carry no date. ``TimeOfDayResolver`` combines them with a
reference:

* **Rule.** Each time of day becomes the instant ``midnight(D) + tod`` with ``D`` the one of the
  reference's day, the day before or the day after that lies nearest to the reference (so within
  ±12 h of it). The reference is the packet's capture/receive time when the wire has one (pcap), or
  else the previously resolved time, starting from ``start_date`` at the first report's time of day.
* **Rollover.** A feed crossing midnight goes 86,399.99 → 0.0: the nearest instant to 23:59:59 D is
  00:00 D+1, so the date advances. A late report stamped 23:59:59 after midnight resolves to D, not D+1.
* A gap of more than 12 h without a capture time cannot be told from a rollover: recordings that long
  must be given capture times (pcap) or be split per day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

DAY_S = 86_400.0
HALF_DAY_S = 43_200.0


class TimeOfDayResolver:
    """Stateful: resolves a stream of times of day in arrival order (see the module rule)."""

    def __init__(self, start_date: date | None = None) -> None:
        self._start = start_date
        self._last: datetime | None = None

    @property
    def last(self) -> datetime | None:
        return self._last

    def resolve(self, tod_s: float, reference: datetime | None = None) -> datetime:
        """The UTC instant of ``tod_s``; ``reference`` (aware UTC) is the capture time when known."""
        if not 0.0 <= tod_s < DAY_S + 1.0:  # 24-bit ToD can encode up to 131,072 s: out of range
            raise ValueError(f"time of day {tod_s} s outside one day")
        ref = reference if reference is not None else self._last
        if ref is None:
            if self._start is None:
                raise LookupError("no reference date: give --date or a capture with timestamps")
            result = datetime(self._start.year, self._start.month, self._start.day, tzinfo=UTC) + timedelta(
                seconds=tod_s
            )
        else:
            ref = ref.astimezone(UTC)
            midnight = datetime(ref.year, ref.month, ref.day, tzinfo=UTC)
            result = midnight + timedelta(seconds=tod_s)
            delta = (result - ref).total_seconds()
            if delta > HALF_DAY_S:
                result -= timedelta(days=1)
            elif delta < -HALF_DAY_S:
                result += timedelta(days=1)
        self._last = result
        return result
