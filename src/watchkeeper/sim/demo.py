"""The demo's SIMULATED live feed: AIS sentences and radar plots, lazily, in event-time order.

The picture is a busy but readable night in the Strait of Dover: 25 ships in the TSS lanes, 4
Dover–Calais ferries, 5 fishing boats, and 10 small boats launching from the French coast over the
first 25 minutes (two of them, by chance, may stop and drift). The night starts at
:data:`DEMO_START` (02:00 UTC on 6 October 2026: dark, calm early-autumn weather, the season's busy
crossing period — the night after the shared scenarios', so a scenario replayed into the demo's store
never shares its incident numbers). Every AIS line carries the tag-block source ``s:wk-sim``: it is simulated.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np

from watchkeeper.sim.engine import Frame, SimConfig, Simulation
from watchkeeper.sim.targets import Mix
from watchkeeper.sim.world import LandMask

DEMO_START = datetime(2026, 10, 6, 2, 0, 0, tzinfo=UTC)
DEMO_MIX = Mix(
    small_boats=10, ships=25, ferries=4, fishing=5, stop_frac=0.2, at_sea_frac=0.0, launch_window_s=1500.0
)
DEMO_CLUTTER_PER_SCAN = 8.0
"""Clutter plots per scan per radar in the demo: enough to see that radar is noisy, not a snowstorm."""


def _format_times(start: datetime, ms: np.ndarray) -> list[str]:
    base = np.datetime64(start.astimezone(UTC).replace(tzinfo=None), "ms")
    return [s + "Z" for s in np.datetime_as_string(base + ms.astype("timedelta64[ms]"), unit="ms")]


def frame_events(
    frame: Frame, start: datetime, sensor_ids: tuple[str, ...]
) -> list[tuple[int, int, str, bytes]]:
    """A frame's events as (time ms, tie-break, kind, payload), sorted; AIS before radar on ties."""
    events: list[tuple[int, int, str, bytes]] = [(t, 0, "ais", line.encode("ascii")) for t, line in frame.ais]
    for r, plots in enumerate(frame.plots):
        times = _format_times(start, plots.time_ms)
        sid = sensor_ids[r]
        for i in range(plots.time_ms.size):
            row = f"{times[i]},{sid},{plots.range_m[i]:.1f},{plots.bearing_deg[i]:.3f}"
            events.append((int(plots.time_ms[i]), 1 + r, "radar", row.encode("ascii")))
    events.sort(key=lambda e: (e[0], e[1]))  # stable: a type 5's two lines stay in order
    return events


def demo_simulation(
    seed: int = 7,
    duration_s: float = 3600.0,
    *,
    start: datetime = DEMO_START,
    mix: Mix = DEMO_MIX,
    clutter_per_scan: float = DEMO_CLUTTER_PER_SCAN,
    land: LandMask | None = None,
) -> Simulation:
    """The demo's SIMULATED night (its radars: ``sim.scenario.sensors_json(simulation)``)."""
    return Simulation(
        SimConfig(mix=mix, duration_s=duration_s, seed=seed, start=start, clutter_per_scan=clutter_per_scan),
        land=land,
    )


def demo_feed(
    seed: int = 7,
    duration_s: float = 3600.0,
    *,
    start: datetime = DEMO_START,
    mix: Mix = DEMO_MIX,
    clutter_per_scan: float = DEMO_CLUTTER_PER_SCAN,
    land: LandMask | None = None,
    simulation: Simulation | None = None,
) -> Iterator[tuple[datetime, str, bytes]]:
    """Yield ``(event_time, kind, payload)`` in event-time order, lazily (one 2.5 s frame at a time).

    ``kind`` is ``"ais"`` (payload: one tagged ``!AIVDM`` line, no newline; type 5 messages come as
    two consecutive lines) or ``"radar"`` (payload: ``time_utc,sensor_id,range_m,bearing_deg``, the
    ``plots.csv`` row of the shared scenario format). SIMULATED data. ``land`` defaults to the
    packaged land layer. ``simulation`` replays one made by ``demo_simulation`` (its other arguments
    are then its own).
    """
    sim = simulation or demo_simulation(
        seed, duration_s, start=start, mix=mix, clutter_per_scan=clutter_per_scan, land=land
    )
    start = sim.config.start
    sensor_ids = tuple(r.sensor_id for r in sim.radars)
    for frame in sim.frames():
        for t_ms, _, kind, payload in frame_events(frame, start, sensor_ids):
            yield start + timedelta(milliseconds=t_ms), kind, payload
