// The keyboard review queue: a accept, x reject, e edit, space skip, u undo, j/k next/previous.
// Events come in batches of 50 and the next one is drawn from memory at once; the decision is saved in
// the background, and a failed save (a conflict, a lost session) puts the event back on screen.
(function () {
  "use strict";
  const root = document.getElementById("queue");
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const query = root.dataset.query || "";
  const canReview = root.dataset.canReview === "yes";
  const items = [];      // events fetched, in queue order
  const seen = new Set();
  let pos = 0;
  let loading = null;
  let exhausted = false;
  const undo = [];       // {index, id, version before, version after}
  const $ = (id) => document.getElementById(id);

  function message(text, isError) {
    const m = $("q-message");
    m.textContent = text || "";
    m.className = "message" + (isError ? " error" : "");
  }

  function fetchMore() {
    if (loading || exhausted) return loading;
    const skipped = items.filter((it) => !it._decided).map((it) => it.event_id).slice(-400);
    const params = new URLSearchParams(query);
    params.set("limit", "50");
    skipped.forEach((id) => params.append("exclude", id));
    loading = fetch("/review/queue.json?" + params.toString(), { credentials: "same-origin" })
      .then((r) => { if (!r.ok) throw new Error("the queue did not load (" + r.status + ")"); return r.json(); })
      .then((data) => {
        let added = 0;
        for (const ev of data.events) {
          if (!seen.has(ev.event_id)) { seen.add(ev.event_id); items.push(ev); added++; }
        }
        if (added === 0) exhausted = true;
        updateCounts(data.counts);
      })
      .catch((e) => message(e.message, true))
      .finally(() => { loading = null; });
    return loading;
  }

  function updateCounts(counts) {
    if (!counts) return;
    for (const [k, v] of Object.entries(counts)) {
      const el = document.querySelector('#counts b[data-status="' + k + '"]');
      if (el) el.textContent = v;
    }
  }
  function bump(status, delta) {
    const el = document.querySelector('#counts b[data-status="' + status + '"]');
    if (el) el.textContent = String(Math.max(0, parseInt(el.textContent, 10) + delta));
  }

  function show() {
    const ev = items[pos];
    $("card").hidden = !ev;
    $("q-empty").hidden = !!ev;
    if (!ev) {
      root.dataset.current = "";
      if (!exhausted) { const p = fetchMore(); if (p) p.then(() => { if (items[pos]) show(); }); }
      return;
    }
    root.dataset.current = ev.event_id;
    $("c-sub").textContent = ev.sub_event_type;
    $("c-type").textContent = ev.event_type;
    $("c-status").textContent = ev.review_status;
    $("c-status").className = "badge status-" + ev.review_status;
    $("c-flags").textContent = "";
    for (const f of ev.flags || []) {
      const span = document.createElement("span");
      span.className = "flag";
      span.textContent = f;
      $("c-flags").append(span, " ");
    }
    // Why this event comes now (the queue's order, store/review.py NEED_SQL).
    const why = [];
    if ((ev.flags || []).length) why.push("flagged");
    if (ev.latitude === null || ev.latitude === undefined) why.push("no place");
    if (!ev.event_date) why.push("no date");
    if (ev.certainty === "claimed" || ev.certainty === "unconfirmed") why.push(ev.certainty);
    if (ev.confidence < 0.5) why.push("low confidence");
    $("c-why").textContent = why.length ? "needs review: " + why.join(", ") : "";
    $("c-pos").textContent = (pos + 1) + " of " + items.length + (exhausted ? "" : "+");
    $("c-date").textContent = ev.event_date || "unresolved";
    $("c-actor1").textContent = ev.actor1 || "";
    $("c-actor2").textContent = ev.actor2 || "";
    $("c-location").textContent = [ev.location, ev.admin1, ev.country].filter(Boolean).join(", ") || "unresolved";
    $("c-fatalities").textContent = ev.fatalities;
    $("c-certainty").textContent = ev.certainty;
    $("c-confidence").textContent = Number(ev.confidence).toFixed(2);
    $("c-before").textContent = ev.excerpt.before;
    $("c-evidence").textContent = ev.excerpt.evidence;
    $("c-after").textContent = ev.excerpt.after;
    $("c-link").href = "/events/" + encodeURIComponent(ev.event_id) + "?next=" + encodeURIComponent("/queue" + (query ? "?" + query : ""));
    if (items.length - pos < 10) fetchMore();
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    }).then((r) => r.json().catch(() => ({})).then((data) => {
      if (!r.ok) throw new Error(data.error || data.detail || ("saving failed (" + r.status + ")"));
      return data;
    }));
  }

  function decide(status) {
    const ev = items[pos];
    if (!ev) return;
    if (!canReview) { message("You have the viewer role: you can look, not decide.", true); return; }
    const index = pos, before = ev.version, oldStatus = ev.review_status;
    ev.review_status = status; ev._decided = true;
    bump(oldStatus, -1); bump(status, +1);
    pos = Math.min(pos + 1, items.length);
    show();
    message(status === "accepted" ? "accepted" : "rejected");
    // The undo entry exists at once, so `u` pressed before the save returns still undoes this decision.
    const saved = post("/review/" + encodeURIComponent(ev.event_id) + "/status", { status: status, version: before })
      .then((data) => { ev.version = data.version; return true; })
      .catch((e) => {
        ev.review_status = oldStatus; ev._decided = false;
        bump(status, -1); bump(oldStatus, +1);
        pos = index; show(); message(e.message, true);
        return false;
      });
    undo.push({ index: index, ev: ev, before: before, oldStatus: oldStatus, saved: saved });
  }

  function undoLast() {
    const last = undo.pop();
    if (!last) { message("nothing to undo"); return; }
    const ev = last.ev;
    last.saved.then((ok) => {
      if (!ok) return;  // the decision never reached the server: nothing to undo
      return post("/review/" + encodeURIComponent(ev.event_id) + "/revert", { to_version: last.before, version: ev.version })
        .then((data) => {
          bump(ev.review_status, -1); bump(last.oldStatus, +1);
          ev.version = data.version; ev.review_status = last.oldStatus; ev._decided = false;
          pos = last.index; show(); message("undone");
        })
        .catch((e) => { undo.push(last); message(e.message, true); });
    });
  }

  document.addEventListener("keydown", (e) => {
    if (e.target.closest && e.target.closest("input, select, textarea")) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const ev = items[pos];
    switch (e.key) {
      case "a": decide("accepted"); break;
      case "x": decide("rejected"); break;
      case " ": e.preventDefault(); if (ev) { pos++; show(); message("skipped"); } break;
      case "j": if (pos < items.length) { pos++; show(); } break;
      case "k": if (pos > 0) { pos--; show(); } break;
      case "u": undoLast(); break;
      case "e": if (ev) window.location.href = $("c-link").href; break;
      default: return;
    }
  });

  fetchMore().then(show);
})();
