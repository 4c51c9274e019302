// The incident board and an incident's timeline. Every small-craft contact is an incident: the board
// shows the open ones in one column per state (most severe first), with the persons estimated at sea;
// opening one shows its timeline (what the system saw, what people did), its alerts, and the moves
// the lifecycle allows from its state (validated again by the server, and audited there). Watch officers
// and analysts may release an incident (the shared release form: new marking + reason, audited); its
// releases, and any re-restriction by a later source, are listed in the detail and the timeline.

import { releaseForm, RELEASER_ROLES } from "./sharing-common.js";

const POLL_MS = 5000;
const ACTORS = ["watch_officer", "asset_controller"];
const NOTERS = ["watch_officer", "analyst", "asset_controller", "partner_liaison"];
const ORDER = ["detected", "monitored", "asset_tasked", "intercepted", "rescued", "lost_contact", "landed_uk", "returned_fr"];
const LABELS = {
  detected: ["Detected", "Détecté"],
  monitored: ["Monitored", "Suivi"],
  asset_tasked: ["Asset tasked", "Moyen engagé"],
  intercepted: ["Intercepted", "Intercepté"],
  rescued: ["Rescued", "Secouru"],
  landed_uk: ["Landed in the UK", "Débarqué au R.-U."],
  returned_fr: ["Returned to France", "Retour en France"],
  lost_contact: ["Lost contact", "Contact perdu"],
  closed: ["Closed", "Clos"],
};
const OUTCOMES = ["landed_uk", "returned_fr", "rescued", "lost_contact", "not_a_crossing"];

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
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
  id: "incidents",
  title: "Incidents",
  titleFr: "Incidents",

  mount(ctx) {
    ensureStyles("css/incidents.css");
    this.ctx = ctx;
    const roles = ctx.user.roles || [];
    this.canAct = roles.some((r) => ACTORS.includes(r));
    this.canNote = roles.some((r) => NOTERS.includes(r));
    this.canRelease = roles.some((r) => RELEASER_ROLES.includes(r));
    this.openId = null;
    const t = ctx.t;
    const head = el("div", "panel-head");
    head.append(el("h2", "", t("Incident board", "Tableau des incidents")));
    this.summary = el("span", "inc-summary");
    this.summary.dataset.testid = "incident-summary";
    head.append(this.summary);
    this.board = el("div", "inc-board");
    this.board.dataset.testid = "incident-board";
    this.detail = el("section", "inc-detail");
    this.detail.dataset.testid = "incident-detail";
    this.detail.hidden = true;
    this.status = el("p", "inc-status");
    this.status.dataset.testid = "incident-status";
    ctx.root.append(head, this.board, this.detail, this.status);
    ctx.live.on("incident", () => this.refresh());
    this.refresh();
    this.timer = setInterval(() => this.refresh(), POLL_MS);
  },

  label(state) {
    const pair = LABELS[state] || [state, state];
    return this.ctx.t(pair[0], pair[1]);
  },

  async refresh() {
    try {
      const board = await this.ctx.api.get("/api/incidents/board");
      this.renderBoard(board);
      if (this.openId) await this.load(this.openId, false);
      this.status.textContent = "";
    } catch (err) {
      this.status.textContent = this.ctx.t("Incidents unavailable: ", "Incidents indisponibles : ") + err.message;
    }
  },

  renderBoard(board) {
    const t = this.ctx.t;
    const signature = JSON.stringify(board);
    if (signature === this.boardSignature) return;
    this.boardSignature = signature;
    this.summary.textContent = `${board.open} ${t("open", "ouverts")} · ~${board.persons_at_sea_estimate} ${t(
      "persons (estimate)",
      "personnes (estimation)",
    )}`;
    const columns = new Map(board.columns.map((c) => [c.state, c.incidents]));
    const cols = [];
    for (const state of ORDER) {
      const incs = columns.get(state) || [];
      const col = el("section", `inc-col inc-col-${state}`);
      col.dataset.testid = `incident-column-${state}`;
      const h = el("h3", "inc-col-head", `${this.label(state)} `);
      h.append(el("span", "inc-col-n", String(incs.length)));
      col.append(h);
      for (const inc of incs) col.append(this.card(inc));
      cols.push(col);
    }
    const closed = columns.get("closed") || [];
    const foot = el("p", "inc-closed", `${this.label("closed")}: ${closed.length}`);
    foot.dataset.testid = "incident-closed-count";
    this.board.replaceChildren(...cols, foot);
  },

  card(inc) {
    const t = this.ctx.t;
    const b = el("button", `inc-card sev-${inc.severity}`);
    b.type = "button";
    b.dataset.testid = "incident-card";
    b.dataset.incidentId = inc.incident_id;
    b.dataset.state = inc.state;
    if (inc.incident_id === this.openId) b.classList.add("inc-open");
    b.append(el("span", "inc-id", inc.incident_id));
    b.append(el("span", `sev-chip sev-${inc.severity}`, inc.severity));
    const persons = inc.persons_landed ?? inc.persons_estimate;
    b.append(el("span", "inc-persons", `${persons ?? "?"} ${t("pers.", "pers.")}`));
    b.append(el("span", "inc-tracks", inc.track_ids.map((x) => `#${x}`).join(" ")));
    if (inc.simulated) b.append(el("span", "inc-sim", "SIM"));
    b.addEventListener("click", () => this.load(inc.incident_id, true));
    return b;
  },

  async load(id, fit) {
    const inc = await this.ctx.api.get(`/api/incidents/${encodeURIComponent(id)}`);
    this.openId = id;
    this.renderDetail(inc);
    this.mark(inc);
    if (fit) {
      const d = 0.12;
      this.ctx.map.fit([inc.lon - d, inc.lat - d, inc.lon + d, inc.lat + d]);
      for (const c of this.board.querySelectorAll(".inc-card")) {
        c.classList.toggle("inc-open", c.dataset.incidentId === id);
      }
    }
  },

  // the open incident's last known position on the map
  mark(inc) {
    if (!this.source) {
      this.source = new ol.source.Vector();
      this.ctx.map.addLayer(new ol.layer.Vector({ source: this.source }), { zIndex: 61 });
    }
    this.source.clear();
    const f = new ol.Feature(new ol.geom.Point(ol.proj.fromLonLat([inc.lon, inc.lat])));
    const stroke = new ol.style.Stroke({ color: "#00e5ff", width: 3 });
    f.setStyle(
      new ol.style.Style({
        image: new ol.style.RegularShape({ points: 4, radius: 11, angle: Math.PI / 4, stroke }),
        text: new ol.style.Text({
          text: inc.incident_id,
          offsetY: -18,
          fill: new ol.style.Fill({ color: "#d7e1ea" }),
          stroke: new ol.style.Stroke({ color: "#08121d", width: 3 }),
        }),
      }),
    );
    this.source.addFeature(f);
  },

  renderDetail(inc) {
    const t = this.ctx.t;
    const signature = JSON.stringify(inc);
    if (signature === this.detailSignature && !this.detail.hidden) return;
    this.detailSignature = signature;
    this.detail.hidden = false;
    const head = el("div", "panel-head");
    const title = el("h2", "", inc.incident_id);
    title.dataset.testid = "incident-detail-id";
    const close = el("button", "btn-ghost", "×");
    close.type = "button";
    close.setAttribute("aria-label", t("Close", "Fermer"));
    close.addEventListener("click", () => {
      this.openId = null;
      this.detail.hidden = true;
      this.source?.clear();
    });
    head.append(title, close);
    const fields = el("dl", "fields");
    const add = (k, v, testid) => {
      fields.append(el("dt", "", k));
      const dd = el("dd", "", v);
      if (testid) dd.dataset.testid = testid;
      fields.append(dd);
    };
    add(t("State", "État"), this.label(inc.state), "incident-state");
    add(t("Severity", "Gravité"), inc.severity);
    add(t("Persons (estimate)", "Personnes (estimation)"), String(inc.persons_estimate ?? "?"), "incident-persons");
    add(t("Persons at landing", "Personnes débarquées"), inc.persons_landed === null ? "—" : String(inc.persons_landed));
    add(t("Outcome", "Issue"), inc.outcome ? this.label(inc.outcome) || inc.outcome : "—");
    add(t("Tracks", "Pistes"), inc.track_ids.map((x) => `#${x}`).join(" ") || "—");
    add(t("Opened", "Ouvert"), `${inc.opened_utc.replace("T", " ").slice(0, 19)} UTC`);
    add(t("Marking", "Marquage"), inc.marking, "incident-marking");
    add(t("Released", "Diffusé"), inc.released ? `${t("to", "à")} ${inc.released}` : "—", "incident-released");
    const parts = [head, fields];
    if (this.canRelease) {
      parts.push(
        releaseForm(this.ctx, "incident", inc.incident_id, inc.marking, () => {
          this.detailSignature = null;
          this.load(inc.incident_id, false);
        }),
      );
    }
    if (inc.releases && inc.releases.length) {
      parts.push(el("h3", "inc-sub", t("Releases", "Diffusions")));
      const ul = el("ul", "inc-releases");
      ul.dataset.testid = "incident-releases";
      for (const r of inc.releases) {
        const text = `${r.time.replace("T", " ").slice(0, 16)} UTC · ${r.actor} · ${r.from_marking} → ${r.to_marking}: ${r.reason}`;
        const li = el("li", "", text);
        li.dataset.testid = "incident-release";
        ul.append(li);
      }
      parts.push(ul);
    }
    if (this.canAct && inc.allowed.length) parts.push(this.transitionForm(inc));
    if (this.canAct && inc.state !== "closed") parts.push(this.personsForm(inc));
    if (this.canNote && inc.state !== "closed") parts.push(this.noteForm(inc));
    if (inc.alerts && inc.alerts.length) {
      parts.push(el("h3", "inc-sub", t("Alerts", "Alertes")));
      const ul = el("ul", "inc-alerts");
      for (const a of inc.alerts) {
        const li = el("li", `sev-${a.severity}`, `${a.time_utc.slice(11, 19)} ${a.rule} (${a.severity})`);
        li.dataset.testid = "incident-alert";
        ul.append(li);
      }
      parts.push(ul);
    }
    parts.push(el("h3", "inc-sub", t("Timeline", "Chronologie")));
    const ol = el("ol", "inc-timeline");
    ol.dataset.testid = "incident-timeline";
    for (const e of inc.timeline) {
      const li = el("li", `tl tl-${e.kind}`);
      li.dataset.testid = "timeline-entry";
      li.dataset.kind = e.kind;
      li.dataset.actor = e.actor;
      const meta = el("span", "tl-meta", `${e.time_utc.replace("T", " ").slice(0, 19)} · ${e.actor} · ${e.kind}`);
      li.append(meta, el("span", "tl-text", e.text));
      ol.append(li);
    }
    parts.push(ol);
    this.detail.replaceChildren(...parts);
  },

  transitionForm(inc) {
    const t = this.ctx.t;
    const form = el("form", "inc-form");
    form.dataset.testid = "incident-transition-form";
    const select = el("select", "inc-select");
    select.dataset.testid = "incident-transition-state";
    select.setAttribute("aria-label", t("Next state", "État suivant"));
    const rank = (s) => (s === "closed" ? 99 : ORDER.indexOf(s));
    for (const s of [...inc.allowed].sort((a, b) => rank(a) - rank(b))) {
      const o = el("option", "", this.label(s));
      o.value = s;
      select.append(o);
    }
    const note = el("input", "inc-input");
    note.placeholder = t("note (asset, position, who)", "note (moyen, position, qui)");
    note.dataset.testid = "incident-transition-note";
    const persons = el("input", "inc-input inc-num");
    persons.type = "number";
    persons.min = "0";
    persons.max = "500";
    persons.placeholder = t("persons at landing", "personnes débarquées");
    persons.dataset.testid = "incident-transition-persons";
    const outcome = el("select", "inc-select");
    outcome.dataset.testid = "incident-transition-outcome";
    outcome.append(el("option", "", t("outcome…", "issue…")));
    outcome.firstChild.value = "";
    for (const o of OUTCOMES) {
      const opt = el("option", "", this.label(o) || o);
      opt.value = o;
      outcome.append(opt);
    }
    const sync = () => {
      persons.hidden = !["landed_uk", "rescued", "returned_fr", "closed"].includes(select.value);
      outcome.hidden = select.value !== "closed";
    };
    select.addEventListener("change", sync);
    sync();
    const go = el("button", "btn-act", t("Record", "Enregistrer"));
    go.type = "submit";
    go.dataset.testid = "incident-transition-submit";
    form.append(select, note, persons, outcome, go);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const body = { state: select.value };
      if (note.value.trim()) body.note = note.value.trim();
      if (!persons.hidden && persons.value !== "") body.persons_landed = Number(persons.value);
      if (!outcome.hidden && outcome.value) body.outcome = outcome.value;
      await this.send(`/api/incidents/${encodeURIComponent(inc.incident_id)}/transition`, body, go);
    });
    return form;
  },

  personsForm(inc) {
    const t = this.ctx.t;
    const form = el("form", "inc-form");
    const input = el("input", "inc-input inc-num");
    input.type = "number";
    input.min = "0";
    input.max = "500";
    input.value = inc.persons_estimate ?? "";
    input.setAttribute("aria-label", t("Persons on board (estimate)", "Personnes à bord (estimation)"));
    input.dataset.testid = "incident-persons-input";
    const go = el("button", "btn-act", t("Set estimate", "Estimer"));
    go.type = "submit";
    go.dataset.testid = "incident-persons-submit";
    form.append(input, go);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      await this.send(`/api/incidents/${encodeURIComponent(inc.incident_id)}/persons`, {
        persons_estimate: Number(input.value),
      }, go);
    });
    return form;
  },

  noteForm(inc) {
    const t = this.ctx.t;
    const form = el("form", "inc-form");
    const input = el("input", "inc-input inc-wide");
    input.placeholder = t("add a note to the timeline", "ajouter une note à la chronologie");
    input.dataset.testid = "incident-note-input";
    const go = el("button", "btn-act", t("Add note", "Ajouter"));
    go.type = "submit";
    go.dataset.testid = "incident-note-submit";
    form.append(input, go);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!input.value.trim()) return;
      await this.send(`/api/incidents/${encodeURIComponent(inc.incident_id)}/notes`, { text: input.value.trim() }, go);
    });
    return form;
  },

  async send(path, body, button) {
    button.disabled = true;
    try {
      const inc = await this.ctx.api.send("POST", path, body);
      this.detailSignature = null;
      await this.load(inc.incident_id, false);
      this.boardSignature = null;
      const board = await this.ctx.api.get("/api/incidents/board");
      this.renderBoard(board);
      this.status.textContent = "";
    } catch (err) {
      this.status.textContent = err.message;
      button.disabled = false;
    }
  },
};
