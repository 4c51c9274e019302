"""The releasability matrix's seeding registry — **the one place a capability extends**.

The matrix (``test_releasability_matrix.py``) walks every route of the app. Before it does, every
function registered here with ``@seeder`` runs once: it creates records of every marking through the
real repositories or the real API, and says which values to try for the path parameters its routes
take (``ctx.param("report_id", "12", ...)``) and, for a route that answers by its query string, which
queries to walk (``ctx.query("/api/history/area", "bbox=...")``). A route added later is walked
with no change to the test; give its path parameters values here (a parameter with none is reported by
``test_every_path_parameter_has_seed_values``). For routes answering bytes that the JSON walk cannot
read (a photo), ``ctx.binary(path, marking)`` says the marking of what that concrete path serves.

A seeder takes ``SeedContext``: ``ctx.api`` (client, runtime, ``h(user)`` headers), ``ctx.seed_user``
(watch_officer + analyst, UK-ONLY, for seeding), ``ctx.markings`` (every marking).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sharing_helpers import Api, add_incident, photo_b64

from watchkeeper.core.marking import Marking
from watchkeeper.core.types import AisReport, FieldObservation, ObservationKind, TimeSource


@dataclass
class SeedContext:
    api: Api
    seed_user: str
    params: dict[str, list[str]] = field(default_factory=dict)
    binaries: dict[str, str] = field(default_factory=dict)  # concrete path -> marking of what it serves
    queries: dict[str, list[str]] = field(default_factory=dict)  # route path -> query strings to try
    markings: tuple[str, ...] = tuple(m.value for m in Marking)

    def param(self, name: str, *values: object) -> None:
        self.params.setdefault(name, []).extend(str(v) for v in values)

    def binary(self, path: str, marking: str) -> None:
        self.binaries[path] = marking

    def query(self, path: str, *queries: str) -> None:
        """Query strings the walk tries on ``path`` besides the bare path (a route whose answer
        depends on its query, e.g. an area and a time window)."""
        self.queries.setdefault(path, []).extend(queries)


Seeder = Callable[[SeedContext], None]
SEEDERS: list[Seeder] = []


def seeder(fn: Seeder) -> Seeder:
    SEEDERS.append(fn)
    return fn


# ------------------------------------------------------------------ foundation (picture, geography)


@seeder
def picture(ctx: SeedContext) -> None:
    """One vessel per marking: UK-ONLY (the picture's default), one released to UK-FR, one to PUBLIC."""
    rt = ctx.api.runtime
    t = ctx.api.clock.now()
    mmsis = {"UK-ONLY": 227006760, "UK-FR": 235000001, "PUBLIC": 244000002}
    reports = [
        AisReport(m, 1, t, TimeSource.SENSOR, "sim", 50.9 + i / 10, 1.5, 8.0, 45.0)
        for i, m in enumerate(mmsis.values())
    ]
    states = [rt.picture.apply(r) for r in reports]
    rt.picture_store.write(reports, states)
    for marking, mmsi in mmsis.items():
        if marking != "UK-ONLY":
            assert ctx.api.release(ctx.seed_user, "vessel", str(mmsi), marking).status_code == 201
    ctx.param("mmsi", *mmsis.values(), 999999999)


@seeder
def track_history(ctx: SeedContext) -> None:
    """One radar track per marking in the append-only track history, and the latest scan for snapshots."""
    from watchkeeper.tracking.history import TrackHistory

    t = ctx.api.clock.now()
    rows = [
        {
            "track_id": 900 + i, "time": t, "lat": 50.95, "lon": 1.5 + i / 10, "sog_kn": 5.0,
            "cog_deg": 315.0,
            "mmsi": None, "name": None, "dark": True, "p_steady": 0.9, "position_sigma_m": 30.0,
            "simulated": True, "marking": marking,
        }
        for i, marking in enumerate(ctx.markings)
    ]  # fmt: skip
    TrackHistory(ctx.api.runtime.engine).write_rows(rows)
    ctx.api.runtime.latest_tracks = {
        "kind": "tracks",
        "time": t.isoformat(),
        "marking": "UK-ONLY",
        "tracks": [{**r, "time": t.isoformat()} for r in rows],
    }
    ctx.param("track_id", *(r["track_id"] for r in rows), 999999)


@seeder
def history_area(ctx: SeedContext) -> None:
    """Areas and windows over the picture's and the track history's seeded records (every marking)."""
    from urllib.parse import urlencode

    t = ctx.api.clock.now()
    window = {"from": (t - timedelta(hours=1)).isoformat(), "to": (t + timedelta(hours=1)).isoformat()}
    square = [[[1.3, 50.7], [1.9, 50.7], [1.9, 51.3], [1.3, 51.3], [1.3, 50.7]]]
    polygon = json.dumps({"type": "Polygon", "coordinates": square})
    ctx.query(
        "/api/history/area",
        urlencode({"bbox": "1.3,50.7,1.9,51.3", **window}),
        urlencode({"polygon": polygon, **window, "kind": "ais"}),
        urlencode({"polygon": polygon, **window, "kind": "tracks"}),
    )


@seeder
def geography(ctx: SeedContext) -> None:
    ctx.param("name", "tss", "no-such-layer")


# ------------------------------------------------------------------ sharing


@seeder
def sharing(ctx: SeedContext) -> None:
    """Reports (with photos), observations, desk messages and releases of every marking."""
    api = ctx.api
    for marking in ctx.markings:
        resp = api.report(
            ctx.seed_user, marking=marking, persons=12, boat_type="inflatable", text=f"seen ({marking})",
            photo={"filename": "p.png", "content_base64": photo_b64("PNG")},
        )  # fmt: skip
        assert resp.status_code == 201, resp.text
        report = resp.json()
        ctx.param("report_id", report["id"])
        ctx.binary(f"/api/reports/{report['id']}/photo", marking)
    # a report released UK-ONLY -> UK-FR whose photo stays UK-ONLY
    resp = api.report(ctx.seed_user, photo={"filename": "q.jpg", "content_base64": photo_b64("JPEG")})
    report = resp.json()
    assert api.release(ctx.seed_user, "report", str(report["id"]), "UK-FR").status_code == 201
    ctx.param("report_id", report["id"], 987654)
    ctx.binary(f"/api/reports/{report['id']}/photo", "UK-ONLY")
    t = api.clock.now()
    observations = [
        FieldObservation(
            f"cot:seed-{m}",
            ObservationKind.BOAT,
            t,
            TimeSource.SENSOR,
            "cot:udp:4242:10.0.0.9",
            f"drone-{m}",
            51.0,
            1.6,
            marking=m,
            persons=30,
        )
        for m in ctx.markings
    ]
    api.runtime.sharing.field.add_observations(observations)
    ctx.param("obs_id", *(o.obs_id for o in observations), "cot:missing")
    h = api.h(ctx.seed_user)
    for incident, marking in (("INC-SEED-1", "UK-FR"), ("INC-SEED-2", "UK-ONLY")):
        add_incident(api.runtime.engine, incident, marking)
        body = {"text": f"message on {incident}"}
        assert (
            api.client.post(f"/api/sharing/incidents/{incident}/messages", json=body, headers=h).status_code
            == 201
        )
        ctx.param("incident_id", incident)
    # a desk message re-restricted to UK-ONLY
    msgs = api.client.get("/api/sharing/incidents/INC-SEED-2/messages", headers=h).json()["messages"]
    assert api.release(ctx.seed_user, "desk_message", str(msgs[0]["id"]), "UK-ONLY").status_code == 201


# ------------------------------------------------------------------ alerts and incidents


@seeder
def alerts_and_incidents(ctx: SeedContext) -> None:
    """Three boats recorded through the real watch recorder, one per marking: alerts and incidents of each."""
    import sys
    from pathlib import Path

    from watchkeeper.alerts.recorder import WatchRecorder

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "alerts"))
    from alert_helpers import Mover, run

    recorder = WatchRecorder(ctx.api.runtime.engine, simulated=True)
    movers = {
        1: Mover.at(50.97, 1.60, [(120.0, 6.0, 300.0), (300.0, 0.6, 45.0)]),  # stops at sea: distress
        2: Mover.at(50.893, 1.652, [(420.0, 5.0, 315.0)]),  # leaves Wissant: departure
        3: Mover.at(50.80, 1.58, [(420.0, 5.0, 300.0)]),
    }
    watch, _ = run(movers, 420.0, marking={1: "UK-ONLY", 2: "UK-FR", 3: "PUBLIC"}, on_step=recorder.record)
    ctx.param("alert_id", *watch.engine.alerts, "no-such-alert")
    ctx.param("incident_id", *watch.book.by_track.values())


