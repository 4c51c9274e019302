// Watchkeeper command-cell page: login, the live picture on the strait map, the vessel list, the
// detail panel and the event-time clock. All times shown are event time in UTC from the server's
// picture clock; the browser's own clock is never used for the picture.

/* global ol */
import { session, login, apiGet, LiveFeed, Unauthorised } from "./js/api.js";
import { createShell, createNotifier, LiveBus, pageLang } from "./js/shell.js";
import { createMap, loadGeography } from "./js/map.js";
import { VesselList } from "./js/list.js";
import { DetailPanel } from "./js/detail.js";
import { parseTime, utcTime, utcDate } from "./js/vessels.js";
import { TrackLayer } from "./js/tracks.js";
import { tr, translatePage } from "./js/i18n.js";

const $ = (id) => document.getElementById(id);

const state = {
  vessels: new Map(), // mmsi -> vessel (contract fields of /api/picture)
  clockMs: null,
  simulated: false,
  selected: null,
};

let view = null; // map objects, created after the first sign-in
let list = null;
let detail = null;
let feed = null;
let renderQueued = false;
let pendingSince = null; // performance.now() of the oldest message not yet on screen
let expiryTimer = null;
let shell = null; // tab bar and views, built once per signed-in user
let tracks = null; // radar/fused tracks layer (js/tracks.js)
const live = new LiveBus();
const notify = createNotifier($("toasts"));
const lang = pageLang();
const FLASH_KEY = "watchkeeper.flash";
translatePage();

// ------------------------------------------------------------------ login
function showLogin(message) {
  feed?.stop();
  clearTimeout(expiryTimer);
  $("app").hidden = true;
  $("login").hidden = false;
  $("simulated-banner").hidden = true;
  const err = $("login-error");
  err.hidden = !message;
  err.textContent = message || "";
  $("login-password").value = "";
  $("login-username").focus();
}

$("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const btn = ev.submitter || $("login-form").querySelector("button");
  btn.disabled = true;
  try {
    await login($("login-username").value.trim(), $("login-password").value);
    await start();
  } catch (err) {
    showLogin(err instanceof Unauthorised ? tr(err.message) : `${tr("Sign-in failed")}: ${err.message}`);
  } finally {
    btn.disabled = false;
  }
});

// Views are built for one user's roles: leaving the session reloads the page, so the next user
// starts from a clean page (the message survives the reload in sessionStorage).
function endSession(message) {
  session.clear();
  feed?.stop();
  if (shell) {
    sessionStorage.setItem(FLASH_KEY, message);
    location.reload();
    return;
  }
  showLogin(message);
}

$("logout").addEventListener("click", () => endSession(tr("Signed out.")));

$("lang").textContent = lang === "fr" ? "EN" : "FR";
$("lang").addEventListener("click", () => {
  localStorage.setItem("watchkeeper.lang", lang === "fr" ? "en" : "fr");
  const url = new URL(location.href);
  url.searchParams.delete("lang");
  location.replace(url);
});

function onUnauthorised() {
  endSession(tr("Your session has ended. Sign in again."));
}

// ------------------------------------------------------------------ picture state
function setClock(iso) {
  const t = parseTime(iso);
  if (t === null) return;
  if (state.clockMs === null || t >= state.clockMs) state.clockMs = t;
  $("event-clock").textContent = utcTime(state.clockMs);
  $("event-clock").dateTime = new Date(state.clockMs).toISOString();
  $("event-date").textContent = `${utcDate(state.clockMs)} UTC`;
}

function setSimulated(sim) {
  state.simulated = Boolean(sim);
  $("simulated-banner").hidden = !state.simulated;
  document.body.classList.toggle("simulated", state.simulated);
}

function upsertVessel(v) {
  if (v === null || typeof v !== "object" || v.mmsi === undefined) return;
  if (typeof v.lat !== "number" || typeof v.lon !== "number") return; // no position: list-only is misleading
  state.vessels.set(v.mmsi, v);
  const coord = ol.proj.fromLonLat([v.lon, v.lat]);
  let f = view.vesselSource.getFeatureById(v.mmsi);
  if (!f) {
    f = new ol.Feature(new ol.geom.Point(coord));
    f.setId(v.mmsi);
    f.set("vessel", v, true);
    view.vesselSource.addFeature(f);
  } else {
    f.set("vessel", v, true);
    f.getGeometry().setCoordinates(coord);
  }
  if (v.mmsi === state.selected) detail.update(v, state.clockMs);
}

function replaceAll(vessels) {
  state.vessels.clear();
  view.vesselSource.clear(true);
  for (const v of vessels || []) upsertVessel(v);
  if (state.selected !== null && !state.vessels.has(state.selected)) select(null);
}

