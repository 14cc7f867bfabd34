// The operator console's page. Data is rendered as text (textContent), never as markup.
"use strict";

const VIEWS = ["clients", "keys", "issuances", "refusals", "revocations", "audit"];
const STATES = ["PENDING", "ACTIVE", "RETIRED", "WITHDRAWN", "DELETION_SCHEDULED"];
// The session key comes in the printed address's fragment (never sent to a server). It is kept in
// sessionStorage, which is per origin (so per port, unlike cookies), and leaves the address bar.
if (location.hash.startsWith("#key=")) {
  sessionStorage.setItem("console-key", location.hash.slice("#key=".length));
  history.replaceState(null, "", location.pathname);
}
const key = sessionStorage.getItem("console-key") || "";
const authorization = { Authorization: "Bearer " + key };
let pending = null; // the action the dialog asks about

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (name === "class") node.className = value;
    else if (name === "on") node.addEventListener("click", value);
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function duration(seconds) {
  if (seconds % 86400 === 0) return seconds / 86400 + " d";
  if (seconds % 3600 === 0) return seconds / 3600 + " h";
  if (seconds % 60 === 0) return seconds / 60 + " min";
  return seconds + " s";
}

function table(id, headings, rows) {
  const t = document.getElementById(id);
  t.replaceChildren(el("thead", {}, el("tr", {}, ...headings.map((h) => el("th", {}, h)))));
  const body = el("tbody");
  for (const row of rows) body.append(row);
  t.append(body);
}

function status(message, kind) {
  const s = document.getElementById("status");
  s.textContent = message;
  s.className = kind || "";
}

async function getJson(path) {
  const response = await fetch(path, { credentials: "omit", cache: "no-store", headers: authorization });
  const body = await response.json();
  if (!response.ok) throw new Error(body.message || response.statusText);
  return body.view;
}

// --- Views ---------------------------------------------------------------------------------

function renderClients(rows) {
  table(
    "clients-table",
    ["Client", "Status", "Authenticates by", "Scopes (default)", "Audiences", "Lifetime (default / max)", "Refresh tokens", "Actions"],
    rows.map((c) => {
      const auth = [];
      for (const role of c.iam_roles) auth.push(el("div", { class: "mono" }, "IAM " + role));
      for (const kid of c.key_ids) auth.push(el("div", { class: "mono" }, "private_key_jwt " + kid));
      const refresh = c.refresh_enabled
        ? "absolute " + duration(c.refresh_absolute_seconds) + ", idle " + duration(c.refresh_idle_seconds)
        : "no";
      const actions = [];
      if (c.enabled) {
        actions.push(el("button", { type: "button", "data-action": "disable-client", "data-target": c.client_id, on: () =>
          ask("disable-client", c.client_id, "Disable client " + c.client_id,
            "Client " + c.client_id + " can no longer authenticate, so it gets no new token. " +
            "Tokens it already holds stay valid until they expire or are revoked; its registration stays.") }, "Disable…"));
      }
      actions.push(el("button", { type: "button", "data-action": "revoke-client", "data-target": c.client_id, on: () => askRevokeClient(c.client_id, c.enabled) }, "Revoke tokens…"));
      return el("tr", { class: c.enabled ? "" : "disabled", "data-client": c.client_id },
        el("td", { class: "mono" }, c.client_id, c.description ? el("div", {}, c.description) : null),
        el("td", {}, el("span", { class: "badge " + (c.enabled ? "enabled" : "disabled") }, c.enabled ? "enabled" : "disabled")),
        el("td", {}, ...auth),
        el("td", {}, c.scopes.join(" "), c.default_scopes.length ? el("div", { class: "note" }, "default: " + c.default_scopes.join(" ")) : null),
        el("td", { class: "mono" }, c.audiences.join(" ")),
        el("td", {}, duration(c.default_lifetime_seconds) + " / " + duration(c.max_lifetime_seconds)),
        el("td", {}, refresh),
        el("td", {}, ...actions));
    }));
}

