// The alert queue: every alert the user may see, most severe and newest first, with acknowledgement.
// New alerts arrive live (WebSocket messages of kind "alert") and by a poll of GET /api/alerts every
// few seconds (so alerts recorded by a replay into the store appear too). A new high or critical alert
// gives a visual cue (the card flashes, the tab shows the count of unacknowledged alerts) and a sound.
// Clicking an alert shows what the rule looked at on the map (its point or segment).

const POLL_MS = 4000;
const RANK = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
const CUE_FROM = RANK.high;
const ACKERS = ["watch_officer", "asset_controller"];
const COLOURS = { info: "#8aa0b3", low: "#8aa0b3", medium: "#ffb000", high: "#ff7a1a", critical: "#ff4d4d" };

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function hhmmss(iso) {
  return iso ? iso.slice(11, 19) : "";
}

function ensureStyles(href) {
  if (!document.querySelector(`link[href="${href}"]`)) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.append(link);
  }
}

export default {
  id: "alerts",
  title: "Alerts",
  titleFr: "Alertes",

  mount(ctx) {
    ensureStyles("css/alerts.css");
    this.ctx = ctx;
    this.alerts = new Map(); // alert_id -> alert
    this.fresh = new Set(); // ids to flash
    this.loaded = false;
    this.selected = null;
    const t = ctx.t;
    const canAck = (ctx.user.roles || []).some((r) => ACKERS.includes(r));
    this.canAck = canAck;

    const head = el("div", "panel-head alerts-head");
    head.append(el("h2", "", t("Alert queue", "File des alertes")));
    this.count = el("span", "alerts-count");
    this.count.dataset.testid = "alerts-count";
    head.append(this.count);
    const controls = el("div", "alerts-controls");
    this.onlyOpen = el("input");
    this.onlyOpen.type = "checkbox";
    this.onlyOpen.checked = true;
    this.onlyOpen.dataset.testid = "alerts-unacked-only";
    const lbl = el("label", "alerts-check");
    lbl.append(this.onlyOpen, document.createTextNode(t(" unacknowledged only", " non acquittées seulement")));
    this.minSeverity = el("select", "alerts-select");
    this.minSeverity.dataset.testid = "alerts-min-severity";
    this.minSeverity.setAttribute("aria-label", t("Minimum severity", "Gravité minimale"));
    for (const s of ["info", "low", "medium", "high", "critical"]) {
      const o = el("option", "", s);
      o.value = s;
      this.minSeverity.append(o);
    }
    controls.append(lbl, this.minSeverity);
    this.simulated = el("p", "alerts-sim", t("SIMULATED scenario alerts", "Alertes d'un scénario SIMULÉ"));
    this.simulated.dataset.testid = "alerts-simulated";
    this.simulated.hidden = true;
    this.list = el("ol", "alert-list");
    this.list.dataset.testid = "alert-list";
    this.list.setAttribute("aria-live", "polite");
    this.empty = el("p", "alerts-empty", t("No alert.", "Aucune alerte."));
    this.status = el("p", "alerts-status");
    ctx.root.append(head, controls, this.simulated, this.empty, this.list, this.status);
    this.onlyOpen.addEventListener("change", () => this.render(true));
    this.minSeverity.addEventListener("change", () => this.render(true));

    // what the selected alert looked at, on the map
    this.source = new ol.source.Vector();
    this.layer = ctx.map.addLayer(new ol.layer.Vector({ source: this.source }), { zIndex: 60 });
    this.format = new ol.format.GeoJSON();

    ctx.live.on("alert", (msg) => {
      if (msg.alert) this.upsert(msg.alert, msg.event);
      this.render();
    });
    this.poll();
    this.timer = setInterval(() => this.poll(), POLL_MS);
  },

  async poll() {
    try {
      const body = await this.ctx.api.get("/api/alerts?limit=500");
      const first = !this.loaded;
      for (const a of body.alerts) this.upsert(a, first ? null : "raised");
      this.loaded = true;
      this.status.textContent = "";
      this.render();
    } catch (err) {
      this.status.textContent = this.ctx.t("Alerts unavailable: ", "Alertes indisponibles : ") + err.message;
    }
  },

  upsert(a, event) {
    const known = this.alerts.get(a.alert_id);
    const merged = known ? { ...known, ...a } : a;
    // an acknowledgement seen here is never undone by an older live message
    if (known && known.acknowledged_by && !a.acknowledged_by) {
      merged.acknowledged_by = known.acknowledged_by;
      merged.acknowledged_utc = known.acknowledged_utc;
    }
    this.alerts.set(a.alert_id, merged);
    const renewed = event === "reraised" || event === "escalated";
    if ((!known && event) || (known && renewed)) this.cue(merged);
  },

  // New alerts are cued together: one toast and one sound per burst (a replay or a busy scan can bring
  // a dozen at once), naming the most severe; every new card flashes.
  cue(a) {
    if ((RANK[a.severity] ?? 0) < CUE_FROM || a.acknowledged_by) return;
    this.fresh.add(a.alert_id);
    this.pending = this.pending || [];
    this.pending.push(a);
    clearTimeout(this.cueTimer);
    this.cueTimer = setTimeout(() => this.flushCues(), 250);
  },

  flushCues() {
    const burst = (this.pending || []).sort((x, y) => (RANK[y.severity] ?? 0) - (RANK[x.severity] ?? 0));
    this.pending = [];
    if (!burst.length) return;
    const top = burst[0];
    const level = top.severity === "critical" ? "critical" : "warning";
    const more = burst.length > 1 ? this.ctx.t(` (+${burst.length - 1} more)`, ` (+${burst.length - 1} autres)`) : "";
    this.ctx.notify(`${top.severity.toUpperCase()} ${top.explanation}${more}`, { level, sound: true });
  },

  visible() {
    const min = RANK[this.minSeverity.value] ?? 0;
    const onlyOpen = this.onlyOpen.checked;
    return [...this.alerts.values()]
      .filter((a) => (RANK[a.severity] ?? 0) >= min && (!onlyOpen || !a.acknowledged_by))
      .sort((a, b) => (RANK[b.severity] ?? 0) - (RANK[a.severity] ?? 0) || (a.time_utc < b.time_utc ? 1 : -1));
  },

  render(force = false) {
    const t = this.ctx.t;
    const shown = this.visible();
    const signature = shown
      .map((a) => `${a.alert_id}|${a.severity}|${a.status}|${a.acknowledged_by || ""}|${this.fresh.has(a.alert_id)}`)
      .join(",") + `|${this.selected}|${this.alerts.size}`;
    if (!force && signature === this.signature) return;
    this.signature = signature;
    const unacked = [...this.alerts.values()].filter((a) => !a.acknowledged_by).length;
    this.count.textContent = `${unacked} ${t("to acknowledge", "à acquitter")}`;
    this.ctx.root.dispatchEvent(new CustomEvent("badge", { detail: unacked ? String(unacked) : "" }));
    this.simulated.hidden = ![...this.alerts.values()].some((a) => a.simulated);
    this.empty.hidden = shown.length > 0;
    this.list.replaceChildren(...shown.map((a) => this.card(a)));
    this.fresh.clear();
  },

  card(a) {
    const t = this.ctx.t;
    const li = el("li", `alert-card sev-${a.severity}`);
    li.dataset.testid = "alert-card";
    li.dataset.alertId = a.alert_id;
    li.dataset.rule = a.rule;
    li.dataset.severity = a.severity;
    if (this.fresh.has(a.alert_id)) li.classList.add("alert-new");
    if (a.acknowledged_by) li.classList.add("alert-acked");
    if (this.selected === a.alert_id) li.classList.add("alert-selected");
    const top = el("div", "alert-top");
    top.append(
      el("span", `sev-chip sev-${a.severity}`, a.severity),
      el("span", "alert-rule", a.rule),
      el("span", "alert-time", `${hhmmss(a.time_utc)} UTC`),
    );
    if (a.track_id !== null && a.track_id !== undefined) top.append(el("span", "alert-track", `#${a.track_id}`));
    if (a.status === "cleared") top.append(el("span", "alert-cleared", t("cleared", "levée")));
    const text = el("p", "alert-text", a.explanation);
    text.dataset.testid = "alert-explanation";
    li.append(top, text);
    const foot = el("div", "alert-foot");
    if (a.acknowledged_by) {
      const who = el("span", "alert-ackd", `${t("acknowledged by", "acquittée par")} ${a.acknowledged_by}`);
      who.dataset.testid = "alert-acknowledged";
      foot.append(who);
    } else if (this.canAck) {
      const btn = el("button", "btn-ack", t("Acknowledge", "Acquitter"));
      btn.type = "button";
      btn.dataset.testid = "alert-ack";
      btn.addEventListener("click", (ev) => {
        ev.stopPropagation();
        this.acknowledge(a, btn);
      });
      foot.append(btn);
    }
    if (a.incident_id) foot.append(el("span", "alert-incident", a.incident_id));
    foot.append(el("span", "alert-marking", a.marking));
    li.append(foot);
    li.tabIndex = 0;
    li.addEventListener("click", () => this.focus(a));
    li.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") this.focus(a);
    });
    return li;
  },

  async acknowledge(a, btn) {
    btn.disabled = true;
    try {
      const row = await this.ctx.api.send("POST", `/api/alerts/${encodeURIComponent(a.alert_id)}/ack`, {});
      this.alerts.set(a.alert_id, { ...a, ...row });
    } catch (err) {
      btn.disabled = false;
      this.status.textContent = err.message;
      return;
    }
    this.render();
  },

  focus(a) {
    this.selected = a.alert_id;
    this.source.clear();
    const colour = COLOURS[a.severity] || "#00e5ff";
    const stroke = new ol.style.Stroke({ color: colour, width: 3 });
    const style = new ol.style.Style({
      stroke,
      image: new ol.style.Circle({ radius: 8, stroke, fill: new ol.style.Fill({ color: "rgba(0,0,0,0.3)" }) }),
    });
    const point = new ol.Feature(new ol.geom.Point(ol.proj.fromLonLat([a.lon, a.lat])));
    point.setStyle(style);
    this.source.addFeature(point);
    if (a.geometry) {
      const geom = this.format.readGeometry(a.geometry, { dataProjection: "EPSG:4326", featureProjection: "EPSG:3857" });
      const f = new ol.Feature(geom);
      f.setStyle(style);
      this.source.addFeature(f);
    }
    const d = 0.05;
    this.ctx.map.fit([a.lon - d, a.lat - d, a.lon + d, a.lat + d]);
    this.render();
  },

  show() {
    this.layer?.setVisible(true);
  },

  hide() {
    this.layer?.setVisible(false);
  },
};
