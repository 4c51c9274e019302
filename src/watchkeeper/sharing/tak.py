"""TAK out: tracks, incidents, assets and search areas published as Cursor-on-Target, by releasability.

**Sources.** Anything that can say what to show implements ``CotSource`` (``name`` and
``cot_items()``, returning ``CotItem``s, each with its marking). ``PictureSource`` publishes the AIS
picture (the vessels on main); the other capabilities plug theirs in with ``FunctionSource`` and the
helpers ``incident_item``, ``asset_item``, ``search_area_item`` (the lead wires them).

**Markings at the TAK edge.** CoT has no releasability field and TAK servers filter by *groups*, per
connection (a client certificate or login belongs to groups; a TAK server delivers what an input's
groups may see). So a destination is one connection, authenticated into one TAK group, with the
clearance of that group (``TAK_GROUPS``: ``UK-ONLY`` → ``WK-UK-ONLY``, ``UK-FR`` → ``WK-UK-FR``,
``PUBLIC`` → ``WK-PUBLIC``); the publisher sends a destination only the items its clearance may see,
so what a group may not see never leaves the cell. Each event also says its marking (the CoT
``access`` attribute and ``<__watchkeeper marking=… group=…/>``) for the receiving side's records.
Multicast has no groups at all: anyone on the network segment hears it, so a multicast destination
defaults to ``PUBLIC`` and must be given a wider clearance explicitly.

When an item the destination used to receive becomes more restrictive (re-restricted) or disappears,
the destination gets a CoT delete (``t-x-d-d`` with a ``<link uid>``) so it leaves their map.

Times are event time: ``time``/``start`` are the item's time, ``stale`` is ``start + stale_s``.
Wire: CoT XML built with pytak's ``cot_event``/``cot_point``/``cot_detail``; TAK protobuf when the
destination asks (``protocol="proto"``: mesh on UDP, stream on TCP/TLS, via pytak's ``TXWorker`` and
takproto).
"""

from __future__ import annotations

import asyncio
import logging
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from configparser import ConfigParser
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

with warnings.catch_warnings():  # pytak warns at import that aiohttp (its Marti/WebSocket part) is absent
    warnings.simplefilter("ignore")
    import pytak

from watchkeeper.core.marking import Marking, may_see, parse_marking
from watchkeeper.picture.live import LivePicture

log = logging.getLogger(__name__)

TAK_GROUPS: dict[str, str] = {
    Marking.UK_ONLY.value: "WK-UK-ONLY",
    Marking.UK_FR.value: "WK-UK-FR",
    Marking.PUBLIC.value: "WK-PUBLIC",
}
KN_TO_MS = 1852.0 / 3600.0
UID_PREFIX = "watchkeeper"
_SMALL_CRAFT_TYPES = {36, 37}


@dataclass(frozen=True, slots=True)
class CotItem:
    """One thing to show on TAK. Degrees WGS84; course degrees true; speed knots; times UTC event time."""

    uid: str
    cot_type: str
    lat: float
    lon: float
    time: datetime
    marking: str
    stale_s: float = 600.0
    callsign: str | None = None
    remarks: str | None = None
    course_deg: float | None = None
    speed_kn: float | None = None
    ce_m: float | None = None
    polygon: tuple[tuple[float, float], ...] | None = None  # (lat, lon) vertices of an area
    persons: int | None = None
    how: str = "m-g"  # machine-generated (GPS/track); "h-e" for human-entered


class CotSource(Protocol):
    name: str

    def cot_items(self) -> Iterable[CotItem]: ...


@dataclass
class FunctionSource:
    """A source from a function (how another capability plugs in: ``FunctionSource("incidents", f)``)."""

    name: str
    items: Callable[[], Iterable[CotItem]]

    def cot_items(self) -> Iterable[CotItem]:
        return self.items()


