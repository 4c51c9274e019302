// Assets view: the cell's sea, air and land assets on the map with their states; taskings as lines along
// the route to the intercept point with the ETA; a recommendation for a boat (every asset's time to
// intercept, ranked and explained, conflicts flagged) and, for asset controllers, task / cancel / state
// changes; the time-to-reach map; the posture proposal for the coming days with its objective,
// constraints and the coverage it buys. Re-reads /api/assets on a live "assets" notice.
/* global ol */

const READERS = ["watch_officer", "analyst", "asset_controller", "partner_liaison", "auditor"];
const STATE_COLOUR = {
  available: "#3ddc97",
  tasked: "#ffb000",
  transiting: "#00e5ff",
  on_scene: "#ff6b6b",
  returning: "#9db4ff",
  maintenance: "#6b7b8c",
};
const STATE_LABEL = {
  available: ["available", "disponible"],
  tasked: ["tasked", "engagé"],
  transiting: ["transiting", "en route"],
  on_scene: ["on scene", "sur zone"],
  returning: ["returning", "retour"],
  maintenance: ["maintenance", "maintenance"],
};
// The state changes a controller may ask for from each state (the server checks them again).
const NEXT_STATES = {
  available: ["transiting", "maintenance"],
  tasked: ["transiting", "on_scene"],
  transiting: ["on_scene", "returning"],
  on_scene: ["returning"],
  returning: ["available", "maintenance"],
  maintenance: ["available"],
};
const CONFLICT_LABEL = {
  unavailable: ["already tasked / not available", "déjà engagé / indisponible"],
  already_tasked: ["already tasked", "déjà engagé"],
  endurance: ["endurance too short", "autonomie insuffisante"],
  capacity: ["capacity too small", "capacité insuffisante"],
  target_lands_first: ["boat lands first", "le bateau accoste avant"],
  unreachable: ["unreachable", "inatteignable"],
  maintenance: ["in maintenance", "en maintenance"],
};
const BAND_COLOURS = ["#3ddc97", "#9be15d", "#e8d44d", "#ffb000", "#ff7a45", "#ff4d6d", "#b366ff"];
const fmt = new ol.format.GeoJSON({ dataProjection: "EPSG:4326", featureProjection: "EPSG:3857" });

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "testid") node.dataset.testid = v;
    else if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function minutes(s) {
  return s === null || s === undefined ? "—" : `${Math.round(s / 60)} min`;
}

function hhmm(iso) {
  return iso ? `${iso.slice(11, 16)} UTC` : "";
}

function symbol(kind, state, selected) {
  const fill = new ol.style.Fill({ color: STATE_COLOUR[state] || "#b7c1cc" });
  const stroke = new ol.style.Stroke({ color: selected ? "#ffffff" : "#08121d", width: selected ? 2.5 : 1.5 });
  const image =
    kind === "sea"
      ? new ol.style.Circle({ radius: 7, fill, stroke })
      : new ol.style.RegularShape({ points: kind === "air" ? 3 : 4, radius: 8, angle: kind === "land" ? Math.PI / 4 : 0, fill, stroke });
  return image;
}

const styleCache = new Map();
function assetStyle(feature, resolution) {
  const kind = feature.get("kind");
  const state = feature.get("state");
  const selected = feature.get("selected");
  const key = `${kind}|${state}|${selected}`;
  if (!styleCache.has(key)) styleCache.set(key, new ol.style.Style({ image: symbol(kind, state, selected) }));
  const styles = [styleCache.get(key)];
  if (resolution < 400 || selected) {
    styles.push(
      new ol.style.Style({
        text: new ol.style.Text({
          text: feature.get("label"),
          offsetY: -15,
          font: "11px system-ui, sans-serif",
          fill: new ol.style.Fill({ color: "#d7e1ea" }),
          stroke: new ol.style.Stroke({ color: "#08121d", width: 3 }),
          declutterMode: "declutter",
        }),
      }),
    );
  }
  return styles;
}