function onMessage(msg) {
  if (msg.clock) setClock(msg.clock);
  if (msg.kind === "snapshot") {
    if ("simulated" in msg) setSimulated(msg.simulated);
    replaceAll(msg.vessels);
    if (msg.tracks_time) tracks.update(msg.tracks_time, msg.tracks);
  } else if (msg.kind === "tracks") {
    if (msg.simulated) setSimulated(true);
    setClock(msg.time);
    tracks.update(msg.time, msg.tracks);
  } else if (msg.kind === "vessels") {
    if ("simulated" in msg) setSimulated(msg.simulated);
    for (const v of msg.vessels || []) upsertVessel(v);
  }
  live.dispatch(msg);
  if (pendingSince === null) pendingSince = performance.now();
  queueRender();
}

// Each render records a "watchkeeper:update" performance measure: from the oldest message waiting
// to the list and the map being drawn (sensor-to-screen latency, browser share; read it in DevTools
// or with performance.getEntriesByName). Cleared every 1000 entries so it cannot grow without bound.
function measureUpdate() {
  if (pendingSince === null) return;
  performance.measure("watchkeeper:update", { start: pendingSince, end: performance.now() });
  pendingSince = null;
  if (performance.getEntriesByName("watchkeeper:update").length > 1000) {
    performance.clearMeasures("watchkeeper:update");
  }
}

function queueRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    const shown = list.render(state.vessels, state.clockMs);
    const total = state.vessels.size;
    $("vessel-count").textContent =
      shown === total
        ? `${total} ${tr(total === 1 ? "vessel" : "vessels")}`
        : `${shown} ${tr("of")} ${total} ${tr("vessels")}`;
    const dark = tracks ? tracks.darkCount() : 0;
    $("dark-count").textContent = `${dark} ${tr("dark")}`;
    view.vesselLayer.changed();
    view.map.renderSync(); // draw now, in this frame, so the measure below covers it
    measureUpdate();
  });
}

function setConnection(s) {
  const el = $("conn");
  el.textContent = tr({ live: "live", connecting: "connecting…", reconnecting: "reconnecting…" }[s] || s);
  el.className = `conn conn-${s === "live" ? "up" : "down"}`;
}

// ------------------------------------------------------------------ track detail
function showTrack(t) {
  const panel = $("track-detail");
  if (!t) {
    panel.hidden = true;
    return;
  }
  panel.hidden = false;
  $("track-title").textContent = t.dark ? `T${t.track_id} — ${tr("Dark: no AIS")}` : `T${t.track_id}`;
  $("track-sim").hidden = !t.simulated;
  const modes = t.modes
    ? Object.entries(t.modes)
        .map(([m, p]) => `${m} ${(p * 100).toFixed(0)} %`)
        .join(", ")
    : "—";
  const rows = [
    [tr("Track"), `T${t.track_id}`],
    [tr("Identity"), t.mmsi ? `${tr("Bound to AIS")}: ${t.name || ""} ${t.mmsi}` : tr("Dark: no AIS")],
    [tr("Position"), `${t.lat.toFixed(5)}, ${t.lon.toFixed(5)}`],
    [tr("SOG"), `${t.sog_kn.toFixed(1)} kn`],
    [tr("COG"), `${t.cog_deg.toFixed(0)}°`],
    [tr("Motion model"), modes],
    [tr("Age"), t.age_s !== undefined ? `${Math.round(t.age_s)} s` : "—"],
    [tr("Updates"), t.plot_updates !== undefined ? `${t.plot_updates} radar, ${t.ais_updates} AIS` : "—"],
    [tr("Position σ"), t.position_sigma_m !== undefined ? `${t.position_sigma_m} m` : "—"],
    ["Marking", t.marking || "—"],
  ];
  const dl = $("track-fields");
  dl.replaceChildren();
  for (const [k, v] of rows) {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = v;
    dd.dataset.testid = `track-${k.toLowerCase().replace(/[^a-z]+/g, "-")}`;
    dl.append(dt, dd);
  }
}

$("track-close").addEventListener("click", () => tracks?.select(null));

// ------------------------------------------------------------------ selection
function select(mmsi, { centre = false } = {}) {
  state.selected = mmsi;
  list.selected = mmsi;
  if (mmsi === null) {
    detail.hide();
  } else {
    const v = state.vessels.get(mmsi);
    if (!v) return;
    detail.select(v, state.clockMs);
    if (centre) {
      const mapView = view.map.getView();
      const coord = ol.proj.fromLonLat([v.lon, v.lat]);
      const size = view.map.getSize();
      const px = view.map.getPixelFromCoordinate(coord);
      const inside = px && size && px[0] > 40 && px[1] > 40 && px[0] < size[0] - 40 && px[1] < size[1] - 40;
      if (!inside) mapView.animate({ center: coord, duration: 300 });
    }
  }
  view.vesselLayer.changed();
  queueRender();
  requestAnimationFrame(() => list.scrollToSelected());
}

