// Vessel semantics shared by the map, the list and the detail panel: type category, orientation,
// navigational status text and formatting. Units: knots, degrees true, times ISO 8601 UTC.

export const CATEGORY = {
  cargo: { label: "Cargo", colour: "#4fb3ff" },
  tanker: { label: "Tanker", colour: "#ff6b6b" },
  passenger: { label: "Passenger / ferry", colour: "#3ddc97" },
  fishing: { label: "Fishing", colour: "#e8d44d" },
  small: { label: "Small craft", colour: "#ff9d00" },
  other: { label: "Other / unknown", colour: "#b7c1cc" },
};

// AIS ship and cargo type (ITU-R M.1371-5, table 53) to a display category.
// Small craft: sailing (36), pleasure (37) and any non-AIS contact the picture marks as small.
export function category(v) {
  const t = v.ship_type;
  if (typeof t === "number" || (typeof t === "string" && /^\d+$/.test(t))) {
    const n = Number(t);
    if (n >= 70 && n <= 79) return "cargo";
    if (n >= 80 && n <= 89) return "tanker";
    if ((n >= 60 && n <= 69) || (n >= 40 && n <= 49)) return "passenger";
    if (n === 30) return "fishing";
    if (n === 36 || n === 37) return "small";
    return "other";
  }
  const s = String(t || "").toLowerCase();
  if (/small|dinghy|inflatable|rib|pleasure|sailing|kayak|canoe/.test(s)) return "small";
  if (/cargo|container|bulk/.test(s)) return "cargo";
  if (/tanker/.test(s)) return "tanker";
  if (/passenger|ferry|hsc|high.?speed/.test(s)) return "passenger";
  if (/fish|trawl/.test(s)) return "fishing";
  return "other";
}

const SHIP_TYPE_TEXT = [
  [20, 29, "Wing in ground"], [30, 30, "Fishing"], [31, 32, "Towing"], [33, 33, "Dredging"],
  [34, 34, "Diving ops"], [35, 35, "Military ops"], [36, 36, "Sailing"], [37, 37, "Pleasure craft"],
  [40, 49, "High-speed craft"], [50, 50, "Pilot vessel"], [51, 51, "Search and rescue"], [52, 52, "Tug"],
  [53, 53, "Port tender"], [54, 54, "Anti-pollution"], [55, 55, "Law enforcement"], [58, 58, "Medical"],
  [60, 69, "Passenger"], [70, 79, "Cargo"], [80, 89, "Tanker"], [90, 99, "Other"],
];

export function shipTypeText(t) {
  if (t === null || t === undefined || t === "") return "unknown";
  if (typeof t === "number" || /^\d+$/.test(String(t))) {
    const n = Number(t);
    for (const [lo, hi, text] of SHIP_TYPE_TEXT) if (n >= lo && n <= hi) return `${text} (${n})`;
    return n === 0 ? "Not available (0)" : `Type ${n}`;
  }
  return String(t);
}

const NAV_STATUS = [
  "Under way using engine", "At anchor", "Not under command", "Restricted manoeuvrability",
  "Constrained by draught", "Moored", "Aground", "Engaged in fishing", "Under way sailing",
  "Reserved (HSC)", "Reserved (WIG)", "Power-driven towing astern", "Power-driven pushing/towing",
  "Reserved", "AIS-SART / MOB / EPIRB", "Not defined",
];

export function navStatusText(s) {
  if (s === null || s === undefined || s === "") return "—";
  if (typeof s === "number" || /^\d+$/.test(String(s))) return NAV_STATUS[Number(s)] ?? `Status ${s}`;
  return String(s);
}

// Degrees true the symbol points to: the heading when valid (0–359; 511 = not available), else COG.
// null when neither is known or the vessel is stopped (drawn without direction).
export function orientation(v) {
  const h = v.heading_deg;
  if (h !== null && h !== undefined && h >= 0 && h < 360) return h;
  const sog = v.sog_kn;
  const c = v.cog_deg;
  if (c !== null && c !== undefined && c >= 0 && c < 360 && !(sog !== null && sog !== undefined && sog < 0.5)) {
    return c;
  }
  return null;
}

export function label(v) {
  const name = (v.name || "").trim();
  return name || String(v.mmsi);
}

export function fmt(x, digits = 1) {
  return x === null || x === undefined || Number.isNaN(Number(x)) ? "—" : Number(x).toFixed(digits);
}

function dm(value, pos, neg, degWidth) {
  const hemi = value >= 0 ? pos : neg;
  const a = Math.abs(value);
  let d = Math.floor(a);
  let m = (a - d) * 60;
  if (m >= 59.9995) {
    d += 1;
    m = 0;
  }
  return `${String(d).padStart(degWidth, "0")}°${m.toFixed(3).padStart(6, "0")}′${hemi}`;
}

// Position as seamen read it: degrees and decimal minutes.
export function formatLatLon(lat, lon) {
  if (lat === null || lat === undefined || lon === null || lon === undefined) return "—";
  return `${dm(lat, "N", "S", 2)} ${dm(lon, "E", "W", 3)}`;
}

export function parseTime(iso) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

// "HH:MM:SS" in UTC.
export function utcTime(ms) {
  return new Date(ms).toISOString().slice(11, 19);
}

export function utcDate(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

// Age of a report relative to the event clock (never the browser's wall clock).
export function ageText(lastSeenMs, clockMs) {
  if (lastSeenMs === null || clockMs === null) return "—";
  const s = Math.max(0, Math.round((clockMs - lastSeenMs) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}`;
}

// Reports older than this (event time) are drawn dimmed: the contact may no longer be where shown.
export const STALE_MS = 10 * 60 * 1000;
