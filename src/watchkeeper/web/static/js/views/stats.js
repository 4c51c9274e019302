// Stats view: Home Office small-boat figures by period, charts drawn in the page (svgchart.js), exports
// (PNG/SVG charts and CSV from the API), the cell's incident outcomes beside the figures when the
// server has them, and the effect-of-operations analysis (favourable-weather days before/after a date).

import { drawChart, formatNumber } from "./svgchart.js";

const READERS = ["watch_officer", "analyst", "asset_controller", "partner_liaison", "auditor"];
const PLACEHOLDER = { daily: "YYYY-MM-DD", weekly: "YYYY-MM-DD", monthly: "YYYY-MM", yearly: "YYYY" };

function ensureStyles(href) {
  if (![...document.querySelectorAll("link[rel=stylesheet]")].some((l) => l.getAttribute("href") === href)) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.append(link);
  }
}

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

function options(select, pairs, value) {
  select.replaceChildren(...pairs.map(([v, label]) => h("option", { value: v, text: label })));
  select.value = value;
}

// The default range for a period, ending at the last day of data.
function defaultRange(period, lastDay) {
  const end = new Date(`${lastDay}T00:00:00Z`);
  const iso = (d) => d.toISOString().slice(0, 10);
  if (period === "yearly") return [String(end.getUTCFullYear() - 7), String(end.getUTCFullYear())];
  if (period === "monthly") {
    const start = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 23, 1));
    return [iso(start).slice(0, 7), iso(end).slice(0, 7)];
  }
  const days = period === "weekly" ? 7 * 26 : 60;
  return [iso(new Date(end.getTime() - days * 86400000)), iso(end)];
}

