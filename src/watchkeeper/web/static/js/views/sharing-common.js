// Helpers shared by the sharing views (reports, partner, liaison): DOM building without innerHTML,
// marking badges, UTC times, the release form.

export const RELEASER_ROLES = ["watch_officer", "analyst"];
const MARKINGS = ["UK-ONLY", "UK-FR", "PUBLIC"];

// el("div", {class: "x", "data-testid": "y"}, [children...]): text children become text nodes.
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function markingBadge(marking) {
  const cls = { "UK-ONLY": "mk-ukonly", "UK-FR": "mk-ukfr", PUBLIC: "mk-public" }[marking] || "mk-unknown";
  return el("span", { class: `mk ${cls}`, "data-testid": "marking" }, [marking]);
}

export function fmtTime(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function fileToBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

// A small inline form: new marking + reason -> POST /api/sharing/releases; onDone() after success.
export function releaseForm(ctx, objectType, objectId, current, onDone) {
  const t = ctx.t;
  const wrap = el("form", { class: "sh-release", "data-testid": "release-form" });
  const select = el(
    "select",
    { "data-testid": "release-marking", "aria-label": t("New marking", "Nouveau marquage") },
    MARKINGS.filter((m) => m !== current).map((m) => el("option", { value: m }, [m])),
  );
  const reason = el("input", {
    "data-testid": "release-reason",
    placeholder: t("Reason (audited)", "Motif (journalisé)"),
    "aria-label": t("Reason", "Motif"),
    minlength: "8",
  });
  const btn = el("button", { type: "submit", class: "btn-ghost", "data-testid": "release-submit" }, [
    t("Release", "Diffuser"),
  ]);
  wrap.append(select, reason, btn);
  wrap.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    btn.disabled = true;
    try {
      await ctx.api.send("POST", "/api/sharing/releases", {
        object_type: objectType,
        object_id: String(objectId),
        marking: select.value,
        reason: reason.value,
      });
      ctx.notify(`${objectType} ${objectId} → ${select.value}`);
      onDone?.();
    } catch (err) {
      ctx.notify(err.message, { level: "warning" });
    } finally {
      btn.disabled = false;
    }
  });
  return wrap;
}
