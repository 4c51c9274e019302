// Observer and beach-patrol reports: a form (position — typed or picked on the map —, persons, boat
// type, photo, text, marking) posting to /api/reports, the reports the user may see with their
// markings, and a release action for the roles that may release. Field observations (drones, TAK
// clients, reports) are drawn on the map and kept up to date by the live "observations" messages.

/* global ol */
import { el, markingBadge, fmtTime, fileToBase64, releaseForm, RELEASER_ROLES } from "./sharing-common.js";

const BOAT_TYPES = ["inflatable", "rib", "dinghy", "kayak", "fishing", "yacht", "other", "unknown"];
const MARKINGS = ["UK-ONLY", "UK-FR", "PUBLIC"];
const RANK = { PUBLIC: 0, "UK-FR": 1, "UK-ONLY": 2 };

export default {
  id: "reports",
  title: "Reports",
  titleFr: "Signalements",
  roles: ["watch_officer", "analyst", "asset_controller", "partner_liaison"],

  mount(ctx) {
    const t = ctx.t;
    this.ctx = ctx;
    const canRelease = ctx.user.roles.some((r) => RELEASER_ROLES.includes(r));
    const allowed = MARKINGS.filter((m) => RANK[m] <= (RANK[ctx.user.clearance] ?? 0));

    // ---------------------------------------------------------------- form
    const form = el("form", { class: "sh-form", "data-testid": "report-form", novalidate: "" });
    const field = (label, input) => el("label", { class: "sh-field" }, [el("span", {}, [label]), input]);
    const time = el("input", { name: "time", "data-testid": "report-time", placeholder: "2026-11-26T05:40:00Z" });
    const lat = el("input", { name: "lat", inputmode: "decimal", "data-testid": "report-lat", required: "" });
    const lon = el("input", { name: "lon", inputmode: "decimal", "data-testid": "report-lon", required: "" });
    const pick = el("button", { type: "button", class: "btn-ghost", "data-testid": "report-pick" }, [
      t("Pick on map", "Choisir sur la carte"),
    ]);
    const persons = el("input", { name: "persons", type: "number", min: "0", max: "10000", "data-testid": "report-persons" });
    const boat = el("select", { name: "boat_type", "data-testid": "report-boat" }, [
      el("option", { value: "" }, ["—"]),
      ...BOAT_TYPES.map((b) => el("option", { value: b }, [b])),
    ]);
    const marking = el(
      "select",
      { name: "marking", "data-testid": "report-marking" },
      allowed.map((m) => el("option", { value: m }, [m])),
    );
    marking.value = ctx.user.clearance;
    const photo = el("input", { type: "file", accept: "image/jpeg,image/png,image/webp", "data-testid": "report-photo" });
    const text = el("textarea", { name: "text", rows: "3", maxlength: "4000", "data-testid": "report-text" });
    const error = el("p", { class: "sh-error", role: "alert", "data-testid": "report-error", hidden: "" });
    const submit = el("button", { type: "submit", "data-testid": "report-submit" }, [t("Send report", "Envoyer")]);
    form.append(
      field(t("Seen at (UTC)", "Vu à (UTC)"), time),
      el("div", { class: "sh-row" }, [field("Lat", lat), field("Lon", lon), pick]),
      el("div", { class: "sh-row" }, [field(t("Persons", "Personnes"), persons), field(t("Boat", "Embarcation"), boat)]),
      field(t("Photo", "Photo"), photo),
      field(t("What was seen", "Observations"), text),
      el("div", { class: "sh-row" }, [field(t("Marking", "Marquage"), marking), submit]),
      error,
    );
    pick.addEventListener("click", () => {
      ctx.notify(t("Click the map where it was seen.", "Cliquez sur la carte à l'endroit observé."));
      ctx.map.map.once("singleclick", (ev) => {
        const [x, y] = ol.proj.toLonLat(ev.coordinate);
        lon.value = x.toFixed(5);
        lat.value = y.toFixed(5);
      });
    });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      error.hidden = true;
      const body = { lat: Number(lat.value), lon: Number(lon.value), marking: marking.value, text: text.value };
      if (lat.value.trim() === "" || lon.value.trim() === "") {
        error.textContent = t("Give the position (lat, lon).", "Indiquez la position (lat, lon).");
        error.hidden = false;
        return;
      }
      if (time.value.trim()) body.time = time.value.trim();
      if (persons.value !== "") body.persons = Number(persons.value);
      if (boat.value) body.boat_type = boat.value;
      submit.disabled = true;
      try {
        if (photo.files && photo.files[0]) {
          body.photo = { filename: photo.files[0].name, content_base64: await fileToBase64(photo.files[0]) };
        }
        const report = await ctx.api.send("POST", "/api/reports", body);
        ctx.notify(`${t("Report", "Signalement")} ${report.id} · ${report.marking}`);
        form.reset();
        marking.value = ctx.user.clearance;
        await this.refresh();
      } catch (err) {
        error.textContent = err.message;
        error.hidden = false;
      } finally {
        submit.disabled = false;
      }
    });

    // ---------------------------------------------------------------- list
    this.list = el("ul", { class: "sh-list", "data-testid": "report-list" });
    ctx.root.append(
      el("div", { class: "panel-head" }, [el("h2", {}, [t("New report", "Nouveau signalement")])]),
      form,
      el("div", { class: "panel-head" }, [el("h2", {}, [t("Reports", "Signalements")])]),
      this.list,
    );
    this.canRelease = canRelease;

    // ---------------------------------------------------------------- map layer of observations
    this.source = new ol.source.Vector();
    const style = new ol.style.Style({
      image: new ol.style.RegularShape({
        points: 4,
        radius: 7,
        angle: Math.PI / 4,
        fill: new ol.style.Fill({ color: "rgba(255, 157, 0, 0.85)" }),
        stroke: new ol.style.Stroke({ color: "#1b1b1b", width: 1 }),
      }),
    });
    ctx.map.addLayer(new ol.layer.Vector({ source: this.source, style }), { zIndex: 40 });
    ctx.live.on("observations", (msg) => this.addObservations(msg.observations || []));
    ctx.api
      .get("/api/observations?limit=500")
      .then((b) => this.addObservations(b.observations || []))
      .catch((err) => console.error("observations failed", err));
  },

  addObservations(list) {
    for (const o of list) {
      if (typeof o.lat !== "number" || typeof o.lon !== "number") continue;
      let f = this.source.getFeatureById(o.obs_id);
      const geom = new ol.geom.Point(ol.proj.fromLonLat([o.lon, o.lat]));
      if (!f) {
        f = new ol.Feature(geom);
        f.setId(o.obs_id);
        this.source.addFeature(f);
      } else f.setGeometry(geom);
      f.set("observation", o, true);
    }
  },

  async refresh() {
    const t = this.ctx.t;
    let body;
    try {
      body = await this.ctx.api.get("/api/reports?limit=100");
    } catch (err) {
      this.list.replaceChildren(el("li", { class: "sh-muted" }, [err.message]));
      return;
    }
    const items = body.reports.map((r) => {
      const li = el("li", { class: "sh-item", "data-testid": "report-row", "data-marking": r.marking }, [
        el("div", { class: "sh-item-head" }, [
          markingBadge(r.marking),
          el("strong", {}, [`#${r.id}`]),
          el("span", { class: "sh-muted" }, [fmtTime(r.time), " · ", r.reporter]),
        ]),
        el("div", {}, [
          [r.persons != null ? `${r.persons} ${t("persons", "personnes")}` : null, r.boat_type, `${r.lat.toFixed(4)}, ${r.lon.toFixed(4)}`]
            .filter(Boolean)
            .join(" · "),
        ]),
        r.text ? el("div", { class: "sh-text" }, [r.text]) : null,
      ]);
      if (r.photo) {
        const img = el("img", { class: "sh-photo", alt: r.photo.filename, "data-testid": "report-photo-img" });
        this.loadPhoto(r.photo.url, img);
        li.append(img);
      }
      if (this.canRelease) li.append(releaseForm(this.ctx, "report", r.id, r.marking, () => this.refresh()));
      return li;
    });
    this.list.replaceChildren(...(items.length ? items : [el("li", { class: "sh-muted" }, [t("No reports.", "Aucun signalement.")])]));
  },

  // The photo needs the bearer token: fetch it, show it from a blob: URL (CSP img-src allows blob:).
  async loadPhoto(url, img) {
    try {
      const s = JSON.parse(sessionStorage.getItem("watchkeeper.session") || "null");
      const resp = await fetch(url, { headers: { Authorization: `Bearer ${s.access_token}` } });
      if (!resp.ok) return;
      img.src = URL.createObjectURL(await resp.blob());
    } catch (err) {
      console.error("photo failed", err);
    }
  },

  show() {
    this.refresh();
  },
};
