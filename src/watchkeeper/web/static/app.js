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
  window.watchkeeper = { map: view.map, state };
  view.map.on("singleclick", (ev) => {
    const hit = view.map.forEachFeatureAtPixel(ev.pixel, (f) => f, {
      layerFilter: (l) => l === view.vesselLayer,
      hitTolerance: 6,
    });
    select(hit ? hit.getId() : null);
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