# ------------------------------------------------------------------ intel


@seeder
def intel(ctx: SeedContext) -> None:
    """Sources, entities, reports, links and a case with an arrest and a charge, through /api/intel."""
    api = ctx.api
    h = api.h(ctx.seed_user)

    def post(path: str, body: dict[str, object]) -> dict[str, object]:
        resp = api.client.post(f"/api/intel{path}", json=body, headers=h)
        assert resp.status_code == 201, f"{path}: {resp.text}"
        out: dict[str, object] = resp.json()
        return out

    src = post("/sources", {"kind": "human", "identity": "M., contact via Calais"})["id"]
    grading = {"source": "2", "information": "B", "handling": "P"}
    entities = []
    for m in ctx.markings:
        e = post("/entities", {"kind": "person", "name": f"Organiser {m}", "marking": m})["id"]
        entities.append(e)
        r = post(
            "/reports",
            {"title": f"report {m}", "body": "seen", "grading": grading, "source_id": src, "marking": m},
        )
        ctx.param("report_id", r["id"])
    post(
        "/links",
        {"source_id": entities[1], "target_id": entities[2], "type": "associate_of", "marking": "UK-FR"},
    )
    ctx.param("entity_id", *entities, 999999)
    for m, ref in zip(ctx.markings, ("OP-A", "OP-B", "OP-C"), strict=True):
        inv = post(
            "/investigations",
            {"reference": ref, "title": f"case {m}", "opened_on": "2026-05-01", "marking": m},
        )
        ctx.param("investigation_id", inv["id"])
        if m == "UK-FR":
            arrest = post(
                f"/investigations/{inv['id']}/arrests",
                {"person_id": entities[1], "arrested_at": "2026-06-02T05:00:00Z", "agency": "PAF"},
            )
            charge = post(
                f"/arrests/{arrest['id']}/charges", {"offence": "facilitation", "charged_on": "2026-06-03"}
            )
            ctx.param("arrest_id", arrest["id"])
            ctx.param("charge_id", charge["id"])
    # evidence packages need an ingested AIS feed to export: only an unknown id is walked here
    ctx.param("package_id", "no-such-package")