function askRevokeClient(clientId, enabled) {
  ask("revoke-client", clientId, "Revoke every token of " + clientId,
    "Revoke every token client " + clientId + " was issued until now (a watermark at this second) and every " +
    "refresh grant it started; verifiers refuse them within seconds. " +
    (enabled === undefined
      ? "Revoking does not stop new tokens: disabling the client does."
      : enabled ? "New tokens still mint unless the client is disabled." : "The client is disabled: it gets no new token."));
}

function segments(key, now) {
  const t = (v) => (v ? Date.parse(v) : null);
  const created = t(key.created_at), activated = t(key.activated_at), retired = t(key.retired_at), withdrawn = t(key.withdrawn_at);
  const parts = [];
  const endOf = (...candidates) => candidates.find((c) => c !== null) ?? now;
  parts.push(["PENDING", created, endOf(activated, withdrawn)]);
  if (activated !== null) parts.push(["ACTIVE", activated, endOf(retired, withdrawn)]);
  if (retired !== null) parts.push(["RETIRED", retired, endOf(withdrawn)]);
  if (withdrawn !== null) parts.push([key.state === "DELETION_SCHEDULED" ? "DELETION_SCHEDULED" : "WITHDRAWN", withdrawn, now]);
  return parts;
}

function renderTimeline(keys) {
  const box = document.getElementById("timeline");
  box.replaceChildren();
  if (!keys.length) {
    box.append(el("p", { class: "note" }, "No signing key yet: Rotate now creates the first."));
    return;
  }
  const now = Date.now();
  const start = Math.min(...keys.map((k) => Date.parse(k.created_at)));
  const span = Math.max(now - start, 1000) * 1.04;
  const at = (ms) => ((ms - start) / span) * 100;
  for (const key of keys) {
    const track = el("div", { class: "track" });
    const lane = el("div", { class: "lane", "data-kid": key.kid }, el("span", { class: "lane-label", title: key.kid }, key.kid));
    for (const [state, from, to] of segments(key, now)) {
      const seg = el("div", { class: "segment state-" + state, title: state + " " + new Date(from).toISOString() + " → " + new Date(to).toISOString(), "data-state": state });
      seg.style.left = "calc(160px + (100% - 168px) * " + at(from) / 100 + ")";
      seg.style.width = "max(3px, calc((100% - 168px) * " + (at(to) - at(from)) / 100 + "))";
      lane.append(seg);
    }
    box.append(lane);
  }
  const axis = el("div", { class: "axis" });
  for (let i = 0; i <= 4; i++) {
    const tick = el("span", { class: "tick" }, new Date(start + (span / 1.04) * (i / 4)).toISOString().replace("T", " ").slice(0, 19));
    tick.style.left = "calc(160px + (100% - 300px) * " + i / 4 + ")";
    axis.append(tick);
  }
  box.append(axis);
  document.getElementById("legend").replaceChildren(...STATES.map((s) => el("span", { class: "badge state-" + s }, s)));
}

function renderKeys(keys) {
  renderTimeline(keys);
  const pendingKey = keys.find((k) => k.state === "PENDING");
  table(
    "keys-table",
    ["Key id (kid)", "State", "Alg", "Created", "Activated", "Retired", "Withdrawn", "Actions"],
    keys.map((k) => {
      const published = ["PENDING", "ACTIVE", "RETIRED"].includes(k.state);
      const actions = [
        el("button", { type: "button", "data-action": "revoke-key", "data-target": k.kid, on: () =>
          ask("revoke-key", k.kid, "Revoke every token key " + k.kid + " signed",
            "Verifiers refuse every token key " + k.kid + " signed, within seconds. The key itself stays " +
            k.state + ". The active or pending key is refused here: use Compromise, which also withdraws it.") }, "Revoke tokens…"),
      ];
      if (published) {
        const successor = k.state === "ACTIVE"
          ? (pendingKey ? "the pending key " + pendingKey.kid + " signs from now" : "a new key signs from now")
          : "the active key goes on signing";
        actions.push(el("button", { type: "button", class: "danger", "data-action": "compromise", "data-target": k.kid, on: () =>
          ask("compromise", k.kid, "Key " + k.kid + " is compromised",
            "Withdraw key " + k.kid + " now: every token it signed is refused everywhere, it leaves the JWKS and is " +
            "disabled in KMS; " + successor + ".") }, "Compromise…"));
      }
      return el("tr", { "data-kid": k.kid },
        el("td", { class: "mono" }, k.kid),
        el("td", {}, el("span", { class: "badge state-" + k.state }, k.state)),
        el("td", {}, k.algorithm),
        el("td", {}, k.created_at || "–"),
        el("td", {}, k.activated_at || "–"),
        el("td", {}, k.retired_at || "–"),
        el("td", {}, k.withdrawn_at || "–"),
        el("td", {}, ...actions));
    }));
}

