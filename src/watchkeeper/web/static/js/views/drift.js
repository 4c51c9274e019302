// Drift view: run a drift for a last known position (OpenDrift Leeway on the server), then show per hour
// the 50 % / 90 % search areas, the probability grid and the centroid track with a time slider, the
// search pattern and its probability of success, stranding, and the current model's limits.
/* global ol */

const OBJECTS = [
  ["inflatable", "Overloaded inflatable", "Pneumatique surchargé"],
  ["piw", "Person in the water", "Personne à la mer"],
  ["liferaft", "Life-raft", "Radeau de survie"],
  ["smallboat", "Small open boat", "Petite embarcation"],
];
const AREA_STYLE = {
  0.9: new ol.style.Style({
    fill: new ol.style.Fill({ color: "rgba(255, 176, 0, 0.10)" }),
    stroke: new ol.style.Stroke({ color: "rgba(255, 176, 0, 0.9)", width: 1.5, lineDash: [6, 4] }),
  }),
  0.5: new ol.style.Style({
    fill: new ol.style.Fill({ color: "rgba(255, 96, 64, 0.18)" }),
    stroke: new ol.style.Stroke({ color: "rgba(255, 96, 64, 0.95)", width: 2 }),
  }),
};
const TRACK_STYLE = new ol.style.Style({ stroke: new ol.style.Stroke({ color: "#00e5ff", width: 1.5 }) });
const CENTROID_STYLE = new ol.style.Style({
  image: new ol.style.Circle({
    radius: 5,
    fill: new ol.style.Fill({ color: "#00e5ff" }),
    stroke: new ol.style.Stroke({ color: "#08121d", width: 1.5 }),
  }),
});
const PLAN_STYLE = new ol.style.Style({
  stroke: new ol.style.Stroke({ color: "rgba(120, 255, 160, 0.85)", width: 1.2 }),
});
const PLAN_AREA_STYLE = new ol.style.Style({
  stroke: new ol.style.Stroke({ color: "rgba(120, 255, 160, 0.6)", width: 1, lineDash: [2, 4] }),
});
const fmt = new ol.format.GeoJSON({ dataProjection: "EPSG:4326", featureProjection: "EPSG:3857" });

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "testid") node.dataset.testid = v;
    else if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function field(label, input) {
  return el("label", { class: "drift-field" }, el("span", {}, label), input);
}

function cellStyle(p, max) {
  const a = Math.min(0.75, 0.08 + 0.67 * (p / max));
  return new ol.style.Style({ fill: new ol.style.Fill({ color: `rgba(186, 104, 255, ${a.toFixed(3)})` }) });
}

