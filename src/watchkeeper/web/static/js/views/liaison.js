// The UK desk's side of the desk messages with the French liaison, per incident (roles watch_officer,
// analyst). Messages are marked UK-FR: the French desk reads everything written here.

import { el, fmtTime } from "./sharing-common.js";

export default {
  id: "liaison",
  title: "Liaison",
  titleFr: "Liaison",
  roles: ["watch_officer", "analyst"],

  mount(ctx) {
    const t = ctx.t;
    this.ctx = ctx;
    this.incident = el("input", {
      "data-testid": "uk-desk-incident",
      placeholder: t("Incident id", "N° d'incident"),
      "aria-label": t("Incident id", "N° d'incident"),
    });
    const open = el("button", { type: "button", class: "btn-ghost", "data-testid": "uk-desk-open" }, [t("Open", "Ouvrir")]);
    this.thread = el("ul", { class: "sh-list", "data-testid": "uk-desk-thread" });
    const text = el("textarea", { rows: "2", "data-testid": "uk-desk-text", "aria-label": t("Message", "Message") });
    const send = el("button", { type: "button", "data-testid": "uk-desk-send" }, [
      t("Send to the French desk", "Envoyer au bureau français"),
    ]);
    open.addEventListener("click", () => this.load());
    send.addEventListener("click", async () => {
      const id = this.incident.value.trim();
      if (!id || !text.value.trim()) return;
      try {
        await ctx.api.send("POST", `/api/sharing/incidents/${encodeURIComponent(id)}/messages`, {
          text: text.value,
          lang: ctx.lang,
        });
        text.value = "";
        await this.load();
      } catch (err) {
        ctx.notify(err.message, { level: "warning" });
      }
    });
    ctx.root.append(
      el("div", { class: "panel-head" }, [el("h2", {}, [t("Messages with the French desk", "Messages avec le bureau français")])]),
      el("p", { class: "sh-muted sh-pad" }, [
        t("Marked UK-FR: the French liaison reads everything written here.", "Marqué UK-FR : la liaison française lit tout ce qui est écrit ici."),
      ]),
      el("div", { class: "sh-row sh-pad" }, [this.incident, open]),
      this.thread,
      el("div", { class: "sh-row sh-pad" }, [text, send]),
    );
  },

  async load() {
    const id = this.incident.value.trim();
    if (!id) return;
    try {
      const body = await this.ctx.api.get(`/api/sharing/incidents/${encodeURIComponent(id)}/messages`);
      this.thread.replaceChildren(
        ...body.messages.map((m) =>
          el("li", { class: `sh-item desk-${m.desk.toLowerCase()}`, "data-testid": "uk-desk-message" }, [
            el("div", { class: "sh-item-head" }, [el("strong", {}, [m.desk]), el("span", { class: "sh-muted" }, [fmtTime(m.time), " · ", m.author])]),
            el("div", { class: "sh-text" }, [m.text]),
          ]),
        ),
      );
    } catch (err) {
      this.ctx.notify(err.message, { level: "warning" });
    }
  },
};
