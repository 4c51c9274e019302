// The detail panel of the selected vessel: every field of the picture, ages against the event
// clock, and the history trail (from /api/vessels/{mmsi}/track, then extended live).

/* global ol */
import {
  CATEGORY,
  category,
  label,
  fmt,
  formatLatLon,
  navStatusText,
  shipTypeText,
  parseTime,
  utcTime,
  utcDate,
  ageText,
} from "./vessels.js";
import { LANG, tr as say } from "./i18n.js";

// How much history the trail shows, before the picture's event time.
export const TRAIL_MS = 60 * 60 * 1000;

export class DetailPanel {
  constructor({ root, title, fields, simFlag, trailInfo, closeBtn, trailSource, apiGet, onClose }) {
    Object.assign(this, { root, title, fields, simFlag, trailInfo, trailSource, apiGet });
    this.mmsi = null;
    this.trail = []; // [[lon, lat, timeMs]]
    this.requestSeq = 0;
    closeBtn.addEventListener("click", () => onClose());
    root.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") onClose();
    });
  }

  field(term, value, testid) {
    const dt = document.createElement("dt");
    dt.textContent = say(term);
    const dd = document.createElement("dd");
    dd.textContent = value === null || value === undefined || value === "" ? "—" : String(value);
    if (testid) dd.setAttribute("data-testid", testid);
    this.fields.append(dt, dd);
  }

  show(v, clockMs) {
    if (!v) return;
    this.root.hidden = false;
    this.title.textContent = label(v);
    this.simFlag.hidden = !v.simulated;
    this.fields.replaceChildren();
    const seen = parseTime(v.last_seen);
    const cat = category(v);
    this.field("MMSI", v.mmsi, "detail-mmsi");
    this.field("Name", v.name);
    this.field("Call sign", v.callsign);
    this.field("IMO", v.imo);
    this.field("Type", `${shipTypeText(v.ship_type)} · ${say(CATEGORY[cat].label)}`);
    this.field("Destination", v.destination);
    this.field("Position", formatLatLon(v.lat, v.lon), "detail-position");
    this.field("Lat / lon", `${fmt(v.lat, 5)}, ${fmt(v.lon, 5)}`);
    this.field("SOG", `${fmt(v.sog_kn, 1)} kn`);
    this.field("COG", `${fmt(v.cog_deg, 1)}°`);
    this.field(
      "Heading",
      v.heading_deg === null || v.heading_deg === undefined || v.heading_deg >= 360
        ? say("not available")
        : `${fmt(v.heading_deg, 0)}°`,
    );
    this.field("Nav status", navStatusText(v.nav_status));
    this.field(
      "Last seen",
      seen === null
        ? v.last_seen
        : `${utcDate(seen)} ${utcTime(seen)} UTC (${LANG === "fr" ? "il y a " : ""}${ageText(seen, clockMs)}${LANG === "fr" ? "" : " ago"})`,
      "detail-last-seen",
    );
    this.field("Source", v.source, "detail-source");
    this.field("Marking", v.marking, "detail-marking");
    this.field("Simulated", v.simulated ? say("yes — simulated data") : say("no"), "detail-simulated");
    this.renderTrailInfo();
  }

  hide() {
    this.root.hidden = true;
    this.mmsi = null;
    this.trail = [];
    this.trailSource.clear();
  }

  async select(v, clockMs) {
    this.mmsi = v.mmsi;
    this.trail = [];
    this.trailSource.clear();
    this.show(v, clockMs);
    const seq = ++this.requestSeq;
    const to = clockMs === null ? new Date() : new Date(clockMs);
    const from = new Date(to.getTime() - TRAIL_MS);
    const q = `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
    try {
      const body = await this.apiGet(`/api/vessels/${encodeURIComponent(v.mmsi)}/track?${q}`);
      if (seq !== this.requestSeq || this.mmsi !== v.mmsi) return; // another vessel was selected meanwhile
      const pts = (body.points || [])
        .map((p) => [p.lon, p.lat, parseTime(p.time)])
        .filter((p) => p[0] !== null && p[1] !== null && p[2] !== null);
      // keep any live points that arrived while the request was in flight
      const lastHistoric = pts.length ? pts[pts.length - 1][2] : -Infinity;
      this.trail = pts.concat(this.trail.filter((p) => p[2] > lastHistoric));
    } catch (err) {
      if (seq === this.requestSeq) this.trailInfo.textContent = say("History unavailable.");
      console.error("track request failed", err);
      return;
    }
    this.drawTrail();
  }

  // A live update of the selected vessel: extend the trail and refresh the fields.
  update(v, clockMs) {
    if (v.mmsi !== this.mmsi) return;
    const t = parseTime(v.last_seen);
    const last = this.trail[this.trail.length - 1];
    if (t !== null && (!last || t > last[2])) this.trail.push([v.lon, v.lat, t]);
    if (clockMs !== null) {
      const cut = clockMs - TRAIL_MS;
      while (this.trail.length > 2 && this.trail[0][2] < cut) this.trail.shift();
    }
    this.show(v, clockMs);
    this.drawTrail();
  }

  drawTrail() {
    this.trailSource.clear();
    if (this.trail.length >= 2) {
      const coords = this.trail.map((p) => ol.proj.fromLonLat([p[0], p[1]]));
      this.trailSource.addFeature(new ol.Feature(new ol.geom.LineString(coords)));
    }
    this.renderTrailInfo();
  }

  renderTrailInfo() {
    const n = this.trail.length;
    if (!n) {
      this.trailInfo.textContent = say("History trail: no positions in the last hour.");
      return;
    }
    const first = this.trail[0][2];
    const last = this.trail[n - 1][2];
    this.trailInfo.textContent = `${say("History trail")}: ${n} ${say(n === 1 ? "position" : "positions")}, ${utcTime(first)}–${utcTime(
      last,
    )} UTC`;
  }
}
