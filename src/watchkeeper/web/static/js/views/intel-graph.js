// The network graph of the Intel view: our own small force-directed layout and SVG drawing.
//
// Layout: Fruchterman & Reingold (1991), "Graph drawing by force-directed placement": repulsion k²/d
// between every pair, attraction d²/k along links, a temperature that cools linearly; k = √(area/n).
// Deterministic: nodes start on a circle per community (communities themselves on a circle), with a
// seeded jitter, so the same network is drawn the same way every time. O(n²) per iteration — fine for
// the few hundred entities an analyst looks at; the iteration count drops as n grows.
//
// Drawing: one <svg> (presentation attributes only: no inline style, CSP-clean). Node radius grows
// with betweenness, fill is the community, key facilitators get a thick ring and a permanent label.
// Wheel zooms, dragging the background pans, dragging a node moves it. Everything a test reads has a
// data-testid / data-* attribute.

const SVG = "http://www.w3.org/2000/svg";
// Okabe–Ito palette (distinguishable with the common colour-vision deficiencies), on a dark ground.
export const COMMUNITY_COLOURS = ["#56b4e9", "#e69f00", "#009e73", "#f0e442", "#cc79a7", "#d55e00", "#0072b2", "#b8b8b8"];
const KIND_LETTER = { person: "P", ocg: "G", boat: "B", engine: "E", vehicle: "V", phone: "T", address: "A", beach: "H", supplier: "S" };

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function layout(nodes, edges, { width = 600, height = 480, iterations } = {}) {
  const n = nodes.length;
  const pos = new Map();
  if (n === 0) return pos;
  const rand = mulberry32(nodes.reduce((s, v) => (s * 31 + v.id) >>> 0, 7));
  const groups = new Map();
  for (const v of nodes) {
    if (!groups.has(v.community)) groups.set(v.community, []);
    groups.get(v.community).push(v);
  }
  const cx = width / 2;
  const cy = height / 2;
  const ring = Math.min(width, height) * (groups.size > 1 ? 0.3 : 0);
  [...groups.keys()].sort((a, b) => a - b).forEach((c, gi) => {
    const members = groups.get(c);
    const ga = (2 * Math.PI * gi) / groups.size;
    const gx = cx + ring * Math.cos(ga);
    const gy = cy + ring * Math.sin(ga);
    const r = 12 + 9 * Math.sqrt(members.length);
    members.forEach((v, i) => {
      const a = (2 * Math.PI * i) / members.length;
      pos.set(v.id, { x: gx + r * Math.cos(a) + rand() * 4 - 2, y: gy + r * Math.sin(a) + rand() * 4 - 2 });
    });
  });
  const k = Math.sqrt((width * height) / n) * 0.75;
  const steps = iterations ?? (n <= 80 ? 300 : n <= 300 ? 150 : 60);
  const ids = nodes.map((v) => v.id);
  const links = edges.filter((e) => pos.has(e.source) && pos.has(e.target) && e.source !== e.target);
  // gravity G·r balances the repulsion (n−1)·k²/r of all the others on an outlier at 2·r0
  const r0 = Math.min(width, height) / 2.5;
  const gravity = ((n - 1) * k * k) / (4 * r0 * r0);
  let temperature = Math.min(width, height) / 10;
  const cool = temperature / (steps + 1);
  for (let step = 0; step < steps; step++) {
    const disp = new Map(ids.map((id) => [id, { x: 0, y: 0 }]));
    for (let i = 0; i < n; i++) {
      const a = pos.get(ids[i]);
      const da = disp.get(ids[i]);
      for (let j = i + 1; j < n; j++) {
        const b = pos.get(ids[j]);
        let dx = a.x - b.x;
        let dy = a.y - b.y;
        let d2 = dx * dx + dy * dy;
        if (d2 < 0.01) {
          dx = rand() - 0.5;
          dy = rand() - 0.5;
          d2 = dx * dx + dy * dy;
        }
        const f = (k * k) / d2; // (k²/d) along the unit vector = k² (dx,dy) / d²
        const db = disp.get(ids[j]);
        da.x += dx * f;
        da.y += dy * f;
        db.x -= dx * f;
        db.y -= dy * f;
      }
    }
    for (const e of links) {
      const a = pos.get(e.source);
      const b = pos.get(e.target);
      const dx = a.x - b.x;
      const dy = a.y - b.y;
      const d = Math.max(Math.hypot(dx, dy), 0.01);
      const f = d / k; // (d²/k) along the unit vector = d (dx,dy) / k
      const da = disp.get(e.source);
      const db = disp.get(e.target);
      da.x -= dx * f;
      da.y -= dy * f;
      db.x += dx * f;
      db.y += dy * f;
    }
    for (const id of ids) {
      const p = pos.get(id);
      const dv = disp.get(id);
      // gravity keeps separate components (and lone entities) near the rest, not in the corners
      dv.x += (cx - p.x) * gravity;
      dv.y += (cy - p.y) * gravity;
      const len = Math.max(Math.hypot(dv.x, dv.y), 0.01);
      const move = Math.min(len, temperature);
      p.x += (dv.x / len) * move;
      p.y += (dv.y / len) * move;
    }
    temperature -= cool;
  }
  fitInto(pos, width, height);
  return pos;
}