const view = {
  id: "drift",
  title: "Drift",
  titleFr: "Dérive",
  mount(ctx) {
    this.ctx = ctx;
    const t = ctx.t;
    if (!document.querySelector('link[href="css/drift.css"]')) {
      document.head.append(el("link", { rel: "stylesheet", href: "css/drift.css" }));
    }
    const input = (name, value, attrs = {}) => el("input", { name, value, testid: `drift-${name}`, ...attrs });
    const select = (name, options, value) => {
      const s = el("select", { name, testid: `drift-${name}` });
      for (const [v, en, fr] of options) {
        const o = el("option", { value: v }, t(en, fr || en));
        if (v === value) o.selected = true;
        s.append(o);
      }
      return s;
    };
    const clock = ctx.clock();
    const when = clock ? new Date(Math.floor(clock / 60000) * 60000).toISOString().replace(".000", "") : "";
    this.form = el(
      "form",
      { class: "drift-form", testid: "drift-form" },
      el("h3", {}, t("Last known position", "Dernière position connue")),
      field(t("Latitude °N", "Latitude °N"), input("lat", "51.0", { inputmode: "decimal" })),
      field(t("Longitude °E", "Longitude °E"), input("lon", "1.5", { inputmode: "decimal" })),
      field(t("Time (UTC)", "Heure (UTC)"), input("time", when, { placeholder: "2026-09-30T02:00:00Z" })),
      field(t("Object", "Objet"), select("object", OBJECTS, "inflatable")),
      field(t("Hours", "Heures"), input("hours", "6", { type: "number", min: "1", max: "48" })),
      field(t("Particles", "Particules"), input("particles", "2000", { type: "number", min: "50", max: "10000" })),
      el("h3", {}, t("Wind and current", "Vent et courant")),
      field(t("Wind m/s", "Vent m/s"), input("wind_speed", "8", { inputmode: "decimal" })),
      field(t("Wind from °", "Vent du °"), input("wind_from", "225", { inputmode: "decimal" })),
      field(t("Current m/s (empty: tidal)", "Courant m/s (vide : marée)"), input("cur_speed", "")),
      field(t("Current toward °", "Courant vers °"), input("cur_toward", "")),
      el("h3", {}, t("Search asset", "Moyen de recherche")),
      field(t("Name", "Nom"), input("asset", "ALB")),
      field(t("Speed kn", "Vitesse nd"), input("speed_kn", "20", { inputmode: "decimal" })),
      field(t("Sweep width nm", "Largeur de balayage nq"), input("sweep_nm", "0.5", { inputmode: "decimal" })),
      field(t("Pattern", "Schéma"), select("pattern", [
        ["parallel", "Parallel track", "Traces parallèles"],
        ["expanding_square", "Expanding square", "Carré croissant"],
      ], "parallel")),
      field(t("Search starts at hour", "Début de recherche, heure"), input("start_hour", "1", { type: "number", min: "0" })),
      field(t("Incident", "Incident"), input("incident_id", "", { placeholder: "optional" })),
      field(t("Marking", "Marquage"), select("marking", [["UK-ONLY", "UK-ONLY"], ["UK-FR", "UK-FR"], ["PUBLIC", "PUBLIC"]], "UK-ONLY")),
      el("button", { type: "submit", class: "drift-run", testid: "drift-run" }, t("Run drift", "Calculer la dérive")),
    );
    this.form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.run();
    });
    this.status = el("p", { class: "drift-status", testid: "drift-status", role: "status" });
    this.limits = el("p", { class: "drift-limits", testid: "drift-limits" });
    this.slider = el("input", { type: "range", min: "0", max: "0", value: "0", step: "1", testid: "drift-slider",
      "aria-label": t("Hour after the last known position", "Heure après la dernière position") });
    this.slider.addEventListener("input", () => this.showHour(Number(this.slider.value)));
    this.hourLabel = el("span", { class: "drift-hour", testid: "drift-hour" });
    this.summary = el("dl", { class: "fields drift-summary", testid: "drift-summary" });
    this.pos = el("table", { class: "drift-pos", testid: "drift-pos" });
    this.stranding = el("ul", { class: "drift-stranding", testid: "drift-stranding" });
    this.exportBtn = el("button", { type: "button", class: "btn-ghost", testid: "drift-export" }, t("Export GeoJSON", "Exporter GeoJSON"));
    this.exportBtn.addEventListener("click", () => {
      if (this.run_id) ctx.api.download(`/api/sar/drifts/${this.run_id}/geojson`, `drift-${this.run_id}.geojson`);
    });
    this.result = el("div", { class: "drift-result", testid: "drift-result", hidden: "" },
      this.limits,
      el("div", { class: "drift-slider" }, this.slider, this.hourLabel),
      this.summary,
      el("h3", {}, t("Probability of success (POS = POC × POD)", "Probabilité de succès (POS = POC × POD)")),
      this.pos,
      el("h3", {}, t("Stranding", "Échouage")),
      this.stranding,
      this.exportBtn,
    );
    ctx.root.append(
      el("div", { class: "panel-head" }, el("h2", {}, t("Drift and search areas", "Dérive et zones de recherche"))),
      this.form, this.status, this.result,
    );
    const layer = (name, z) => {
      const l = new ol.layer.Vector({ source: new ol.source.Vector(), properties: { name } });
      ctx.map.addLayer(l, { zIndex: z });
      l.setVisible(false);
      return l;
    };
    this.layers = {
      grid: layer("drift-grid", 40),
      areas: layer("drift-areas", 41),
      plan: layer("drift-plan", 42),
      track: layer("drift-track", 43),
    };
    ctx.api.get("/api/sar/info").then((info) => { this.info = info; }).catch(() => {});
  },
  show() {
    for (const l of Object.values(this.layers)) l.setVisible(Boolean(this.data));
  },
  hide() {
    for (const l of Object.values(this.layers)) l.setVisible(false);
  },
  async run() {
    const f = new FormData(this.form);
    const num = (k) => Number(String(f.get(k)).trim());
    const body = {
      lat: num("lat"), lon: num("lon"), time: String(f.get("time")).trim(), object: f.get("object"),
      hours: num("hours"), particles: num("particles"),
      wind: { speed_ms: num("wind_speed"), from_deg: num("wind_from") },
      marking: f.get("marking"),
      search: { name: String(f.get("asset") || "asset"), speed_kn: num("speed_kn"), sweep_width_nm: num("sweep_nm"),
        pattern: f.get("pattern"), start_hour: num("start_hour") },
    };
    if (String(f.get("cur_speed")).trim() !== "") {
      body.current = { speed_ms: num("cur_speed"), toward_deg: num("cur_toward") };
    }
    if (String(f.get("incident_id")).trim()) body.incident_id = String(f.get("incident_id")).trim();
    const t = this.ctx.t;
    this.status.textContent = t("Running the drift…", "Calcul de la dérive…");
    this.status.className = "drift-status";
    const started = performance.now();
    try {
      const run = await this.ctx.api.send("POST", "/api/sar/drifts", body);
      this.load(run);
      const s = ((performance.now() - started) / 1000).toFixed(1);
      this.status.textContent = t(`Drift ${run.id}: ${run.particles} particles, ${run.hours} h, in ${s} s.`,
        `Dérive ${run.id} : ${run.particles} particules, ${run.hours} h, en ${s} s.`);
    } catch (err) {
      this.status.textContent = `${t("Drift refused", "Dérive refusée")}: ${err.message || err}`;
      this.status.className = "drift-status drift-error";
    }
  },
  load(run) {
    this.data = run;
    this.run_id = run.id;
    const meta = run.geojson.watchkeeper;
    this.limits.textContent = meta.limits;
    this.limits.classList.toggle("drift-limits-tidal", meta.current_model.startsWith("tidal"));
    this.slider.max = String(meta.hours);
    const start = run.plan ? Math.round(run.plan.pos[0]?.hours ?? 0) : 0;
    this.slider.value = String(Math.min(meta.hours, Math.max(start, 1)));
    const centroids = run.geojson.features.filter((f) => f.properties.kind === "centroid");
    this.centroids = centroids;
    this.layers.track.getSource().clear();
    this.layers.plan.getSource().clear();
    if (run.plan) {
      const track = fmt.readFeature({ type: "Feature", geometry: run.plan.track, properties: {} });
      track.setStyle(PLAN_STYLE);
      const area = fmt.readFeature({ type: "Feature", geometry: run.plan.area, properties: {} });
      area.setStyle(PLAN_AREA_STYLE);
      this.layers.plan.getSource().addFeatures([area, track]);
    }
    this.stranding.replaceChildren();
    const t = this.ctx.t;
    if (!meta.stranding.sites.length) {
      this.stranding.append(el("li", {}, t("No particle reached the coast.", "Aucune particule n'a atteint la côte.")));
    }
    for (const s of meta.stranding.sites) {
      this.stranding.append(el("li", { testid: "drift-stranding-site" },
        `${s.place}: ${(100 * s.probability).toFixed(1)} % ${t("from", "dès")} ${s.first_utc.slice(11, 16)}Z`));
    }
    this.result.hidden = false;
    this.show();
    this.showHour(Number(this.slider.value));
    const ext = this.layers.areas.getSource().getExtent();
    const all = ol.extent.createEmpty();
    for (const l of [this.layers.areas, this.layers.plan]) ol.extent.extend(all, l.getSource().getExtent());
    if (!ol.extent.isEmpty(all) && ext) {
      this.ctx.map.fit(ol.proj.transformExtent(all, "EPSG:3857", "EPSG:4326"));
    }
  },
  showHour(hour) {
    const run = this.data;
    if (!run) return;
    const meta = run.geojson.watchkeeper;
    const stamp = meta.hourly[hour].time_utc;
    this.hourLabel.textContent = `+${hour} h · ${stamp.replace("T", " ").replace(":00Z", "Z")}`;
    const areas = this.layers.areas.getSource();
    areas.clear();
    const feats = run.geojson.features.filter((f) => f.properties.time_utc === stamp && f.properties.containment);
    for (const f of feats.sort((a, b) => b.properties.containment - a.properties.containment)) {
      const feature = fmt.readFeature(f);
      feature.setStyle(AREA_STYLE[f.properties.containment]);
      areas.addFeature(feature);
    }
    const track = this.layers.track.getSource();
    track.clear();
    const pts = this.centroids.slice(0, hour + 1).map((f) => ol.proj.fromLonLat(f.geometry.coordinates));
    if (pts.length > 1) track.addFeature(new ol.Feature({ geometry: new ol.geom.LineString(pts), kind: "track" }));
    const here = new ol.Feature({ geometry: new ol.geom.Point(pts[pts.length - 1]), kind: "centroid" });
    here.setStyle(CENTROID_STYLE);
    track.addFeature(here);
    for (const f of track.getFeatures()) if (f.get("kind") === "track") f.setStyle(TRACK_STYLE);
    const grid = this.layers.grid.getSource();
    grid.clear();
    const g = run.grids[hour];
    const max = Math.max(...g.cells.map((c) => c[2]), 1e-12);
    for (const [lon, lat, p] of g.cells) {
      const [x, y] = ol.proj.fromLonLat([lon, lat]);
      const half = g.cell_m / 2 / Math.cos((lat * Math.PI) / 180);
      const cell = new ol.Feature({ geometry: ol.geom.Polygon.fromExtent([x - half, y - half, x + half, y + half]) });
      cell.setStyle(cellStyle(p, max));
      grid.addFeature(cell);
    }
    const t = this.ctx.t;
    const info = meta.hourly[hour];
    const rows = [
      [t("Object", "Objet"), `${meta.object} (${meta.leeway_categories.map((c) => c.key).join(" + ")})`],
      [t("Currents", "Courants"), meta.current_model],
      [t("Wind", "Vent"), meta.wind_model],
    ];
    for (const a of info.areas) {
      rows.push([`${Math.round(a.containment * 100)} % ${t("area", "zone")}`,
        `${a.area_km2.toFixed(2)} km² · ${(100 * a.particles_inside).toFixed(1)} % ${t("of particles inside", "des particules dedans")}`]);
    }
    rows.push([t("Stranded", "Échoués"), `${(100 * info.stranded).toFixed(1)} %`]);
    this.summary.replaceChildren(...rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
    this.pos.replaceChildren();
    if (run.plan) {
      const p = run.plan;
      this.pos.append(el("caption", {},
        `${p.asset.name}: ${p.pattern.replace("_", " ")}, ${p.track_length_nm.toFixed(1)} nm, ${p.duration_h.toFixed(2)} h, ` +
        `${t("spacing", "espacement")} ${p.track_spacing_nm} nm; ${t("laid on the 90 % area at", "posé sur la zone 90 % de")} ` +
        `${(p.laid_at_utc || p.start_utc).slice(11, 16)}Z`));
      this.pos.append(el("tr", {}, ...["", "POC", "POD", "POS"].map((h) => el("th", {}, h))));
      for (const row of p.pos) {
        const tr = el("tr", { testid: "drift-pos-row" }, el("td", {}, `${row.time_utc.slice(11, 16)}Z +${Math.round(row.hours * 60)} min`),
          ...[row.poc, row.pod, row.pos].map((v) => el("td", { class: "num" }, `${(100 * v).toFixed(0)} %`)));
        this.pos.append(tr);
      }
    }
  },
};

export default view;