function renderIssuances(view) {
  document.getElementById("issuances-note").textContent = view.complete
    ? "The newest " + view.rows.length + " of the " + view.scanned + " issuance records the table holds."
    : "The newest " + view.rows.length + " of the first " + view.scanned + " records scanned: the table holds more, and a scan returns them in no particular order.";
  table(
    "issuances-table",
    ["Issued", "Expires", "Client", "Subject", "Scopes", "Audiences", "Key", "Auth", "Source IP", "jti", "Revoked", "Actions"],
    view.rows.map((i) => el("tr", { "data-jti": i.jti, class: i.revoked ? "disabled" : "" },
      el("td", {}, i.issued_at), el("td", {}, i.expires_at),
      el("td", { class: "mono" }, i.client_id), el("td", { class: "mono" }, i.subject),
      el("td", {}, i.scope), el("td", { class: "mono" }, i.audiences.join(" ")),
      el("td", { class: "mono" }, i.kid),
      el("td", i.outside ? { title: Object.entries(i.outside.claims).map(([k, v]) => k + "=" + v).join("\n") } : {},
        i.outside ? i.auth_method + ": " + i.outside.issuer + " " + i.outside.subject : i.auth_method),
      el("td", {}, i.source_ip),
      el("td", { class: "mono" }, i.jti),
      el("td", { class: "revoked" }, i.revoked ? el("span", { class: "badge state-WITHDRAWN" }, "by " + i.revoked) : "–"),
      el("td", {}, el("button", { type: "button", "data-action": "revoke-token", "data-target": i.jti, on: () =>
        ask("revoke-token", i.jti, "Revoke token " + i.jti,
          "Verifiers refuse the token " + i.jti + " issued to " + i.client_id + " at " + i.issued_at +
          ", within seconds. The client's other tokens stay valid.") }, "Revoke…")))));
}

function renderRevocations(view) {
  document.getElementById("revocations-note").textContent =
    "Every revocation still in force (kept until every token it covers has expired)" + (view.complete ? "." : "; the first 1000 read.");
  table(
    "revocations-table",
    ["Revoked at", "What", "Identifier", "Tokens issued before", "Reason", "Kept until"],
    view.rows.map((r) => el("tr", { "data-revoked": r.kind + "#" + r.id },
      el("td", {}, r.revoked_at), el("td", {}, r.kind), el("td", { class: "mono" }, r.id),
      el("td", {}, r.revoked_before || "–"), el("td", {}, r.reason || "–"), el("td", {}, r.kept_until))));
}

function renderRefusals(view) {
  document.getElementById("refusals-note").textContent = view.log_groups.length === 0
    ? "No log group given: start brokerctl console with --log-group /aws/lambda/STACK-token (and -authorizer, -revocation, -introspection) to see the functions' refusals here."
    : "Refusals logged since " + view.since + " in " + view.log_groups.join(", ") +
      (view.complete ? "." : "; more were logged than one view reads: these are the newest of the first read.");
  table(
    "refusals-table",
    ["Time", "Function", "Event", "Reason", "Error", "Status", "Log group"],
    view.rows.map((r) => el("tr", { "data-reason": r.reason },
      el("td", {}, r.time), el("td", {}, r.function), el("td", {}, r.event), el("td", { class: "mono" }, r.reason),
      el("td", {}, r.error || "–"), el("td", {}, r.status || "–"), el("td", { class: "mono" }, r.log_group))));
}