// Scale and centre the drawing into the frame, leaving room for labels on the right.
function fitInto(pos, width, height, margin = 18, labelRoom = 110) {
  const xs = [...pos.values()].map((p) => p.x);
  const ys = [...pos.values()].map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const availW = width - 2 * margin - labelRoom;
  const availH = height - 2 * margin;
  const scale = Math.min(availW / Math.max(x1 - x0, 1), availH / Math.max(y1 - y0, 1), 2);
  const offX = margin + (availW - (x1 - x0) * scale) / 2;
  const offY = margin + (availH - (y1 - y0) * scale) / 2;
  for (const p of pos.values()) {
    p.x = offX + (p.x - x0) * scale;
    p.y = offY + (p.y - y0) * scale;
  }
}

function el(name, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (parent) parent.append(node);
  return node;
}

// Draw ``net`` (the /api/intel/network answer) into ``svg``; ``onSelect(node|null)`` on clicks.
export function drawNetwork(svg, net, { onSelect = () => {}, width = 600, height = 480 } = {}) {
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const pos = layout(net.nodes, net.edges, { width, height });
  const maxB = Math.max(1e-9, ...net.nodes.map((v) => v.betweenness));
  const root = el("g", { class: "ig-root" }, svg);
  const edgeLayer = el("g", { class: "ig-edges" }, root);
  const nodeLayer = el("g", { class: "ig-nodes" }, root);
  const edgeEls = new Map();
  const nodeEls = new Map();
  const small = net.nodes.length <= 25;
  for (const e of net.edges) {
    const a = pos.get(e.source);
    const b = pos.get(e.target);
    if (!a || !b) continue;
    const line = el("line", {
      x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: "ig-edge",
      "data-testid": "intel-edge", "data-id": e.id, "data-source": e.source, "data-target": e.target,
    }, edgeLayer);
    el("title", {}, line).textContent = `${e.type} (${e.marking})`;
    edgeEls.set(e.id, { line, e });
  }
  for (const v of net.nodes) {
    const p = pos.get(v.id);
    const r = 6 + 12 * Math.sqrt(v.betweenness / maxB);
    const g = el("g", {
      class: `ig-node${v.key_facilitator ? " ig-key" : ""}`, transform: `translate(${p.x},${p.y})`,
      "data-testid": "intel-node", "data-id": v.id, "data-key": String(v.key_facilitator),
      "data-community": v.community, tabindex: 0, role: "button", "aria-label": `${v.kind} ${v.name}`,
    }, nodeLayer);
    if (v.key_facilitator) el("circle", { r: r + 5, class: "ig-ring" }, g);
    el("circle", { r, fill: COMMUNITY_COLOURS[v.community % COMMUNITY_COLOURS.length], class: "ig-dot" }, g);
    el("text", { class: "ig-letter", "text-anchor": "middle", dy: "0.35em" }, g).textContent = KIND_LETTER[v.kind] || "?";
    const label = el("text", { class: `ig-label${v.key_facilitator || small ? " ig-label-on" : ""}`, x: r + 4, dy: "0.35em" }, g);
    label.textContent = v.name;
    el("title", {}, g).textContent =
      `${v.name} (${v.kind}) — betweenness ${(100 * v.betweenness).toFixed(1)} %, degree ${(100 * v.degree).toFixed(0)} %, community ${v.community}`;
    nodeEls.set(v.id, { g, v, r });
  }

  let selected = null;
  function select(id) {
    selected = id;
    for (const [nid, { g }] of nodeEls) g.classList.toggle("ig-selected", nid === id);
    for (const { line, e } of edgeEls.values()) line.classList.toggle("ig-edge-on", id !== null && (e.source === id || e.target === id));
    onSelect(id === null ? null : nodeEls.get(id)?.v ?? null);
  }
  function moveNode(id, x, y) {
    const p = pos.get(id);
    p.x = x;
    p.y = y;
    nodeEls.get(id).g.setAttribute("transform", `translate(${x},${y})`);
    for (const { line, e } of edgeEls.values()) {
      if (e.source === id) { line.setAttribute("x1", x); line.setAttribute("y1", y); }
      if (e.target === id) { line.setAttribute("x2", x); line.setAttribute("y2", y); }
    }
  }

  // zoom (wheel) and pan (drag the background) by changing the viewBox; drag a node to move it
  let view = { x: 0, y: 0, w: width, h: height };
  const apply = () => svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
  const toSvg = (ev) => {
    const rect = svg.getBoundingClientRect();
    return { x: view.x + ((ev.clientX - rect.left) / rect.width) * view.w, y: view.y + ((ev.clientY - rect.top) / rect.height) * view.h };
  };
  const onWheel = (ev) => {
    ev.preventDefault();
    const f = ev.deltaY > 0 ? 1.15 : 1 / 1.15;
    const at = toSvg(ev);
    const w = Math.min(width * 4, Math.max(width / 8, view.w * f));
    const h = (w / view.w) * view.h;
    view = { x: at.x - ((at.x - view.x) * w) / view.w, y: at.y - ((at.y - view.y) * h) / view.h, w, h };
    apply();
  };
  let drag = null;
  const onDown = (ev) => {
    const g = ev.target.closest?.("[data-testid=intel-node]");
    const start = { cx: ev.clientX, cy: ev.clientY, moved: false };
    drag = g ? { ...start, node: Number(g.dataset.id) } : { ...start, pan: toSvg(ev) };
    svg.setPointerCapture?.(ev.pointerId);
  };
  const onMove = (ev) => {
    if (!drag) return;
    if (!drag.moved && Math.hypot(ev.clientX - drag.cx, ev.clientY - drag.cy) < 3) return; // a click, not a drag
    drag.moved = true;
    if (drag.node !== undefined) {
      const at = toSvg(ev);
      moveNode(drag.node, at.x, at.y);
    } else {
      const at = toSvg(ev);
      view = { ...view, x: view.x - (at.x - drag.pan.x), y: view.y - (at.y - drag.pan.y) };
      apply();
    }
  };
  const onUp = (ev) => {
    // the pointer is captured by the svg: the node pressed is the one remembered at pointerdown
    if (drag && !drag.moved) select(drag.node ?? null);
    drag = null;
  };
  const onKey = (ev) => {
    const g = ev.target.closest?.("[data-testid=intel-node]");
    if (g && (ev.key === "Enter" || ev.key === " ")) {
      ev.preventDefault();
      select(Number(g.dataset.id));
    }
  };
  svg.addEventListener("wheel", onWheel, { passive: false });
  svg.addEventListener("pointerdown", onDown);
  svg.addEventListener("pointermove", onMove);
  svg.addEventListener("pointerup", onUp);
  svg.addEventListener("keydown", onKey);
  return {
    select,
    positions: pos,
    get selected() {
      return selected;
    },
    destroy() {
      svg.removeEventListener("wheel", onWheel);
      svg.removeEventListener("pointerdown", onDown);
      svg.removeEventListener("pointermove", onMove);
      svg.removeEventListener("pointerup", onUp);
      svg.removeEventListener("keydown", onKey);
      svg.replaceChildren();
    },
  };
}
