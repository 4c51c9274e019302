// Radar/fused tracks on the map: every confirmed track of the latest scan (`kind: "tracks"` messages,
// and the snapshot's `tracks`), with a trail of its recent positions, and each radar's coverage.
// Dark tracks (no AIS vouches for them: the small boats the cell watches for) are bright diamonds with
// a label; tracks that carry an MMSI are a faint ring under the vessel's own AIS symbol.

/* global ol */

const TRAIL_MS = 6 * 60 * 1000; // event time of trail kept per track
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
const HALO = "rgba(6, 16, 28, 0.9)";
const DARK = "#ff6b3d";

const darkIcon = new ol.style.RegularShape({
  points: 4,
  radius: 8,
  angle: 0,
  fill: new ol.style.Fill({ color: DARK }),
  stroke: new ol.style.Stroke({ color: "#1a0d05", width: 1.5 }),
});
const darkSelected = new ol.style.RegularShape({
  points: 4,
  radius: 10,
  fill: new ol.style.Fill({ color: DARK }),
  stroke: new ol.style.Stroke({ color: "#ffffff", width: 2 }),
});
const boundIcon = new ol.style.Circle({
  radius: 9,
  stroke: new ol.style.Stroke({ color: "rgba(0, 229, 255, 0.35)", width: 1 }),
});
const trailDark = new ol.style.Style({ stroke: new ol.style.Stroke({ color: "rgba(255, 107, 61, 0.75)", width: 1.6 }) });
const trailBound = new ol.style.Style({ stroke: new ol.style.Stroke({ color: "rgba(0, 229, 255, 0.18)", width: 1 }) });
const coverageStyle = new ol.style.Style({
  stroke: new ol.style.Stroke({ color: "rgba(120, 200, 255, 0.28)", width: 1, lineDash: [3, 6] }),
});

function trackLabel(t) {
  return t.dark ? `T${t.track_id} DARK` : t.name || (t.mmsi ? String(t.mmsi) : `T${t.track_id}`);
}

export class TrackLayer {
  constructor(map, { onSelect } = {}) {
    this.map = map;
    this.tracks = new Map(); // track_id -> latest message
    this.trails = new Map(); // track_id -> [[t_ms, coord3857], ...]
    this.selected = null;
    this.onSelect = onSelect;
    this.time = null;
    this.source = new ol.source.Vector();
    this.trailSource = new ol.source.Vector();
    this.coverageSource = new ol.source.Vector();
    this.layer = new ol.layer.Vector({
      source: this.source,
      style: (f) => this.style(f),
      zIndex: 18,
      declutter: false,
      updateWhileAnimating: true,
      updateWhileInteracting: true,
    });
    this.layer.set("name", "tracks");
    this.trailLayer = new ol.layer.Vector({
      source: this.trailSource,
      style: (f) => (f.get("dark") ? trailDark : trailBound),
      zIndex: 9,
    });
    this.trailLayer.set("name", "track-trails");
    this.coverageLayer = new ol.layer.Vector({ source: this.coverageSource, style: coverageStyle, zIndex: 4 });
    this.coverageLayer.set("name", "radar-coverage");
    map.addLayer(this.coverageLayer);
    map.addLayer(this.trailLayer);
    map.addLayer(this.layer);
  }

  style(feature) {
    const t = feature.get("track");
    const selected = t.track_id === this.selected;
    if (!t.dark) return new ol.style.Style({ image: boundIcon });
    return new ol.style.Style({
      image: selected ? darkSelected : darkIcon,
      text: new ol.style.Text({
        text: trackLabel(t),
        font: `600 11px ${FONT}`,
        offsetY: -15,
        fill: new ol.style.Fill({ color: "#ffd2c2" }),
        stroke: new ol.style.Stroke({ color: HALO, width: 3 }),
      }),
      zIndex: selected ? 2 : 1,
    });
  }

  setRadars(radars) {
    this.coverageSource.clear(true);
    for (const r of radars || []) {
      const centre = ol.proj.fromLonLat([r.lon, r.lat]);
      // a geodesic circle of the radar's range, drawn in map coordinates
      const circle = ol.geom.Polygon.circular([r.lon, r.lat], r.max_range_m, 128).transform("EPSG:4326", "EPSG:3857");
      const f = new ol.Feature(circle);
      f.set("radar", r, true);
      this.coverageSource.addFeature(f);
      const site = new ol.Feature(new ol.geom.Point(centre));
      site.setStyle(
        new ol.style.Style({
          image: new ol.style.RegularShape({
            points: 3,
            radius: 6,
            fill: new ol.style.Fill({ color: "rgba(120, 200, 255, 0.8)" }),
          }),
          text: new ol.style.Text({
            text: r.sensor_id,
            font: `11px ${FONT}`,
            offsetY: 14,
            fill: new ol.style.Fill({ color: "rgba(160, 210, 255, 0.9)" }),
            stroke: new ol.style.Stroke({ color: HALO, width: 3 }),
          }),
        }),
      );
      this.coverageSource.addFeature(site);
    }
  }

  // One scan: the whole set of confirmed tracks at `time`.
  update(time, tracks) {
    const tMs = Date.parse(time);
    if (Number.isFinite(this.time) && Number.isFinite(tMs) && tMs < this.time) return; // never backwards
    this.time = tMs;
    const seen = new Set();
    for (const t of tracks || []) {
      if (typeof t.lat !== "number" || typeof t.lon !== "number") continue;
      seen.add(t.track_id);
      this.tracks.set(t.track_id, t);
      const coord = ol.proj.fromLonLat([t.lon, t.lat]);
      let f = this.source.getFeatureById(t.track_id);
      if (!f) {
        f = new ol.Feature(new ol.geom.Point(coord));
        f.setId(t.track_id);
        this.source.addFeature(f);
      } else {
        f.getGeometry().setCoordinates(coord);
      }
      f.set("track", t, true);
      const trail = this.trails.get(t.track_id) || [];
      trail.push([tMs, coord]);
      while (trail.length && trail[0][0] < tMs - TRAIL_MS) trail.shift();
      this.trails.set(t.track_id, trail);
    }
    for (const id of [...this.tracks.keys()]) {
      if (!seen.has(id)) {
        this.tracks.delete(id);
        this.trails.delete(id);
        const f = this.source.getFeatureById(id);
        if (f) this.source.removeFeature(f);
        if (id === this.selected) this.select(null);
      }
    }
    this.drawTrails();
    this.layer.changed();
  }

  drawTrails() {
    this.trailSource.clear(true);
    const features = [];
    for (const [id, trail] of this.trails) {
      if (trail.length < 2) continue;
      const t = this.tracks.get(id);
      const f = new ol.Feature(new ol.geom.LineString(trail.map((p) => p[1])));
      f.set("dark", Boolean(t && t.dark), true);
      features.push(f);
    }
    this.trailSource.addFeatures(features);
  }

  select(trackId) {
    this.selected = trackId;
    this.layer.changed();
    this.onSelect?.(trackId === null ? null : this.tracks.get(trackId) || null);
  }

  darkCount() {
    let n = 0;
    for (const t of this.tracks.values()) if (t.dark) n += 1;
    return n;
  }
}