function renderAudit(view) {
  table(
    "audit-table",
    ["Time", "Who", "Via", "Action", "Target", "Outcome", "Detail"],
    view.rows.map((e) => el("tr", { "data-audit": e.id + "#" + e.outcome, "data-action": e.action, "data-target": e.target, "data-outcome": e.outcome },
      el("td", {}, e.at), el("td", { class: "mono" }, e.actor), el("td", {}, e.via), el("td", {}, e.action),
      el("td", { class: "mono" }, e.target || "–"),
      el("td", {}, el("span", { class: "badge outcome-" + e.outcome }, e.outcome)),
      el("td", {}, e.detail || "–"))));
}

const RENDER = { clients: renderClients, keys: renderKeys, issuances: renderIssuances, refusals: renderRefusals, revocations: renderRevocations, audit: renderAudit };

async function show(view) {
  for (const v of VIEWS) {
    document.getElementById("view-" + v).classList.toggle("current", v === view);
    document.getElementById("nav-" + v).classList.toggle("current", v === view);
  }
  document.body.removeAttribute("data-loaded");
  try {
    RENDER[view](await getJson("/api/" + view));
    document.body.setAttribute("data-loaded", view);
  } catch (e) {
    status("Could not load " + view + ": " + e.message, "refused");
  }
}

function currentView() {
  const hash = location.hash.slice(1);
  return VIEWS.includes(hash) ? hash : "clients";
}

// --- Actions: confirm, then perform, then refresh ----------------------------------------

function commandOf(action, target) {
  const words = {
    "disable-client": ["clients", "disable"], "revoke-token": ["revoke", "token"], "revoke-client": ["revoke", "client"],
    "revoke-key": ["revoke", "key"], "rotate": ["keys", "rotate", "--force"], "compromise": ["keys", "compromise"],
  }[action];
  return words.join(" ") + (action === "rotate" ? "" : " -- " + target);
}

function ask(action, target, title, text) {
  pending = { action, target };
  document.getElementById("confirm-title").textContent = title + "?";
  document.getElementById("confirm-text").textContent = text;
  document.getElementById("confirm-command").textContent = commandOf(action, target);
  document.getElementById("confirm").showModal();
}

async function perform() {
  const { action, target } = pending;
  pending = null;
  document.getElementById("confirm").close();
  status("Working…", "");
  try {
    const response = await fetch("/api/actions/" + action, {
      method: "POST",
      credentials: "omit",
      headers: { "Content-Type": "application/json", ...authorization },
      body: JSON.stringify({ target }),
    });
    const body = await response.json();
    status((body.done ? "Done: " : "Refused: ") + body.message, body.done ? "done" : "refused");
  } catch (e) {
    status("Failed: " + e.message, "refused");
  }
  await show(currentView());
}

document.getElementById("confirm-ok").addEventListener("click", perform);
document.getElementById("confirm-cancel").addEventListener("click", () => {
  pending = null;
  document.getElementById("confirm").close();
  status("Cancelled: nothing was done.", "");
});
document.getElementById("rotate").addEventListener("click", () =>
  ask("rotate", "", "Rotate the signing key now",
    "Run one lifecycle step now, with the active key treated as due: if no successor is published, a new key is " +
    "created in KMS and published (PENDING); once a successor has been published for the lead time, it becomes " +
    "ACTIVE and the current key RETIRED (its tokens stay valid)."));
document.getElementById("revoke-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const action = document.getElementById("revoke-kind").value;
  const target = document.getElementById("revoke-target").value.trim();
  if (!target) return status("Name what to revoke.", "refused");
  if (action === "revoke-client") return askRevokeClient(target, undefined); // its state is not known here
  if (action === "revoke-key") return ask(action, target, "Revoke every token key " + target + " signed",
    "Verifiers refuse every token key " + target + " signed, within seconds. The active or pending key is refused: use Compromise.");
  ask(action, target, "Revoke token " + target, "Verifiers refuse the token with jti " + target + " within seconds.");
});
window.addEventListener("hashchange", () => show(currentView()));
show(currentView());
