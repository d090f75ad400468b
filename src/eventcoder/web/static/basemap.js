// A Leaflet map over the vendored Natural Earth shapes: countries always, a country's admin-1 regions
// once it is in view at zoom 5 or more. No tile server: every request goes to this app.
window.evxBasemap = function (elementId, options) {
  "use strict";
  const map = L.map(elementId, Object.assign({ worldCopyJump: false, minZoom: 2, maxZoom: 12, preferCanvas: false,
    attributionControl: true }, options || {}));
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth · Leaflet");
  map.createPane("shapes").style.zIndex = 200;
  // Canvas, not SVG: 240 countries and their admin-1 regions as DOM paths cost the map's first paint
  // several hundred milliseconds.
  const renderer = L.canvas({ pane: "shapes", padding: 0.2 });
  const countryStyle = { pane: "shapes", renderer: renderer, color: "#8a95a8", weight: 0.8, fillColor: "#f4f1ea", fillOpacity: 1 };
  const admin1Style = { pane: "shapes", renderer: renderer, color: "#b7bfcc", weight: 0.6, dashArray: "2 3", fill: false, interactive: false };
  const t0 = performance.now();
  const ready = fetch("/static/vendor/geo/countries-50m.json").then((r) => r.json()).then((topo) => {
    map.shapes = L.geoJSON(topojson.feature(topo, topo.objects.countries), {
      style: countryStyle,
      onEachFeature: (f, layer) => { if (f.properties && f.properties.name) layer.bindTooltip(f.properties.name, { sticky: true }); },
    }).addTo(map);
    map.getContainer().dataset.shapesMs = String(Math.round(performance.now() - t0));
    map.getContainer().dataset.shapes = String(map.shapes.getLayers().length);
  });
  let index = null;
  const loaded = {};
  function loadAdmin1() {
    if (map.getZoom() < 5) return;
    const b = map.getBounds();
    const go = (idx) => {
      for (const [iso3, info] of Object.entries(idx)) {
        const [x0, y0, x1, y1] = info.bbox;
        if (loaded[iso3] || x1 < b.getWest() || x0 > b.getEast() || y1 < b.getSouth() || y0 > b.getNorth()) continue;
        loaded[iso3] = fetch("/static/vendor/geo/admin1/" + iso3 + ".json").then((r) => r.json()).then((topo) => {
          L.geoJSON(topojson.feature(topo, topo.objects[info.object]), {
            style: admin1Style,
          }).addTo(map);
        });
      }
    };
    if (index) go(index);
    else fetch("/static/vendor/geo/admin1/index.json").then((r) => r.json()).then((idx) => { index = idx; go(idx); });
  }
  map.on("moveend", loadAdmin1);
  map.evxReady = ready;
  return map;
};
