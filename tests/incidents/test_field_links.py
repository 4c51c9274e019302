"""Drone and observer detections into incidents (``incidents.field``, ``IncidentBook``): linked to the
incident of the nearest small-craft contact in time and space, or opening one of their own."""

from __future__ import annotations

from datetime import timedelta

from alert_helpers import EPOCH, PERIOD, Mover, latlon, scan_at, utm

from watchkeeper.alerts.watch import Watch
from watchkeeper.core.marking import Marking
from watchkeeper.core.types import FieldObservation, ObservationKind, TimeSource
from watchkeeper.incidents.book import TimelineKind
from watchkeeper.incidents.field import Candidate, nearest
from watchkeeper.incidents.lifecycle import IncidentState

AT_SEA_FR = (50.97, 1.60)
OFF_DOVER = (51.085, 1.33)


def _obs(
    t: float,
    lat: float,
    lon: float,
    *,
    kind: ObservationKind = ObservationKind.BOAT,
    persons: int | None = None,
    marking: str = "UK-ONLY",
    report: bool = False,
    ce_m: float | None = 20.0,
    n: int = 0,
) -> FieldObservation:
    return FieldObservation(
        obs_id=f"{'report' if report else 'cot'}:{int(t)}{n}", kind=kind,
        event_time=EPOCH + timedelta(seconds=t), time_source=TimeSource.SENSOR,
        source="report:alice" if report else "cot:udp:4242",
        sensor_uid="report:alice" if report else "drone-7",
        lat=lat, lon=lon, marking=marking, ce_m=ce_m, persons=persons, report_id=1 if report else None,
    )  # fmt: skip


def _near(mover: Mover, t: float, east_m: float = 0.0, north_m: float = 0.0) -> tuple[float, float]:
    p = mover.position(t)
    assert p is not None
    return latlon(p[0] + east_m, p[1] + north_m)


def _run(
    movers: dict[int, Mover],
    duration_s: float,
    field: list[FieldObservation],
    watch: Watch | None = None,
    marking: str | dict[int, str] | None = None,
) -> Watch:
    """Step the watch every 2.5 s; each detection goes with the scan whose window holds its time."""
    watch = watch or Watch()
    for k in range(int(duration_s / PERIOD) + 1):
        t = k * PERIOD
        window = [o for o in field if t - PERIOD <= (o.event_time - EPOCH).total_seconds() < t]
        watch.step(scan_at(t, movers, marking), (), window)
    return watch


def _observations(watch: Watch, incident_id: str) -> list[str]:
    inc = watch.book.incidents[incident_id]
    return [e.detail["obs_id"] for e in inc.timeline if e.kind is TimelineKind.OBSERVATION]


def test_a_detection_near_a_held_boat_joins_its_incident_with_persons_and_marking() -> None:
    boat = Mover.at(*AT_SEA_FR, [(400.0, 5.0, 300.0)])
    seen = _obs(150.0, *_near(boat, 150.0, 120.0, -80.0), persons=41, marking="UK-ONLY")
    watch = _run({1: boat}, 200.0, [seen], marking="UK-FR")
    book = watch.book
    assert len(book.incidents) == 1
    inc = book.incidents[book.by_track[1]]
    assert inc.source == "track"
    assert _observations(watch, inc.incident_id) == [seen.obs_id]
    entry = next(e for e in inc.timeline if e.kind is TimelineKind.OBSERVATION)
    assert entry.detail["track_id"] == 1 and 100.0 < entry.detail["distance_m"] < 200.0
    assert entry.actor == "cot:drone-7" and entry.time == seen.event_time
    assert inc.persons_estimate == 41  # a count seen replaces the 53 average
    assert inc.marking is Marking.UK_ONLY  # the most restrictive of the track's (UK-FR) and the detection's


def test_a_detection_of_a_young_small_craft_track_opens_its_incident_at_once() -> None:
    boat = Mover.at(*AT_SEA_FR, [(400.0, 5.0, 300.0)])
    seen = _obs(20.0, *_near(boat, 20.0, 50.0))  # the track is 20 s old: no incident of its own yet
    watch = _run({1: boat}, 40.0, [seen])
    inc = watch.book.incidents[watch.book.by_track[1]]
    assert inc.source == "drone" and inc.track_ids == [1]
    assert inc.opened_time == seen.event_time  # opened when it was seen
    assert _observations(watch, inc.incident_id) == [seen.obs_id]


