// The page shell: the tab bar of views, the context each view gets (docs/notes/page-views.md), the
// live-message dispatch by kind, toasts with an optional audible cue, and the page language.

import { apiGet, apiSend, apiDownload } from "./api.js";
import { VIEWS } from "./views/index.js";

const LANG_KEY = "watchkeeper.lang";

export function pageLang() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked === "en" || asked === "fr") {
    localStorage.setItem(LANG_KEY, asked);
    return asked;
  }
  return localStorage.getItem(LANG_KEY) === "fr" ? "fr" : "en";
}

// Live messages by kind: views subscribe; app.js hands every message to dispatch().
export class LiveBus {
  constructor() {
    this.handlers = new Map();
  }
  on(kind, fn) {
    if (!this.handlers.has(kind)) this.handlers.set(kind, new Set());
    this.handlers.get(kind).add(fn);
    return () => this.handlers.get(kind)?.delete(fn);
  }
  dispatch(msg) {
    for (const fn of this.handlers.get(msg.kind) || []) {
      try {
        fn(msg);
      } catch (err) {
        console.error(`view handler for ${msg.kind} failed`, err);
      }
    }
  }
}

// A short two-tone cue generated with WebAudio (no sound file); silent when the browser forbids it.
let audio = null;
function chime(level) {
  try {
    audio = audio || new AudioContext();
    const now = audio.currentTime;
    const tones = level === "critical" ? [880, 660, 880] : [660, 880];
    tones.forEach((f, i) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = f;
      gain.gain.setValueAtTime(0.0001, now + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.2, now + i * 0.18 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.18 + 0.16);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.18);
      osc.stop(now + i * 0.18 + 0.17);
    });
    return true;
  } catch {
    return false;
  }
}

export function createNotifier(container) {
  return (text, { level = "info", sound = false, timeoutMs = 8000 } = {}) => {
    const el = document.createElement("div");
    el.className = `toast toast-${level}`;
    el.setAttribute("role", level === "info" ? "status" : "alert");
    el.dataset.testid = "toast";
    el.textContent = text;
    if (sound) el.dataset.sound = chime(level) ? "played" : "blocked";
    container.append(el);
    setTimeout(() => el.remove(), timeoutMs);
    while (container.children.length > 5) container.firstChild.remove();
  };
}

// Build the tab bar and one section per view the user may see; returns {views, showTab}.
export function createShell({ tabBar, viewsRoot, pictureSection, user, map, live, clock, select, notify, lang }) {
  const t = (en, fr) => (lang === "fr" && fr ? fr : en);
  const roles = new Set(user?.roles || []);
  const visible = VIEWS.filter((v) => !v.roles || v.roles.some((r) => roles.has(r)));
  const tabs = [{ id: "picture", title: "Picture", titleFr: "Situation", section: pictureSection }];
  const ctxMap = {
    map,
    addLayer(layer, { zIndex } = {}) {
      if (zIndex !== undefined) layer.setZIndex(zIndex);
      map.addLayer(layer);
      return layer;
    },
    fit(extentLonLat) {
      const ext = ol.proj.transformExtent(extentLonLat, "EPSG:4326", "EPSG:3857");
      map.getView().fit(ext, { padding: [40, 40, 40, 40], maxZoom: 13, duration: 300 });
    },
  };
  for (const view of visible) {
    const section = document.createElement("section");
    section.className = "view";
    section.dataset.testid = `view-${view.id}`;
    section.hidden = true;
    viewsRoot.append(section);
    const ctx = {
      root: section,
      api: { get: apiGet, send: apiSend, download: apiDownload },
      map: ctxMap,
      live,
      clock,
      user,
      select,
      notify,
      lang,
      t,
    };
    try {
      view.mount(ctx);
    } catch (err) {
      console.error(`view ${view.id} failed to mount`, err);
    }
    tabs.push({ id: view.id, title: view.title, titleFr: view.titleFr, section, view });
  }
  let current = "picture";
  tabBar.replaceChildren();
  for (const tab of tabs) {
    const btn = document.createElement("button");
    btn.type = "button";
    btn.className = "tab";
    btn.role = "tab";
    btn.dataset.testid = `tab-${tab.id}`;
    btn.textContent = t(tab.title, tab.titleFr);
    btn.addEventListener("click", () => showTab(tab.id));
    tab.button = btn;
    tabBar.append(btn);
  }
  function showTab(id) {
    for (const tab of tabs) {
      const on = tab.id === id;
      if (tab.id === current && !on) tab.view?.hide?.();
      tab.section.hidden = !on;
      tab.button.setAttribute("aria-selected", String(on));
      tab.button.classList.toggle("tab-on", on);
      if (on && current !== id) tab.view?.show?.();
    }
    current = id;
  }
  showTab("picture");
  // a view may ask for attention (a badge on its tab): ctx.root.dispatchEvent(new CustomEvent("badge"))
  for (const tab of tabs) {
    tab.section.addEventListener("badge", (ev) => {
      tab.button.dataset.badge = ev.detail ?? "";
      tab.button.classList.toggle("tab-badge", Boolean(ev.detail));
    });
  }
  return { tabs, showTab };
}
