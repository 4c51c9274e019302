"""Spatial history (``picture/area.py``): the same answer from PostGIS and from SQLite + shapely, both equal
to a brute-force shapely test of every stored row; PostGIS answers through the GiST index."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box, mapping
from sqlalchemy import Engine, event, text

from watchkeeper.core.marking import Marking, visible_markings
from watchkeeper.core.types import AisReport, TimeSource
from watchkeeper.geo.layers import load_layer
from watchkeeper.picture.area import Area, AreaHistory, area_from_bbox, area_from_geojson
from watchkeeper.picture.store import PictureStore
from watchkeeper.store.db import make_engine, upgrade
from watchkeeper.tracking.history import TrackHistory

T0 = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
MARKINGS = tuple(m.value for m in Marking)
BOX = (1.2, 50.8, 1.6, 51.1)  # min lon, min lat, max lon, max lat


def _dover_tss() -> Polygon:
    """The real Dover Straits TSS separation zone (OSM seamarks, packaged layer)."""
    layer = load_layer("tss")
    zone = next(f for f in layer["features"] if f["properties"]["name"] == "Dover Straits TSS")
    return shapely.geometry.shape(zone["geometry"])  # type: ignore[return-value]


@dataclass(frozen=True)
class Stored:
    """What was written, in insertion (= id) order: the oracle's input."""

    positions: list[AisReport]
    points: list[dict[str, Any]]