class PictureSource:
    """The AIS picture: each vessel with a position, at its effective marking (released or UK-ONLY)."""

    name = "picture"

    def __init__(
        self, picture: LivePicture, marking_of: Callable[[int], str], stale_s: float = 900.0
    ) -> None:
        self.picture = picture
        self.marking_of = marking_of
        self.stale_s = stale_s

    def cot_items(self) -> Iterable[CotItem]:
        for v in list(self.picture.vessels.values()):
            if v.lat is None or v.lon is None:
                continue
            small = v.ship_type in _SMALL_CRAFT_TYPES
            yield CotItem(
                uid=f"{UID_PREFIX}.vessel.{v.mmsi}",
                # 2525 surface: small craft unknown (a potential small-boat contact), others neutral civilian
                cot_type="a-u-S" if small else "a-n-S-C",
                lat=v.lat,
                lon=v.lon,
                time=v.last_seen,
                marking=self.marking_of(v.mmsi),
                stale_s=self.stale_s,
                callsign=(v.name or str(v.mmsi)) + (" (SIMULATED)" if v.simulated else ""),
                remarks=f"MMSI {v.mmsi}" + (f" {v.destination}" if v.destination else ""),
                course_deg=v.cog_deg,
                speed_kn=v.sog_kn,
            )


def incident_item(
    incident_id: str,
    lat: float,
    lon: float,
    time: datetime,
    marking: str,
    title: str,
    persons: int | None = None,
) -> CotItem:
    """A small-boat incident: CoT ``b-r-f-h-c`` (CASEVAC request — every contact is SAR first)."""
    return CotItem(
        f"{UID_PREFIX}.incident.{incident_id}", "b-r-f-h-c", lat, lon, time, marking,
        stale_s=3600.0, callsign=title, persons=persons, how="h-e",
    )  # fmt: skip


def asset_item(
    asset_id: str, domain: str, lat: float, lon: float, time: datetime, marking: str, name: str,
    course_deg: float | None = None, speed_kn: float | None = None,
) -> CotItem:  # fmt: skip
    """An asset of ours: friendly ``a-f-S`` (sea), ``a-f-A`` (air) or ``a-f-G`` (land)."""
    dimension = {"sea": "S", "air": "A", "land": "G"}.get(domain, "G")
    return CotItem(
        f"{UID_PREFIX}.asset.{asset_id}", f"a-f-{dimension}", lat, lon, time, marking,
        callsign=name, course_deg=course_deg, speed_kn=speed_kn,
    )  # fmt: skip


def search_area_item(
    area_id: str,
    ring: Sequence[tuple[float, float]],
    time: datetime,
    marking: str,
    name: str,
    stale_s: float = 3600.0,
) -> CotItem:
    """A search area: a closed ``u-d-f`` shape of (lat, lon) vertices; its point is their centroid."""
    if len(ring) < 3:
        raise ValueError("a search area needs at least three vertices")
    lat = sum(p[0] for p in ring) / len(ring)
    lon = sum(p[1] for p in ring) / len(ring)
    return CotItem(
        f"{UID_PREFIX}.area.{area_id}", "u-d-f", lat, lon, time, marking,
        stale_s=stale_s, callsign=name, polygon=tuple(ring), how="h-e",
    )  # fmt: skip


