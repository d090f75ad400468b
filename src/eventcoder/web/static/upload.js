// The upload page: poll the job's status until it is done or failed, and show its counts and documents.
// Text only (textContent), never HTML: titles and problems come from the uploaded documents.
(function () {
  "use strict";
  const root = document.getElementById("upload-result");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  let delay = 500;

  function item(d) {
    const li = document.createElement("li");
    let head = (d.title || d.doc_id);
    if (d.given_id) head += " (given id " + d.given_id + ", stored as " + d.doc_id + ")";
    li.appendChild(document.createTextNode(head + ": " + d.events.length + " events "));
    for (const id of d.events) {
      const a = document.createElement("a");
      a.href = "/events/" + encodeURIComponent(id);
      a.textContent = id;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
    }
    for (const p of d.problems) {
      li.appendChild(document.createElement("br"));
      const s = document.createElement("small");
      s.className = "error";
      s.textContent = p;
      li.appendChild(s);
    }
    return li;
  }

  function show(job) {
    root.dataset.state = job.state;
    $("job-state").textContent = job.state;
    $("job-state").className = "state-" + job.state;
    $("job-processed").textContent = job.processed;
    $("job-documents").textContent = job.documents;
    $("job-events").textContent = job.events;
    $("job-error").textContent = job.error || "";
    $("job-error").hidden = !job.error;
    const list = $("job-documents-list");
    while (list.children.length < job.results.length) list.appendChild(item(job.results[list.children.length]));
  }

  function poll() {
    fetch(root.dataset.statusUrl, { credentials: "same-origin", cache: "no-store" })
      .then((r) => { if (!r.ok) throw new Error("status " + r.status); return r.json(); })
      .then((job) => {
        show(job);
        if (job.state === "queued" || job.state === "running") {
          delay = Math.min(delay * 1.5, 3000);
          setTimeout(poll, delay);
        }
      })
      .catch((e) => { $("job-error").textContent = "the status did not load (" + e.message + "): reload the page"; $("job-error").hidden = false; });
  }

  if (root.dataset.state === "queued" || root.dataset.state === "running") setTimeout(poll, delay);
})();
