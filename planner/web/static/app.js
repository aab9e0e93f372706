// The workbench page: plain JavaScript on the HTTP API (no build step).
"use strict";
(function () {
  const L = JSON.parse(document.getElementById("labels").textContent);
  const LANG = window.PLANNER.lang;
  const $ = (sel) => document.querySelector(sel);
  const state = {
    scenario: null, job: null, events: null, plan: null, view: null,
    pins: new Map(), bans: new Set(), sortKey: null, sortDir: 1, base: {},
  };

  function esc(v) {
    return String(v === null || v === undefined ? "" : v).replace(/[&<>"']/g,
      (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }
  function say(text, ok) {
    const box = $("#message");
    box.textContent = text; box.hidden = !text; box.className = ok ? "ok" : "";
  }
  async function call(method, url, body, isForm) {
    const opts = { method, headers: { "Accept": "application/json" } };
    if (body !== undefined) {
      if (isForm) opts.body = body;
      else { opts.body = JSON.stringify(body); opts.headers["Content-Type"] = "application/json"; }
    }
    const sep = url.includes("?") ? "&" : "?";
    const res = await fetch(url + sep + "lang=" + LANG, opts);
    let data = null;
    try { data = await res.json(); } catch (e) { data = { error: res.statusText }; }
    if (!res.ok) { const err = new Error(data.error || res.statusText); err.data = data; err.status = res.status; throw err; }
    return data;
  }
  function tab(name) {
    document.querySelectorAll(".tabs button").forEach((b) => b.classList.toggle("active", b.dataset.tab === name));
    document.querySelectorAll("section.tab").forEach((s) => { s.hidden = s.id !== "tab-" + name; });
  }
  document.querySelectorAll(".tabs button").forEach((b) => b.addEventListener("click", () => tab(b.dataset.tab)));

  // ---- scenario ----------------------------------------------------------
  function showProblems(problems) {
    const box = $("#problems");
    box.hidden = !problems || !problems.length;
    box.querySelector("tbody").innerHTML = (problems || []).map((p) =>
      `<tr class="bad"><td>${esc(p.sheet)}</td><td class="num">${esc(p.row)}</td><td>${esc(p.column)}</td><td>${esc(p.value)}</td><td>${esc(p.fix || p.expected)}</td></tr>`).join("");
  }
  function showScenario(doc) {
    state.scenario = doc; state.pins.clear(); state.bans.clear();
    const s = doc.summary;
    $("#summary").hidden = false;
    $("#sum-name").textContent = doc.name;
    $("#sum-facts").innerHTML = [
      [L.years, `${s.first_year}–${s.first_year + s.horizon - 1}`], [L.groups, s.groups.length],
      [L.schools, s.schools], [L.staff, s.staff], [L.needs, s.needs], [L.need_units, s.need_units],
    ].map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join("");
    $("#sum-groups tbody").innerHTML = s.groups.map((g) =>
      `<tr><td>${esc(g.group_id)}</td><td>${esc(g.name)}</td><td class="num">${g.schools}</td><td class="num">${g.members}</td><td class="num">${g.staff}</td></tr>`).join("");
    state.base = {};
    $("#policy-table tbody").innerHTML = s.policy.map((p) => {
      state.base[p.key] = p.value;
      return `<tr><td>${esc(LANG === "zh" ? p.zh : p.en)}<br><small>${esc(p.key)}</small></td><td>${esc(p.value)}</td>` +
        `<td><input data-key="${esc(p.key)}" placeholder="${esc(p.value)}" size="12"></td><td><small>${esc(p.source)}</small></td></tr>`;
    }).join("");
    $("#replan-year").value = s.first_year;
    renderAdjust();
  }
  $("#upload-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const file = $("#upload-file").files[0];
    if (!file) return;
    const form = new FormData(); form.append("file", file);
    $("#upload-state").textContent = L.uploading; say("");
    try {
      const doc = await call("POST", "/api/scenarios", form, true);
      showProblems([]); showScenario(doc);
      $("#upload-state").textContent = L.scenario_ok;
      loadScenarios();
    } catch (e) {
      $("#upload-state").textContent = "";
      say(e.message); showProblems(e.data && e.data.problems);
      $("#summary").hidden = true;
    }
  });
  async function loadScenarios() {
    const list = await call("GET", "/api/scenarios");
    $("#pick-select").innerHTML = list.map((s) =>
      `<option value="${esc(s.id)}">#${esc(s.id)} ${esc(s.name)} (${s.first_year}–${s.first_year + s.horizon - 1})</option>`).join("");
  }
  $("#pick-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const id = $("#pick-select").value; if (!id) return;
    try { showProblems([]); showScenario(await call("GET", "/api/scenarios/" + encodeURIComponent(id))); say(""); }
    catch (e) { say(e.message); }
  });

  // ---- solve -------------------------------------------------------------
  function overrides() {
    const out = {};
    document.querySelectorAll("#policy-table input[data-key]").forEach((i) => {
      if (i.value.trim() !== "") out[i.dataset.key] = i.value.trim();
    });
    return out;
  }
  function solveBody(extra) {
    const body = { time_limit: Number($("#time-limit").value) || 60 };
    const pol = overrides(); if (Object.keys(pol).length) body.policy = pol;
    const preset = $("#preset").value; if (preset) body.preset = preset;
    if ($("#shortfall").checked) body.allow_shortfall = "all";
    if (state.pins.size) body.pins = Array.from(state.pins.values());
    if (state.bans.size) body.bans = Array.from(state.bans).map((id) => ({ staff_id: id }));
    return Object.assign(body, extra || {});
  }
  async function startSolve(extra) {
    if (!state.scenario) { tab("scenario"); return; }
    say("");
    try {
      const res = await call("POST", `/api/scenarios/${state.scenario.id}/solve`, solveBody(extra));
      tab("solve"); follow(res.job);
    } catch (e) {
      say(e.message + ((e.data && e.data.problems || []).map((p) => `\n${p.sheet || ""} ${p.column || ""}: ${p.value ?? ""} → ${p.fix || p.expected}`).join("")));
      if (e.data && e.data.problems && e.data.problems.length && e.data.problems[0].sheet !== "request") showProblems(e.data.problems);
    }
  }
  $("#solve-form").addEventListener("submit", (ev) => { ev.preventDefault(); startSolve(); });
  $("#stop-btn").addEventListener("click", async () => {
    if (state.job) { try { await call("DELETE", "/api/jobs/" + state.job); } catch (e) { say(e.message); } }
  });
  function showJob(s) {
    $("#p-state").textContent = L[s.state] || s.state;
    const p = s.progress || {};
    $("#p-level").textContent = p.level ? `${p.level} ${p.part || ""}` : "—";
    $("#p-best").textContent = p.best ?? "—";
    $("#p-bound").textContent = p.bound ?? "—";
    $("#p-elapsed").textContent = p.elapsed ?? "—";
    let frac = 0;
    if (typeof p.best === "number" && typeof p.bound === "number" && p.bound) frac = Math.min(1, Math.abs(p.best / p.bound));
    if (s.state === "done") frac = 1;
    $("#p-bar").style.width = (frac * 100).toFixed(0) + "%";
    $("#p-log").textContent = (s.log || []).join("\n");
    const live = s.state === "queued" || s.state === "running";
    $("#stop-btn").disabled = !live;
    $("#solve-btn").disabled = live;
  }
  function follow(jobId) {
    state.job = jobId;
    if (state.events) state.events.close();
    const es = new EventSource(`/api/jobs/${jobId}/events`);
    state.events = es;
    es.addEventListener("state", (ev) => {
      const s = JSON.parse(ev.data); showJob(s);
      if (s.state === "done") { es.close(); openPlan(s.plan); }
      else if (s.state === "failed") {
        es.close();
        say((LANG === "zh" ? "求解失败：" : "The solve failed: ") + (s.error || "") +
          (s.problems || []).map((p) => "\n" + (p.message || `${p.sheet} ${p.column}: ${p.fix || p.expected}`)).join(""));
      } else if (s.state === "cancelled") { es.close(); say(L.cancelled, true); }
    });
    es.addEventListener("end", () => es.close());
    es.onerror = () => { /* the browser reconnects; the job state is kept */ };
  }

  // ---- plan --------------------------------------------------------------
  async function openPlan(planId) {
    try {
      const view = await call("GET", `/api/plans/${planId}/view`);
      state.plan = planId; state.view = view;
      if (!state.scenario || state.scenario.id !== view.plan.scenario) {
        try { showScenario(await call("GET", "/api/scenarios/" + view.plan.scenario)); } catch (e) { /* keep */ }
      }
      renderPlan(); tab("plan");
      $("#dl-roster").href = `/api/plans/${planId}/roster.xlsx?lang=${LANG}`;
      $("#dl-json").href = `/api/plans/${planId}/plan.json`;
      renderChanges(view.changes);
      loadPlans();
    } catch (e) { say(e.message); }
  }
  function fmt(v) { return v === null || v === undefined ? "" : v; }
  function renderPlan() {
    const v = state.view;
    const o = v.objective || {};
    const low = v.coverage.schools.find((s) => s.lowest);
    $("#plan-head").innerHTML =
      `<b>${esc(L.plan)} #${esc(v.plan.id)}</b> · ${esc(v.plan.scenario_name)} · ${v.plan.from_year}–${v.plan.to_year} · ` +
      `${esc(L[v.plan.status] || v.plan.status)} · ${esc(L[v.status] || v.status)}<br>` +
      `${esc(L.coverage_total)} <b>${esc(fmt(v.coverage_total))}</b>` +
      (o.coverage_bound !== undefined ? ` / ${esc(o.coverage_bound)}` : "") +
      ` · ${esc(L.fairness)} <b>${esc(fmt(o.fairness))}</b>` +
      (low ? ` · ${esc(L.lowest)}: <b class="bad-text">${esc(low.name)} ${(low.share * 100).toFixed(0)}%</b>` : "") +
      ` · <span class="${v.valid ? "ok-text" : "bad-text"}">${esc(v.valid ? L.audit_ok : L.audit_bad + " (" + v.violations + ")")}</span>`;
    $("#chart").innerHTML = v.chart;
    $("#rules tbody").innerHTML = v.rules.map((r) =>
      `<tr class="${r.status === "ok" ? "" : "bad"}"><td>${esc(r.name)}</td><td>${esc(r.group ?? r.group_id)}</td><td>${esc(r.year)}</td><td>${esc(r.scope)}</td>` +
      `<td class="num">${esc(fmt(r.required))}</td><td class="num">${esc(fmt(r.achieved))}</td><td title="${esc(r.note)}">${esc(L[r.status] || r.status)}</td></tr>`).join("");
    renderRoster();
  }
  function renderRoster() {
    if (!state.view) return;
    const q = $("#roster-filter").value.trim().toLowerCase();
    let rows = state.view.roster.filter((r) => !q || [r.staff_id, r.name, r.home, r.school, r.subject, r.position, r.group_id]
      .some((x) => String(x).toLowerCase().includes(q)));
    if (state.sortKey) {
      const k = state.sortKey, d = state.sortDir;
      rows = rows.slice().sort((a, b) => (a[k] > b[k] ? d : a[k] < b[k] ? -d : 0));
    }
    $("#roster tbody").innerHTML = rows.map((r) => {
      const pinned = state.pins.has(r.staff_id), banned = state.bans.has(r.staff_id);
      return `<tr data-staff="${esc(r.staff_id)}" class="${pinned ? "pinned" : ""} ${banned ? "banned" : ""}">` +
        `<td>${esc(r.staff_id)}</td><td>${esc(r.name)}</td><td>${esc(r.home)}</td><td>${esc(r.school)}</td><td>${esc(r.subject)}</td>` +
        `<td>${esc(r.position)}</td><td class="num">${r.start_year}</td><td class="num">${r.end_year}</td><td class="num">${r.term}</td>` +
        `<td><button type="button" class="pin-btn" data-staff="${esc(r.staff_id)}">${pinned ? L.unpin : L.pin}</button> ` +
        `<button type="button" class="ban-btn" data-staff="${esc(r.staff_id)}">${banned ? L.unpin : L.ban}</button></td></tr>`;
    }).join("");
  }
  $("#roster-filter").addEventListener("input", renderRoster);
  document.querySelectorAll("#roster th[data-key]").forEach((th) => th.addEventListener("click", () => {
    const k = th.dataset.key;
    state.sortDir = state.sortKey === k ? -state.sortDir : 1; state.sortKey = k;
    document.querySelectorAll("#roster th").forEach((h) => h.classList.remove("asc", "desc"));
    th.classList.add(state.sortDir > 0 ? "asc" : "desc");
    renderRoster();
  }));
  function renderAdjust() {
    const pins = Array.from(state.pins.keys()), bans = Array.from(state.bans);
    $("#adjust").innerHTML =
      (pins.length ? `${esc(L.pins)}: ` + pins.map((p) => `<span class="tag pin">${esc(p)}</span>`).join("") : "") +
      (bans.length ? ` ${esc(L.bans)}: ` + bans.map((p) => `<span class="tag ban">${esc(p)}</span>`).join("") : "");
    $("#resolve-btn").disabled = !(pins.length || bans.length);
  }
  $("#roster").addEventListener("click", (ev) => {
    const btn = ev.target.closest("button");
    const row = ev.target.closest("tr[data-staff]");
    if (!row) return;
    const id = row.dataset.staff;
    if (btn && btn.classList.contains("pin-btn")) {
      if (state.pins.has(id)) state.pins.delete(id);
      else {
        state.bans.delete(id);
        state.view.roster.filter((r) => r.staff_id === id).forEach((r) =>
          state.pins.set(id, { staff_id: id, school_id: r.school_id, start_year: r.start_year, end_year: r.end_year }));
      }
      renderAdjust(); renderRoster(); return;
    }
    if (btn && btn.classList.contains("ban-btn")) {
      if (state.bans.has(id)) state.bans.delete(id); else { state.pins.delete(id); state.bans.add(id); }
      renderAdjust(); renderRoster(); return;
    }
    explainPerson(id);
  });
  $("#resolve-btn").addEventListener("click", () => startSolve());
  async function explainPerson(id) {
    const box = $("#person");
    box.hidden = false;
    box.innerHTML = `<h2>${esc(L.explain)}: ${esc(id)}</h2><p class="hint">${esc(L.explaining)}</p>`;
    try {
      const p = await call("GET", `/api/plans/${state.plan}/people/${encodeURIComponent(id)}`);
      const ex = p.explanation;
      const sentences = ex ? (LANG === "zh" && ex.sentences_zh.length ? ex.sentences_zh : ex.sentences) : [p.explanation_error];
      box.innerHTML = `<button type="button" class="close">×</button><h2>${esc(p.name)} <small>${esc(p.staff_id)}</small></h2>` +
        `<p>${esc(p.school)} · ${esc(p.subject)} · ${esc(p.position_text || p.position)} · ${esc(p.age)} ${esc(L.age)}</p>` +
        sentences.map((s) => `<p>${esc(s)}</p>`).join("") +
        (p.checks.length ? `<h3>${esc(L.checks)}</h3><table class="grid"><thead><tr><th>${esc(L.rule)}</th><th>${esc(L.year)}</th><th>${esc(L.required)}</th><th>${esc(L.achieved)}</th><th>${esc(L.status)}</th></tr></thead><tbody>` +
          p.checks.map((c) => `<tr class="${c.status === "ok" ? "" : "bad"}"><td>${esc(c.name)}</td><td>${esc(c.year)}</td><td class="num">${esc(fmt(c.required))}</td><td class="num">${esc(fmt(c.achieved))}</td><td>${esc(L[c.status] || c.status)}</td></tr>`).join("") + "</tbody></table>" : "") +
        (ex && ex.serves_text.length ? `<h3>${esc(L.serves)}</h3><ul>` + ex.serves_text.map((s) => `<li>${esc(s)}</li>`).join("") + "</ul>" : "");
      box.querySelector(".close").addEventListener("click", () => { box.hidden = true; });
    } catch (e) { box.innerHTML = `<p class="bad-text">${esc(e.message)}</p>`; }
  }

  // ---- publish, replan, plans -------------------------------------------
  $("#publish-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!state.plan) return;
    try {
      const pub = await call("POST", `/api/plans/${state.plan}/publish`, { by: $("#pub-by").value, note: $("#pub-note").value });
      $("#pub-state").textContent = L.published_ok.replace("{version}", pub.version);
      say(""); loadPlans();
    } catch (e) { say(e.message); $("#pub-state").textContent = ""; }
  });
  $("#replan-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    startSolve({ previous_plan: "published", from_year: Number($("#replan-year").value) });
  });
  function renderChanges(changes) {
    const box = $("#changes");
    box.hidden = !changes;
    if (!changes) return;
    const ex = (e) => (e ? `${e.school_id} ${e.start_year}–${e.end_year}` : "—");
    box.querySelector("tbody").innerHTML = changes.map((c) =>
      `<tr><td>${esc(c.kind)}</td><td>${esc(c.staff_id)}</td><td>${esc(c.year)}</td><td>${esc(ex(c.before))}</td><td>${esc(ex(c.after))}</td><td>${esc(c.reason)}</td></tr>`).join("");
  }
  async function loadPlans() {
    const plans = await call("GET", "/api/plans");
    $("#plans tbody").innerHTML = plans.slice(0, 50).map((p) =>
      `<tr><td>#${esc(p.id)}</td><td>${esc(p.scenario_name)}</td><td>${p.from_year}–${p.to_year}</td>` +
      `<td>${esc(L[p.status] || p.status)}${p.versions.length ? " v" + p.versions.join(",v") : ""}</td>` +
      `<td>${esc(Object.entries(p.goals || {}).map(([k, v]) => k + " " + v).join(" · "))}</td>` +
      `<td><button type="button" data-plan="${esc(p.id)}">${esc(L.select_plan)}</button></td></tr>`).join("");
  }
  $("#plans").addEventListener("click", (ev) => {
    const b = ev.target.closest("button[data-plan]"); if (b) openPlan(b.dataset.plan);
  });

  loadScenarios().catch((e) => say(e.message));
  loadPlans().catch(() => {});
})();
