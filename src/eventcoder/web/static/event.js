// Event page: hover a field to see its span in the document; actor autocomplete; gazetteer place search
// and click-to-place on the map. All text goes in through textContent, never as HTML.
(function () {
  "use strict";
  const doc = document.getElementById("document");
  if (doc) {
    const body = doc.textContent;
    const evStart = +doc.dataset.start, evEnd = +doc.dataset.end;
    const render = (start, end, cls) => {
      doc.textContent = "";
      doc.append(body.slice(0, start));
      const m = document.createElement("mark");
      m.className = cls;
      m.textContent = body.slice(start, end);
      doc.append(m, body.slice(end));
      return m;
    };
    document.querySelectorAll("#fields tr.has-span").forEach((tr) => {
      tr.addEventListener("mouseenter", () => render(+tr.dataset.start, +tr.dataset.end, "field-span").scrollIntoView({ block: "nearest" }));
      tr.addEventListener("mouseleave", () => render(evStart, evEnd, "evidence"));
    });
  }

  const form = document.getElementById("edit");
  if (!form) return;
  const list = document.getElementById("actor-list");
  let timer = null;
  form.querySelectorAll("input.actor").forEach((input) => input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) return;
    timer = setTimeout(() => fetch("/review/actors?q=" + encodeURIComponent(q)).then((r) => r.json()).then((data) => {
      list.textContent = "";
      for (const name of data.actors || []) {
        const o = document.createElement("option");
        o.value = name;
        list.append(o);
      }
    }), 150);
  }));

  const field = (name) => form.elements[name];
  const lat0 = parseFloat(field("latitude").value), lon0 = parseFloat(field("longitude").value);
  const has = !isNaN(lat0) && !isNaN(lon0);
  const map = window.evxBasemap("place-map", { center: has ? [lat0, lon0] : [20, 20], zoom: has ? 6 : 2 });
  const marker = L.marker(has ? [lat0, lon0] : [0, 0], { draggable: true, keyboard: false });
  if (has) marker.addTo(map);
  const place = (lat, lon) => {
    field("latitude").value = lat.toFixed(4);
    field("longitude").value = lon.toFixed(4);
    marker.setLatLng([lat, lon]).addTo(map);
  };
  map.on("click", (e) => { place(e.latlng.lat, e.latlng.lng); field("geonameid").value = ""; });
  marker.on("dragend", () => { const p = marker.getLatLng(); place(p.lat, p.lng); field("geonameid").value = ""; });

  const q = document.getElementById("place-q");
  const results = document.getElementById("place-results");
  const msg = document.getElementById("place-message");
  let ptimer = null;
  const search = () => {
    const text = q.value.trim();
    if (text.length < 2) { results.textContent = ""; return; }
    fetch("/review/places?q=" + encodeURIComponent(text)).then((r) => r.json()).then((data) => {
      results.textContent = "";
      msg.textContent = data.error || (data.places.length ? "" : "no place found");
      for (const p of data.places) {
        const li = document.createElement("li");
        const b = document.createElement("button");
        b.type = "button";
        b.className = "place-hit";
        b.textContent = [p.location || p.name, p.admin1, p.country].filter(Boolean).join(", ") +
          (p.latitude != null ? " (" + Number(p.latitude).toFixed(2) + ", " + Number(p.longitude).toFixed(2) + ")" : "");
        b.addEventListener("click", () => {
          field("location").value = p.location || p.name || "";
          field("admin1").value = p.admin1 || "";
          field("admin2").value = p.admin2 || "";
          field("country").value = p.country || "";
          field("iso").value = p.iso != null ? p.iso : "";
          field("geonameid").value = p.geonameid != null ? p.geonameid : "";
          if (p.geo_precision) field("geo_precision").value = String(p.geo_precision);
          if (p.latitude != null) { place(+p.latitude, +p.longitude); map.setView([+p.latitude, +p.longitude], 7); }
          results.textContent = "";
        });
        li.append(b);
        results.append(li);
      }
    });
  };
  q.addEventListener("input", () => { clearTimeout(ptimer); ptimer = setTimeout(search, 200); });
  q.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); search(); } });
})();