// ------------------------------------------------------------------ start-up
function buildUi() {
  view = createMap($("map"), state);
  // the real map object, for operators' scripting and the browser test (no test-only hooks)
  tracks = new TrackLayer(view.map, { onSelect: showTrack });
  window.watchkeeper = { map: view.map, state, tracks };
  view.map.on("singleclick", (ev) => {
    const hit = view.map.forEachFeatureAtPixel(ev.pixel, (f) => f, {
      layerFilter: (l) => l === view.vesselLayer,
      hitTolerance: 6,
    });
    if (hit) {
      tracks.select(null);
      select(hit.getId());
      return;
    }
    const track = view.map.forEachFeatureAtPixel(ev.pixel, (f) => f, {
      layerFilter: (l) => l === tracks.layer,
      hitTolerance: 6,
    });
    select(null);
    tracks.select(track ? track.getId() : null);
  });
  view.map.on("pointermove", (ev) => {
    if (ev.dragging) return;
    const hit = view.map.hasFeatureAtPixel(ev.pixel, { layerFilter: (l) => l === view.vesselLayer, hitTolerance: 6 });
    view.map.getTargetElement().classList.toggle("pointer", hit);
  });
  list = new VesselList({
    tbody: $("vessel-rows"),
    table: document.querySelector(".vessel-table"),
    filterInput: $("filter"),
    onSelect: (mmsi) => select(mmsi, { centre: true }),
  });
  list.onChange = queueRender;
  detail = new DetailPanel({
    root: $("detail"),
    title: $("detail-title"),
    fields: $("detail-fields"),
    simFlag: $("detail-sim"),
    trailInfo: $("trail-info"),
    closeBtn: $("detail-close"),
    trailSource: view.trailSource,
    apiGet,
    onClose: () => select(null),
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && state.selected !== null) select(null);
    if (ev.key === "/" && document.activeElement?.tagName !== "INPUT") {
      ev.preventDefault();
      $("filter").focus();
    }
  });
}

async function start() {
  const s = session.get();
  if (!s) {
    showLogin();
    return;
  }
  $("login").hidden = true;
  $("app").hidden = false;
  $("user").textContent = s.user ? `${s.user.username}${s.user.clearance ? ` · ${s.user.clearance}` : ""}` : "";
  if (!view) buildUi();
  if (!shell) {
    shell = createShell({
      tabBar: $("tabs"),
      viewsRoot: $("views"),
      pictureSection: $("view-picture"),
      user: s.user || { username: "", roles: [], clearance: "" },
      map: view.map,
      live,
      clock: () => state.clockMs,
      select: (kind, id) => {
        if (kind === "vessel") {
          shell.showTab("picture");
          select(id, { centre: true });
        }
      },
      notify,
      lang,
    });
  }
  view.map.updateSize();
  clearTimeout(expiryTimer);
  const exp = s.expires_at ? Date.parse(s.expires_at) - Date.now() : NaN;
  if (Number.isFinite(exp) && exp < 2 ** 31 - 1) expiryTimer = setTimeout(onUnauthorised, Math.max(0, exp));
  try {
    const pic = await apiGet("/api/picture");
    setClock(pic.clock);
    setSimulated(pic.simulated);
    replaceAll(pic.vessels);
    if (pic.tracks_time) tracks.update(pic.tracks_time, pic.tracks);
    apiGet("/api/radars")
      .then((r) => tracks.setRadars(r.radars))
      .catch((err) => console.error("radars failed", err));
    queueRender();
  } catch (err) {
    if (err instanceof Unauthorised) {
      onUnauthorised();
      return;
    }
    console.error("picture request failed", err);
  }
  if (!view.geographyLoaded) {
    view.geographyLoaded = true;
    loadGeography(view.map, apiGet).catch((err) => {
      view.geographyLoaded = false;
      if (err instanceof Unauthorised) onUnauthorised();
      else console.error("geography failed", err);
    });
  }
  feed?.stop();
  feed = new LiveFeed({ onMessage, onState: setConnection, onUnauthorised });
  feed.start();
}

const flash = sessionStorage.getItem(FLASH_KEY);
sessionStorage.removeItem(FLASH_KEY);
if (flash) showLogin(flash);
else start();
