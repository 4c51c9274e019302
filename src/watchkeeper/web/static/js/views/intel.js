// The Intel view: graded reports (list, search, detail), the network as an interactive graph with its
// key facilitators, investigations and the justice figures. Everything it shows comes from
// /api/intel, already filtered by the user's clearance and with source identities only for their
// handler; every read is audited there. Text from the store is only ever set with textContent.

import { drawNetwork, COMMUNITY_COLOURS } from "./intel-graph.js";

const CSS_HREF = "css/intel.css";

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "testid") node.dataset.testid = v;
    else if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

// replaceChildren() would write a null as the text "null": leave the absent parts out
function fill(node, ...children) {
  node.replaceChildren(...children.filter((c) => c !== null && c !== undefined && c !== false));
}

function when(iso) {
  if (!iso) return "—";
  return iso.replace("T", " ").replace(/:\d\d(\.\d+)?(Z|\+00:00)$/, "Z");
}

function markingBadge(marking) {
  return h("span", { class: `ib-marking ib-${marking.toLowerCase()}`, testid: "intel-marking", text: marking });
}

function ensureCss() {
  if (![...document.querySelectorAll("link[rel=stylesheet]")].some((l) => l.getAttribute("href") === CSS_HREF)) {
    document.head.append(h("link", { rel: "stylesheet", href: CSS_HREF }));
  }
}

const state = { ctx: null, pane: "reports", graph: null, net: null };

function t(en, fr) {
  return state.ctx.t(en, fr);
}

function failed(where, err) {
  state.ctx.notify(`${where}: ${err.message}`, { level: "warning" });
}

// --- reports ---------------------------------------------------------------------------------------

async function loadReports(list) {
  try {
    const rows = await state.ctx.api.get("/api/intel/reports?limit=200");
    fill(list,
      ...(rows.length ? rows.map(reportRow) : [h("p", { class: "ib-empty", text: t("No report you may see.", "Aucun rapport visible.") })]),
    );
  } catch (err) {
    failed(t("Reports", "Rapports"), err);
  }
}

function reportRow(r) {
  return h(
    "button",
    { type: "button", class: "ib-row", testid: "intel-report-row", "data-id": r.id, onclick: () => openReport(r.id) },
    h("span", { class: "ib-ref", text: r.reference }),
    h("span", { class: `ib-grade ib-handling-${r.handling.toLowerCase()}`, testid: "intel-grade", text: r.grading }),
    markingBadge(r.marking),
    h("span", { class: "ib-title", text: r.title }),
    h("span", { class: "ib-when", text: when(r.information_time || r.recorded_at) }),
  );
}

