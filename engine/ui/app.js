// The dashboard: a page over the control plane (/_mock/...), same origin, no dependencies.
"use strict";

const base = location.pathname.replace(/\/ui\/.*$/, ""); // the control plane's prefix
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
let session = params.get("session") || "";
let token = sessionStorage.getItem("mockControlToken") || "";
let since = 0;
let stream = null; // the AbortController of the open event stream
const entries = new Map(); // seq -> journal entry shown

function headers(json) {
  const h = {};
  if (session) h["X-Mock-Session"] = session;
  if (token) h["Authorization"] = "Bearer " + token;
  if (json) h["Content-Type"] = "application/json";
  return h;
}

function showError(msg) { $("error").textContent = msg || ""; }

function askToken() {
  $("token-form").hidden = false;
  setLive(false, "locked");
  $("token").focus();
}

// control calls the control plane and returns its JSON answer.
async function control(method, path, body) {
  const res = await fetch(base + path, {
    method, headers: headers(body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401) { askToken(); throw new Error("the control plane is locked: enter its token"); }
  const data = await res.json();
  if (!res.ok) throw new Error((data.code || res.status) + ": " + (data.message || ""));
  return data;
}

function setLive(on, text) {
  const b = $("live");
  b.className = "badge " + (on ? "on" : "off");
  b.textContent = text || (on ? "live" : "reconnecting…");
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// follow reads GET /events (server-sent events) with fetch, which can send the token, and
// reconnects from the last seq seen when a stream ends.
async function follow() {
  if (stream) stream.abort();
  const ctl = new AbortController();
  stream = ctl;
  while (!ctl.signal.aborted) {
    try {
      const res = await fetch(base + "/events?since=" + since, { headers: headers(false), signal: ctl.signal });
      if (res.status === 401) { askToken(); return; }
      if (!res.ok) throw new Error("events: " + res.status);
      setLive(true);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const lines = block.split("\n");
          const event = (lines.find((l) => l.startsWith("event: ")) || "event: message").slice(7);
          const data = lines.filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
          if (event === "entry") addEntry(JSON.parse(data));
          else if (event === "clear" || event === "reset") { if (event === "reset") since = 0; clearJournal(); }
        }
      }
    } catch (e) {
      if (ctl.signal.aborted) return;
      setLive(false);
      await sleep(1000);
    }
  }
}

function verdict(e) {
  if (e.requestViolations && e.requestViolations.length) return ["✗ request", "refused: " + e.requestViolations.join("; ")];
  if (e.responseViolations && e.responseViolations.length) return ["✗ response", "drift: " + e.responseViolations.join("; ")];
  if (e.fault) return ["fault", e.fault];
  return ["✓", "valid both ways"];
}

function cell(tr, text, cls, title) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  if (title) td.title = title;
  tr.appendChild(td);
}

// maxRows bounds what the page keeps: the server's journal keeps 1000 entries by default.
const maxRows = 1000;

function clearJournal() {
  entries.clear();
  $("journal").tBodies[0].replaceChildren();
}

let refreshTimer = null;
function addEntry(e) {
  since = Math.max(since, e.seq);
  entries.set(e.seq, e);
  const tr = document.createElement("tr");
  tr.dataset.seq = e.seq;
  cell(tr, e.seq);
  cell(tr, new Date(e.time).toLocaleTimeString());
  cell(tr, e.operation);
  cell(tr, e.protocol || "");
  cell(tr, e.status === 0 ? "dropped" : e.status + (e.code ? " " + e.code : ""), "s" + String(e.status)[0]);
  const [v, why] = verdict(e);
  cell(tr, v, "", why);
  tr.addEventListener("click", () => showCall(e.seq));
  const body = $("journal").tBodies[0];
  body.prepend(tr);
  while (body.rows.length > maxRows) {
    entries.delete(Number(body.lastElementChild.dataset.seq));
    body.lastElementChild.remove();
  }
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => { refreshCoverage(); refreshFaults(); }, 250);
}

function pretty(raw) {
  if (raw === undefined || raw === null) return "(none)";
  return JSON.stringify(raw, null, 2);
}

function showCall(seq) {
  const e = entries.get(seq);
  for (const tr of $("journal").tBodies[0].rows) tr.classList.toggle("selected", tr.dataset.seq === String(seq));
  $("detail-title").textContent = "#" + e.seq + " " + e.operation;
  const d = $("detail");
  d.replaceChildren();
  const add = (tag, text) => { const el = document.createElement(tag); el.textContent = text; d.appendChild(el); return el; };
  add("p", e.method + " " + e.path + (e.query ? "?" + e.query : "") + " → " + (e.status || "dropped") + (e.code ? " " + e.code : ""));
  add("p", "verdict: " + verdict(e)[1]);
  for (const [title, list] of [["request violations", e.requestViolations], ["response violations", e.responseViolations]]) {
    if (!list || !list.length) continue;
    add("h3", title);
    const ul = add("ul", "");
    for (const v of list) { const li = document.createElement("li"); li.textContent = v; ul.appendChild(li); }
  }
  add("h3", "request");
  add("pre", pretty(e.request));
  add("h3", "response");
  add("pre", pretty(e.response));
}

