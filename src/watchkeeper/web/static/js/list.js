// The vessel list: sortable by column, filterable by text, keyboard operable. Rows are kept per
// MMSI and updated in place so a busy strait does not rebuild the DOM on every update.

import { CATEGORY, category, label, fmt, parseTime, ageText, STALE_MS } from "./vessels.js";
import { tr as say } from "./i18n.js";

const SORTERS = {
  name: (a, b) => label(a).localeCompare(label(b)),
  type: (a, b) => category(a).localeCompare(category(b)) || label(a).localeCompare(label(b)),
  sog: (a, b) => (a.sog_kn ?? -1) - (b.sog_kn ?? -1),
  cog: (a, b) => (a.cog_deg ?? -1) - (b.cog_deg ?? -1),
  age: (a, b) => (parseTime(b.last_seen) ?? 0) - (parseTime(a.last_seen) ?? 0),
};

function matches(v, q) {
  if (!q) return true;
  const hay = [v.name, v.mmsi, v.callsign, v.destination, v.imo].map((x) => String(x ?? "").toLowerCase());
  return hay.some((h) => h.includes(q));
}

export class VesselList {
  constructor({ tbody, table, filterInput, onSelect }) {
    this.tbody = tbody;
    this.table = table;
    this.filterInput = filterInput;
    this.onSelect = onSelect;
    this.rows = new Map(); // mmsi -> <tr>
    this.sortKey = "name";
    this.sortDir = 1;
    this.query = "";
    this.selected = null;

    filterInput.addEventListener("input", () => {
      this.query = filterInput.value.trim().toLowerCase();
      this.onChange?.();
    });
    for (const btn of table.querySelectorAll("th button[data-sort]")) {
      btn.addEventListener("click", () => {
        const key = btn.dataset.sort;
        if (this.sortKey === key) this.sortDir = -this.sortDir;
        else {
          this.sortKey = key;
          this.sortDir = key === "sog" ? -1 : 1;
        }
        for (const th of table.querySelectorAll("th")) th.setAttribute("aria-sort", "none");
        btn.parentElement.setAttribute("aria-sort", this.sortDir > 0 ? "ascending" : "descending");
        this.onChange?.();
      });
    }
    tbody.addEventListener("click", (ev) => {
      const tr = ev.target.closest("tr[data-mmsi]");
      if (tr) this.onSelect(Number(tr.dataset.mmsi));
    });
    tbody.addEventListener("keydown", (ev) => {
      const tr = ev.target.closest("tr[data-mmsi]");
      if (!tr) return;
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        this.onSelect(Number(tr.dataset.mmsi));
      } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        const next = ev.key === "ArrowDown" ? tr.nextElementSibling : tr.previousElementSibling;
        next?.focus();
      }
    });
  }

  makeRow(mmsi) {
    const tr = document.createElement("tr");
    tr.dataset.mmsi = String(mmsi);
    tr.setAttribute("data-testid", "vessel-row");
    tr.tabIndex = 0;
    for (const cls of ["c-type", "c-name", "num c-sog", "num c-cog", "num c-age"]) {
      const td = document.createElement("td");
      td.className = cls;
      tr.appendChild(td);
    }
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    tr.cells[0].appendChild(swatch);
    tr.cells[0].appendChild(document.createElement("span"));
    const name = document.createElement("span");
    name.className = "v-name";
    const sub = document.createElement("span");
    sub.className = "v-mmsi";
    tr.cells[1].append(name, sub);
    return tr;
  }

  fill(tr, v, clockMs) {
    const cat = category(v);
    const sw = tr.cells[0].firstChild;
    sw.className = `swatch sw-${cat}`;
    tr.cells[0].lastChild.textContent = say(CATEGORY[cat].label).split(" ")[0];
    tr.cells[0].title = say(CATEGORY[cat].label);
    tr.cells[1].firstChild.textContent = label(v);
    tr.cells[1].lastChild.textContent = v.name ? String(v.mmsi) : v.source || "";
    tr.cells[2].textContent = fmt(v.sog_kn, 1);
    tr.cells[3].textContent = fmt(v.cog_deg, 0);
    const seen = parseTime(v.last_seen);
    tr.cells[4].textContent = ageText(seen, clockMs);
    tr.classList.toggle("stale", clockMs !== null && seen !== null && clockMs - seen > STALE_MS);
    tr.classList.toggle("sim", Boolean(v.simulated));
    const sel = this.selected === v.mmsi;
    tr.classList.toggle("selected", sel);
    if (sel) tr.setAttribute("aria-current", "true");
    else tr.removeAttribute("aria-current");
  }

  render(vessels, clockMs) {
    const list = [];
    for (const v of vessels.values()) if (matches(v, this.query)) list.push(v);
    const cmp = SORTERS[this.sortKey];
    list.sort((a, b) => this.sortDir * cmp(a, b) || a.mmsi - b.mmsi);
    const keep = new Set();
    let prev = null;
    for (const v of list) {
      keep.add(v.mmsi);
      let tr = this.rows.get(v.mmsi);
      if (!tr) {
        tr = this.makeRow(v.mmsi);
        this.rows.set(v.mmsi, tr);
      }
      this.fill(tr, v, clockMs);
      const expected = prev ? prev.nextSibling : this.tbody.firstChild;
      if (expected !== tr) this.tbody.insertBefore(tr, expected);
      prev = tr;
    }
    for (const [mmsi, tr] of this.rows) {
      if (!keep.has(mmsi)) {
        tr.remove();
        if (!vessels.has(mmsi)) this.rows.delete(mmsi);
      }
    }
    return list.length;
  }

  scrollToSelected() {
    const tr = this.rows.get(this.selected);
    if (tr && tr.isConnected) tr.scrollIntoView({ block: "nearest" });
  }
}