async function openReport(id) {
  const box = state.ctx.root.querySelector("[data-testid=intel-report-detail]");
  try {
    const r = await state.ctx.api.get(`/api/intel/reports/${id}`);
    const g = r.grading;
    const source = r.source.protected
      ? h("p", { class: "ib-protected", testid: "intel-source", text: t("Source protected: known to its handler only.", "Source protégée : connue de son seul officier traitant.") })
      : h("div", { class: "ib-source", testid: "intel-source" },
          h("strong", { text: `${r.source.reference} (${r.source.kind}) — ${t("you handle this source", "vous traitez cette source")}` }),
          h("p", { text: r.source.identity }));
    fill(box,
      h("div", { class: "ib-head" },
        h("h3", { text: `${r.reference} — ${r.title}` }),
        h("button", { type: "button", class: "btn-ghost", "aria-label": t("Close", "Fermer"), testid: "intel-report-close", onclick: () => { box.hidden = true; }, text: "✕" })),
      h("div", { class: "ib-line" }, markingBadge(r.marking),
        h("span", { class: `ib-grade ib-handling-${g.handling.toLowerCase()}`, testid: "intel-detail-grade", text: `${g.system} ${g.code}` })),
      h("dl", { class: "ib-fields", testid: "intel-grading" },
        h("dt", { text: g.system === "3x5x2" ? t("Source evaluation", "Évaluation de la source") : t("Source reliability", "Fiabilité de la source") }),
        h("dd", { text: `${g.source} — ${g.meaning.source}` }),
        h("dt", { text: g.system === "3x5x2" ? t("Intelligence assessment", "Appréciation du renseignement") : t("Information credibility", "Crédibilité de l'information") }),
        h("dd", { text: `${g.information} — ${g.meaning.information}` }),
        h("dt", { text: t("Handling code", "Code de traitement") }),
        h("dd", { text: `${g.handling} — ${g.meaning.handling}` }),
        h("dt", { text: t("Information time", "Date de l'information") }),
        h("dd", { text: when(r.information_time) }),
        h("dt", { text: t("Recorded", "Enregistré") }),
        h("dd", { text: `${when(r.recorded_at)} ${t("by", "par")} ${r.recorded_by}` })),
      g.conditions ? h("div", { class: "ib-conditions", testid: "intel-conditions" },
        h("strong", { text: t("Handling conditions — apply before any onward sharing", "Conditions de traitement — à respecter avant toute diffusion") }),
        h("p", { text: g.conditions })) : null,
      source,
      h("p", { class: "ib-body", testid: "intel-report-body", text: r.body }),
      r.refs.length ? h("ul", { class: "ib-refs", testid: "intel-report-refs" },
        ...r.refs.map((x) => h("li", { text: `${x.kind}: ${x.name || x.ref}${x.lat != null ? ` (${x.lat.toFixed(4)}, ${x.lon.toFixed(4)})` : ""}` }))) : null,
      r.releases.length ? h("ul", { class: "ib-refs", testid: "intel-report-releases" },
        ...r.releases.map((x) => h("li", { text: `${t("released", "diffusé")} ${x.from_marking} → ${x.to_marking} ${t("by", "par")} ${x.released_by}, ${when(x.time)}` }))) : null,
    );
    box.hidden = false;
  } catch (err) {
    failed(t("Report", "Rapport"), err);
  }
}

async function runSearch(input, out) {
  const q = input.value.trim();
  if (q.length < 2) {
    fill(out);
    return;
  }
  try {
    const res = await state.ctx.api.get(`/api/intel/search?q=${encodeURIComponent(q)}`);
    fill(out,
      ...(res.hits.length
        ? res.hits.map((hit) => h("button", {
            type: "button", class: "ib-row", testid: "intel-search-hit", "data-type": hit.type, "data-id": hit.id,
            onclick: () => (hit.type === "report" ? openReport(hit.id) : hit.type === "entity" ? focusEntity(hit.id) : openCase(hit.id)),
          }, h("span", { class: "ib-ref", text: hit.type }), markingBadge(hit.marking), h("span", { class: "ib-title", text: hit.label })))
        : [h("p", { class: "ib-empty", testid: "intel-search-empty", text: t("Nothing found.", "Aucun résultat.") })]),
    );
  } catch (err) {
    failed(t("Search", "Recherche"), err);
  }
}

// --- network ---------------------------------------------------------------------------------------