def _data() -> Stored:
    """Random positions and track points over the area of interest, plus points exactly on the query
    box's edges and corners and on the TSS zone's vertices (an edge counts as inside)."""
    rng = np.random.default_rng(11)
    n = 3_000
    lon = rng.uniform(-2.0, 3.5, n)
    lat = rng.uniform(49.5, 51.8, n)
    edge = [(BOX[0], 50.9), (1.4, BOX[3]), (BOX[2], BOX[3]), (BOX[0], BOX[1])]
    edge += [(x, y) for x, y in shapely.get_coordinates(_dover_tss())[:-1]]
    lon = np.concatenate([lon, [x for x, _ in edge]])
    lat = np.concatenate([lat, [y for _, y in edge]])
    seconds = rng.integers(0, 6 * 3600, len(lon))
    positions = [
        AisReport(
            int(227_000_000 + i % 40), 1, T0 + timedelta(seconds=int(s)), TimeSource.SENSOR, "test",
            float(y), float(x), 7.5, 90.0, log_seq=i,
        )
        for i, (x, y, s) in enumerate(zip(lon, lat, seconds, strict=True))
    ]  # fmt: skip
    points = [
        {
            "track_id": 1 + i % 60, "time": T0 + timedelta(seconds=int(2.5 * (i // 60) * 4)),
            "lat": float(y), "lon": float(x), "sog_kn": 5.0, "cog_deg": 315.0, "mmsi": None, "name": None,
            "dark": True, "p_steady": 0.9, "position_sigma_m": 30.0, "simulated": True,
            "marking": MARKINGS[i % 3],
        }
        for i, (x, y) in enumerate(zip(lon[::2], lat[::2], strict=True))
    ]  # fmt: skip
    return Stored(positions, points)


def _fill(engine: Engine, data: Stored) -> None:
    PictureStore(engine).write(data.positions, [])
    assert TrackHistory(engine).write_rows(data.points) == len(data.points)


def _cases() -> list[tuple[str, Area, datetime, datetime]]:
    hole = Polygon(
        [(0.5, 50.4), (2.5, 50.4), (2.5, 51.5), (0.5, 51.5)], [[(1.0, 50.8), (2.0, 50.8), (1.5, 51.2)]]
    )
    multi = shapely.MultiPolygon([box(-1.5, 49.6, -0.5, 50.2), box(2.0, 51.0, 3.0, 51.6)])
    whole, late = T0 + timedelta(hours=6), T0 + timedelta(hours=2)
    return [
        ("box", area_from_bbox(",".join(map(str, BOX))), T0, whole),
        ("box, two hours", area_from_bbox(",".join(map(str, BOX))), T0 + timedelta(hours=1), late),
        ("Dover TSS", area_from_geojson(json.dumps(mapping(_dover_tss()))), T0, whole),
        ("polygon with a hole", area_from_geojson(json.dumps(mapping(hole))), T0, whole),
        ("multipolygon", area_from_geojson(json.dumps(mapping(multi))), T0, late),
        ("outside the data", area_from_bbox("10,10,11,11"), T0, whole),
    ]


Answer = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


def _answers(engine: Engine, clearance: str = "UK-FR") -> dict[str, Answer]:
    history = AreaHistory(engine)
    out = {}
    for name, area, start, end in _cases():
        positions = history.positions(area, start, end)
        points = history.track_points(area, start, end, clearance=clearance)
        assert not positions.truncated and not points.truncated
        out[name] = (
            [(p.mmsi, p.time, p.lat, p.lon) for p in positions.rows],
            [(p.track_id, p.time, p.lat, p.lon, p.marking) for p in points.rows],
        )
    return out


def _brute_force(data: Stored, clearance: str = "UK-FR") -> dict[str, Answer]:
    """Every stored row tested one by one with shapely, in (time, insertion) order."""
    seen = {m.value for m in visible_markings(clearance)}
    out = {}
    for name, area, start, end in _cases():
        positions = [
            (i, (r.mmsi, r.event_time, r.lat, r.lon))
            for i, r in enumerate(data.positions)
            if start <= r.event_time <= end and area.shape.intersects(shapely.Point(r.lon, r.lat))
        ]
        points = [
            (i, (p["track_id"], p["time"], p["lat"], p["lon"], p["marking"]))
            for i, p in enumerate(data.points)
            if start <= p["time"] <= end
            and p["marking"] in seen
            and area.shape.intersects(shapely.Point(p["lon"], p["lat"]))
        ]
        out[name] = (
            [k for _, k in sorted(positions, key=lambda x: (x[1][1], x[0]))],
            [k for _, k in sorted(points, key=lambda x: (x[1][1], x[0]))],
        )
    return out


def test_sqlite_answers_as_a_brute_force_test_of_every_row(engine: Engine) -> None:
    data = _data()
    _fill(engine, data)
    got, want = _answers(engine), _brute_force(data)
    assert got == want
    sizes = {name: (len(p), len(t)) for name, (p, t) in got.items()}
    assert sizes["outside the data"] == (0, 0)
    for name in ("box", "Dover TSS", "polygon with a hole", "multipolygon"):
        assert 0 < sizes[name][0] < len(data.positions) and 0 < sizes[name][1] < len(data.points), name
    assert sizes["box, two hours"][0] < sizes["box"][0]
    box_keys = {(lat, lon) for _, _, lat, lon in got["box"][0]}
    assert (50.9, BOX[0]) in box_keys and (BOX[3], BOX[2]) in box_keys  # on the edge: inside
    uk_only = _answers(engine, "UK-ONLY")["box"][1]
    assert len(uk_only) > len(got["box"][1])  # a UK-FR clearance does not see UK-ONLY track points
    assert {m for *_, m in got["box"][1]} == {"UK-FR", "PUBLIC"}


@pytest.mark.postgres
def test_postgis_gives_the_same_answer_as_sqlite(engine: Engine, pg_url: str) -> None:
    data = _data()
    _fill(engine, data)
    pg = make_engine(pg_url)
    try:
        upgrade(pg)
        _fill(pg, data)
        assert AreaHistory(pg).postgis
        for clearance in MARKINGS:
            assert _answers(pg, clearance) == _answers(engine, clearance), clearance
        assert _answers(pg) == _brute_force(data)
    finally:
        pg.dispose()


def test_limit_truncates_and_says_so(engine: Engine) -> None:
    data = _data()
    _fill(engine, data)
    history = AreaHistory(engine)
    area = area_from_bbox("-2,49.5,3.5,51.8")
    full = history.positions(area, T0, T0 + timedelta(hours=6))
    assert len(full.rows) == len(data.positions) and not full.truncated
    cut = history.positions(area, T0, T0 + timedelta(hours=6), limit=100)
    assert cut.truncated and cut.rows == full.rows[:100]
    only = history.positions(area, T0, T0 + timedelta(hours=6), mmsis={227_000_003})
    assert only.rows and {p.mmsi for p in only.rows} == {227_000_003}
    assert history.positions(area, T0, T0 + timedelta(hours=6), mmsis=set()).rows == []


@pytest.mark.parametrize(
    ("text_", "reason"),
    [
        ("1,2,3", "four numbers"),
        ("1,a,3,4", "four numbers"),
        ("1,51,0,52", "minimum must be below"),
        ("1,51,2,95", "latitudes within"),
        ("nan,51,2,52", "longitudes within"),
    ],
)
def test_a_bad_bbox_is_refused_with_its_reason(text_: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        area_from_bbox(text_)


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        ("{not json", "not JSON"),
        ('{"type": "Point", "coordinates": [1, 51]}', "Polygon or MultiPolygon"),
        ('{"type": "Polygon", "coordinates": [[[0, 50], [2, 52], [2, 50], [0, 52], [0, 50]]]}', "valid"),
        ('{"type": "Polygon", "coordinates": [[[0, 50], [200, 50], [2, 52], [0, 50]]]}', "within"),
        ('{"type": "Polygon", "coordinates": [[[0, 50], [1]]]}', "malformed"),
        ('{"type": "Polygon", "coordinates": []}', "empty"),
    ],
)
def test_a_bad_polygon_is_refused_with_its_reason(doc: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        area_from_geojson(doc)


def test_a_feature_holding_a_polygon_is_taken() -> None:
    feature = {"type": "Feature", "properties": {}, "geometry": mapping(_dover_tss())}
    assert area_from_geojson(json.dumps(feature)).shape.equals(_dover_tss())


def _plan(engine: Engine, run: Any) -> str:
    """PostgreSQL's plan for the query ``run`` sends (captured as sent, bind values included)."""
    sent: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if "ST_Intersects" in statement:
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert len(sent) == 1
    with engine.connect() as conn:
        return "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sent[0][0], sent[0][1]))


@pytest.mark.postgres
def test_postgis_answers_through_the_gist_index(pg_url: str) -> None:
    """20,000 rows per table spread over the area of interest, a 0.1° box over six hours: the planner
    picks the GiST index on ``geom`` (``ix_<table>_geom``), not a scan of the table."""
    pg = make_engine(pg_url)
    try:
        upgrade(pg)
        with pg.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO positions (mmsi, time, time_source, msg_type, lat, lon, source, simulated) "
                    "SELECT 227000000 + g % 500, :t0 + g * interval '1 second', 'sensor', 1, "
                    "49.5 + random() * 2.3, -2 + random() * 5.5, 'test', false "
                    "FROM generate_series(1, 20000) g"
                ),
                {"t0": T0.replace(tzinfo=None)},
            )
            conn.execute(
                text(
                    "INSERT INTO track_points (track_id, time, lat, lon, sog_kn, cog_deg, dark, simulated, "
                    "marking) SELECT g % 500, :t0 + (g / 500) * interval '2.5 seconds', "
                    "49.5 + random() * 2.3, -2 + random() * 5.5, 5, 315, true, true, 'UK-FR' "
                    "FROM generate_series(1, 20000) g"
                ),
                {"t0": T0.replace(tzinfo=None)},
            )
            conn.execute(text("ANALYZE positions"))
            conn.execute(text("ANALYZE track_points"))
        history = AreaHistory(pg)
        area = area_from_bbox("1.3,50.9,1.4,51.0")
        end = T0 + timedelta(hours=6)
        positions_plan = _plan(pg, lambda: history.positions(area, T0, end))
        points_plan = _plan(pg, lambda: history.track_points(area, T0, end, clearance="UK-FR"))
        assert "ix_positions_geom" in positions_plan, positions_plan
        assert "ix_track_points_geom" in points_plan, points_plan
        assert "Seq Scan" not in positions_plan and "Seq Scan" not in points_plan
    finally:
        pg.dispose()
