// The page's views, one module per capability (docs/notes/page-views.md). Order = tab order, after
// the built-in "Picture" tab. Add a view: one import, one entry.
import drift from "./drift.js";
import outlook from "./outlook.js";
import stats from "./stats.js";
import intel from "./intel.js";
import assets from "./assets.js";

export const VIEWS = [assets, drift, outlook, stats, intel];
