// Outlook view: the posture for planning patrols — the coming days of the latest weather forecast file
// through the crossing model: our calibrated probability of a crossing day with its RAG band (Met Office
// thresholds), expected boats and people, the weather drivers and what pushed the probability, and the
// limits of the weather the model was trained on, stated every time. Refreshes on a live "outlook".

import { drawChart, formatNumber } from "./svgchart.js";

const READERS = ["watch_officer", "analyst", "asset_controller", "partner_liaison", "auditor"];
const DRIVERS = [
  ["wind_speed_kt", "Wind", "Vent", "kt", 1],
  ["wind_gust_kt", "Gusts", "Rafales", "kt", 1],
  ["wind_from_deg", "From", "De", "°", 0],
  ["wave_height_m", "Waves", "Vagues", "m", 1],
  ["precipitation_prob_pct", "Rain", "Pluie", "%", 0],
  ["precipitation_mm", "Rain", "Pluie", "mm", 1],
  ["visibility_km", "Visibility", "Visibilité", "km", 0],
];

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "testid") node.dataset.testid = v;
    else if (k === "text") node.textContent = v;
    else if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

function ensureStyles(href) {
  if (![...document.querySelectorAll("link[rel=stylesheet]")].some((l) => l.getAttribute("href") === href)) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.append(link);
  }
}