# ------------------------------------------------------------------ drift and search areas


@seeder
def drift_runs(ctx: SeedContext) -> None:
    """One stored drift run per marking, through the sar model (running OpenDrift here would take minutes)."""
    from sqlalchemy.orm import Session

    from watchkeeper.sar.models import DriftRun

    now = ctx.api.clock.now()
    ids = []
    with Session(ctx.api.runtime.engine) as session, session.begin():
        for m in ctx.markings:
            row = DriftRun(
                created_at=now, created_by=ctx.seed_user, incident_id="INC-SEED-1", marking=m,
                object_type="piw", lat=51.0, lon=1.5, start_time=now, hours=1, particles=10,
                current_model="tidal", wind_model="constant", compute_s=0.1, request={},
                geojson={"type": "FeatureCollection", "features": []}, grids=[], plan=None,
            )  # fmt: skip
            session.add(row)
            session.flush()
            ids.append(row.id)
    ctx.param("run_id", *ids, 999999)


# ------------------------------------------------------------------ assets


@seeder
def assets(ctx: SeedContext) -> None:
    """The illustrative fleet (UK-ONLY and UK-FR assets) plus a PUBLIC one, and a tasking of each marking,
    through the assets registry."""
    from watchkeeper.assets.fleet import illustrative_fleet
    from watchkeeper.assets.model import Asset, AssetKind
    from watchkeeper.assets.registry import AssetRegistry

    registry = AssetRegistry(ctx.api.runtime.engine, ctx.api.clock)
    public = Asset("PUB-1", AssetKind.SEA, 51.0, 1.4, 20, 10, 30, marking=Marking.PUBLIC)
    registry.seed([*illustrative_fleet(), public])
    now = ctx.api.clock.now()
    ids = []
    for asset_id in ("BF-CUT-1", "RNLI-DOV", "PUB-1"):
        t = registry.task(
            asset_id, "INC-SEED-1", now, ctx.seed_user, target={"lat": 51.0, "lon": 1.5}, persons=40,
            eta_s=600.0, eta_time=now, intercept=(51.0, 1.5), route=[[51.0, 1.4], [51.0, 1.5]],
            explanation="seed", conflicts=[], accepted=False,
        )  # fmt: skip
        ids.append(t.id)
    ctx.param("asset_id", "BF-CUT-1", "RNLI-DOV", "PUB-1", "no-such-asset")
    ctx.param("tasking_id", *ids, 999999)