function taskingStyle(feature) {
  const flagged = feature.get("flagged");
  if (feature.getGeometry().getType() === "LineString") {
    return new ol.style.Style({
      stroke: new ol.style.Stroke({ color: flagged ? "#ff6b6b" : "#ffb000", width: 2, lineDash: flagged ? [6, 5] : [10, 4] }),
    });
  }
  return new ol.style.Style({
    image: new ol.style.RegularShape({
      points: 4, radius: 7, radius2: 0, angle: Math.PI / 4,
      stroke: new ol.style.Stroke({ color: flagged ? "#ff6b6b" : "#ffb000", width: 2 }),
    }),
    text: new ol.style.Text({
      text: feature.get("label"), offsetY: 16, font: "600 11px system-ui, sans-serif",
      fill: new ol.style.Fill({ color: "#ffe3a3" }), stroke: new ol.style.Stroke({ color: "#08121d", width: 3 }),
    }),
  });  // prettier-ignore
}

function stationStyle(feature) {
  return new ol.style.Style({
    image: new ol.style.RegularShape({
      points: 6, radius: 8, fill: new ol.style.Fill({ color: "rgba(120, 255, 160, 0.25)" }),
      stroke: new ol.style.Stroke({ color: "#78ffa0", width: 1.5 }),
    }),
    text: new ol.style.Text({
      text: feature.get("label"), offsetY: 18, font: "11px system-ui, sans-serif",
      fill: new ol.style.Fill({ color: "#c8ffd9" }), stroke: new ol.style.Stroke({ color: "#08121d", width: 3 }),
    }),
  });  // prettier-ignore
}

function point(lat, lon, props) {
  const f = new ol.Feature({ geometry: new ol.geom.Point(ol.proj.fromLonLat([lon, lat])), ...props });
  return f;
}

