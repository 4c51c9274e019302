"""The SIMULATED scenario engine: a lazy sequence of 2.5 s frames (truth, radar plots, AIS lines).

Frame ``k`` covers event times ``[k·2.5 s, (k+1)·2.5 s)``: the truth at its start, every plot of
both radars whose beam time falls in it, and the AIS sentences due in it (integer seconds, the
tag-block resolution). Motion runs in 0.5 s steps. Events of later frames are always later, so
consumers can stream frames in event-time order with bounded memory.

Randomness: one seed → four independent numpy streams (setup, motion, radar, AIS) from
``SeedSequence(seed).spawn``, so adding clutter does not change the targets' paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from watchkeeper.sim import ais, world
from watchkeeper.sim.radar import ScanPlots, scan
from watchkeeper.sim.targets import STEP_S, Fleet, Kind, Mix, advance, make_fleet
from watchkeeper.sim.world import RADARS, LandMask, Place, Radar

FRAME_S = 2.5
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class SimConfig:
    """What to simulate. ``start`` must be a whole UTC second (tag-block times are whole seconds)."""

    mix: Mix
    duration_s: float
    seed: int
    start: datetime
    clutter_per_scan: float = 20.0
    static_period_s: float = ais.STATIC_PERIOD_S


@dataclass(frozen=True, slots=True)
class Truth:
    """Active targets at a frame's start (arrays aligned; ``serial`` → ``T%04d``)."""

    serial: IntArray
    kind: IntArray
    lat: world.FloatArray
    lon: world.FloatArray
    sog_kn: world.FloatArray
    cog_deg: world.FloatArray
    has_ais: world.BoolArray
    persons: IntArray
    in_coverage: world.BoolArray
    launched_from_beach: world.BoolArray


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame's events; times are milliseconds since ``SimConfig.start``."""

    t0_ms: int
    truth: Truth
    plots: tuple[ScanPlots, ...]  # one per radar, each sorted by time
    ais: list[tuple[int, str]]  # (time ms, line), in time order


class Simulation:
    """Steps a fleet through frames. Deterministic: same config → same frames."""

    def __init__(
        self,
        config: SimConfig,
        land: LandMask | None = None,
        places: tuple[Place, ...] | None = None,
        radars: tuple[Radar, ...] = RADARS,
    ) -> None:
        if config.start.tzinfo is None or config.start.microsecond:
            raise ValueError("start must be an aware UTC datetime on a whole second")
        self.config = config
        self.land = land if land is not None else world.packaged_land()
        self.radars = radars
        setup, self._motion, self._radar, self._ais = (
            np.random.default_rng(s) for s in np.random.SeedSequence(config.seed).spawn(4)
        )
        self.fleet: Fleet = make_fleet(
            setup, config.mix, config.duration_s, self.land, places or world.packaged_places()
        )
        self._unix0 = int(config.start.astimezone(UTC).timestamp())
        self._group = 0

    @property
    def n_frames(self) -> int:
        """Frames at 0, 2.5, …, duration (inclusive, like the shared scenarios' truth)."""
        return int(np.floor(self.config.duration_s / FRAME_S + 1e-9)) + 1

    def frames(self) -> Iterator[Frame]:
        """Lazily simulate and yield every frame in time order."""
        for k in range(self.n_frames):
            t0 = k * FRAME_S
            truth = self._truth()
            plots = tuple(
                scan(self._radar, r, self.fleet, t0, self.config.clutter_per_scan, self.land)
                for r in self.radars
            )
            lines: list[tuple[int, str]] = []
            for j in range(round(FRAME_S / STEP_S)):
                t = t0 + j * STEP_S
                if float(t).is_integer():
                    lines.extend(self._ais_due(int(t)))
                advance(self._motion, self.fleet, t, self.land)
            yield Frame(round(t0 * 1000), truth, plots, lines)

    def _truth(self) -> Truth:
        f = self.fleet
        a = np.flatnonzero(f.active)
        return Truth(
            serial=f.serial[a].copy(),
            kind=f.kind[a].copy(),
            lat=f.lat[a].copy(),
            lon=f.lon[a].copy(),
            sog_kn=f.sog_kn[a].copy(),
            cog_deg=f.cog_deg[a].copy(),
            has_ais=f.has_ais[a],
            persons=f.persons[a].copy(),
            in_coverage=world.in_coverage(f.lon[a], f.lat[a], self.radars),
            launched_from_beach=f.launched_from_beach[a].copy(),
        )

    def _ais_due(self, t_s: int) -> list[tuple[int, str]]:
        """Type 1 reports (and type 5 when due) of AIS vessels due at whole second ``t_s``."""
        f = self.fleet
        due = np.flatnonzero(f.active & (f.ais_due_s <= t_s))
        if not due.size:
            return []
        lat, lon = ais.noisy_position(self._ais, f.lat[due], f.lon[due])
        unix = self._unix0 + t_s
        out: list[tuple[int, str]] = []
        for n, i in enumerate(due):
            identity = f.identities[int(i)]
            if identity is None:
                continue
            status = ais.NAV_FISHING if f.kind[i] == Kind.FISHING else ais.NAV_UNDER_WAY
            line = ais.position_line(
                unix,
                identity.mmsi,
                float(lat[n]),
                float(lon[n]),
                float(f.sog_kn[i]),
                float(f.cog_deg[i]),
                status,
            )
            out.append((t_s * 1000, line))
            f.ais_due_s[i] = t_s + ais.POSITION_PERIOD_S
            if f.static_due_s[i] <= t_s:
                self._group += 1
                eta = self.config.start + timedelta(hours=2 + int(i) % 20)
                out.extend((t_s * 1000, s) for s in ais.static_lines(unix, identity, eta, self._group))
                f.static_due_s[i] = t_s + self.config.static_period_s
        return out