const svgNS = "http://www.w3.org/2000/svg";
function svgEl(tag, attrs, text) {
  const el = document.createElementNS(svgNS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

// refreshCoverage draws the coverage matrix: a row per operation, a column per status.
async function refreshCoverage() {
  let cov;
  try { cov = await control("GET", "/coverage"); } catch (e) { showError(e.message); return; }
  $("coverage-sum").textContent = cov.exercised + " of " + cov.declared + " pairs served";
  const statuses = [...new Set(cov.operations.flatMap((o) => o.statuses.map((s) => s.status)))].sort((a, b) => a - b);
  const left = 8 + 6.2 * Math.max(...cov.operations.map((o) => o.operation.length), 10);
  const w = 26, h = 14;
  const svg = svgEl("svg", { width: left + w * statuses.length + 4, height: 16 + h * cov.operations.length, role: "img", "aria-label": "coverage" });
  statuses.forEach((s, j) => svg.appendChild(svgEl("text", { x: left + j * w + 3, y: 11 }, s)));
  cov.operations.forEach((o, i) => {
    const y = 16 + i * h;
    svg.appendChild(svgEl("text", { x: 0, y: y + 10 }, o.operation));
    for (const s of o.statuses) {
      const j = statuses.indexOf(s.status);
      const kind = s.count > 0 ? "served" : s.faultOnly ? "fault" : "open";
      const r = svgEl("rect", { x: left + j * w, y, width: w - 3, height: h - 3, rx: 2, class: "pair " + kind,
        fill: { served: "#1f9d55", open: "#f3c4c4", fault: "#dfe3ea" }[kind], "data-pair": o.operation + " " + s.status });
      r.appendChild(svgEl("title", {}, o.operation + " " + s.status + ": " + s.count + (s.faultOnly ? " (only under a fault)" : "")));
      svg.appendChild(r);
    }
  });
  $("coverage").replaceChildren(svg);
}

async function refreshFaults() {
  let f;
  try { f = await control("GET", "/faults"); } catch (e) { showError(e.message); return; }
  const ul = $("faults");
  ul.replaceChildren();
  for (const x of f.faults) {
    const li = document.createElement("li");
    const what = x.drop ? "drop the connection" : x.status ? "answer " + x.status : "";
    const delay = x.latencyMs ? " after " + x.latencyMs + " ms" : "";
    const left = x.count ? ", " + x.remaining + " of " + x.count + " left" : ", every call";
    li.textContent = x.operation + ": " + [what, delay].filter(Boolean).join("") + left + ", fired " + x.fired;
    ul.appendChild(li);
  }
  if (!f.faults.length) ul.innerHTML = '<li class="muted">none armed</li>';
}

async function refreshState() {
  try {
    const st = await control("GET", "/state");
    const text = JSON.stringify(st, null, 2);
    $("state").textContent = text.length > 200000 ? text.slice(0, 200000) + "\n… (cut at 200 kB: GET " + base + "/state for all)" : text;
  } catch (e) { showError(e.message); }
}

async function refreshSessions() {
  let list;
  try { list = await control("GET", "/sessions"); } catch (e) { showError(e.message); return; }
  const sel = $("session");
  const names = list.sessions.includes(session) ? list.sessions : [...list.sessions, session];
  sel.replaceChildren(...names.map((n) => { const o = document.createElement("option"); o.value = n; o.textContent = n || "(default)"; return o; }));
  sel.value = session;
}

function openSession(name) {
  if (/[^\x20-\x7e]/.test(name)) { showError("a session name typed here must be ASCII (tests map theirs: see the README)"); return; }
  session = name;
  const q = new URLSearchParams(location.search);
  if (name) q.set("session", name); else q.delete("session");
  history.replaceState(null, "", "?" + q.toString());
  since = 0;
  clearJournal();
  $("detail").innerHTML = '<p class="muted">Select a request.</p>';
  $("detail-title").textContent = "";
  start();
}

async function start() {
  showError("");
  follow();
  await Promise.all([refreshSessions(), refreshCoverage(), refreshFaults(), refreshState()]);
}

async function act(method, path) {
  try { await control(method, path); } catch (e) { showError(e.message); }
}

$("session").addEventListener("change", (ev) => openSession(ev.target.value));
$("session-form").addEventListener("submit", (ev) => { ev.preventDefault(); openSession($("session-name").value.trim()); });
$("token-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  token = $("token").value;
  sessionStorage.setItem("mockControlToken", token);
  $("token-form").hidden = true;
  start();
});
$("clear-faults").addEventListener("click", async () => { await act("DELETE", "/faults"); refreshFaults(); });
$("clear-coverage").addEventListener("click", async () => { await act("DELETE", "/coverage"); refreshCoverage(); });
$("clear-journal").addEventListener("click", async () => {
  await act("DELETE", "/requests"); // the stream's "clear" empties the table
});
$("refresh-state").addEventListener("click", refreshState);
setInterval(() => { refreshFaults(); refreshSessions(); }, 3000);
start();
