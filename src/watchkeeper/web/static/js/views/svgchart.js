// A small SVG chart drawn in the page (no library, nothing external): bars on the left axis, an optional
// line on the right axis, optional horizontal threshold lines. Missing values (null) are gaps, never
// zero bars. Colours come from CSS classes (css/stats.css), so the chart follows the page palette.

const NS = "http://www.w3.org/2000/svg";

export function svgEl(name, attrs = {}, parent = null) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (parent) parent.append(node);
  return node;
}

// Round axis maximum and ticks (1, 2, 2.5, 5 × 10^k).
export function niceTicks(max, count = 4) {
  if (!(max > 0)) return { top: 1, ticks: [0, 1] };
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const top = Math.ceil(max / step) * step;
  const ticks = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { top, ticks };
}

export function formatNumber(v, digits = 0) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  return Number(v).toLocaleString("en-GB", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/**
 * Draw into ``container`` (emptied first). ``spec``: {labels, bars: {values, label, cls}, line?: {values,
 * label, cls}, thresholds?: [{value, label, cls}], title, width, height, barMax?}.
 * Returns the <svg> element.
 */
export function drawChart(container, spec) {
  const width = spec.width || 372;
  const height = spec.height || 210;
  const m = { top: 22, right: spec.line ? 40 : 12, bottom: 46, left: 46 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const n = spec.labels.length;
  container.replaceChildren();
  const svg = svgEl("svg", {
    viewBox: `0 0 ${width} ${height}`, width, height, role: "img", class: "wk-chart",
    "data-testid": spec.testid || "chart", "aria-label": spec.title || "chart",
  });
  container.append(svg);
  svgEl("text", { x: m.left, y: 14, class: "wk-chart-title" }, svg).textContent = spec.title || "";
  const barVals = spec.bars.values;
  const barMax = spec.barMax ?? Math.max(0, ...barVals.filter((v) => v !== null && v !== undefined));
  const left = niceTicks(barMax);
  const y = (v) => m.top + h - (v / left.top) * h;
  for (const t of left.ticks) {
    svgEl("line", { x1: m.left, x2: m.left + w, y1: y(t), y2: y(t), class: "wk-grid" }, svg);
    const label = svgEl("text", { x: m.left - 4, y: y(t) + 3, class: "wk-axis", "text-anchor": "end" }, svg);
    label.textContent = spec.barFormat ? spec.barFormat(t) : formatNumber(t, t < 10 && t % 1 ? 1 : 0);
  }
  const slot = n ? w / n : w;
  const barW = Math.max(1, slot * 0.78);
  barVals.forEach((v, i) => {
    if (v === null || v === undefined) return; // no source value: a gap
    const x = m.left + i * slot + (slot - barW) / 2;
    const rect = svgEl("rect", {
      x, y: y(v), width: barW, height: Math.max(0, m.top + h - y(v)), class: spec.bars.cls || "wk-bar",
      "data-testid": "chart-bar", "data-label": spec.labels[i], "data-value": v,
    }, svg);
    svgEl("title", {}, rect).textContent = `${spec.labels[i]}: ${formatNumber(v, spec.barDigits || 0)} ${spec.bars.label}`;
  });
  if (spec.line) {
    const vals = spec.line.values;
    const right = niceTicks(Math.max(0, ...vals.filter((v) => v !== null && v !== undefined)));
    const yr = (v) => m.top + h - (v / right.top) * h;
    for (const t of right.ticks) {
      const label = svgEl("text", { x: m.left + w + 4, y: yr(t) + 3, class: "wk-axis wk-axis-right" }, svg);
      label.textContent = formatNumber(t, t % 1 ? 1 : 0);
    }
    let d = "";
    vals.forEach((v, i) => {
      if (v === null || v === undefined) return;
      const x = m.left + i * slot + slot / 2;
      d += `${d && vals[i - 1] !== null && vals[i - 1] !== undefined ? "L" : "M"}${x.toFixed(1)},${yr(v).toFixed(1)}`;
      const dot = svgEl("circle", { cx: x, cy: yr(v), r: n > 60 ? 1 : 2, class: spec.line.cls || "wk-line-dot",
        "data-testid": "chart-point" }, svg);  // prettier-ignore
      svgEl("title", {}, dot).textContent = `${spec.labels[i]}: ${formatNumber(v)} ${spec.line.label}`;
    });
    if (d) svgEl("path", { d, class: "wk-line" }, svg);
  }
  for (const th of spec.thresholds || []) {
    const ty = y(th.value);
    svgEl("line", { x1: m.left, x2: m.left + w, y1: ty, y2: ty, class: `wk-threshold ${th.cls || ""}` }, svg);
    svgEl("text", { x: m.left + w - 2, y: ty - 3, class: `wk-axis ${th.cls || ""}`, "text-anchor": "end" }, svg)
      .textContent = th.label;
  }
  const step = Math.max(1, Math.ceil(n / 8));
  const rotate = n > 6;
  spec.labels.forEach((lab, i) => {
    if (i % step) return;
    const x = m.left + i * slot + slot / 2;
    const attrs = { x, y: m.top + h + 12, class: "wk-axis", "text-anchor": rotate ? "end" : "middle" };
    if (rotate) attrs.transform = `rotate(-40 ${x} ${m.top + h + 12})`;
    svgEl("text", attrs, svg).textContent = lab;
  });
  svgEl("line", { x1: m.left, x2: m.left + w, y1: m.top + h, y2: m.top + h, class: "wk-baseline" }, svg);
  if (spec.legend === false) return svg;
  const legend = svgEl("text", { x: m.left, y: height - 4, class: "wk-legend" }, svg);
  const parts = [[spec.bars.cls || "wk-bar", `■ ${spec.bars.label}`]];
  if (spec.line) parts.push([spec.line.cls || "wk-line-dot", `  ● ${spec.line.label} (right axis)`]);
  for (const [cls, text] of parts) svgEl("tspan", { class: `${cls}-key` }, legend).textContent = text;
  return svg;
}
