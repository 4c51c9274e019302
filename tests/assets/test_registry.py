"""The stored registry: migration up/down, releasability, positions from AIS and by hand, state history,
tasking conflicts and cancellation."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from assets_helpers import EVENT, WALL
from sqlalchemy import inspect

from watchkeeper.assets.fleet import illustrative_fleet
from watchkeeper.assets.model import Asset, AssetKind, AssetState, PositionSource, Target
from watchkeeper.assets.recommend import Recommender
from watchkeeper.assets.registry import AssetRegistry
from watchkeeper.assets.service import AssetService
from watchkeeper.assets.tasking import TransitionError
from watchkeeper.core.marking import Marking
from watchkeeper.ingest.ais.decoder import AisDecoder
from watchkeeper.picture.live import LivePicture
from watchkeeper.store.db import downgrade, make_engine, upgrade

ASSET_TABLES = {"assets", "asset_events", "taskings"}
MID_CHANNEL = Target(50.95, 1.45, 5.0, 300.0, EVENT, persons=55)


def _roundtrip(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= ASSET_TABLES
        AssetRegistry(engine, _clock()).seed(illustrative_fleet())
        downgrade(engine, "0002_stats_weather")
        tables = set(inspect(engine).get_table_names())
        assert not (ASSET_TABLES & tables) and "users" in tables
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= ASSET_TABLES
        assert AssetRegistry(engine, _clock()).assets() == []  # dropped with the tables, made anew
    finally:
        engine.dispose()


def _clock():  # type: ignore[no-untyped-def]
    from watchkeeper.core.clock import FixedClock

    return FixedClock(WALL)


def test_migration_up_down_sqlite(sqlite_url: str) -> None:
    _roundtrip(sqlite_url)


@pytest.mark.postgres
def test_migration_up_down_postgresql(pg_url: str) -> None:
    _roundtrip(pg_url)


@pytest.mark.postgres
def test_registry_on_postgresql(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        upgrade(engine)
        reg = AssetRegistry(engine, _clock())
        reg.seed(illustrative_fleet())
        t = reg.task(
            "RNLI-DOV",
            "INC-1",
            EVENT,
            "ctl",
            target={},
            persons=40,
            eta_s=600.0,
            eta_time=EVENT,
            intercept=(51.0, 1.4),
            route=[[51.1, 1.3], [51.0, 1.4]],
            explanation="x",
            conflicts=[],
            accepted=False,
        )
        got = reg.get("RNLI-DOV")
        assert got is not None and got.state == AssetState.TASKED and got.extra["state_since"] == EVENT
        assert reg.taskings(incident_id="INC-1")[0].route == [[51.1, 1.3], [51.0, 1.4]]
        assert reg.cancel(t.id, EVENT + timedelta(minutes=5), "ctl").status == "cancelled"
    finally:
        engine.dispose()


def test_every_stored_asset_has_a_marking_and_reads_filter_by_clearance(registry: AssetRegistry) -> None:
    fleet = illustrative_fleet()
    assert registry.seed(fleet) == len(fleet)
    assert registry.seed(fleet) == 0  # idempotent by id
    everything = registry.assets()
    assert {a.marking for a in everything} == {Marking.UK_ONLY, Marking.UK_FR}
    partner = registry.assets("UK-FR")
    assert partner and all(a.marking == Marking.UK_FR for a in partner)
    assert len(partner) < len(everything)
    assert registry.get("BF-CUT-1", "UK-FR") is None  # a UK-ONLY asset is invisible to a UK-FR user
    assert registry.get("BF-CUT-1", "UK-ONLY") is not None
    assert registry.assets("PUBLIC") == []
    assert all(a.illustrative for a in everything)


def test_positions_from_ais_by_mmsi_never_go_back(registry: AssetRegistry, scenarios_dir: Path) -> None:
    """AIS of the scenario (SIMULATED) through the real decoder into the live picture; an asset with a
    vessel's MMSI follows it."""
    lines = (scenarios_dir / "strait-night-small" / "ais.nmea").read_bytes().splitlines()
    decoder = AisDecoder("file:ais.nmea", simulated=True)
    picture = LivePicture()
    first_half = decoder.feed_many(list(enumerate(lines[: len(lines) // 2], 1)), WALL).reports
    picture.apply_many(first_half)
    mmsi = next(r.mmsi for r in first_half if r.has_position)
    registry.seed([Asset("PV", AssetKind.SEA, 51.11, 1.33, 25, 12, 60, mmsi=mmsi)])
    assert registry.apply_vessels(picture.vessels.values()) == ["PV"]
    held = registry.get("PV")
    vessel = picture.vessels[mmsi]
    first = (vessel.lat, vessel.lon, vessel.last_seen)  # the picture's state is updated in place
    assert held is not None and held.position_source == PositionSource.AIS
    assert (held.lat, held.lon, held.position_time) == first
    assert registry.apply_vessels(picture.vessels.values()) == []  # nothing newer
    picture.apply_many(decoder.feed_many(list(enumerate(lines[len(lines) // 2 :], 1)), WALL).reports)
    later = picture.vessels[mmsi]
    assert later.last_seen > first[2]
    registry.apply_vessels(picture.vessels.values())
    moved = registry.get("PV")
    assert moved is not None and moved.position_time == later.last_seen
    # an older position (a late feed item) does not move it back
    assert not registry.set_position("PV", 51.0, 1.5, first[2], PositionSource.FEED)
    assert registry.get("PV").position_time == later.last_seen  # type: ignore[union-attr]


def test_a_position_by_hand_is_kept_in_the_history(registry: AssetRegistry) -> None:
    registry.seed(illustrative_fleet())
    assert registry.set_position("FR-POL-2", 50.93, 1.77, EVENT, PositionSource.MANUAL, "by ctl", actor="ctl")
    (event,) = registry.events("FR-POL-2")
    assert event.kind == "position" and event.actor == "ctl" and event.time == EVENT
    assert event.recorded_at == WALL and event.detail == {
        "lat": 50.93,
        "lon": 1.77,
        "source": "manual",
        "detail": "by ctl",
    }


def test_state_changes_follow_the_rules_and_keep_time_and_user(registry: AssetRegistry) -> None:
    registry.seed(illustrative_fleet())
    with pytest.raises(TransitionError, match="cannot go from available to on_scene"):
        registry.change_state("RNLI-DOV", AssetState.ON_SCENE, EVENT, "ctl")
    with pytest.raises(TransitionError, match="through a tasking"):
        registry.change_state("RNLI-DOV", AssetState.TASKED, EVENT, "ctl")
    registry.change_state("RNLI-DOV", AssetState.MAINTENANCE, EVENT, "ctl", "engine service")
    with pytest.raises(TransitionError):
        registry.change_state("RNLI-DOV", AssetState.TRANSITING, EVENT, "ctl")
    registry.change_state("RNLI-DOV", AssetState.AVAILABLE, EVENT + timedelta(hours=3), "eng")
    events = registry.events("RNLI-DOV")
    assert [(e.from_state, e.to_state, e.actor) for e in events] == [
        ("maintenance", "available", "eng"),
        ("available", "maintenance", "ctl"),
    ]
    assert events[1].reason == "engine service" and events[0].time == EVENT + timedelta(hours=3)


def _task(service: AssetService, asset_id: str, incident: str, target: Target, accept: bool = False):  # type: ignore[no-untyped-def]
    return service.task(
        asset_id, incident, target, {"lat": target.lat}, None, EVENT, "ctl", "UK-ONLY", accept
    )


def test_tasking_conflicts_already_tasked_endurance_capacity(
    registry: AssetRegistry, recommender: Recommender
) -> None:
    registry.seed(illustrative_fleet())
    registry.upsert(replace(registry.get("RNLI-WAL"), endurance_h=0.5))  # type: ignore[type-var]
    service = AssetService(registry, recommender)

    ok = _task(service, "BF-CUT-1", "INC-1", MID_CHANNEL)
    assert ok.tasking is not None and ok.conflicts == [] and ok.tasking.status == "active"
    assert registry.get("BF-CUT-1").state == AssetState.TASKED  # type: ignore[union-attr]
    assert ok.tasking.eta_s == ok.recommendation.eta_s and ok.tasking.route and len(ok.tasking.route) >= 2

    again = _task(service, "BF-CUT-1", "INC-2", MID_CHANNEL)  # already tasked elsewhere
    assert again.tasking is None and [c.code for c in again.blocking] == ["already_tasked"]
    assert "INC-1" in again.blocking[0].message

    short = _task(service, "RNLI-WAL", "INC-3", MID_CHANNEL)  # 30 min of endurance
    assert short.tasking is None and "endurance" in [c.code for c in short.blocking]

    small = _task(service, "HMCG-LYD", "INC-4", MID_CHANNEL)  # 16 places for 55 people
    assert small.tasking is None and [c.code for c in small.blocking] == ["capacity"]
    accepted = _task(service, "HMCG-LYD", "INC-4", MID_CHANNEL, accept=True)
    assert accepted.tasking is not None and accepted.tasking.conflicts_accepted
    assert [c["code"] for c in accepted.tasking.conflicts] == ["capacity"]

    # re-tasking when accepted: the old tasking is cancelled, the asset stays tasked
    moved = _task(service, "BF-CUT-1", "INC-2", MID_CHANNEL, accept=True)
    assert moved.tasking is not None
    old = registry.tasking(ok.tasking.id)
    assert (
        old is not None
        and old.status == "cancelled"
        and "re-tasked to incident INC-2" in (old.close_reason or "")
    )
    assert [t.incident_id for t in registry.taskings(asset_id="BF-CUT-1")] == ["INC-2"]


def test_hard_conflicts_refuse_even_when_accepted(registry: AssetRegistry, recommender: Recommender) -> None:
    registry.seed(illustrative_fleet())
    service = AssetService(registry, recommender)
    in_dock = _task(service, "BF-CPV-2", "INC-1", MID_CHANNEL, accept=True)  # illustrative: in maintenance
    assert in_dock.tasking is None and [c.code for c in in_dock.blocking] == ["maintenance"]
    fast = replace(MID_CHANNEL, sog_kn=30.0, cog_deg=60.0)  # running away faster than any lifeboat
    gone = _task(service, "RNLI-DOV", "INC-2", fast, accept=True)
    assert gone.tasking is None and [c.code for c in gone.blocking] == ["unreachable"]
    assert registry.taskings() == []


def test_cancel_sends_home_what_had_left_and_frees_what_had_not(
    registry: AssetRegistry, recommender: Recommender
) -> None:
    registry.seed(illustrative_fleet())
    service = AssetService(registry, recommender)
    a = _task(service, "RNLI-DOV", "INC-1", MID_CHANNEL).tasking
    b = _task(service, "FR-PV-1", "INC-1", MID_CHANNEL).tasking
    assert a is not None and b is not None
    registry.change_state("FR-PV-1", AssetState.TRANSITING, EVENT + timedelta(minutes=2), "ctl")
    registry.cancel(a.id, EVENT + timedelta(minutes=5), "ctl", "false alarm")
    registry.cancel(b.id, EVENT + timedelta(minutes=5), "ctl", "false alarm")
    assert registry.get("RNLI-DOV").state == AssetState.AVAILABLE  # type: ignore[union-attr]
    pv = registry.get("FR-PV-1")
    assert (
        pv is not None
        and pv.state == AssetState.RETURNING
        and pv.deployed_since == EVENT + timedelta(minutes=2)
    )
    with pytest.raises(TransitionError, match="already cancelled"):
        registry.cancel(a.id, EVENT + timedelta(minutes=6), "ctl")
    assert [(t.status, t.closed_by, t.close_reason) for t in registry.taskings(status="cancelled")] == [
        ("cancelled", "ctl", "false alarm"),
        ("cancelled", "ctl", "false alarm"),
    ]
    # an asset on scene that returns completes its tasking
    c = _task(service, "RNLI-RAM", "INC-9", replace(MID_CHANNEL, persons=40)).tasking
    assert c is not None
    registry.change_state("RNLI-RAM", AssetState.TRANSITING, EVENT, "ctl")
    registry.change_state("RNLI-RAM", AssetState.ON_SCENE, EVENT + timedelta(minutes=40), "ctl")
    registry.change_state("RNLI-RAM", AssetState.RETURNING, EVENT + timedelta(hours=2), "ctl", "all aboard")
    done = registry.tasking(c.id)
    assert done is not None and done.status == "completed" and done.close_reason == "all aboard"


def test_endurance_runs_from_leaving_base(registry: AssetRegistry) -> None:
    registry.seed(illustrative_fleet())
    registry.change_state("BF-CPV-1", AssetState.TRANSITING, EVENT, "ctl")
    cpv = registry.get("BF-CPV-1")
    assert cpv is not None and cpv.deployed_since == EVENT
    assert cpv.endurance_left_h(EVENT + timedelta(hours=5)) == pytest.approx(cpv.endurance_h - 5)
    registry.change_state("BF-CPV-1", AssetState.RETURNING, EVENT + timedelta(hours=6), "ctl")
    registry.change_state("BF-CPV-1", AssetState.AVAILABLE, EVENT + timedelta(hours=7), "ctl")
    assert registry.get("BF-CPV-1").deployed_since is None  # type: ignore[union-attr]
