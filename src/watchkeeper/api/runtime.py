"""What a running service holds: store, bus, live picture, AIS ingestor, background tasks.

The runtime is built once per process (``serve``, ``demo``, tests) and handed to ``create_app``. The
engine is opened (and migrated) at construction; the bus, ingestor and background tasks start with the
app (``start``/``stop`` run in FastAPI's lifespan, or ``serve``'s own loop for a process without the
api role). Background work is registered as coroutine factories (``add_task``) so that it starts inside
the server's event loop. ``roles`` (``api/workers.py``) says which parts this process runs: the
ingestors and listeners only with ``ingest``, the workers with ``tracker``/``alerts``, the live hub with
``api``. A worker that fails sets ``failed`` (the process then exits for its supervisor to restart it).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Engine

from watchkeeper.api.live import PICTURE_SUBJECT, LiveHub
from watchkeeper.api.workers import ROLES, workers_for
from watchkeeper.bus import Bus, connect_bus
from watchkeeper.core.clock import Clock, SystemClock
from watchkeeper.core.errors import ConfigError, DecodeError
from watchkeeper.core.settings import Settings, get_settings
from watchkeeper.core.wire import decode_ais
from watchkeeper.incidents.store import IncidentStore
from watchkeeper.ingest.ais.decoder import FeedResult
from watchkeeper.ingest.pipeline import OBS_AIS_SUBJECT, AisIngestor
from watchkeeper.ingest.radar.live import RadarIngestor
from watchkeeper.ingest.radar.scenario import ScenarioSensors, load_sensors
from watchkeeper.picture.live import LivePicture
from watchkeeper.picture.store import PictureStore
from watchkeeper.sharing.records import register_cell_records
from watchkeeper.sharing.service import SharingService
from watchkeeper.sharing.tak import TakPublisher
from watchkeeper.sharing.wiring import FieldIngestor, install_sharing, open_field_ingestor
from watchkeeper.stats.outcomes import OutcomeProvider
from watchkeeper.store.audit import AuditWriter
from watchkeeper.store.db import open_store
from watchkeeper.store.users import UsersRepo

log = logging.getLogger(__name__)

TaskFactory = Callable[["Runtime"], Awaitable[None]]


class Runtime:
    """The service's parts, wired in one place.

    ``wall_clock`` stamps audit rows and checks token expiry (a fact about the room, not the sea); it
    is injected so tests can move it. The picture itself runs in event time.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        engine: Engine | None = None,
        bus: Bus | None = None,
        wall_clock: Clock | None = None,
        password_hasher: PasswordHasher | None = None,
        roles: frozenset[str] | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.roles: frozenset[str] = frozenset(ROLES) if roles is None else roles
        unknown = self.roles - set(ROLES)
        if unknown:
            raise ConfigError(f"unknown roles {sorted(unknown)}: the roles are {', '.join(ROLES)}")
        # the radars the tracker fuses (WATCHKEEPER_RADARS_FILE, scenario sensors.json format)
        self.radar_sensors: ScenarioSensors | None = (
            load_sensors(self.settings.radars_file) if self.settings.radars_file is not None else None
        )
        self.engine = engine or open_store(self.settings.effective_database_url)
        self._bus = bus
        self.wall_clock: Clock = wall_clock or SystemClock()
        self.users = UsersRepo(self.engine, password_hasher)
        self.audit = AuditWriter(self.engine, self.wall_clock)
        self.picture_store = PictureStore(self.engine)
        self.picture = LivePicture()
        for state in self.picture_store.load_vessels():
            self.picture.vessels[state.mmsi] = state
        # the cell's own incident outcomes, beside the Home Office figures (stats routes)
        self.incident_outcomes: OutcomeProvider | None = IncidentStore(self.engine).outcome_provider()
        # releasability: effective markings, releases, audited reads (sharing/); the live hub filters by it
        self.sharing = SharingService(self.engine, self.audit, self.wall_clock, self.picture)
        register_cell_records(self.sharing, self.engine, self.wall_clock)  # incidents, alerts, tracks, …
        self.live = LiveHub(resolver=self.sharing.live_resolver)
        self.ingestor: AisIngestor | None = None
        self.radar: RadarIngestor | None = None
        self.tracker: Any = None  # the tracker worker's state, once started (tracking.worker)
        self.latest_tracks: dict[str, Any] | None = None  # the last radar scan published (page snapshots)
        self.alerts: Any = None  # the alerts worker's state, once started (alerts.worker)
        self.field: FieldIngestor | None = None  # drones, TAK clients, observer reports (ingest/cot/)
        self._factories: list[tuple[str, TaskFactory, str | None]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._subscriptions: list[Any] = []
        self.started = False
        self.failed: asyncio.Event | None = None  # set when a worker fails (made in start: needs a loop)
        self.failure: BaseException | None = None
        # CoT listeners and TAK out, when configured (WATCHKEEPER_COT_*, _TAK_*); sources plug into self.tak
        self.tak: TakPublisher | None = install_sharing(self)

    @property
    def bus(self) -> Bus:
        if self._bus is None:
            raise RuntimeError("the runtime has not started: no bus yet")
        return self._bus

    @property
    def simulated(self) -> bool:
        """True when any simulated source feeds the picture (the page shows SIMULATED)."""
        return any(v.simulated for v in list(self.picture.vessels.values()))

    @property
    def clock(self) -> datetime | None:
        """Event time of the picture: the latest ``last_seen`` of any vessel (None when empty)."""
        times = [v.last_seen for v in list(self.picture.vessels.values())]
        return max(times) if times else None

    async def ingest_ais(self, source: str, lines: Sequence[bytes], simulated: bool = False) -> FeedResult:
        """Ingest raw AIS lines received now from ``source`` (listeners, the demo feed)."""
        if self.ingestor is None:
            raise RuntimeError("the runtime has not started: no AIS ingestor yet")
        return await self.ingestor.ingest(source, lines, self.wall_clock.now(), simulated=simulated)

    def add_task(self, name: str, factory: TaskFactory, role: str | None = None) -> None:
        """Run ``factory(runtime)`` as a background task once the runtime starts — only in a process
        running ``role`` when one is given (listeners: ``ingest``)."""
        self._factories.append((name, factory, role))
        if self.started and (role is None or role in self.roles):
            self._spawn(name, factory)

    def _spawn(self, name: str, factory: TaskFactory, fatal: bool = False) -> None:
        async def _guarded() -> None:
            try:
                await factory(self)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.exception("background task %s failed", name)
                if fatal:
                    self.failure = exc
                    assert self.failed is not None
                    self.failed.set()

        self._tasks.append(asyncio.create_task(_guarded(), name=name))

    async def _on_ais_elsewhere(self, subject: str, payload: bytes) -> None:
        """The api role without the ingest role: the page's vessels follow ``obs.ais``."""
        try:
            reports = decode_ais(payload)
        except DecodeError as exc:
            log.error("api: %s message dropped: %s", subject, exc)
            return
        self.picture.apply_many(reports)

    async def _on_picture(self, subject: str, payload: bytes) -> None:
        """Every picture change goes to the live clients; the latest radar scan is kept for snapshots."""
        if payload.startswith(b'{"kind": "tracks"') or payload.startswith(b'{"kind":"tracks"'):
            with contextlib.suppress(ValueError):
                self.latest_tracks = json.loads(payload)
        await self.live.handle(subject, payload)

    async def start(self) -> None:
        if self.started:
            return
        self.failed = asyncio.Event()
        if self._bus is None:
            self._bus = await connect_bus(
                self.settings.bus_url, self.settings.bus_namespace, self.settings.bus_replicas
            )
        if "ingest" in self.roles:
            self.ingestor = AisIngestor(
                engine=self.engine, bus=self.bus, picture=self.picture, settings=self.settings
            )
            await self.ingestor.republish_unpublished()
            self.field = open_field_ingestor(self)
            self.radar = RadarIngestor(
                engine=self.engine,
                bus=self.bus,
                settings=self.settings,
                known_sensors=(
                    None if self.radar_sensors is None else {r.sensor_id for r in self.radar_sensors.radars}
                ),
            )
            await self.radar.republish_unpublished()
        if "api" in self.roles:
            self._subscriptions.append(await self.bus.subscribe(PICTURE_SUBJECT, self._on_picture))
            if "ingest" not in self.roles:
                self._subscriptions.append(await self.bus.subscribe(OBS_AIS_SUBJECT, self._on_ais_elsewhere))
                # observer reports come over HTTP: the api process files them (its own field input log)
                self.field = open_field_ingestor(self, log_name="inputlog-field-api")
        self.started = True
        for name, run in workers_for(self.roles):
            self._spawn(name, run, fatal=True)
        for name, factory, role in self._factories:
            if role is None or role in self.roles:
                self._spawn(name, factory)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        if self.ingestor is not None:
            await self.ingestor.close()
            self.ingestor = None
        if self.field is not None:
            await self.field.close()
            self.field = None
        if self.radar is not None:
            await self.radar.close()
            self.radar = None
        for sub in self._subscriptions:
            await sub.unsubscribe()
        self._subscriptions.clear()
        if self._bus is not None:
            await self._bus.close()
        self.started = False
