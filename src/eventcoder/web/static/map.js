// Map and timeline. Points come as column arrays (/review/points.json, same filter as the page URL);
// supercluster groups them per zoom; the timeline histogram's brush narrows map, count and list, and the
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
  let index = null;
  let shown = [];          // indices of the points on the map

  const legend = document.getElementById("legend");
  TYPES.forEach((t, i) => {
    const s = document.createElement("span");
    s.className = "key";
    const dot = document.createElement("i");
    dot.style.background = COLORS[i];
    s.append(dot, t);
    legend.append(s);
  });

  const toDay = (iso) => (iso ? Math.floor(Date.parse(iso + "T00:00:00Z") / DAY) : NaN);
  const fromDay = (d) => new Date(d * DAY).toISOString().slice(0, 10);

  function buildIndex() {
    shown = [];
    for (let i = 0; i < P.id.length; i++) {
      if (brush && !(day[i] >= brush[0] && day[i] <= brush[1])) continue;
      shown.push(i);
    }
    const features = shown.map((i) => ({ type: "Feature", properties: { i: i },
      geometry: { type: "Point", coordinates: [P.lon[i], P.lat[i]] } }));
    index = new Supercluster({
      radius: 50, maxZoom: 11,
      map: (p) => { const c = [0, 0, 0, 0, 0, 0]; c[typeIdx[p.i]] = 1; return { f: P.fat[p.i], c: c }; },
      reduce: (a, b) => { a.f += b.f; for (let k = 0; k < 6; k++) a.c[k] += b.c[k]; },
    }).load(features);
    countEl.textContent = shown.length.toLocaleString("en") + " events on the map" +
      (brush ? " (" + fromDay(brush[0]) + " to " + fromDay(brush[1]) + ")" : "");
    countEl.dataset.count = String(shown.length);
  }

  function icon(count, color, size, cls) {
    return L.divIcon({ className: "evx-marker " + cls, iconSize: [size, size],
      html: '<div style="background:' + color + ';width:' + size + "px;height:" + size + 'px">' +
        (count > 1 ? String(count) : "") + "</div>" });
  }

  function popup(i) {
    const div = document.createElement("div");
    const a = document.createElement("a");
    a.href = "/events/" + encodeURIComponent(P.id[i]);
    a.textContent = P.sub[i] || P.type[i];
    div.append(a, document.createElement("br"), (P.date[i] || "undated") + " · " + (P.loc[i] || "") +
      " · " + P.fat[i] + " fatalities · " + P.status[i]);
    return div;
  }

  function render() {
    if (!index) return;
    layer.clearLayers();
    const b = map.getBounds().pad(0.5);
    const bbox = [Math.max(-180, b.getWest()), Math.max(-85, b.getSouth()), Math.min(180, b.getEast()), Math.min(85, b.getNorth())];
    for (const c of index.getClusters(bbox, Math.round(map.getZoom()))) {
      const [lon, lat] = c.geometry.coordinates;
      let m;
      if (c.properties.cluster) {
        const n = c.properties.point_count, cnt = c.properties.c;
        const top = cnt.indexOf(Math.max.apply(null, cnt));
        const size = Math.round(22 + 9 * Math.log10(n));
        m = L.marker([lat, lon], { icon: icon(n, COLORS[top], size, "cluster"), keyboard: false,
          title: n + " events, " + c.properties.f + " fatalities" });
        m.on("click", () => map.setView([lat, lon], Math.min(index.getClusterExpansionZoom(c.properties.cluster_id), 12)));
        m.options.evxCount = n;
      } else {
        const i = c.properties.i;
        const size = Math.round(Math.min(34, 10 + 4 * Math.sqrt(P.fat[i])));
        m = L.marker([lat, lon], { icon: icon(1, COLORS[typeIdx[i]], size, "single"), keyboard: false });
        m.bindPopup(() => popup(i));
        m.options.evxCount = 1;
      }
      m.addTo(layer);
      const el = m.getElement();
      if (el) el.dataset.count = String(m.options.evxCount);
    }
  }

  function renderList() {
    const tbody = document.querySelector("#map-list tbody");
    tbody.textContent = "";
    const rows = shown.slice().sort((a, b) => (P.date[b] || "").localeCompare(P.date[a] || "")).slice(0, 200);
    for (const i of rows) {
      const tr = document.createElement("tr");
      tr.dataset.eventId = P.id[i];
      const cells = [P.date[i] || "?", P.sub[i], P.loc[i], String(P.fat[i]), P.status[i]];
      cells.forEach((text, k) => {
        const td = document.createElement("td");
        if (k === 1) {
          const a = document.createElement("a");
          a.href = "/events/" + encodeURIComponent(P.id[i]);
          a.textContent = text;
          td.append(a);
        } else td.textContent = text;
        tr.append(td);
      });
      tbody.append(tr);
    }
    document.getElementById("map-list-more").textContent =
      shown.length > rows.length ? "first " + rows.length + " of " + shown.length.toLocaleString("en") + " listed" : "";
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
      const n = P.id.length;
      day = new Float64Array(n);
      typeIdx = new Uint8Array(n);
      const tIndex = {};
      TYPES.forEach((t, k) => { tIndex[t] = k; });
      for (let i = 0; i < n; i++) { day[i] = toDay(P.date[i]); typeIdx[i] = tIndex[P.type[i]] !== undefined ? tIndex[P.type[i]] : 5; }
      const b = url.searchParams.get("brush");
      const m = b && /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(b);
      brush = m ? [toDay(m[1]), toDay(m[2])] : null;
      document.getElementById("brush-clear").hidden = !brush;
      buildIndex();
      if (n) {
        let s = 90, w = 180, no = -90, e = -180;
        for (let i = 0; i < n; i++) { if (P.lat[i] < s) s = P.lat[i]; if (P.lat[i] > no) no = P.lat[i]; if (P.lon[i] < w) w = P.lon[i]; if (P.lon[i] > e) e = P.lon[i]; }
        map.fitBounds([[s, w], [no, e]], { padding: [30, 30], maxZoom: 8, animate: false });
      }
      render();
      drawTimeline();
      renderList();
      root.dataset.ready = "yes";
      root.dataset.loadMs = String(Math.round(performance.now() - t0));
    })
    .catch((e) => { countEl.textContent = e.message; countEl.className = "error"; });
})();
