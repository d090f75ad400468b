// Map and timeline. Points come as column arrays (/review/points.json, same filter as the page URL);
// they are grouped on a pixel grid per zoom; the timeline histogram's brush narrows map, count and list, and the
// brush is kept in the URL (?brush=FROM..TO) with the filters, so a view can be shared.
(function () {
  "use strict";
  const TYPES = ["Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
    "Strategic developments"];
  const COLORS = ["#d7301f", "#f28e2b", "#7b3294", "#2c7bb6", "#1a9850", "#6f6f6f"];
  const DAY = 86400000;
  const root = document.getElementById("map");
  const query = root.dataset.query || "";
  const url = new URL(window.location.href);
  const map = window.evxBasemap("map", { center: [25, 30], zoom: 3 });
  const layer = L.layerGroup().addTo(map);
  const countEl = document.getElementById("map-count");
  let P = null;            // the columns
  let day = null;          // day number per point (NaN when undated)
  let typeIdx = null;
  let brush = null;        // [fromDay, toDay] inclusive, or null
  // Grid clustering: events falling in the same 60-pixel cell at the current zoom become one marker at
  // their centroid. One pass over typed arrays: about 30 ms for 100,000 events, where supercluster's
  // index took 600 ms for a single zoom level. Low zooms (the whole set in view) are cached per level;
  // from zoom 8 on only the events near the view are grouped.
  let shown = [];          // indices of the points on the map
  const CELL = 60;
  const perZoom = new Map();
  function clusterAt(z, bounds) {
    const cached = !bounds && perZoom.get(z);
    if (cached) return cached;
    const scale = (256 * Math.pow(2, z)) / CELL;
    const cells = new Map();
    for (const i of shown) {
      const la = P.lat[i], lo = P.lon[i];
      if (bounds && (la < bounds[1] || la > bounds[3] || lo < bounds[0] || lo > bounds[2])) continue;
      const sin = Math.sin((la * Math.PI) / 180);
      const x = Math.floor(((lo + 180) / 360) * scale);
      const y = Math.floor((0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * scale);
      const key = x * 4194304 + y;
      let c = cells.get(key);
      if (!c) { c = { n: 0, lat: 0, lon: 0, f: 0, t: [0, 0, 0, 0, 0, 0], i: i }; cells.set(key, c); }
      c.n++; c.lat += la; c.lon += lo; c.f += P.fat[i]; c.t[typeIdx[i]]++;
    }
    const out = Array.from(cells.values());
    if (!bounds) perZoom.set(z, out);
    return out;
  }

  const legend = document.getElementById("legend");
  TYPES.forEach((t, i) => {
    const s = document.createElement("span");
    s.className = "key";
    const dot = document.createElement("i");
    dot.style.background = COLORS[i];
    s.append(dot, t);
    legend.append(s);
  });

  const toDay = (iso) => Math.floor(Date.parse(iso + "T00:00:00Z") / DAY);
  const fromDay = (d) => new Date(d * DAY).toISOString().slice(0, 10);

  function buildIndex() {
    shown = [];
    for (let i = 0; i < P.id.length; i++) {
      if (brush && !(day[i] >= brush[0] && day[i] <= brush[1])) continue;
      shown.push(i);
    }
    perZoom.clear();
    countEl.textContent = shown.length.toLocaleString("en") + " events on the map" +
      (brush ? " (" + fromDay(brush[0]) + " to " + fromDay(brush[1]) + ")" : "");
    countEl.dataset.count = String(shown.length);
  }

  function icon(count, color, size, cls) {
    return L.divIcon({ className: "evx-marker " + cls, iconSize: [size, size],
      html: '<div style="background:' + color + ';width:' + size + "px;height:" + size + 'px">' +
        (count > 1 ? String(count) : "") + "</div>" });
  }

  const briefs = new Map();  // event id -> {sub_event_type, location, ...}, fetched for what is shown
  function brief(ids) {
    const missing = ids.filter((id) => !briefs.has(id));
    if (!missing.length) return Promise.resolve();
    const q = new URLSearchParams();
    missing.forEach((id) => q.append("id", id));
    return fetch("/review/brief.json?" + q.toString(), { credentials: "same-origin" }).then((r) => r.json())
      .then((data) => { for (const [id, b] of Object.entries(data)) briefs.set(id, b); });
  }

  function popup(i) {
    const div = document.createElement("div");
    const a = document.createElement("a");
    a.href = "/events/" + encodeURIComponent(P.id[i]);
    a.textContent = P.types[P.type[i]];
    const line = document.createElement("span");
    line.textContent = (isNaN(day[i]) ? "undated" : fromDay(day[i])) + " · " + P.fat[i] + " fatalities";
    div.append(a, document.createElement("br"), line);
    brief([P.id[i]]).then(() => {
      const b = briefs.get(P.id[i]);
      if (!b) return;
      a.textContent = b.sub_event_type;
      line.textContent += " · " + [b.location, b.admin1, b.country].filter(Boolean).join(", ") + " · " + b.review_status;
    });
    return div;
  }

  function render() {
    if (!P) return;
    const tr0 = performance.now();
    layer.clearLayers();
    const z = Math.round(map.getZoom());
    const b = map.getBounds().pad(0.5);
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    for (const c of clusterAt(z, z >= 8 ? bbox : null)) {
      const lat = c.lat / c.n, lon = c.lon / c.n;
      if (lat < bbox[1] || lat > bbox[3] || lon < bbox[0] || lon > bbox[2]) continue;
      let m;
      if (c.n > 1) {
        const top = c.t.indexOf(Math.max.apply(null, c.t));
        // Sized by fatalities (log scale: 0 -> 22 px, 10 -> 31 px, 1,000 -> 49 px); the count is the label.
        const size = Math.round(22 + 9 * Math.log10(1 + c.f));
        m = L.marker([lat, lon], { icon: icon(c.n, COLORS[top], size, "cluster"), keyboard: false,
          title: c.n + " events, " + c.f + " fatalities" });
        m.on("click", () => map.setView([lat, lon], Math.min(z + 2, 12)));
      } else {
        const i = c.i;
        const size = Math.round(Math.min(34, 10 + 4 * Math.sqrt(P.fat[i])));
        m = L.marker([lat, lon], { icon: icon(1, COLORS[typeIdx[i]], size, "single"), keyboard: false });
        m.bindPopup(() => popup(i));
      }
      m.addTo(layer);
      const el = m.getElement();
      if (el) el.dataset.count = String(c.n);
    }
    root.dataset.renderMs = String(Math.round(performance.now() - tr0));
  }

  let listToken = 0;
  function renderList() {
    const tbody = document.querySelector("#map-list tbody");
    tbody.textContent = "";
    // Newest first; undated last.
    const key = (i) => (isNaN(day[i]) ? -Infinity : day[i]);
    const rows = shown.slice().sort((a, b) => key(b) - key(a)).slice(0, 200);
    const cells = [];
    for (const i of rows) {
      const tr = document.createElement("tr");
      tr.dataset.eventId = P.id[i];
      const tds = [0, 1, 2, 3, 4].map(() => document.createElement("td"));
      const a = document.createElement("a");
      a.href = "/events/" + encodeURIComponent(P.id[i]);
      a.textContent = P.types[P.type[i]];
      tds[0].textContent = isNaN(day[i]) ? "?" : fromDay(day[i]);
      tds[1].append(a);
      tds[3].textContent = String(P.fat[i]);
      tr.append(...tds);
      tbody.append(tr);
      cells.push([P.id[i], a, tds[2], tds[4]]);
    }
    document.getElementById("map-list-more").textContent =
      shown.length > rows.length ? "first " + rows.length + " of " + shown.length.toLocaleString("en") + " listed" : "";
    const token = ++listToken;
    brief(rows.map((i) => P.id[i])).then(() => {
      if (token !== listToken) return;  // the brush moved on meanwhile
      for (const [id, a, loc, status] of cells) {
        const b = briefs.get(id);
        if (!b) continue;
        a.textContent = b.sub_event_type;
        loc.textContent = [b.location, b.country].filter(Boolean).join(", ");
        status.textContent = b.review_status;
      }
    });
  }

  // --- timeline -----------------------------------------------------------------------------------
  const tl = document.getElementById("timeline");
  const SVG = "http://www.w3.org/2000/svg";
  let scale = null;
  function drawTimeline() {
    tl.textContent = "";
    const dated = day.filter((d) => !isNaN(d));
    if (!dated.length) { tl.textContent = "no dated events"; return; }
    let lo = Infinity, hi = -Infinity;
    for (const d of dated) { if (d < lo) lo = d; if (d > hi) hi = d; }
    const width = tl.clientWidth || 800, height = 90, pad = 4;
    const span = hi - lo + 1;
    const binDays = span <= 200 ? 1 : span <= 1400 ? 7 : 30;
    const nb = Math.ceil(span / binDays);
    const bins = new Array(nb).fill(0);
    for (const d of dated) bins[Math.floor((d - lo) / binDays)]++;
    const max = Math.max.apply(null, bins);
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", width);
    svg.setAttribute("height", height + 16);
    const bw = (width - 2 * pad) / nb;
    bins.forEach((n, k) => {
      if (!n) return;
      const r = document.createElementNS(SVG, "rect");
      const h = Math.max(1, (n / max) * height);
      r.setAttribute("x", pad + k * bw);
      r.setAttribute("y", height - h);
      r.setAttribute("width", Math.max(1, bw - 1));
      r.setAttribute("height", h);
      r.setAttribute("class", "bar");
      svg.append(r);
    });
    for (const [x, t, anchor] of [[pad, fromDay(lo), "start"], [width - pad, fromDay(hi), "end"]]) {
      const label = document.createElementNS(SVG, "text");
      label.setAttribute("x", x);
      label.setAttribute("y", height + 13);
      label.setAttribute("text-anchor", anchor);
      label.textContent = t;
      svg.append(label);
    }
    const sel = document.createElementNS(SVG, "rect");
    sel.setAttribute("class", "brush");
    sel.setAttribute("y", 0);
    sel.setAttribute("height", height);
    svg.append(sel);
    tl.append(svg);
    scale = { lo: lo, hi: hi, pad: pad, width: width, sel: sel,
      toDay: (x) => Math.max(lo, Math.min(hi, Math.round(lo + ((x - pad) / (width - 2 * pad)) * span))),
      toX: (d) => pad + ((d - lo) / span) * (width - 2 * pad) };
    showBrush();
    let start = null;
    svg.addEventListener("mousedown", (e) => { start = e.offsetX; e.preventDefault(); });
    svg.addEventListener("mousemove", (e) => {
      if (start === null) return;
      const a = Math.min(start, e.offsetX), b = Math.max(start, e.offsetX);
      sel.setAttribute("x", a);
      sel.setAttribute("width", Math.max(1, b - a));
    });
    const finish = (e) => {
      if (start === null) return;
      const a = Math.min(start, e.offsetX), b = Math.max(start, e.offsetX);
      start = null;
      if (b - a < 3) { setBrush(null); return; }
      setBrush([scale.toDay(a), scale.toDay(b)]);
    };
    svg.addEventListener("mouseup", finish);
    svg.addEventListener("mouseleave", (e) => { if (start !== null) finish(e); });
  }
  function showBrush() {
    if (!scale) return;
    if (!brush) { scale.sel.setAttribute("width", 0); return; }
    const a = scale.toX(brush[0]), b = scale.toX(brush[1] + 1);
    scale.sel.setAttribute("x", a);
    scale.sel.setAttribute("width", Math.max(1, b - a));
  }
  function setBrush(range) {
    brush = range;
    document.getElementById("brush-clear").hidden = !brush;
    const u = new URL(window.location.href);
    if (brush) u.searchParams.set("brush", fromDay(brush[0]) + ".." + fromDay(brush[1]));
    else u.searchParams.delete("brush");
    history.replaceState(null, "", u.toString());
    showBrush();
    buildIndex();
    render();
    renderList();
  }
  document.getElementById("brush-clear").addEventListener("click", () => setBrush(null));

  map.on("moveend", render);
  const t0 = performance.now();
  fetch("/review/points.json" + (query ? "?" + query : ""), { credentials: "same-origin" })
    .then((r) => { if (!r.ok) throw new Error("the events did not load (" + r.status + ")"); return r.json(); })
    .then((cols) => {
      P = cols;
      const tFetched = performance.now();
      const n = P.id.length;
      day = new Float64Array(n);
      typeIdx = Uint8Array.from(P.type);
      for (let i = 0; i < n; i++) day[i] = P.day[i] === null ? NaN : P.day[i];
      const b = url.searchParams.get("brush");
      const m = b && /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(b);
      brush = m ? [toDay(m[1]), toDay(m[2])] : null;
      document.getElementById("brush-clear").hidden = !brush;
      buildIndex();
      root.dataset.buildMs = String(Math.round(performance.now() - tFetched));
      if (n) {
        let s = 90, w = 180, no = -90, e = -180;
        for (let i = 0; i < n; i++) { if (P.lat[i] < s) s = P.lat[i]; if (P.lat[i] > no) no = P.lat[i]; if (P.lon[i] < w) w = P.lon[i]; if (P.lon[i] > e) e = P.lon[i]; }
        map.fitBounds([[s, w], [no, e]], { padding: [30, 30], maxZoom: 8, animate: false });
      }
      const tIndexed = performance.now();
      render();
      drawTimeline();
      renderList();
      const tDone = performance.now();
      root.dataset.fetchMs = String(Math.round(tFetched - t0));
      root.dataset.indexMs = String(Math.round(tIndexed - tFetched));
      root.dataset.drawMs = String(Math.round(tDone - tIndexed));
      root.dataset.ready = "yes";
    })
    .catch((e) => { countEl.textContent = e.message; countEl.className = "error"; });
})();