async function loadNetwork(panel) {
  const method = panel.querySelector("[data-testid=intel-network-method]").value;
  try {
    const net = await state.ctx.api.get(`/api/intel/network?method=${method}&top=5`);
    state.net = net;
    const svg = panel.querySelector("[data-testid=intel-network-graph]");
    state.graph?.destroy();
    state.graph = drawNetwork(svg, net, { onSelect: (v) => showNode(panel, v) });
    panel.querySelector("[data-testid=intel-network-summary]").textContent =
      `${net.nodes.length} ${t("entities", "entités")}, ${net.edges.length} ${t("links", "liens")}, ` +
      `${net.communities.length} ${t("communities", "communautés")} (${method}), modularity ${net.modularity.toFixed(2)}`;
    const names = new Map(net.nodes.map((v) => [v.id, v]));
    fill(panel.querySelector("[data-testid=intel-facilitators]"),
      ...(net.facilitators.length
        ? net.facilitators.map((f) => h("button", {
            type: "button", class: "ib-row", testid: "intel-facilitator", "data-id": f.id,
            onclick: () => state.graph.select(f.id),
          },
          h("span", { class: "ib-rank", text: `#${f.rank}` }),
          h("span", { class: "ib-swatch", "data-community": names.get(f.id)?.community ?? 0 }),
          h("span", { class: "ib-title", text: `${f.name} (${f.kind})` }),
          h("span", { class: "ib-when", text: `${(100 * f.betweenness).toFixed(1)} %` }),
          h("span", { class: "ib-reasons", text: f.reasons.join("; ") })))
        : [h("p", { class: "ib-empty", text: t("No broker in this network.", "Aucun intermédiaire dans ce réseau.") })]),
    );
    showNode(panel, null);
  } catch (err) {
    failed(t("Network", "Réseau"), err);
  }
}

function showNode(panel, v) {
  const box = panel.querySelector("[data-testid=intel-node-detail]");
  if (!v) {
    fill(box, h("p", { class: "ib-empty", text: t("Click an entity for its scores.", "Cliquez une entité pour ses scores.") }));
    return;
  }
  const links = state.net.edges.filter((e) => e.source === v.id || e.target === v.id);
  fill(box,
    h("strong", { testid: "intel-node-name", text: `${v.name} (${v.kind})` }), markingBadge(v.marking),
    h("dl", { class: "ib-fields" },
      h("dt", { text: "Betweenness" }), h("dd", { text: `${(100 * v.betweenness).toFixed(1)} %` }),
      h("dt", { text: "Degree" }), h("dd", { text: `${(100 * v.degree).toFixed(1)} %` }),
      h("dt", { text: "Eigenvector" }), h("dd", { text: v.eigenvector.toFixed(3) }),
      h("dt", { text: t("Community", "Communauté") }), h("dd", { text: String(v.community) }),
      h("dt", { text: t("Links", "Liens") }), h("dd", { text: String(links.length) })),
    v.key_facilitator ? h("p", { class: "ib-key", testid: "intel-node-key", text: t("Key facilitator", "Facilitateur clé") }) : null,
    v.cut_vertex ? h("p", { class: "ib-muted", text: t("Cut vertex: removing it splits the network.", "Point d'articulation : le retirer scinde le réseau.") }) : null,
  );
}

// The enlarged graph covers the map (its rectangle read at the time; set through the CSSOM, CSP-clean).
function enlarge(pane, button) {
  const big = pane.classList.toggle("ib-big");
  button.textContent = big ? t("Shrink", "Réduire") : t("Enlarge", "Agrandir");
  if (big) {
    const r = (state.ctx.map.map.getTargetElement?.() || document.body).getBoundingClientRect();
    Object.assign(pane.style, { left: `${r.left}px`, top: `${r.top}px`, width: `${r.width}px`, height: `${r.height}px` });
  } else {
    for (const k of ["left", "top", "width", "height"]) pane.style.removeProperty(k);
  }
}

function focusEntity(id) {
  setPane("network");
  const tryFocus = () => state.graph?.positions.has(id) && state.graph.select(id);
  if (!tryFocus()) setTimeout(tryFocus, 400);
}

// --- cases and figures -------------------------------------------------------------------------------

const FIGURES = [
  ["live_investigations", "Live investigations", "Enquêtes en cours"],
  ["arrests", "Arrests", "Interpellations"],
  ["persons_arrested", "Persons arrested", "Personnes interpellées"],
  ["charges", "Charges", "Mises en examen"],
  ["convictions", "Convictions", "Condamnations"],
  ["persons_convicted", "Persons convicted", "Personnes condamnées"],
];

