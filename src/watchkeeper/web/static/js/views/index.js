// The page's views, one module per capability (docs/notes/page-views.md). Order = tab order, after
// the built-in "Picture" tab. Add a view: one import, one entry.
import alerts from "./alerts.js";
import incidents from "./incidents.js";
import assets from "./assets.js";
import drift from "./drift.js";
import reports from "./reports.js";
import outlook from "./outlook.js";
import stats from "./stats.js";
import intel from "./intel.js";
import partner from "./partner.js";
import liaison from "./liaison.js";

export const VIEWS = [alerts, incidents, assets, drift, reports, outlook, stats, intel, partner, liaison];
