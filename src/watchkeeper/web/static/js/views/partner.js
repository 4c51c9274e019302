// The French liaison's view (role partner_liaison): only what is released to UK-FR — vessels,
// observations, reports and whatever other capabilities register — and the desk messages on an
// incident with the UK desk. French labels when the page is in French (ctx.t).

import { el, markingBadge, fmtTime } from "./sharing-common.js";

const TYPE_TITLES = {
  vessel: ["Vessels", "Navires"],
  observation: ["Observations", "Observations"],
  report: ["Reports", "Signalements"],
  desk_message: ["Desk messages", "Messages entre bureaux"],
  incident: ["Incidents", "Incidents"],
  alert: ["Alerts", "Alertes"],
  track: ["Radar tracks", "Pistes radar"],
  asset: ["Assets", "Moyens"],
  drift_run: ["Drift runs", "Calculs de dérive"],
};

function summary(type, r, t) {
  if (type === "vessel") return `${r.name || r.mmsi} · ${r.mmsi}`;
  if (type === "report") {
    const persons = r.persons != null ? `${r.persons} ${t("persons", "personnes")}` : null;
    return [`#${r.id}`, fmtTime(r.time), persons, r.boat_type, r.text].filter(Boolean).join(" · ");
  }
  if (type === "observation") return [r.kind, fmtTime(r.event_time), r.callsign || r.sensor_uid].filter(Boolean).join(" · ");
  if (type === "desk_message") return `${r.incident_id} · ${r.desk} · ${r.text}`;
  if (type === "incident") return [r.incident_id, r.state, `${r.persons_estimate ?? "?"} ${t("pers.", "pers.")}`].join(" · ");
  if (type === "alert") return [r.rule, r.severity, fmtTime(r.time_utc), r.explanation].filter(Boolean).join(" · ");
  if (type === "asset") return [r.name || r.id, r.kind, r.state].filter(Boolean).join(" · ");
  if (type === "drift_run") return [`#${r.id}`, r.incident_id, r.object, fmtTime(r.created_at)].filter(Boolean).join(" · ");
  return r.title || r.name || r.id || JSON.stringify(r).slice(0, 80);
}

export default {
  id: "partner",
  title: "Partner",
  titleFr: "Partenaire",
  roles: ["partner_liaison"],

  mount(ctx) {
    const t = ctx.t;
    this.ctx = ctx;
    this.records = el("div", { class: "sh-records", "data-testid": "partner-records" });
    const refresh = el("button", { type: "button", class: "btn-ghost", "data-testid": "partner-refresh" }, [
      t("Refresh", "Actualiser"),
    ]);
    refresh.addEventListener("click", () => this.refresh());

    const incident = el("input", {
      "data-testid": "desk-incident",
      placeholder: t("Incident id", "N° d'incident"),
      "aria-label": t("Incident id", "N° d'incident"),
    });
    const open = el("button", { type: "button", class: "btn-ghost", "data-testid": "desk-open" }, [t("Open", "Ouvrir")]);
    this.thread = el("ul", { class: "sh-list", "data-testid": "desk-thread" });
    const text = el("textarea", { rows: "2", "data-testid": "desk-text", "aria-label": t("Message", "Message") });
    const send = el("button", { type: "button", "data-testid": "desk-send" }, [t("Send to the UK desk", "Envoyer au bureau britannique")]);
    open.addEventListener("click", () => this.openThread(incident.value.trim()));
    send.addEventListener("click", async () => {
      const id = incident.value.trim();
      if (!id || !text.value.trim()) return;
      try {
        await ctx.api.send("POST", `/api/partner/incidents/${encodeURIComponent(id)}/messages`, {
          text: text.value,
          lang: ctx.lang,
        });
        text.value = "";
        await this.openThread(id);
      } catch (err) {
        ctx.notify(err.message, { level: "warning" });
      }
    });
    ctx.root.append(
      el("div", { class: "panel-head" }, [
        el("h2", {}, [t("Released to UK-FR", "Diffusé à la France (UK-FR)")]),
        refresh,
      ]),
      this.records,
      el("div", { class: "panel-head" }, [el("h2", {}, [t("Desk messages", "Messages entre bureaux")])]),
      el("div", { class: "sh-row sh-pad" }, [incident, open]),
      this.thread,
      el("div", { class: "sh-row sh-pad" }, [text, send]),
    );
  },

  async refresh() {
    const t = this.ctx.t;
    let body;
    try {
      body = await this.ctx.api.get("/api/partner/records");
    } catch (err) {
      this.records.replaceChildren(el("p", { class: "sh-muted" }, [err.message]));
      return;
    }
    const sections = [];
    for (const [type, records] of Object.entries(body.records)) {
      if (!records.length) continue;
      const [en, fr] = TYPE_TITLES[type] || [type, type];
      sections.push(
        el("h3", { class: "sh-sub" }, [t(en, fr)]),
        el(
          "ul",
          { class: "sh-list" },
          records.map((r) =>
            el("li", { class: "sh-item", "data-testid": "partner-record", "data-type": type, "data-marking": r.marking }, [
              markingBadge(r.marking),
              " ",
              summary(type, r, t),
            ]),
          ),
        ),
      );
    }
    this.records.replaceChildren(
      ...(sections.length ? sections : [el("p", { class: "sh-muted", "data-testid": "partner-empty" }, [t("Nothing released yet.", "Rien n'a encore été diffusé.")])]),
    );
  },

  async openThread(id) {
    if (!id) return;
    try {
      const body = await this.ctx.api.get(`/api/partner/incidents/${encodeURIComponent(id)}/messages`);
      this.thread.replaceChildren(
        ...body.messages.map((m) =>
          el("li", { class: `sh-item desk-${m.desk.toLowerCase()}`, "data-testid": "desk-message" }, [
            el("div", { class: "sh-item-head" }, [el("strong", {}, [m.desk]), el("span", { class: "sh-muted" }, [fmtTime(m.time), " · ", m.author])]),
            el("div", { class: "sh-text" }, [m.text]),
          ]),
        ),
      );
    } catch (err) {
      this.ctx.notify(err.message, { level: "warning" });
    }
  },

  show() {
    this.refresh();
  },
};