async function loadCases(panel) {
  try {
    const [fig, cases] = await Promise.all([
      state.ctx.api.get("/api/intel/figures"),
      state.ctx.api.get("/api/intel/investigations"),
    ]);
    fill(panel.querySelector("[data-testid=intel-figures]"),
      ...FIGURES.map(([key, en, fr]) => h("div", { class: "ib-figure", testid: `intel-figure-${key}` },
        h("span", { class: "ib-figure-n", text: String(fig[key]) }), h("span", { class: "ib-muted", text: t(en, fr) }))),
    );
    fill(panel.querySelector("[data-testid=intel-cases]"),
      ...(cases.length ? cases.map((c) => h("button", {
          type: "button", class: "ib-row", testid: "intel-case-row", "data-id": c.id, onclick: () => openCase(c.id),
        }, h("span", { class: "ib-ref", text: c.reference }), h("span", { class: `ib-status ib-${c.status}`, text: c.status }),
        markingBadge(c.marking), h("span", { class: "ib-title", text: c.title }), h("span", { class: "ib-when", text: c.opened_on })))
        : [h("p", { class: "ib-empty", text: t("No investigation you may see.", "Aucune enquête visible.") })]),
    );
  } catch (err) {
    failed(t("Cases", "Enquêtes"), err);
  }
}

async function openCase(id) {
  setPane("cases");
  const box = state.ctx.root.querySelector("[data-testid=intel-case-detail]");
  try {
    const c = await state.ctx.api.get(`/api/intel/investigations/${id}`);
    fill(box,
      h("h3", { text: `${c.reference} — ${c.title}` }),
      h("div", { class: "ib-line" }, markingBadge(c.marking), h("span", { class: `ib-status ib-${c.status}`, text: c.status }),
        h("span", { class: "ib-muted", text: `${c.opened_on} → ${c.closed_on || "…"} · ${t("lead", "responsable")} ${c.lead}` })),
      c.summary ? h("p", { class: "ib-body", text: c.summary }) : null,
      h("h4", { text: t("Holds", "Contient") }),
      h("ul", { class: "ib-refs", testid: "intel-case-items" }, ...c.items.map((i) => h("li", { text: `${i.kind}: ${i.label || i.ref}` }))),
      h("h4", { text: t("Arrests, charges, outcomes", "Interpellations, poursuites, décisions") }),
      h("ul", { class: "ib-refs", testid: "intel-case-arrests" }, ...c.arrests.map((a) => h("li", {},
        h("span", { text: `${when(a.arrested_at)} — ${a.person_name || t("(person not visible)", "(personne non visible)")}, ${a.agency}${a.place ? `, ${a.place}` : ""}` }),
        ...a.charges.map((ch) => h("div", { class: "ib-charge", testid: "intel-charge", text:
          `${ch.charged_on}: ${ch.offence}${ch.statute ? ` (${ch.statute})` : ""} — ${ch.outcome ? `${ch.outcome.outcome} ${ch.outcome.decided_on}${ch.outcome.sentence ? `, ${ch.outcome.sentence}` : ""}` : t("pending", "en attente")}` }))))),
    );
    box.hidden = false;
  } catch (err) {
    failed(t("Case", "Enquête"), err);
  }
}

// --- the view --------------------------------------------------------------------------------------

const PANES = [
  ["reports", "Reports", "Rapports"],
  ["network", "Network", "Réseau"],
  ["cases", "Cases", "Enquêtes"],
];

function setPane(id) {
  state.pane = id;
  for (const [pid] of PANES) {
    const pane = state.ctx.root.querySelector(`[data-testid=intel-pane-${pid}]`);
    const btn = state.ctx.root.querySelector(`[data-testid=intel-tab-${pid}]`);
    if (!pane || !btn) continue;
    pane.hidden = pid !== id;
    btn.setAttribute("aria-selected", String(pid === id));
    btn.classList.toggle("ib-tab-on", pid === id);
  }
  refresh();
}