# ------------------------------------------------------------------ releases of the cell's records


RELEASED: dict[str, str] = {}  # record type -> the id of the UK-ONLY record released to UK-FR here
KEPT: dict[str, str] = {}  # record type -> the id of its UK-ONLY twin, never released


@seeder
def released_cell_records(ctx: SeedContext) -> None:
    """A UK-ONLY incident, alert, radar track, asset and drift run released to UK-FR through the API,
    each beside a UK-ONLY twin that is not: the liaison must see the first and never the second."""
    import sys
    from pathlib import Path

    from sqlalchemy.orm import Session

    from watchkeeper.alerts.recorder import WatchRecorder
    from watchkeeper.alerts.watch import Watch
    from watchkeeper.assets.model import Asset, AssetKind
    from watchkeeper.assets.registry import AssetRegistry
    from watchkeeper.sar.models import DriftRun
    from watchkeeper.tracking.history import TrackHistory

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "alerts"))
    from alert_helpers import Mover, run

    api, rt = ctx.api, ctx.api.runtime
    stops = [(120.0, 6.0, 300.0), (300.0, 0.6, 45.0)]  # incident at 60 s, distress alert at 192.5 s
    movers = {41: Mover.at(50.97, 1.60, stops), 42: Mover.at(50.90, 1.45, stops)}
    recorder = WatchRecorder(rt.engine, simulated=True)
    watch, _ = run(
        movers, 300.0, Watch(numbered={"20261005": 500}), marking="UK-ONLY", on_step=recorder.record
    )
    for key, track in (("released", 41), ("kept", 42)):
        into = RELEASED if key == "released" else KEPT
        into["incident"] = watch.book.by_track[track]
        into["alert"] = next(a.alert_id for a in watch.engine.alerts.values() if a.track_id == track)
    t = api.clock.now()
    rows = [
        {"track_id": tid, "time": t, "lat": 50.9, "lon": 1.4, "sog_kn": 4.0, "cog_deg": 300.0, "mmsi": None,
         "name": None, "dark": True, "p_steady": 0.9, "position_sigma_m": 30.0, "simulated": True,
         "marking": "UK-ONLY"}
        for tid in (951, 952)
    ]  # fmt: skip
    TrackHistory(rt.engine).write_rows(rows)
    RELEASED["track"], KEPT["track"] = "951", "952"
    registry = AssetRegistry(rt.engine, api.clock)
    registry.seed(
        [Asset(f"MX-UK-{n}", AssetKind.SEA, 51.0, 1.3, 20, 24, 60, marking=Marking.UK_ONLY) for n in (1, 2)]
    )
    RELEASED["asset"], KEPT["asset"] = "MX-UK-1", "MX-UK-2"
    ids = []
    with Session(rt.engine) as session, session.begin():
        for _ in range(2):
            row = DriftRun(
                created_at=t, created_by=ctx.seed_user, incident_id=RELEASED["incident"], marking="UK-ONLY",
                object_type="piw", lat=51.0, lon=1.5, start_time=t, hours=1, particles=10,
                current_model="tidal", wind_model="constant", compute_s=0.1, request={},
                geojson={"type": "FeatureCollection", "features": []}, grids=[], plan=None,
            )  # fmt: skip
            session.add(row)
            session.flush()
            ids.append(str(row.id))
    RELEASED["drift_run"], KEPT["drift_run"] = ids
    for object_type, object_id in RELEASED.items():
        resp = api.release(ctx.seed_user, object_type, object_id, "UK-FR")
        assert resp.status_code == 201, resp.text
    names = {"incident": "incident_id", "alert": "alert_id", "track": "track_id", "asset": "asset_id",
             "drift_run": "run_id"}  # fmt: skip
    for object_type, name in names.items():
        ctx.param(name, RELEASED[object_type], KEPT[object_type])