function weekday(iso, lang) {
  const d = new Date(`${iso}T12:00:00Z`);
  return d.toLocaleDateString(lang === "fr" ? "fr-FR" : "en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
}

const view = {
  id: "outlook",
  title: "Outlook",
  titleFr: "Prévisions",
  roles: READERS,

  mount(ctx) {
    ensureStyles("css/stats.css");
    this.ctx = ctx;
    const t = ctx.t;
    const refresh = h("button", { type: "button", class: "wk-btn wk-btn-small", testid: "outlook-refresh", text: t("Refresh", "Actualiser") });
    refresh.addEventListener("click", () => this.load());
    this.head = h("div", { class: "wk-muted wk-small", testid: "outlook-source" });
    this.message = h("p", { class: "wk-empty", testid: "outlook-message", role: "status", hidden: "" });
    this.chart = h("div", { class: "wk-chart-box", testid: "outlook-chart" });
    this.days = h("div", { class: "wk-days", testid: "outlook-days" });
    this.label = h("p", { class: "wk-small", testid: "outlook-probability-label" });
    this.limits = h("div", { class: "wk-limits", testid: "outlook-limits" });
    this.detail = h("details", { class: "wk-small wk-muted", testid: "outlook-variant" });
    ctx.root.append(h("div", { class: "wk-panel" },
      h("div", { class: "wk-row wk-between" }, h("h2", { class: "wk-h2", text: t("Crossing outlook", "Prévision des traversées") }), refresh),
      this.head, this.message, this.chart, this.label, this.days, this.detail, this.limits));  // prettier-ignore
    this.loaded = false;
    ctx.live.on("outlook", (msg) => msg.outlook && this.render(msg.outlook));
  },

  show() {
    if (!this.loaded) {
      this.loaded = true;
      this.load();
    }
  },

  async load() {
    const t = this.ctx.t;
    this.message.hidden = false;
    this.message.textContent = t("Loading…", "Chargement…");
    try {
      this.render(await this.ctx.api.get("/api/weather/outlook"));
    } catch (err) {
      this.message.textContent = err.message;
      this.days.replaceChildren();
      this.chart.replaceChildren();
    }
  },

  render(o) {
    const t = this.ctx.t;
    const lang = this.ctx.lang;
    const issued = o.issued_at ? `${o.issued_at.slice(0, 16).replace("T", " ")} UTC` : t("issue time not stated", "heure d’émission non indiquée");
    this.head.textContent = `${t("Forecast", "Prévision")} ${o.source} · ${t("issued", "émise")} ${issued} · ${o.marking}`;
    this.label.textContent = o.probability_label;
    this.limits.replaceChildren(h("strong", { text: t("Training weather and its limits", "Météo d’apprentissage et ses limites") }),
      h("p", { text: o.limits }));  // prettier-ignore
    if (o.not_covered) {
      this.message.hidden = false;
      this.message.textContent = `${t("No outlook", "Pas de prévision")}: ${o.not_covered}`;
      this.days.replaceChildren();
      this.chart.replaceChildren();
      this.detail.replaceChildren();
      return;
    }
    this.message.hidden = true;
    const labels = o.days.map((d) => weekday(d.date, lang));
    const red = Math.round(o.rag_thresholds.red_above * 100);
    const green = Math.round(o.rag_thresholds.green_below * 100);
    drawChart(this.chart, {
      labels, title: t("Probability of a crossing day", "Probabilité d’un jour de traversée"), testid: "outlook-svg",
      bars: { values: o.days.map((d) => Math.round(d.p_crossing * 100)), label: "%", cls: "wk-bar" },
      barMax: 100, barFormat: (v) => `${v}%`,
      legend: false, height: 180,
      thresholds: [{ value: red, label: `${t("red", "rouge")} > ${red}%`, cls: "wk-rag-red" },
        { value: green, label: `${t("green", "vert")} < ${green}%`, cls: "wk-rag-green" }],
    });  // prettier-ignore
    for (const [i, bar] of [...this.chart.querySelectorAll("[data-testid=chart-bar]")].entries()) {
      bar.classList.add(`wk-rag-${o.days[i].rag}-fill`);
    }
    this.days.replaceChildren(...o.days.map((d) => this.dayCard(d, o)));
    const activity = o.activity_as_of ? t(`recent crossings to ${o.activity_as_of}`, `traversées récentes jusqu’au ${o.activity_as_of}`)
      : t("without recent crossings (none known close enough to the forecast)", "sans traversées récentes (aucune assez proche)");
    this.detail.replaceChildren(
      h("summary", { text: `${t("Model used", "Modèle utilisé")}: ${o.variant} — ${activity}` }),
      h("p", { text: `${t("People per boat", "Personnes par bateau")}: ${o.people_per_boat_basis}` }),
      h("p", { text: `${t("Trained", "Appris")} ${o.model.training_first_day} – ${o.model.training_last_day} ` +
        `(${o.model.training_days} ${t("days", "jours")}) ${t("on", "sur")} ${o.model.weather_source}` }),
      ...o.skipped.map((s) => h("p", { text: `${t("Not used", "Non utilisé")}: ${s}` })),
    );  // prettier-ignore
  },

  dayCard(d, o) {
    const t = this.ctx.t;
    const pct = Math.round(d.p_crossing * 100);
    const rag = { red: t("RED", "ROUGE"), amber: t("AMBER", "ORANGE"), green: t("GREEN", "VERT") }[d.rag];
    const drivers = DRIVERS.filter(([k]) => d.drivers[k] !== undefined && d.drivers[k] !== null).map(([k, en, fr, unit, digits]) => {
      const used = o.variant_variables.includes(k) ? " wk-used" : "";
      return h("span", { class: `wk-driver${used}`, "data-driver": k, text: `${t(en, fr)} ${formatNumber(d.drivers[k], digits)} ${unit}` });
    });  // prettier-ignore
    const pushes = d.pushes.map((p) => h("li", { "data-driver": p.driver,
      text: `${p.log_odds >= 0 ? "↑" : "↓"} ${p.label}` }));  // prettier-ignore
    return h("article", { class: `wk-day wk-day-${d.rag}`, testid: "outlook-day", "data-date": d.date, "data-rag": d.rag },
      h("div", { class: "wk-row wk-between" },
        h("strong", { text: weekday(d.date, this.ctx.lang) }),
        h("span", { class: `wk-rag wk-rag-${d.rag}`, testid: "outlook-rag", text: `${rag} ${pct}%` })),
      h("div", { class: "wk-row", testid: "outlook-expected" },
        h("span", { text: `${t("Boats", "Bateaux")} ≈ ${formatNumber(d.expected_boats, 1)}` }),
        h("span", { text: `${t("People", "Personnes")} ≈ ${formatNumber(d.expected_people, 0)}` })),
      h("div", { class: "wk-drivers", testid: "outlook-drivers" }, ...drivers),
      h("ul", { class: "wk-pushes", testid: "outlook-pushes" }, ...pushes));  // prettier-ignore
  },
};

export default view;