def _cot_time(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _set_times(event: ET.Element, time: datetime, stale: datetime) -> None:
    event.set("time", _cot_time(time))
    event.set("start", _cot_time(time))
    event.set("stale", _cot_time(stale))


def cot_xml(item: CotItem) -> bytes:
    """The CoT XML event for ``item`` (pytak's builders; event times set from the item)."""
    children: list[ET.Element] = []
    if item.course_deg is not None or item.speed_kn is not None:
        track = ET.Element("track")
        track.set("course", f"{(item.course_deg or 0.0) % 360.0:.1f}")
        track.set("speed", f"{(item.speed_kn or 0.0) * KN_TO_MS:.2f}")
        children.append(track)
    if item.polygon:
        for lat, lon in (*item.polygon, item.polygon[0]):
            link = ET.Element("link")
            link.set("point", f"{lat:.6f},{lon:.6f}")
            children.append(link)
    if item.remarks:
        remarks = ET.Element("remarks")
        remarks.text = item.remarks
        children.append(remarks)
    ext = ET.Element("__watchkeeper")
    ext.set("marking", item.marking)
    ext.set("group", TAK_GROUPS.get(item.marking, ""))
    if item.persons is not None:
        ext.set("persons", str(item.persons))
    children.append(ext)
    detail = pytak.cot_detail(*children, flow_tag=False)
    event = pytak.cot_event(
        lat=item.lat,
        lon=item.lon,
        ce=item.ce_m if item.ce_m is not None else None,
        uid=item.uid,
        stale=int(item.stale_s),
        cot_type=item.cot_type,
        how=item.how,
        detail=detail,
        callsign=item.callsign,
        flow_tag=False,
        access=item.marking,
    )
    _set_times(event, item.time, item.time + timedelta(seconds=item.stale_s))
    frame: bytes = pytak.serialize_cot(event, xml_declaration=False)
    return frame


def delete_xml(uid: str, cot_type: str, time: datetime) -> bytes:
    """A CoT delete (``t-x-d-d``) for ``uid``: the receiving maps drop it."""
    detail = ET.Element("detail")
    link = ET.SubElement(detail, "link")
    link.set("uid", uid)
    link.set("relation", "none")
    link.set("type", cot_type)
    ET.SubElement(detail, "__forcedelete")
    event = pytak.cot_event(
        lat=0.0, lon=0.0, uid=f"{uid}.delete", stale=20, cot_type="t-x-d-d", how="h-g-i-g-o", detail=detail
    )
    _set_times(event, time, time + timedelta(seconds=20))
    frame: bytes = pytak.serialize_cot(event, xml_declaration=False)
    return frame


@dataclass
class TakDestination:
    """One TAK connection: ``url`` as pytak takes it (``tls://host:8089``, ``tcp://…``, ``udp://…``,
    ``udp+wo://239.2.3.1:6969`` for multicast). ``clearance`` is the widest marking it receives;
    ``tls`` holds pytak's TLS settings (``PYTAK_TLS_CLIENT_CERT``, ``…_KEY``, ``…_CAFILE``)."""

    name: str
    url: str
    clearance: str = Marking.PUBLIC.value
    protocol: str = "xml"  # or "proto" (TAK protocol version 1)
    tls: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.clearance = parse_marking(self.clearance).value
        if self.protocol not in ("xml", "proto"):
            raise ValueError(f"TAK destination {self.name}: protocol xml or proto, not {self.protocol!r}")
        if "://" not in self.url:
            raise ValueError(f"TAK destination {self.name}: url {self.url!r} needs a scheme (tcp, tls, udp)")

    @property
    def group(self) -> str:
        return TAK_GROUPS[self.clearance]

    def pytak_config(self) -> Any:
        """pytak's settings for this destination; UDP is made write-only (``udp+wo``): a publisher never
        binds the destination's port to listen on it."""
        scheme, rest = self.url.split("://", 1)
        if scheme.startswith("udp") and "+wo" not in scheme:
            scheme += "+wo"
        url = f"{scheme}://{rest}"
        cfg = ConfigParser(interpolation=None)
        cfg["watchkeeper"] = {
            "COT_URL": url,
            "TAK_PROTO": "1" if self.protocol == "proto" else "0",
            **self.tls,
        }
        return cfg["watchkeeper"]


@dataclass
class _Sent:
    time: datetime
    cot_type: str
    frame: bytes


class TakPublisher:
    """Step-style: ``step()`` gives each destination the frames to send now (pure: no I/O, no clock);
    ``run()`` drives it on a timer and writes through pytak. Unchanged items are re-sent every
    ``refresh_steps`` steps so TAK clients do not see them go stale."""

    def __init__(
        self, destinations: Sequence[TakDestination], sources: Sequence[CotSource], refresh_steps: int = 12
    ) -> None:
        self.destinations = list(destinations)
        self.sources = list(sources)
        self.refresh_steps = refresh_steps
        self._sent: dict[str, dict[str, _Sent]] = {d.name: {} for d in self.destinations}
        self._steps = 0
        self.frames_sent = 0
        self.errors = 0

    def add_source(self, source: CotSource) -> None:
        self.sources.append(source)

    def items(self) -> list[CotItem]:
        out: list[CotItem] = []
        for source in self.sources:
            try:
                out.extend(source.cot_items())
            except Exception:
                log.exception("TAK source %s failed: skipped this round", source.name)
        return out

    def step(self) -> dict[str, list[bytes]]:
        items = self.items()
        refresh = self._steps % self.refresh_steps == 0
        self._steps += 1
        out: dict[str, list[bytes]] = {}
        latest = max((i.time for i in items), default=None)
        built: dict[str, bytes] = {}
        for dest in self.destinations:
            sent = self._sent[dest.name]
            frames: list[bytes] = []
            shown: set[str] = set()
            for item in items:
                if not may_see(dest.clearance, item.marking):
                    continue
                shown.add(item.uid)
                previous = sent.get(item.uid)
                frame = built.get(item.uid)
                if frame is None:
                    frame = built[item.uid] = cot_xml(item)
                if previous is not None and previous.frame == frame and not refresh:
                    continue
                frames.append(frame)
                sent[item.uid] = _Sent(item.time, item.cot_type, frame)
            for uid in [u for u in sent if u not in shown]:
                gone = sent.pop(uid)
                frames.append(delete_xml(uid, gone.cot_type, latest or gone.time))
            out[dest.name] = frames
        return out

    async def run(self, interval_s: float = 5.0, retry_s: float = 2.0, max_retry_s: float = 60.0) -> None:
        """Publish every ``interval_s`` seconds until cancelled; reconnect a destination that fails."""
        workers: dict[str, pytak.TXWorker] = {}
        delay = {d.name: retry_s for d in self.destinations}
        next_try = {d.name: 0.0 for d in self.destinations}
        loop = asyncio.get_running_loop()
        try:
            while True:
                frames = self.step()
                for dest in self.destinations:
                    if dest.name not in workers:
                        if loop.time() < next_try[dest.name]:
                            self._sent[dest.name].clear()  # not delivered: send everything once connected
                            continue
                        try:
                            workers[dest.name] = await _connect(dest)
                            delay[dest.name] = retry_s
                        except (OSError, SyntaxError, ValueError) as exc:
                            log.warning("TAK %s (%s): %s", dest.name, dest.url, exc)
                            next_try[dest.name] = loop.time() + delay[dest.name]
                            delay[dest.name] = min(delay[dest.name] * 2, max_retry_s)
                            self._sent[dest.name].clear()
                            continue
                    try:
                        for frame in frames[dest.name]:
                            await workers[dest.name].send_data(frame)
                            self.frames_sent += 1
                    except (OSError, ConnectionError) as exc:
                        self.errors += 1
                        log.warning("TAK %s lost: %s", dest.name, exc)
                        _close(workers.pop(dest.name))
                        self._sent[dest.name].clear()
                await asyncio.sleep(interval_s)
        finally:
            for worker in workers.values():
                _close(worker)


async def _connect(dest: TakDestination) -> pytak.TXWorker:
    config = dest.pytak_config()
    _reader, writer = await pytak.protocol_factory(config)
    return pytak.TXWorker(asyncio.Queue(), config, writer)


def _close(worker: pytak.TXWorker) -> None:
    writer = worker.writer
    close = getattr(writer, "close", None)
    if close is not None:
        try:
            close()
        except Exception:  # closing a broken connection: nothing more to do
            log.debug("closing TAK writer failed", exc_info=True)