const view = {
  id: "stats",
  title: "Stats",
  titleFr: "Statistiques",
  roles: READERS,

  mount(ctx) {
    ensureStyles("css/stats.css");
    const t = ctx.t;
    this.ctx = ctx;
    const period = h("select", { testid: "stats-period", "aria-label": t("Period", "Période") });
    options(period, [["daily", t("Daily", "Jour")], ["weekly", t("Weekly", "Semaine")],
      ["monthly", t("Monthly", "Mois")], ["yearly", t("Yearly", "Année")]], "monthly");
    const from = h("input", { testid: "stats-from", "aria-label": t("From", "Du"), size: "10" });
    const to = h("input", { testid: "stats-to", "aria-label": t("To", "Au"), size: "10" });
    const kind = h("select", { testid: "stats-kind", "aria-label": t("Chart", "Graphique") });
    const show = h("button", { type: "button", class: "wk-btn", testid: "stats-show", text: t("Show", "Afficher") });
    this.els = { period, from, to, kind, show };
    const exports = h("div", { class: "wk-row" },
      h("span", { class: "wk-muted", text: t("Export", "Exporter") }),
      ...["png", "svg", "csv"].map((f) => {
        const b = h("button", { type: "button", class: "wk-btn wk-btn-small", testid: `stats-export-${f}`,
          text: f.toUpperCase() });  // prettier-ignore
        b.addEventListener("click", () => this.exportAs(f));
        return b;
      }));
    this.status = h("p", { class: "wk-muted wk-small", testid: "stats-status", role: "status" });
    this.chart = h("div", { class: "wk-chart-box", testid: "stats-chart" });
    this.table = h("table", { class: "wk-table", testid: "stats-table" });
    this.note = h("p", { class: "wk-muted wk-small", testid: "stats-source" });
    const form = h("div", { class: "wk-controls" },
      h("div", { class: "wk-row" }, period, from, h("span", { text: "–" }), to),
      h("div", { class: "wk-row" }, kind, show), exports);
    ctx.root.append(
      h("div", { class: "wk-panel" }, h("h2", { class: "wk-h2", text: t("Small-boat arrivals", "Arrivées de small boats") }),
        form, this.status, this.chart, this.note),
      h("div", { class: "wk-panel wk-table-wrap" }, this.table),
      this.effectPanel(ctx),
    );
    period.addEventListener("change", () => {
      from.placeholder = to.placeholder = PLACEHOLDER[period.value];
      if (this.lastDay) [from.value, to.value] = defaultRange(period.value, this.lastDay);
      this.load();
    });
    kind.addEventListener("change", () => this.render());
    show.addEventListener("click", () => this.load());
    for (const input of [from, to]) input.addEventListener("keydown", (e) => e.key === "Enter" && this.load());
    from.placeholder = to.placeholder = PLACEHOLDER.monthly;
    this.loaded = false;
  },

  show() {
    if (!this.loaded) {
      this.loaded = true;
      this.load(true);
    }
  },

  query(extra = {}) {
    const { period, from, to } = this.els;
    const q = new URLSearchParams({ period: period.value, ...extra });
    if (from.value.trim()) q.set("from", from.value.trim());
    if (to.value.trim()) q.set("to", to.value.trim());
    return q;
  },

  async load(first = false) {
    const t = this.ctx.t;
    // Only the latest request may draw: a slower earlier answer (e.g. the period's default range, asked
    // when the period changed) must not overwrite the range the user asked for after it.
    const seq = (this.loadSeq = (this.loadSeq || 0) + 1);
    this.status.textContent = t("Loading…", "Chargement…");
    try {
      if (first) {
        const all = await this.ctx.api.get("/api/stats/figures?period=yearly");
        this.lastDay = all.coverage.last_day;
        if (!this.lastDay) {
          this.status.textContent = t("No figures loaded yet (watchkeeper stats load).", "Aucune donnée chargée.");
          return;
        }
        [this.els.from.value, this.els.to.value] = defaultRange("monthly", this.lastDay);
      }
      const answer = await this.ctx.api.get(`/api/stats/figures?${this.query()}`);
      if (seq !== this.loadSeq) return;
      this.data = answer;
      const d = this.data;
      this.status.textContent = `${d.rows.length} ${t("periods", "périodes")} · ${t("data", "données")} ` +
        `${d.coverage.first_day} – ${d.coverage.last_day} · ${d.marking}`;
      this.note.textContent = d.source + (d.outcomes ? ` · ${t("beside it", "à côté")}: ${d.outcomes}` : "");
      this.fillKinds();
      this.render();
    } catch (err) {
      if (seq !== this.loadSeq) return;
      this.status.textContent = err.message;
      this.chart.replaceChildren();
    }
  },

  fillKinds() {
    const t = this.ctx.t;
    const pairs = [["arrivals", t("People and boats", "Personnes et bateaux")],
      ["people_per_boat", t("People per boat", "Personnes par bateau")],
      ["landings", t("Uncontrolled landings", "Débarquements non contrôlés")],
      ["prevented", t("Prevented by France", "Empêchées par la France")]];
    if (this.data.outcomes) pairs.push(["outcomes", t("Cell incident outcomes", "Issues des incidents")]);
    const keep = pairs.some(([v]) => v === this.els.kind.value) ? this.els.kind.value : "arrivals";
    options(this.els.kind, pairs, keep);
  },

  render() {
    if (!this.data) return;
    const t = this.ctx.t;
    const d = this.data;
    const rows = d.rows;
    const labels = rows.map((r) => String(r[d.label]));
    const col = (c) => rows.map((r) => (r[c] === undefined ? null : r[c]));
    const specs = {
      arrivals: { bars: { values: col("migrants_arrived"), label: t("people", "personnes"), cls: "wk-bar" },
        line: { values: col("boats_arrived"), label: t("boats", "bateaux"), cls: "wk-red" } },
      people_per_boat: { bars: { values: col("people_per_boat"), label: t("people per boat", "pers./bateau"),
        cls: "wk-bar" }, barDigits: 1 },
      landings: { bars: { values: col("boats_arrived"), label: t("boats", "bateaux"), cls: "wk-bar-grey" },
        line: { values: col("boats_uncontrolled_landings"), label: t("uncontrolled landings", "non contrôlés"),
          cls: "wk-red" } },
      prevented: { bars: { values: col("migrants_prevented_fr"), label: t("people prevented (FR estimate)",
        "personnes empêchées (est. FR)"), cls: "wk-bar-amber" },
        line: { values: col("events_prevented_fr"), label: t("events prevented", "tentatives empêchées"), cls: "wk-red" } },
      outcomes: { bars: { values: col("cell_incidents"), label: t("incidents", "incidents"), cls: "wk-bar-teal" },
        line: { values: col("cell_rescued"), label: t("rescued", "secourus"), cls: "wk-red" } },
    };
    const kind = this.els.kind.value;
    const spec = specs[kind];
    const title = `${this.els.kind.selectedOptions[0]?.textContent || kind} · ${labels[0] || ""} – ${labels.at(-1) || ""}`;
    if (!spec.bars.values.some((v) => v !== null)) {
      this.chart.replaceChildren(h("p", { class: "wk-empty", testid: "stats-chart-empty",
        text: t("The source has no values for this in the period chosen.",
          "La source n’a pas de valeurs pour cela sur cette période.") }));  // prettier-ignore
    } else {
      drawChart(this.chart, { ...spec, labels, title, testid: "stats-svg" });
    }
    this.renderTable();
  },

  renderTable() {
    const t = this.ctx.t;
    const d = this.data;
    const cols = [[d.label, t("Period", "Période"), 0], ["migrants_arrived", t("People", "Pers."), 0],
      ["boats_arrived", t("Boats", "Bateaux"), 0], ["people_per_boat", t("Per boat", "Par bateau"), 1],
      ["boats_uncontrolled_landings", t("Uncontrolled", "Non contrôlés"), 0],
      ["migrants_prevented_fr", t("FR prevented", "Empêchées FR"), 0],
      ["events_prevented_fr", t("FR events", "Tentatives FR"), 0]];
    if (d.outcomes) {
      cols.push(["cell_incidents", t("Incidents", "Incidents"), 0], ["cell_rescued", t("Rescued", "Secourus"), 0],
        ["cell_persons_landed_uk", t("Landed UK", "Arrivés R-U"), 0], ["cell_returned_fr", t("Returned FR", "Ramenés FR"), 0],
        ["cell_lost_contact", t("Lost contact", "Contact perdu"), 0]);
    }
    const head = h("tr", {}, ...cols.map(([, label]) => h("th", { scope: "col", text: label })));
    const body = [...d.rows].reverse().map((r) => h("tr", { testid: "stats-row" },
      ...cols.map(([c, , digits], i) => h("td", { class: i ? "num" : "", "data-col": c,
        text: i ? formatNumber(r[c], digits) : String(r[c]) }))));  // prettier-ignore
    this.table.replaceChildren(h("thead", {}, head), h("tbody", {}, ...body));
  },

  async exportAs(fmt) {
    const kind = this.els.kind.value;
    const period = this.els.period.value;
    try {
      if (fmt === "csv") {
        await this.ctx.api.download(`/api/stats/figures?${this.query({ format: "csv" })}`, `small_boats_${period}.csv`);
      } else {
        await this.ctx.api.download(`/api/stats/chart?${this.query({ kind, format: fmt })}`,
          `small_boats_${kind}_${period}.${fmt}`);
      }
    } catch (err) {
      this.ctx.notify(err.message, { level: "warning" });
    }
  },

  effectPanel(ctx) {
    const t = ctx.t;
    const date = h("input", { testid: "effect-date", type: "date", "aria-label": t("Operation start", "Début de l’opération") });
    const days = h("input", { testid: "effect-days", type: "number", min: "14", max: "730", value: "90",
      "aria-label": t("Days each side", "Jours de part et d’autre") });
    const measure = h("select", { testid: "effect-measure", "aria-label": t("Measure", "Mesure") });
    options(measure, [["boats", t("boats", "bateaux")], ["people", t("people", "personnes")],
      ["crossing_day", t("crossing days", "jours de traversée")]], "boats");
    const wind = h("input", { testid: "effect-wind", type: "number", min: "1", max: "60", step: "0.5", value: "10",
      "aria-label": t("Favourable: wind at most (kt)", "Favorable : vent au plus (nd)") });
    const run = h("button", { type: "button", class: "wk-btn", testid: "effect-run", text: t("Analyse", "Analyser") });
    const out = h("div", { class: "wk-effect", testid: "effect-result", role: "status" });
    run.addEventListener("click", async () => {
      if (!date.value) {
        out.textContent = t("Choose the operation’s start date.", "Choisissez la date de début.");
        return;
      }
      out.textContent = t("Analysing…", "Analyse…");
      const q = new URLSearchParams({ date: date.value, days: days.value, measure: measure.value, wind_max_kt: wind.value });
      try {
        const r = await ctx.api.get(`/api/stats/effect?${q}`);
        const f = (v) => formatNumber(v, 2);
        out.replaceChildren(
          h("p", { testid: "effect-means", text: `${t("Per favourable day", "Par jour favorable")}: ` +
            `${t("before", "avant")} ${f(r.mean_before)} (n=${r.n_before}), ${t("after", "après")} ${f(r.mean_after)} (n=${r.n_after})` }),
          h("p", { testid: "effect-change", class: "wk-strong", text: `${t("Change", "Variation")} ${r.change >= 0 ? "+" : ""}${f(r.change)} ` +
            `[95 % ${f(r.change_ci95[0])} … ${f(r.change_ci95[1])}] (${t("block bootstrap", "bootstrap par blocs")})` }),
          h("p", { testid: "effect-ratio", text: `${t("Rate ratio", "Rapport des taux")} ${f(r.rate_ratio)} ` +
            `[95 % ${f(r.rate_ratio_ci95[0])} … ${f(r.rate_ratio_ci95[1])}] (quasi-Poisson, ${t("dispersion", "dispersion")} ${formatNumber(r.dispersion, 1)})` }),
          h("p", { class: "wk-muted wk-small", text: `${t("Favourable", "Favorable")}: ${r.favourable_rule}. ${r.caveat}` }),
        );  // prettier-ignore
      } catch (err) {
        out.textContent = err.message;
      }
    });
    return h("div", { class: "wk-panel", testid: "effect-panel" },
      h("h2", { class: "wk-h2", text: t("Effect of an operation", "Effet d’une opération") }),
      h("p", { class: "wk-muted wk-small", text: t("Crossings on favourable-weather days before and after a date, with the change and its uncertainty.",
        "Traversées les jours de météo favorable avant et après une date, avec la variation et son incertitude.") }),
      h("div", { class: "wk-controls" }, h("div", { class: "wk-row" }, date, days), h("div", { class: "wk-row" }, measure, wind, run)),
      out);  // prettier-ignore
  },
};

export default view;