def test_a_detection_no_contact_explains_opens_an_incident_that_later_ones_join() -> None:
    ship = Mover.at(*AT_SEA_FR, [(400.0, 14.0, 54.0)], mmsi=235000010)  # AIS ship: not a small craft
    lat, lon = _near(ship, 100.0, 60.0)
    first = _obs(100.0, lat, lon, persons=12, report=True, marking="UK-FR")
    x, y = utm(lat, lon)
    later = _obs(160.0, *latlon(x + 250.0, y), persons=15)  # a drone over it a minute on, 250 m further
    elsewhere = _obs(161.0, *latlon(x + 6000.0, y), n=1)  # 6 km away: another boat
    watch = _run({2: ship}, 200.0, [later, elsewhere, first])
    incs = sorted(watch.book.incidents.values(), key=lambda i: i.incident_id)
    assert len(incs) == 2
    a, b = incs
    assert a.source == "observer" and a.track_ids == [] and a.state is IncidentState.DETECTED
    assert _observations(watch, a.incident_id) == [first.obs_id, later.obs_id]
    assert a.persons_estimate == 15 and a.marking is Marking.UK_ONLY
    assert (round(a.lat, 5), round(a.lon, 5)) == (round(later.lat, 5), round(later.lon, 5))
    assert b.source == "drone" and b.persons_estimate == 53  # no count: the average a boat
    assert _observations(watch, b.incident_id) == [elsewhere.obs_id]


def test_the_nearest_of_two_boats_takes_the_detection() -> None:
    one = Mover.at(*AT_SEA_FR, [(400.0, 5.0, 300.0)])
    two = Mover.at(AT_SEA_FR[0], AT_SEA_FR[1] + 0.02, [(400.0, 5.0, 300.0)])  # ~1.4 km east
    seen = _obs(150.0, *_near(two, 150.0, -300.0))
    watch = _run({1: one, 2: two}, 160.0, [seen])
    book = watch.book
    assert _observations(watch, book.by_track[2]) == [seen.obs_id]
    assert _observations(watch, book.by_track[1]) == []


def test_persons_on_the_beach_after_a_landing_join_the_landed_incident() -> None:
    boat = Mover.at(*OFF_DOVER, [(420.0, 6.0, 0.0)])  # runs in to the beach and vanishes
    lat, lon = _near(boat, 420.0, 0.0, 150.0)
    walkers = _obs(480.0, lat, lon, kind=ObservationKind.PERSONS, persons=38, report=True)
    watch = _run({1: boat}, 500.0, [walkers])
    inc = watch.book.incidents[watch.book.by_track[1]]
    assert inc.state is IncidentState.LANDED_UK
    assert _observations(watch, inc.incident_id) == [walkers.obs_id]
    assert inc.persons_estimate == 38 and len(watch.book.incidents) == 1


def test_a_users_estimate_is_not_replaced_and_platforms_are_not_detections() -> None:
    boat = Mover.at(*AT_SEA_FR, [(400.0, 5.0, 300.0)])
    watch = _run({1: boat}, 100.0, [])
    iid = watch.book.by_track[1]
    watch.book.set_persons(iid, "officer", EPOCH + timedelta(seconds=101), 60)
    seen = _obs(150.0, *_near(boat, 150.0), persons=20)
    drone = _obs(151.0, *_near(boat, 151.0), kind=ObservationKind.PLATFORM, n=1)
    for k in range(41, 65):
        t = k * PERIOD
        window = [o for o in (seen, drone) if t - PERIOD <= (o.event_time - EPOCH).total_seconds() < t]
        watch.step(scan_at(t, {1: boat}), (), window)
    assert _observations(watch, iid) == [seen.obs_id]
    assert watch.book.incidents[iid].persons_estimate == 60


def test_time_counts_as_distance_and_the_window_ends_links() -> None:
    obs = _obs(1000.0, *AT_SEA_FR, ce_m=None)
    x, y = utm(*AT_SEA_FR)
    at = EPOCH + timedelta(seconds=1000.0)
    close_now = Candidate("INC-A", None, x + 900.0, y, at)
    closer_but_old = Candidate("INC-B", None, x + 500.0, y, at - timedelta(seconds=120))  # 500 + 494 m
    link = nearest(obs, [closer_but_old, close_now])
    assert link is not None and link.candidate.incident_id == "INC-A"
    assert nearest(obs, [Candidate("INC-C", None, x + 1100.0, y, at)]) is None  # beyond 1 km
    vague = _obs(1000.0, *AT_SEA_FR, ce_m=100.0)  # 3·ce widens the radius
    assert nearest(vague, [Candidate("INC-C", None, x + 1100.0, y, at)]) is not None
    stale = Candidate("INC-D", None, x, y, at - timedelta(seconds=1000))  # past the 900 s window
    assert nearest(obs, [stale]) is None
    moving = Candidate(None, 5, x - 100.0 * 3.0, y, at - timedelta(seconds=100), vx=3.0)  # here by now
    found = nearest(obs, [moving])
    assert found is not None and found.distance_m < 1.0