const view = {
  id: "assets",
  title: "Assets",
  titleFr: "Moyens",
  roles: READERS,

  mount(ctx) {
    this.ctx = ctx;
    const t = ctx.t;
    if (!document.querySelector('link[href="css/assets.css"]')) {
      document.head.append(el("link", { rel: "stylesheet", href: "css/assets.css" }));
    }
    this.assets = [];
    this.selected = null;
    this.canTask = false;
    const layer = (name, z, style) => {
      const l = new ol.layer.Vector({ source: new ol.source.Vector(), style, properties: { name } });
      ctx.map.addLayer(l, { zIndex: z });
      l.setVisible(false);
      return l;
    };
    this.layers = {
      reach: layer("assets-reach", 30, (f) => this.bandStyle(f)),
      stations: layer("assets-stations", 47, stationStyle),
      taskings: layer("assets-taskings", 48, taskingStyle),
      assets: layer("assets", 50, assetStyle),
    };
    ctx.map.map.on("singleclick", (ev) => this.onMapClick(ev));

    // -- head
    this.note = el("p", { class: "assets-note", testid: "assets-note", hidden: true });
    this.counts = el("div", { class: "assets-counts", testid: "assets-counts" });
    this.status = el("p", { class: "assets-status", testid: "assets-status", role: "status" });

    // -- recommend / task
    const input = (name, value, attrs = {}) => el("input", { name, value, testid: `assets-${name}`, ...attrs });
    const field = (label, node) => el("label", { class: "assets-field" }, el("span", { text: label }), node);
    this.pick = el("button", { type: "button", class: "btn-ghost", testid: "assets-pick", text: t("Pick on map", "Choisir sur la carte") });
    this.pick.addEventListener("click", () => {
      this.picking = true;
      this.status.textContent = t("Click the boat's position on the map.", "Cliquez la position du bateau sur la carte.");
    });
    this.form = el("form", { class: "assets-form", testid: "assets-form" },
      field(t("Incident", "Incident"), input("incident", "", { placeholder: "INC-…", maxlength: "64" })),
      field(t("Persons on board", "Personnes à bord"), input("persons", "50", { type: "number", min: "0" })),
      field(t("Latitude °N", "Latitude °N"), input("lat", "50.95", { inputmode: "decimal" })),
      field(t("Longitude °E", "Longitude °E"), input("lon", "1.45", { inputmode: "decimal" })),
      field(t("SOG kn", "Vitesse nd"), input("sog", "4", { inputmode: "decimal" })),
      field(t("COG °", "Route °"), input("cog", "300", { inputmode: "decimal" })),
      field(t("Drift kn", "Dérive nd"), input("drift_kn", "0", { inputmode: "decimal" })),
      field(t("Drift toward °", "Dérive vers °"), input("drift_deg", "45", { inputmode: "decimal" })),
      field(t("Seen at (UTC)", "Vu à (UTC)"), input("time", "", { placeholder: "2026-10-05T02:00:00Z" })),
      el("div", { class: "assets-form-buttons" }, this.pick,
        el("button", { type: "submit", class: "assets-go", testid: "assets-recommend", text: t("Recommend", "Recommander") })),
    );  // prettier-ignore
    this.form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.recommend();
    });
    this.recs = el("ol", { class: "assets-recs", testid: "assets-recs" });
    this.confirm = el("div", { class: "assets-confirm", testid: "assets-confirm", hidden: true });

    // -- the fleet
    this.list = el("tbody", { testid: "assets-list" });
    this.detail = el("div", { class: "assets-detail", testid: "asset-detail", hidden: true });

    // -- reach map
    this.reachToggle = el("input", { type: "checkbox", testid: "assets-reach-toggle" });
    this.reachToggle.addEventListener("change", () => this.toggleReach());
    this.reachLegend = el("div", { class: "assets-legend", testid: "assets-reach-legend", hidden: true });

    // -- posture
    const fromOutlook = el("button", { type: "button", class: "btn-ghost", testid: "posture-outlook", text: t("Plan from the crossing outlook", "Planifier selon la prévision") });
    fromOutlook.addEventListener("click", () => this.postureFromOutlook());
    this.postureFile = el("input", { type: "file", accept: ".csv,text/csv", testid: "posture-file" });
    this.postureFile.addEventListener("change", () => this.postureFromFile());
    this.posture = el("div", { class: "assets-posture", testid: "posture-result", hidden: true });

    ctx.root.append(
      el("div", { class: "panel-head" }, el("h2", { text: t("Assets", "Moyens") })),
      el("div", { class: "assets-body" },
        this.note, this.counts, this.status,
        el("h3", { text: t("Boat to reach", "Embarcation à rejoindre") }), this.form, this.confirm, this.recs,
        el("h3", { text: t("Fleet", "Flotte") }),
        el("table", { class: "assets-table" },
          el("thead", {}, el("tr", {}, ...[t("Asset", "Moyen"), t("State", "État"), t("Tasking", "Mission")].map((x) => el("th", { text: x })))),
          this.list),
        this.detail,
        el("h3", { text: t("Time to reach", "Délai d’intervention") }),
        el("label", { class: "assets-check" }, this.reachToggle, el("span", { text: t("Show the time-to-reach map (vessels)", "Afficher le délai d’intervention (navires)") })),
        this.reachLegend,
        el("h3", { text: t("Posture for the coming days", "Dispositif des prochains jours") }),
        el("div", { class: "assets-posture-input" }, fromOutlook,
          el("label", { class: "assets-file" }, el("span", { text: t("or a forecast CSV", "ou un CSV de prévision") }), this.postureFile)),
        this.posture),
    );  // prettier-ignore
    ctx.live.on("assets", () => {
      if (this.shown) this.load();
    });
  },

  show() {
    this.shown = true;
    for (const name of ["assets", "taskings", "stations"]) this.layers[name].setVisible(true);
    this.layers.reach.setVisible(this.reachToggle.checked);
    if (!this.form.elements.time.value) {
      const clock = this.ctx.clock();
      if (clock) this.form.elements.time.value = new Date(Math.floor(clock / 60000) * 60000).toISOString().replace(".000", "");
    }
    this.load();
  },

  hide() {
    this.shown = false;
    for (const l of Object.values(this.layers)) l.setVisible(false);
  },

  async load() {
    try {
      const body = await this.ctx.api.get("/api/assets");
      this.assets = body.assets;
      this.canTask = body.can_task;
      this.note.hidden = !body.note;
      this.note.textContent = body.note ? `${body.note}.` : "";
      this.render();
    } catch (err) {
      this.status.textContent = err.message;
    }
  },

  render() {
    const t = this.ctx.t;
    const counts = {};
    for (const a of this.assets) counts[a.state] = (counts[a.state] || 0) + 1;
    this.counts.replaceChildren(
      ...Object.keys(STATE_COLOUR)
        .filter((s) => counts[s])
        .map((s) => el("span", { class: `assets-badge st-${s}`, "data-state": s, text: `${t(...STATE_LABEL[s])} ${counts[s]}` })),
    );
    const src = this.layers.assets.getSource();
    src.clear();
    src.addFeatures(
      this.assets.map((a) => {
        const f = point(a.lat, a.lon, { kind: a.kind, state: a.state, label: a.id, selected: a.id === this.selected });
        f.setId(a.id);
        return f;
      }),
    );
    const lines = this.layers.taskings.getSource();
    lines.clear();
    this.list.replaceChildren();
    for (const a of this.assets) {
      const tk = a.tasking;
      const flags = tk ? tk.conflicts.map((c) => c.code) : [];
      if (tk) {
        const route = tk.route && tk.route.length >= 2 ? tk.route : null;
        if (route) {
          const line = new ol.Feature({ geometry: new ol.geom.LineString(route.map(([la, lo]) => ol.proj.fromLonLat([lo, la]))), flagged: flags.length > 0 });
          line.set("tasking", tk.id);
          lines.addFeature(line);
        }
        if (tk.intercept_lat !== null) {
          lines.addFeature(point(tk.intercept_lat, tk.intercept_lon, {
            flagged: flags.length > 0, label: `${a.id} ETA ${hhmm(tk.eta_time)} (${minutes(tk.eta_s)})`, tasking: tk.id,
          }));  // prettier-ignore
        }
      }
      const row = el("tr", { testid: "asset-row", "data-asset": a.id, "data-state": a.state, tabindex: "0", class: a.id === this.selected ? "selected" : "" },
        el("td", {}, el("span", { class: `assets-kind k-${a.kind}`, text: a.kind }), el("strong", { text: a.id }), el("span", { class: "assets-name", text: a.name || "" })),
        el("td", {}, el("span", { class: `assets-badge st-${a.state}`, testid: "asset-state", text: t(...STATE_LABEL[a.state]) })),
        el("td", { testid: "asset-eta" },
          tk ? `${tk.incident_id} · ETA ${hhmm(tk.eta_time)}` : "",
          ...flags.map((c) => el("span", { class: "assets-flag", testid: "asset-flag", "data-conflict": c, title: t(...(CONFLICT_LABEL[c] || [c, c])), text: "⚠" }))),
      );  // prettier-ignore
      row.addEventListener("click", () => this.selectAsset(a.id));
      row.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" || ev.key === " ") this.selectAsset(a.id);
      });
      this.list.append(row);
    }
    if (this.selected) this.renderDetail(this.selected);
  },

  async selectAsset(id) {
    this.selected = id;
    this.render();
  },

  async renderDetail(id) {
    const t = this.ctx.t;
    let a;
    try {
      a = await this.ctx.api.get(`/api/assets/${encodeURIComponent(id)}`);
    } catch (err) {
      this.detail.hidden = false;
      this.detail.replaceChildren(el("p", { text: err.message }));
      return;
    }
    if (this.selected !== id) return;
    const dl = el("dl", { class: "fields" });
    const add = (k, v) => dl.append(el("dt", { text: k }), el("dd", { text: v ?? "—" }));
    add(t("Type", "Type"), a.type);
    add(t("Operator", "Opérateur"), a.operator);
    add(t("Base", "Base"), a.home_base);
    add(t("Speed (cruise / max)", "Vitesse (croisière / max)"), `${a.cruise_kn ?? "—"} / ${a.max_kn} kn`);
    add(t("Endurance", "Autonomie"), `${a.endurance_h} h`);
    add(t("Crew · capacity", "Équipage · capacité"), `${a.crew ?? "—"} · ${a.capacity_persons} ${t("persons", "personnes")}`);
    add(t("Position", "Position"), `${a.lat.toFixed(4)}, ${a.lon.toFixed(4)} (${a.position_source}${a.position_time ? `, ${hhmm(a.position_time)}` : ""})`);
    add(t("Marking", "Marquage"), a.marking);
    const buttons = el("div", { class: "assets-actions" });
    if (this.canTask) {
      for (const s of NEXT_STATES[a.state] || []) {
        const b = el("button", { type: "button", class: "btn-ghost", testid: `asset-to-${s}`, text: `→ ${t(...STATE_LABEL[s])}` });
        b.addEventListener("click", () => this.changeState(a.id, s));
        buttons.append(b);
      }
      if (a.tasking) {
        const c = el("button", { type: "button", class: "btn-ghost assets-danger", testid: "asset-cancel", text: t("Cancel tasking", "Annuler la mission") });
        c.addEventListener("click", () => this.cancel(a.tasking.id));
        buttons.append(c);
      }
    }
    const history = el("ul", { class: "assets-history", testid: "asset-history" },
      ...a.events.slice(0, 8).map((e) => el("li", {
        text: e.kind === "state" ? `${hhmm(e.time)} ${e.from_state} → ${e.to_state} · ${e.actor}${e.reason ? ` · ${e.reason}` : ""}`
          : `${hhmm(e.time)} ${t("position by hand", "position saisie")} · ${e.actor}`,
      })));  // prettier-ignore
    const tk = a.tasking;
    this.detail.hidden = false;
    this.detail.replaceChildren(
      el("h4", { text: `${a.id} — ${a.name || ""}` }),
      dl,
      tk ? el("p", { class: "assets-tasking", testid: "asset-tasking",
        text: `${t("Tasked to", "Engagé sur")} ${tk.incident_id} ${t("by", "par")} ${tk.created_by} · ETA ${hhmm(tk.eta_time)} (${minutes(tk.eta_s)})` +
          (tk.conflicts.length ? ` · ⚠ ${tk.conflicts.map((c) => t(...(CONFLICT_LABEL[c.code] || [c.code, c.code]))).join(", ")} (${t("accepted", "acceptés")})` : "") }) : null,
      buttons,
      history,
    );  // prettier-ignore
  },

  target() {
    const f = this.form.elements;
    const num = (x) => Number(String(x).replace(",", "."));
    const doc = {
      lat: num(f.lat.value), lon: num(f.lon.value), sog_kn: num(f.sog.value || 0), cog_deg: num(f.cog.value || 0),
      time_utc: f.time.value.trim(), persons: f.persons.value === "" ? null : Number(f.persons.value),
      drift_kn: num(f.drift_kn.value || 0), drift_deg: num(f.drift_deg.value || 0),
    };  // prettier-ignore
    return doc;
  },

  async recommend() {
    const t = this.ctx.t;
    this.confirm.hidden = true;
    this.status.textContent = t("Computing…", "Calcul…");
    let body;
    try {
      body = await this.ctx.api.send("POST", "/api/assets/recommend", { target: this.target() });
    } catch (err) {
      this.status.textContent = err.message;
      return;
    }
    const first = body.first ? `${t("first on scene", "premier sur zone")}: ${body.first}` : t("no asset can reach it", "aucun moyen ne peut l’atteindre");
    const cap = body.first_with_capacity ? ` · ${t("first able to take everyone", "premier pouvant prendre tout le monde")}: ${body.first_with_capacity}` : "";
    this.status.textContent = first + cap;
    this.recs.replaceChildren(
      ...body.recommendations.map((r, i) => {
        const chips = r.conflicts.map((c) => el("span", { class: "assets-chip", testid: "assets-conflict", "data-conflict": c, text: t(...(CONFLICT_LABEL[c] || [c, c])) }));
        const task = this.canTask ? el("button", { type: "button", class: "btn-ghost", testid: "assets-task", text: t("Task", "Engager") }) : null;
        if (task) task.addEventListener("click", () => this.judge(r.asset_id));
        return el("li", { class: r.feasible ? "ok" : "no", testid: "assets-rec", "data-asset": r.asset_id, "data-feasible": String(r.feasible), "data-eta": r.eta_s ?? "" },
          el("div", { class: "assets-rec-head" },
            el("span", { class: "assets-rank", text: `${i + 1}` }),
            el("strong", { text: r.asset_id }),
            el("span", { class: "assets-eta", testid: "assets-rec-eta", text: minutes(r.eta_s) }),
            el("span", { class: r.feasible ? "assets-yes" : "assets-no", text: r.feasible ? "✓" : "✗" }),
            task),
          el("div", { class: "assets-chips" }, ...chips),
          el("p", { class: "assets-why", testid: "assets-why", text: r.explanation }));  // prettier-ignore
      }),
    );
  },

  async judge(assetId) {
    const t = this.ctx.t;
    const incident = this.form.elements.incident.value.trim();
    if (!incident) {
      this.status.textContent = t("Give the incident this tasking is for.", "Indiquez l’incident de cette mission.");
      this.form.elements.incident.focus();
      return;
    }
    let dry;
    try {
      dry = await this.ctx.api.send("POST", `/api/assets/${encodeURIComponent(assetId)}/task`, { incident_id: incident, target: this.target(), dry_run: true });
    } catch (err) {
      this.status.textContent = err.message;
      return;
    }
    const hard = dry.blocking.filter((c) => !c.overridable);
    const list = el("ul", {}, ...dry.conflicts.map((c) => el("li", { testid: "assets-confirm-conflict", "data-conflict": c.code, text: `⚠ ${t(...(CONFLICT_LABEL[c.code] || [c.code, c.code]))}: ${c.message}` })));
    const go = el("button", { type: "button", class: "assets-go", testid: "assets-confirm-task",
      text: dry.conflicts.length ? t("Task anyway (accept the conflicts)", "Engager quand même (accepter)") : t("Confirm tasking", "Confirmer la mission") });  // prettier-ignore
    go.disabled = hard.length > 0;
    go.addEventListener("click", () => this.task(assetId, incident, dry.conflicts.length > 0));
    const back = el("button", { type: "button", class: "btn-ghost", testid: "assets-confirm-close", text: t("Close", "Fermer") });
    back.addEventListener("click", () => (this.confirm.hidden = true));
    this.confirm.hidden = false;
    this.confirm.replaceChildren(
      el("p", { text: `${assetId} → ${incident}: ETA ${minutes(dry.recommendation.eta_s)}. ${dry.recommendation.explanation}` }),
      dry.conflicts.length ? list : el("p", { text: t("No conflict.", "Aucun conflit.") }),
      hard.length ? el("p", { class: "assets-refused", testid: "assets-refused", text: t("Cannot be tasked.", "Ne peut pas être engagé.") }) : null,
      el("div", { class: "assets-actions" }, go, back),
    );
  },

  async task(assetId, incident, accept) {
    const t = this.ctx.t;
    try {
      const body = await this.ctx.api.send("POST", `/api/assets/${encodeURIComponent(assetId)}/task`, {
        incident_id: incident, target: this.target(), accept_conflicts: accept,
      });  // prettier-ignore
      this.confirm.hidden = true;
      this.ctx.notify(`${assetId} ${t("tasked to", "engagé sur")} ${incident} · ETA ${hhmm(body.tasking.eta_time)}`);
      this.selected = assetId;
      await this.load();
    } catch (err) {
      this.status.textContent = err.message;
    }
  },

  async cancel(taskingId) {
    try {
      await this.ctx.api.send("POST", `/api/taskings/${taskingId}/cancel`, { reason: "cancelled on the page" });
      await this.load();
    } catch (err) {
      this.status.textContent = err.message;
    }
  },

  async changeState(assetId, state) {
    try {
      await this.ctx.api.send("POST", `/api/assets/${encodeURIComponent(assetId)}/state`, { state });
      await this.load();
    } catch (err) {
      this.status.textContent = err.message;
    }
  },

  onMapClick(ev) {
    if (!this.shown || !this.picking) return;
    this.picking = false;
    const [lon, lat] = ol.proj.toLonLat(ev.coordinate);
    this.form.elements.lat.value = lat.toFixed(5);
    this.form.elements.lon.value = lon.toFixed(5);
    this.status.textContent = "";
  },

  bandStyle(feature) {
    const b = feature.get("band");
    const colour = BAND_COLOURS[Math.min(b, BAND_COLOURS.length - 1)];
    return new ol.style.Style({ fill: new ol.style.Fill({ color: `${colour}33` }), stroke: new ol.style.Stroke({ color: `${colour}88`, width: 0.8 }) });
  },

  async toggleReach() {
    const t = this.ctx.t;
    const on = this.reachToggle.checked;
    this.layers.reach.setVisible(on && this.shown);
    this.reachLegend.hidden = !on;
    if (!on) return;
    try {
      const gj = await this.ctx.api.get("/api/assets/reach?kind=sea&cell_km=2");
      const src = this.layers.reach.getSource();
      src.clear();
      src.addFeatures(fmt.readFeatures(gj));
      this.reachLegend.replaceChildren(
        ...gj.features.map((f) => el("span", { class: "assets-band", testid: "assets-band", "data-band": f.properties.band },
          el("i", { class: `band-${Math.min(f.properties.band, BAND_COLOURS.length - 1)}` }),
          `${f.properties.eta_min}–${f.properties.eta_max} min`)),  // prettier-ignore
        el("span", { class: "assets-small", text: `${t("median", "médiane")} ${minutes(gj.properties.median_eta_s)} · ${t("from current positions at max speed, round the coast", "depuis les positions actuelles, vitesse max, en contournant la côte")}` }),
      );  // prettier-ignore
    } catch (err) {
      this.reachLegend.textContent = err.message;
    }
  },

  async postureFromOutlook() {
    const t = this.ctx.t;
    try {
      const o = await this.ctx.api.get("/api/weather/outlook");
      if (!o.days || !o.days.length) throw new Error(o.not_covered || t("the outlook has no day", "la prévision n’a aucun jour"));
      await this.runPosture({ outlook: o.days });
    } catch (err) {
      this.showPostureError(`${t("No crossing outlook", "Pas de prévision")}: ${err.message}`);
    }
  },

  async postureFromFile() {
    const file = this.postureFile.files[0];
    if (!file) return;
    await this.runPosture({ csv: await file.text() });
  },

  showPostureError(text) {
    this.posture.hidden = false;
    this.posture.replaceChildren(el("p", { class: "assets-refused", testid: "posture-error", text }));
  },

  async runPosture(body) {
    const t = this.ctx.t;
    this.posture.hidden = false;
    this.posture.replaceChildren(el("p", { text: t("Optimising…", "Optimisation…") }));
    let p;
    try {
      p = await this.ctx.api.send("POST", "/api/assets/posture", body);
    } catch (err) {
      this.showPostureError(err.message);
      return;
    }
    this.postureDoc = p;
    const pct = (x) => (x === null ? "—" : `${Math.round(x * 100)}%`);
    const select = el("select", { testid: "posture-day" }, ...p.days.map((d, i) => el("option", { value: String(i), text: `${d.date} · p ${Math.round(d.p_crossing * 100)}%` })));
    this.postureDay = el("div", { testid: "posture-day-detail" });
    select.addEventListener("change", () => this.showPostureDay(Number(select.value)));
    this.posture.replaceChildren(
      el("p", { class: "assets-totals", testid: "posture-totals",
        text: `${t("Expected people covered", "Personnes attendues couvertes")}: ${pct(p.totals.coverage)} ` +
          `(${t("all standing by", "tous en alerte à quai")}: ${pct(p.totals.baseline_coverage)}) · ${p.totals.patrol_days} ${t("patrol days", "jours de patrouille")} · ${p.status}` }),
      el("details", { testid: "posture-explain" },
        el("summary", { text: t("How this is chosen", "Comment c’est choisi") }),
        el("p", { testid: "posture-objective", text: `${p.method}: ${p.objective}.` }),
        el("ul", { testid: "posture-constraints" }, ...p.constraints.map((c) => el("li", { text: c }))),
        el("p", { class: "assets-small", text: p.shares })),
      p.rejected_rows.length ? el("p", { class: "assets-refused", text: `${p.rejected_rows.length} ${t("outlook rows rejected", "lignes rejetées")}: ${p.rejected_rows.map((r) => `${t("line", "ligne")} ${r.line} ${r.detail}`).join("; ")}` }) : null,
      el("div", { class: "assets-row" }, el("span", { text: t("Day", "Jour") }), select),
      this.postureDay,
    );  // prettier-ignore
    this.showPostureDay(0);
  },

  showPostureDay(i) {
    const t = this.ctx.t;
    const d = this.postureDoc.days[i];
    const pct = (x) => (x === null ? "—" : `${Math.round(x * 100)}%`);
    const patrols = d.assignments.filter((a) => a.mode === "patrol");
    const src = this.layers.stations.getSource();
    src.clear();
    src.addFeatures(patrols.map((a) => point(a.lat, a.lon, { label: `${a.asset_id} · ${a.station}` })));
    this.postureDay.replaceChildren(
      el("p", { testid: "posture-day-coverage",
        text: `${hhmm(d.window.start)}–${hhmm(d.window.end)} · ${t("covered", "couvert")} ${pct(d.coverage)} (${t("standing by", "à quai")} ${pct(d.baseline_coverage)}) · ≈ ${Math.round(d.expected_people)} ${t("people expected", "personnes attendues")}` }),
      el("ul", { class: "assets-plan" }, ...patrols.map((a) => el("li", { testid: "posture-assignment", "data-asset": a.asset_id, "data-station": a.station_id,
        text: `${a.asset_id} → ${a.station}${a.only_cover_people ? ` (${t("only cover for", "seul à couvrir")} ≈ ${Math.round(a.only_cover_people)} ${t("people", "personnes")})` : ""}` }))),
      d.uncovered.length ? el("p", { class: "assets-small", testid: "posture-uncovered", text: `${t("Not covered", "Non couvert")}: ${d.uncovered.join(", ")}` }) : null,
      el("p", { class: "assets-small", text: `${d.assignments.length - patrols.length} ${t("assets stand by at base", "moyens en alerte à leur base")}` }),
    );  // prettier-ignore
  },
};

export default view;