function refresh() {
  const root = state.ctx.root;
  if (state.pane === "reports") loadReports(root.querySelector("[data-testid=intel-report-list]"));
  else if (state.pane === "network") loadNetwork(root.querySelector("[data-testid=intel-pane-network]"));
  else loadCases(root.querySelector("[data-testid=intel-pane-cases]"));
}

export default {
  id: "intel",
  title: "Intel",
  titleFr: "Renseignement",
  roles: ["analyst", "partner_liaison"],

  mount(ctx) {
    state.ctx = ctx;
    ensureCss();
    const analyst = (ctx.user.roles || []).includes("analyst");
    const panes = PANES.filter(([id]) => id !== "cases" || analyst);
    const search = h("input", { type: "search", class: "filter", testid: "intel-search", placeholder: t("Search reports, entities, serials, phones", "Rechercher rapports, entités, numéros"), "aria-label": t("Search intelligence", "Rechercher") });
    const hits = h("div", { class: "ib-list", testid: "intel-search-results" });
    search.addEventListener("keydown", (ev) => { if (ev.key === "Enter") runSearch(search, hits); });
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.classList.add("ib-graph");
    svg.dataset.testid = "intel-network-graph";
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", t("Network of entities and links", "Réseau des entités et des liens"));
    const method = h("select", { testid: "intel-network-method", "aria-label": t("Community method", "Méthode des communautés") },
      h("option", { value: "louvain", text: "Louvain" }), h("option", { value: "greedy", text: "Greedy modularity" }));
    const networkPane = h("section", { class: "ib-pane", testid: "intel-pane-network", hidden: true },
      h("div", { class: "ib-line" }, method,
        h("button", { type: "button", class: "btn-ghost", testid: "intel-network-enlarge", text: t("Enlarge", "Agrandir"),
          onclick: (ev) => enlarge(networkPane, ev.target) })),
      h("p", { class: "ib-muted", testid: "intel-network-summary" }),
      svg,
      h("p", { class: "ib-muted ib-legend" }, ...COMMUNITY_COLOURS.slice(0, 4).map((c, i) => h("span", { class: "ib-swatch", "data-community": i })),
        h("span", { text: t(" colour = community · size = betweenness · ring = key facilitator", " couleur = communauté · taille = intermédiarité · anneau = facilitateur clé") })),
      h("div", { class: "ib-node", testid: "intel-node-detail" }),
      h("h4", { text: t("Key facilitators", "Facilitateurs clés") }),
      h("div", { class: "ib-list", testid: "intel-facilitators" }));
    method.addEventListener("change", () => loadNetwork(networkPane));
    ctx.root.append(
      h("div", { class: "panel-head" }, h("h2", { text: t("Intelligence", "Renseignement") }),
        h("span", { class: "ib-muted", text: `${t("cleared", "habilitation")} ${ctx.user.clearance}` })),
      h("nav", { class: "ib-tabs", role: "tablist" }, ...panes.map(([id, en, fr]) =>
        h("button", { type: "button", class: "ib-tab", role: "tab", testid: `intel-tab-${id}`, text: t(en, fr), onclick: () => setPane(id) }))),
      h("section", { class: "ib-pane", testid: "intel-pane-reports" },
        search, hits,
        h("div", { class: "ib-detail", testid: "intel-report-detail", hidden: true }),
        h("div", { class: "ib-list", testid: "intel-report-list" })),
      networkPane,
      analyst ? h("section", { class: "ib-pane", testid: "intel-pane-cases", hidden: true },
        h("div", { class: "ib-figures", testid: "intel-figures" }),
        h("div", { class: "ib-detail", testid: "intel-case-detail", hidden: true }),
        h("div", { class: "ib-list", testid: "intel-cases" })) : null,
    );
  },

  show() {
    setPane(state.pane);
  },

  hide() {},
};
