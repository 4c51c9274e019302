// The page's views, one module per capability (docs/notes/page-views.md). Order = tab order, after
// the built-in "Picture" tab. Add a view: one import, one entry.
import reports from "./reports.js";
import liaison from "./liaison.js";
import partner from "./partner.js";

export const VIEWS = [reports, liaison, partner];
